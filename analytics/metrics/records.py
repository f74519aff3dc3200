"""Personal records: the fastest time per sport and distance, and how each record progressed.

Pure: stdlib only. Input is one small summary per activity (``ActivityEfforts``) carrying the
best efforts that ``analytics.metrics.efforts.best_efforts`` computed from its streams.

Two kinds of record, keyed by ``RecordKey(sport, kind, distance_m)``:

- ``"effort"``: the fastest best effort at exactly ``distance_m`` inside any activity
  (400 m … marathon by default; whatever keys the summaries carry). ``time_s`` is that effort.
- ``"whole"``: whole activities whose distance lies within ±5 % of a bin distance (a 10.3 km run
  counts in the 10 km bin). Bins of different lengths are compared fairly by ranking on the
  **bin-equivalent time** ``time_s = activity_time_s × distance_m / activity_distance_m`` (the
  activity's average pace held over the bin distance); the activity's own time and distance are
  kept beside it (``activity_time_s``, ``activity_distance_m``). The activity's clock is its
  elapsed time by default, or its moving time (``clock="moving"``).

A record is improved only by a strictly faster time; activities are taken in order of ``day``
and, within a day, in input order, so a tie keeps the earlier holder.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, NamedTuple, TypeGuard

from core.units import METRES_PER_MILE

ActivityId = int | str
RecordKind = Literal["effort", "whole"]
Clock = Literal["elapsed", "moving"]

WHOLE_ACTIVITY_TOLERANCE = 0.05
WHOLE_ACTIVITY_BINS_M: tuple[float, ...] = (
    1000.0,
    METRES_PER_MILE,
    5000.0,
    10000.0,
    21097.5,
    42195.0,
)


@dataclass(frozen=True, slots=True)
class ActivityEfforts:
    """One activity as the record finder needs it: ``best_efforts`` maps metres → seconds
    (None when the activity is shorter), as ``efforts.best_efforts`` returns it."""

    activity_id: ActivityId
    sport: str
    day: date
    distance_m: float
    elapsed_s: float | None = None
    moving_s: float | None = None
    best_efforts: Mapping[float, float | None] = field(default_factory=dict)


class RecordKey(NamedTuple):
    sport: str
    kind: RecordKind
    distance_m: float


@dataclass(frozen=True, slots=True)
class Record:
    """A record holder. ``time_s`` is the ranked time over ``distance_m`` (for a whole
    activity, its bin-equivalent time); ``activity_*`` are the activity's own figures."""

    sport: str
    kind: RecordKind
    distance_m: float
    time_s: float
    activity_id: ActivityId
    day: date
    activity_time_s: float
    activity_distance_m: float


def records_progression(
    activities: Iterable[ActivityEfforts],
    *,
    whole_bins_m: tuple[float, ...] = WHOLE_ACTIVITY_BINS_M,
    tolerance: float = WHOLE_ACTIVITY_TOLERANCE,
    clock: Clock = "elapsed",
) -> dict[RecordKey, list[Record]]:
    """Every time a record was set or improved, per (sport, kind, distance), chronologically.

    The first entry of each list is the first time the distance was covered; each next entry is
    strictly faster than the one before it; the last entry is the current record."""
    ordered = sorted(activities, key=lambda activity: activity.day)  # stable: ties keep order
    progression: dict[RecordKey, list[Record]] = {}
    for activity in ordered:
        candidates = [
            *_effort_candidates(activity),
            *_whole_candidates(activity, whole_bins_m, tolerance, clock),
        ]
        for candidate in candidates:
            key = RecordKey(candidate.sport, candidate.kind, candidate.distance_m)
            history = progression.setdefault(key, [])
            if not history or candidate.time_s < history[-1].time_s:
                history.append(candidate)
    return progression


def personal_records(
    activities: Iterable[ActivityEfforts],
    *,
    whole_bins_m: tuple[float, ...] = WHOLE_ACTIVITY_BINS_M,
    tolerance: float = WHOLE_ACTIVITY_TOLERANCE,
    clock: Clock = "elapsed",
) -> dict[RecordKey, Record]:
    """The current record per (sport, kind, distance): the last entry of its progression."""
    progression = records_progression(
        activities, whole_bins_m=whole_bins_m, tolerance=tolerance, clock=clock
    )
    return {key: history[-1] for key, history in progression.items()}


def _effort_candidates(activity: ActivityEfforts) -> list[Record]:
    return [
        Record(
            sport=activity.sport,
            kind="effort",
            distance_m=float(distance_m),
            time_s=float(time_s),
            activity_id=activity.activity_id,
            day=activity.day,
            activity_time_s=float(time_s),
            activity_distance_m=float(distance_m),
        )
        for distance_m, time_s in activity.best_efforts.items()
        if _positive(time_s)
    ]


def _whole_candidates(
    activity: ActivityEfforts, bins_m: tuple[float, ...], tolerance: float, clock: Clock
) -> list[Record]:
    time_s = activity.elapsed_s if clock == "elapsed" else activity.moving_s
    distance_m = activity.distance_m
    if not _positive(time_s) or not _positive(distance_m):
        return []
    return [
        Record(
            sport=activity.sport,
            kind="whole",
            distance_m=bin_m,
            time_s=time_s * bin_m / distance_m,
            activity_id=activity.activity_id,
            day=activity.day,
            activity_time_s=float(time_s),
            activity_distance_m=float(distance_m),
        )
        for bin_m in bins_m
        if abs(distance_m - bin_m) <= tolerance * bin_m
    ]


def _positive(value: float | None) -> TypeGuard[float]:
    """True for a finite value above zero (NaN, inf, None and 0 are not usable times)."""
    return value is not None and 0.0 < value < float("inf")
