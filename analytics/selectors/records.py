"""Personal records from the stored best efforts and whole activities
(``analytics.metrics.records``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from activities.models import Activity
from analytics.metrics.efforts import BEST_EFFORT_DISTANCES_M
from analytics.metrics.records import (
    WHOLE_ACTIVITY_BINS_M,
    ActivityEfforts,
    Record,
    RecordKey,
)
from analytics.metrics.records import personal_records as records_core
from analytics.metrics.registry import METRICS
from athletes.models import Athlete, User

STANDARD_DISTANCES_M = tuple(sorted({*BEST_EFFORT_DISTANCES_M, *WHOLE_ACTIVITY_BINS_M}))
RECORD_SPORTS = METRICS["best_efforts_s"].sports


@dataclass(frozen=True, slots=True)
class RecordRow:
    """One distance of one sport: the fastest best effort inside any activity and the fastest
    whole activity of that distance (±5 %, ranked on its time over the bin distance)."""

    sport: str
    distance_m: float
    effort: Record | None
    whole: Record | None


@dataclass(frozen=True, slots=True)
class PersonalRecords:
    """Record rows by sport then distance, and the names of the activities holding them."""

    rows: list[RecordRow]
    names: dict[int, str]


def standard_distance(metres: float) -> float:
    """The standard distance a stored key stands for ("1609.34" → 1609.344), else itself."""
    return next((d for d in STANDARD_DISTANCES_M if abs(d - metres) < 0.5), metres)


def personal_records_get(*, viewer: User, athlete: Athlete) -> PersonalRecords:
    """All-time records of the sports that have best efforts (registry), by
    `analytics.metrics.records.personal_records` over the stored best efforts. One query."""
    rows = list(
        Activity.objects.visible_to(viewer)
        .filter(athlete=athlete, sport__in=sorted(RECORD_SPORTS))
        .values_list(*RECORD_COLUMNS)
    )
    found = records_core(_efforts(row) for row in rows)
    keys = sorted({(key.sport, key.distance_m) for key in found})
    return PersonalRecords(
        rows=[
            RecordRow(
                sport=sport,
                distance_m=distance,
                effort=found.get(RecordKey(sport, "effort", distance)),
                whole=found.get(RecordKey(sport, "whole", distance)),
            )
            for sport, distance in keys
        ],
        names={row[0]: row[3] for row in rows},
    )


RECORD_COLUMNS = (
    "id",
    "sport",
    "day",
    "name",
    "distance_m",
    "elapsed_s",
    "moving_s",
    "metrics__best_efforts_s",
)


def _efforts(row: tuple[Any, ...]) -> ActivityEfforts:
    """The record finder's summary of one activity row (RECORD_COLUMNS)."""
    _id, sport, day, _name, distance_m, elapsed_s, moving_s, stored = row
    return ActivityEfforts(
        activity_id=row[0],
        sport=sport,
        day=day,
        distance_m=distance_m or 0.0,
        elapsed_s=elapsed_s,
        moving_s=moving_s,
        best_efforts={standard_distance(float(k)): v for k, v in (stored or {}).items()},
    )
