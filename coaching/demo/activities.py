"""Demo activities: weeks of synthetic recordings for each demo athlete, ingested like real ones.

Each session comes from `coaching.demo.synthetic` (never from the corpus), shaped by the athlete's
profile (runner, trail, cyclist, triathlete) and by the thresholds in force on its day, around a
fixed home point per athlete; interval and tempo sessions follow their structured plan step by
step (`synthetic.planned`), now and then with a rep that fades. Idempotent: every session is a
`SourceRef(device_file, "demo-<email name>-<date>-<n>")`; sessions already stored are not even
generated again, so a second seed is quick and creates nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from activities.models import ActivitySource
from activities.services.ingest import activity_ingest
from activities.types import Outcome, Provider, SourceRef
from athletes.models import Athlete, Thresholds
from athletes.selectors.thresholds import ThresholdValues, rows_in_force, values_from_rows
from coaching.demo.accounts import Person
from coaching.demo.synthetic import Home, Physiology, SessionSpec, demo_schedule, synthetic_activity
from coaching.demo.synthetic.planned import STRUCTURED, PlannedSession
from coaching.selectors.context import workout_thresholds
from coaching.workouts.text import parse
from core.outbox import batched

DEMO_WEEKS = 17  # about four months
# Where each demo athlete lives: a park or a quiet road, its altitude and steepest grade.
HOMES: dict[str, Home] = {
    "Camille": Home(48.8625, 2.2490, 40.0, 0.03),  # Bois de Boulogne, Paris
    "Daniel": Home(51.4430, -0.2620, 30.0, 0.04),  # Richmond Park, London
    "Emma": Home(40.0150, -105.2705, 1650.0, 0.06),  # Boulder
    "Felix": Home(45.8992, 6.1294, 450.0, 0.08),  # Annecy
    "Grace": Home(-33.8915, 151.2767, 30.0, 0.04),  # Bondi, Sydney
    "Hugo": Home(50.8120, 4.3830, 80.0, 0.035),  # Bois de la Cambre, Brussels
    "Isla": Home(41.3126, -73.9890, 200.0, 0.07),  # Bear Mountain, New York
    "Jonas": Home(59.9600, 10.7300, 100.0, 0.05),  # Nordmarka, Oslo
}
DEFAULT_HOME = Home(48.8566, 2.3522, 35.0, 0.03)


@dataclass(frozen=True, slots=True)
class DemoAthlete:
    athlete: Athlete
    person: Person


def demo_external_id(athlete: Athlete, spec: SessionSpec) -> str:
    return f"demo-{athlete.user.email.split('@')[0]}-{spec.day.isoformat()}-{spec.index}"


def _values(rows: Sequence[Thresholds], sport: str, day: dt.date) -> ThresholdValues | None:
    return values_from_rows(rows_in_force(rows, day), sport=sport)


def physiology_on(rows: Sequence[Thresholds], day: dt.date) -> Physiology:
    """The thresholds in force on `day` (the oldest row before the history starts)."""
    run, ride, swim = (_values(rows, sport, day) for sport in ("run", "ride", "swim"))
    hr_max = float((run and run.hr_max_bpm) or 188)
    hr_rest = float((run and run.hr_rest_bpm) or 50)
    lthr = float((run and run.lthr_bpm) or round(hr_max * 0.9))
    return Physiology(
        hr_rest_bpm=hr_rest,
        hr_max_bpm=hr_max,
        lthr_bpm=lthr,
        ride_lthr_bpm=float((ride and ride.lthr_bpm) or lthr - 6),
        threshold_speed_mps=float((run and run.threshold_speed_mps) or 3.8),
        ftp_w=float((ride and ride.ftp_w) or 200),
        css_mps=float((swim and swim.css_mps) or 1.2),
    )


def _plan(athlete: Athlete, spec: SessionSpec) -> PlannedSession | None:
    """The structured steps the session follows, with the thresholds it is judged by."""
    structured = STRUCTURED.get((spec.sport.value, spec.kind))
    if structured is None:
        return None
    name, text = structured
    sport = spec.sport.value
    thresholds = workout_thresholds(athlete=athlete, sport=sport, day=spec.day)
    return PlannedSession(name, parse(text, sport=sport), thresholds)


def _seed_one(demo: DemoAthlete, *, weeks: int, seed: int, today: dt.date) -> int:
    athlete = demo.athlete
    first_day = today - dt.timedelta(weeks=weeks, days=today.weekday())
    specs = demo_schedule(
        demo.person.profile, first_day=first_day, last_day=today - dt.timedelta(days=1), seed=seed
    )
    known = set(
        ActivitySource.objects.filter(
            athlete=athlete, provider=Provider.DEVICE_FILE, external_id__startswith="demo-"
        ).values_list("external_id", flat=True)
    )
    rows = list(Thresholds.objects.filter(athlete=athlete))
    home = HOMES.get(demo.person.first_name, DEFAULT_HOME)
    created = 0
    with transaction.atomic():
        for spec in specs:
            external_id = demo_external_id(athlete, spec)
            if external_id in known:
                continue
            normalized = synthetic_activity(
                spec,
                physiology=physiology_on(rows, spec.day),
                home=home,
                time_zone=athlete.time_zone,
                seed=seed,
                plan=_plan(athlete, spec),
            )
            source = SourceRef(Provider.DEVICE_FILE, external_id, raw={"demo": True})
            _activity, outcome = activity_ingest(
                athlete=athlete, normalized=normalized, source=source
            )
            created += outcome is Outcome.CREATED
    return created


def demo_activities_seed(
    *, athletes: Sequence[DemoAthlete], weeks: int = DEMO_WEEKS, seed: int = 0, today: dt.date
) -> int:
    """Seed `weeks` weeks of activities before `today` for each athlete; returns how many were
    created (0 on a second run). One announcement per athlete (`batched`)."""
    with batched():
        return sum(_seed_one(demo, weeks=weeks, seed=seed, today=today) for demo in athletes)
