"""Helpers of the planner tests: sessions planned through the services, activities done on a
day (with metrics when given), links, steps and logged-in clients."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from activities.models import Activity
from analytics.models import ActivityMetrics
from athletes.models import Athlete, User
from coaching.models import Link, PlannedSession
from coaching.services.linking import link_manual
from coaching.services.sessions import planned_session_create
from coaching.workouts.tree import (
    Duration,
    DurationKind,
    Intent,
    Step,
    Target,
    TargetKind,
    TargetMode,
    Workout,
    to_data,
)

# Thursday 5 March 2026, noon UTC: Monday 2 to Sunday 8 March is "this week" in Paris.
NOW = dt.datetime(2026, 3, 5, 12, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 3, 5)
MONDAY = dt.date(2026, 3, 2)


def day(offset: int) -> dt.date:
    """The day `offset` days after this week's Monday."""
    return MONDAY + dt.timedelta(days=offset)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def htmx_post(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, data or {}, HTTP_HX_REQUEST="true")


def planned(
    athlete: Athlete, on: dt.date, title: str = "Easy run", *, sport: str = "run", **fields: Any
) -> PlannedSession:
    return planned_session_create(
        athlete=athlete, by=None, day=on, sport=sport, title=title, **fields
    )


def done(
    athlete: Athlete,
    on: dt.date,
    *,
    moving_s: float = 3600.0,
    distance_m: float | None = 10000.0,
    sport: str = "run",
    ascent_m: float | None = None,
    load: float | None = None,
    dist_eq_km: float | None = None,
    manual_load: float | None = None,
    name: str = "Morning run",
) -> Activity:
    """An activity started at 7:00 athlete-local on `on`, with metrics when `load` or
    `dist_eq_km` is given."""
    started = dt.datetime.combine(on, dt.time(7), tzinfo=athlete.tz)
    activity = Activity.objects.create(
        athlete=athlete,
        sport=sport,
        started_at=started.astimezone(dt.UTC),
        day=on,
        elapsed_s=moving_s + 60,
        moving_s=moving_s,
        distance_m=distance_m,
        ascent_m=ascent_m,
        manual_load=manual_load,
        name=name,
    )
    if load is not None or dist_eq_km is not None:
        ActivityMetrics.objects.create(
            activity=activity,
            load=load,
            dist_eq_km=dist_eq_km,
            algorithm_version=1,
            computed_at=timezone.now(),
        )
    return activity


def linked(session: PlannedSession, activity: Activity) -> Link:
    return link_manual(session=session, activity=activity, by=None)


def power_steps(watts: float, minutes: float = 60) -> list[dict[str, Any]]:
    """One active step of `minutes` at an absolute power target of `watts`."""
    target = Target(TargetKind.POWER, TargetMode.ABSOLUTE, watts, watts)
    step = Step(Intent.ACTIVE, Duration(DurationKind.TIME, minutes * 60), target)
    return to_data(Workout((step,)))
