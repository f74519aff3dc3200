"""Stored metrics rows built directly (ActivityMetrics, DailyLoad), without the pipeline, for the
tests of the analytics pages and API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from activities.models import Activity
from analytics.models import ActivityMetrics, DailyLoad, PlannedLoad
from athletes.models import Athlete

# Frozen "now" of the page tests: 10:00 UTC is 11:00 in Paris, the cast's time zone.
NOW = dt.datetime(2026, 3, 20, 10, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 3, 20)
DAY = dt.timedelta(days=1)


def activity(
    athlete: Athlete,
    day: dt.date,
    *,
    sport: str = "run",
    distance_m: float | None = 10000.0,
    elapsed_s: float | None = 3000.0,
    name: str = "",
) -> Activity:
    return Activity.objects.create(
        athlete=athlete,
        sport=sport,
        started_at=dt.datetime.combine(day, dt.time(7), tzinfo=dt.UTC),
        day=day,
        distance_m=distance_m,
        elapsed_s=elapsed_s,
        moving_s=elapsed_s,
        name=name,
    )


def metrics(of: Activity, **fields: Any) -> ActivityMetrics:
    """Stored metrics of `of`: every value None / empty unless given."""
    return ActivityMetrics.objects.create(
        activity=of, algorithm_version=1, computed_at=timezone.now(), **fields
    )


def curve(points: dict[int, float]) -> dict[str, float]:
    """A stored mean-max curve: duration (s) → best average, keys as the pipeline writes them."""
    return {str(duration): value for duration, value in points.items()}


def days(
    athlete: Athlete,
    first: dt.date,
    loads: list[float],
    *,
    fitness: list[float] | None = None,
    fatigue: list[float] | None = None,
    form: list[float] | None = None,
) -> list[DailyLoad]:
    """One DailyLoad row per load from `first` on; states default to the day's index."""
    rows = [
        DailyLoad(
            athlete=athlete,
            day=first + n * DAY,
            load=load,
            load_by_source={"tss": load} if load else {},
            fitness=fitness[n] if fitness else float(n),
            fatigue=fatigue[n] if fatigue else float(n),
            form=form[n] if form else 0.0,
        )
        for n, load in enumerate(loads)
    ]
    return DailyLoad.objects.bulk_create(rows)


def planned(athlete: Athlete, loads: dict[dt.date, float]) -> None:
    """The planned load of these days, as coaching hands it over."""
    PlannedLoad.objects.bulk_create(
        PlannedLoad(athlete=athlete, day=day, load=load) for day, load in loads.items()
    )
