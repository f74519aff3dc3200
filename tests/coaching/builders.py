"""Rows of the planned-vs-actual tests built directly, with exactly the values the tests sum:
published (or draft) sessions with their estimates, activities with stored metrics."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from activities.models import Activity
from analytics.models import ActivityMetrics
from athletes.models import Athlete
from coaching.models import PlannedSession


def session(
    athlete: Athlete,
    on: dt.date,
    *,
    sport: str = "run",
    hidden: bool = False,
    **estimates: float | None,
) -> PlannedSession:
    """A session on `on` whose `est_*` values are the keyword arguments (`duration_s=…` sets
    `est_duration_s`); the rest unknown."""
    fields = {f"est_{name}": value for name, value in estimates.items()}
    order = PlannedSession.objects.filter(athlete=athlete, day=on).count()
    return PlannedSession.objects.create(
        athlete=athlete,
        day=on,
        order=order,
        sport=sport,
        title=f"{sport} {on}",
        source=PlannedSession.Source.COACH,
        hidden=hidden,
        **fields,
    )


def activity(
    athlete: Athlete,
    on: dt.date,
    *,
    sport: str = "run",
    moving_s: float | None = 3600.0,
    elapsed_s: float | None = 3700.0,
    distance_m: float | None = 10000.0,
    ascent_m: float | None = None,
    manual_load: float | None = None,
    provider: str = "device_file",
    **metrics: Any,
) -> Activity:
    """An activity on the athlete-local day `on` (started at 23:30 local: late, to show that
    the day counted is the athlete's, not UTC's), with stored metrics when any is given
    (`load=`, `trimp=`, `dist_eq_km=`)."""
    started = dt.datetime.combine(on, dt.time(23, 30), tzinfo=athlete.tz)
    activity = Activity.objects.create(
        athlete=athlete,
        sport=sport,
        started_at=started.astimezone(dt.UTC),
        day=on,
        moving_s=moving_s,
        elapsed_s=elapsed_s,
        distance_m=distance_m,
        ascent_m=ascent_m,
        manual_load=manual_load,
        primary_provider=provider,
        name=f"{sport} {on}",
    )
    if metrics:
        ActivityMetrics.objects.create(
            activity=activity, algorithm_version=1, computed_at=timezone.now(), **metrics
        )
    return activity
