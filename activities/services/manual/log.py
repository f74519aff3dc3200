"""The manual log: one session typed by the athlete (or their coach, without the athlete's
journal: RPE and notes), through the ingest."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from activities.models import Activity
from activities.services.ingest import activity_ingest
from activities.types import NormalizedActivity, Outcome, Provider, SourceRef, Streams, Summary
from athletes.models import SPORT_CHOICES, Athlete, User
from athletes.selectors.athletes import athlete_writes_journal
from core.ranges import (
    RPE_CR10,
    SESSION_ASCENT_M,
    SESSION_DISTANCE_M,
    SESSION_DURATION_S,
    SESSION_LOAD,
    Range,
)
from core.sports import Sport

DEFAULT_START = dt.time(12, 0)
SLOT_STEP = dt.timedelta(minutes=5)
SAME_START = dt.timedelta(seconds=60)
MAX_DURATION_S = SESSION_DURATION_S.high


@dataclass(frozen=True, slots=True)
class ManualEntry:
    """What the athlete typed, in SI units."""

    day: dt.date
    sport: Sport
    duration_s: float
    sub_sport: str = ""
    distance_m: float | None = None
    ascent_m: float | None = None
    rpe: int | None = None
    notes: str = ""
    load: float | None = None
    start_time: dt.time | None = None
    name: str = ""

    def summary(self) -> Summary:
        speed = self.distance_m / self.duration_s if self.distance_m else None
        return Summary(
            elapsed_s=self.duration_s,
            moving_s=self.duration_s,
            distance_m=self.distance_m,
            ascent_m=self.ascent_m,
            avg_speed_mps=speed,
        )


_ENTRY_RANGES: dict[str, Range] = {
    "distance_m": SESSION_DISTANCE_M,
    "ascent_m": SESSION_ASCENT_M,
    "load": SESSION_LOAD,
    "rpe": RPE_CR10,
}


def _check(entry: ManualEntry) -> None:
    """Every value within its plausible range (core.ranges); ValueError names the first not."""
    if not SESSION_DURATION_S.contains(entry.duration_s):
        raise ValueError("duration must be between 1 second and 48 hours")
    for name, limits in _ENTRY_RANGES.items():
        value = getattr(entry, name)
        if value is not None and not limits.contains(value):
            raise ValueError(f"{name} must be from {limits.low:g} to {limits.high:g}")


def sport_label(sport: Sport | str) -> str:
    """The sport's name for people ("Run"), in the active language."""
    return str(dict(SPORT_CHOICES).get(str(sport), sport))


def local_start(athlete: Athlete, day: dt.date, start: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, start, tzinfo=athlete.tz).astimezone(dt.UTC)


class Starts:
    """Start times of an athlete's activities, to find a start no other one is near (±60 s)."""

    def __init__(self, starts: Iterable[dt.datetime] = ()) -> None:
        self._by_minute: dict[int, list[dt.datetime]] = defaultdict(list)
        for start in starts:
            self.add(start)

    def add(self, start: dt.datetime) -> None:
        self._by_minute[int(start.timestamp() // 60)].append(start)

    def near(self, start: dt.datetime) -> bool:
        minute = int(start.timestamp() // 60)
        nearby = (o for m in (minute - 1, minute, minute + 1) for o in self._by_minute.get(m, ()))
        return any(abs(other - start) <= SAME_START for other in nearby)

    def free_from(self, start: dt.datetime) -> dt.datetime:
        """`start`, or the next 5-minute step that no stored start is near."""
        while self.near(start):
            start += SLOT_STEP
        return start


def starts_between(athlete: Athlete, first: dt.datetime, last: dt.datetime) -> Starts:
    rows = Activity.objects.filter(athlete=athlete, started_at__gte=first, started_at__lt=last)
    return Starts(rows.values_list("started_at", flat=True))


def _entry_start(athlete: Athlete, entry: ManualEntry) -> dt.datetime:
    """The typed time; without one, 12:00 local or the next free 5-minute slot."""
    if entry.start_time is not None:
        return local_start(athlete, entry.day, entry.start_time)
    noon = local_start(athlete, entry.day, DEFAULT_START)
    taken = starts_between(athlete, noon - SAME_START, noon + dt.timedelta(hours=13))
    return taken.free_from(noon)


def _apply_athlete_values(activity: Activity, entry: ManualEntry) -> None:
    """RPE, notes and load are the athlete's, whichever activity the entry landed on."""
    if entry.rpe is not None:
        activity.rpe = entry.rpe
    if entry.notes:
        activity.notes = f"{activity.notes}\n\n{entry.notes}" if activity.notes else entry.notes
    if entry.load is not None:
        activity.manual_load = entry.load
    activity.save(update_fields=["rpe", "notes", "manual_load", "updated_at"])


def ingest_entry(
    athlete: Athlete,
    entry: ManualEntry,
    *,
    started_at: dt.datetime,
    external_id: str,
    raw: dict[str, Any],
) -> tuple[Activity, Outcome]:
    _check(entry)
    normalized = NormalizedActivity(
        sport=entry.sport,
        sub_sport=entry.sub_sport,
        name=entry.name,
        started_at=started_at,
        streams=Streams.empty(),
        summary=entry.summary(),
    )
    with transaction.atomic():
        activity, outcome = activity_ingest(
            athlete=athlete,
            normalized=normalized,
            source=SourceRef(Provider.MANUAL, external_id=external_id, raw=raw),
        )
        if outcome is not Outcome.SKIPPED:
            _apply_athlete_values(activity, entry)
    return activity, outcome


def manual_activity_log(
    *,
    athlete: Athlete,
    by: User,
    day: dt.date,
    sport: Sport | str,
    duration_s: float,
    distance_m: float | None = None,
    ascent_m: float | None = None,
    rpe: int | None = None,
    notes: str = "",
    load: float | None = None,
    start_time: dt.time | None = None,
    sub_sport: str = "",
    title: str = "",
) -> Activity:
    """Log a session without a recording (SI units); returns the activity it is stored on.

    Usually a new manual activity; when `start_time` matches a recorded activity (±60 s, same
    sport) the entry is merged into it instead (see the module docstring). Without a `title`
    the activity is named after its sport ("Run"), in the language of the request. RPE and
    notes are the athlete's journal: given by anyone else (a coach), PermissionDenied.
    """
    if (rpe is not None or notes) and not athlete_writes_journal(viewer=by, athlete=athlete):
        raise PermissionDenied
    entry = ManualEntry(
        name=(title.strip() or str(sport_label(sport)))[:200],
        day=day,
        sport=Sport(sport),
        duration_s=float(duration_s),
        sub_sport=sub_sport,
        distance_m=distance_m,
        ascent_m=ascent_m,
        rpe=rpe,
        notes=notes,
        load=load,
        start_time=start_time,
    )
    raw = {"form": "manual_log", "logged_by": by.pk}
    activity, _outcome = ingest_entry(
        athlete,
        entry,
        started_at=_entry_start(athlete, entry),
        external_id=uuid.uuid4().hex,
        raw=raw,
    )
    return activity
