"""The fitness chart: stored Fitness / Fatigue / Form day by day, acute:chronic load, the
forecast over planned loads (``analytics.metrics.pmc``), and weekly totals aggregated as the
metrics registry says."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Min

from activities.models import Activity
from analytics.metrics import pmc
from analytics.metrics.registry import METRICS, Aggregation
from analytics.models import DailyLoad
from analytics.selectors.activity import daily_load_list
from analytics.selectors.forecast import Forecast, forecast_get
from athletes.models import Athlete, Thresholds, User
from athletes.selectors.thresholds import own_sport

DAY = dt.timedelta(days=1)
WARM_UP_DAYS = pmc.CHRONIC_DAYS - 1  # days before the range that the 28-day mean needs
NAN = float("nan")


@dataclass(frozen=True, slots=True)
class DayState:
    """Fitness, Fatigue, Form (load points) of a day, its 7/28-day mean loads (points/day),
    ACWR and the ACWR band of ``pmc.acwr_band`` (NaN / "unknown" without 28 days)."""

    day: dt.date
    fitness: float
    fatigue: float
    form: float
    acute: float
    chronic: float
    acwr: float
    band: str


@dataclass(frozen=True, slots=True)
class WeekTotals:
    """One week (Monday first) aggregated as the registry says: load and planned load summed,
    Fitness, Fatigue and Form of its last day."""

    start: dt.date
    load: float
    planned: float
    fitness: float
    fatigue: float
    form: float


@dataclass(frozen=True, slots=True)
class Fitness:
    """Everything the fitness page draws, day by day from ``first`` (contiguous ``days``)."""

    first: dt.date
    today: dt.date
    days: list[dt.date]
    load: list[float]
    planned: list[float]
    fitness: list[float]
    fatigue: list[float]
    form: list[float]
    acute: list[float]
    chronic: list[float]
    acwr: list[float]
    latest: DayState
    forecast: Forecast | None
    weeks: list[WeekTotals]


def fitness_get(
    *, viewer: User, athlete: Athlete, today: dt.date, span_days: int | None
) -> Fitness | None:
    """The fitness chart of the last `span_days` days up to `today` (None: since the first
    row), today's state and the forecast (`analytics.selectors.forecast`: to the next A race,
    else 28 days); None when the athlete has no DailyLoad row up to today. Four queries (five
    with a weekly-volume plan)."""
    first = today - (span_days - 1) * DAY if span_days else None
    since = first - WARM_UP_DAYS * DAY if first else None
    rows = list(daily_load_list(viewer=viewer, athlete=athlete, since=since, until=today))
    past = [row for row in rows if row.day <= today]
    if not past:
        return None
    series = _contiguous(past)
    shown = max(first or past[0].day, past[0].day)
    start = (shown - past[0].day).days
    latest = _state(series, len(series["days"]) - 1)
    ahead = forecast_get(
        viewer=viewer,
        athlete=athlete,
        today=today,
        start=latest.day,
        fitness=latest.fitness,
        fatigue=latest.fatigue,
    )
    visible = {name: values[start:] for name, values in series.items()}
    return Fitness(
        first=shown,
        today=today,
        latest=latest,
        forecast=ahead,
        weeks=_weeks(visible),
        **visible,
    )


@dataclass(frozen=True, slots=True)
class StateNow:
    """The state of an athlete's last day with a row (`latest`) and the change of Fitness,
    Fatigue and Form over `back_days` days before it (None when that day has no value)."""

    latest: DayState
    fitness_change: float | None
    fatigue_change: float | None
    form_change: float | None


def state_now(rows: Sequence[DailyLoad], *, back_days: int = 7) -> StateNow | None:
    """The latest state of these rows (one athlete's, oldest first; with the 27 days before
    for the ACWR) and its change over `back_days`; None without rows. No query."""
    if not rows:
        return None
    series = _contiguous(rows)
    last = len(series["days"]) - 1
    before = last - back_days

    def change(name: str) -> float | None:
        if before < 0 or not math.isfinite(series[name][before]):
            return None
        return float(series[name][last] - series[name][before])

    return StateNow(_state(series, last), change("fitness"), change("fatigue"), change("form"))


def _contiguous(rows: Sequence[DailyLoad]) -> dict[str, list[Any]]:
    """Day-by-day lists from the first row to the last one; a day without a row is a rest day
    (load 0) whose Fitness/Fatigue/Form are unknown (NaN). Adds the 7/28-day mean loads."""
    first, count = rows[0].day, (rows[-1].day - rows[0].day).days + 1
    series: dict[str, list[Any]] = {name: [NAN] * count for name in ("fitness", "fatigue", "form")}
    series["load"], series["planned"] = [0.0] * count, [0.0] * count
    for row in rows:
        index = (row.day - first).days
        series["load"][index], series["planned"][index] = row.load, row.planned_load
        series["fitness"][index], series["fatigue"][index] = row.fitness, row.fatigue
        series["form"][index] = row.form
    ratios = pmc.acute_chronic(np.asarray(series["load"], dtype=np.float64))
    series["acute"], series["chronic"] = ratios.acute.tolist(), ratios.chronic.tolist()
    series["acwr"] = ratios.acwr.tolist()
    series["days"] = [first + n * DAY for n in range(count)]
    return series


def _state(series: dict[str, list[Any]], index: int) -> DayState:
    acwr = float(series["acwr"][index])
    return DayState(
        day=series["days"][index],
        fitness=float(series["fitness"][index]),
        fatigue=float(series["fatigue"][index]),
        form=float(series["form"][index]),
        acute=float(series["acute"][index]),
        chronic=float(series["chronic"][index]),
        acwr=acwr,
        band=str(pmc.acwr_band(acwr)),
    )


WEEK_COLUMNS: dict[str, str] = {  # WeekTotals field → registry key that says how it adds up
    "load": "load",
    "planned": "load",
    "fitness": "fitness",
    "fatigue": "fatigue",
    "form": "form",
}
AGGREGATE: dict[Aggregation, Callable[[list[float]], float]] = {
    Aggregation.SUM: math.fsum,
    Aggregation.MAX: max,
    Aggregation.MIN: min,
    Aggregation.MEAN: lambda values: math.fsum(values) / len(values),
    Aggregation.LAST: lambda values: values[-1],
}


def aggregate(values: Sequence[float], aggregation: Aggregation) -> float:
    """Values of several days combined by a registry aggregation (NaN ignored; NaN if none)."""
    known = [v for v in values if math.isfinite(v)]
    return AGGREGATE[aggregation](known) if known else NAN


def _weeks(series: dict[str, list[Any]]) -> list[WeekTotals]:
    """Weekly totals of the shown days, newest week first."""
    weeks: dict[dt.date, list[int]] = {}
    for index, day in enumerate(series["days"]):
        weeks.setdefault(day - day.weekday() * DAY, []).append(index)
    return [
        WeekTotals(
            start=start,
            **{
                column: aggregate([series[column][i] for i in indexes], METRICS[key].aggregation)
                for column, key in WEEK_COLUMNS.items()
            },
        )
        for start, indexes in sorted(weeks.items(), reverse=True)
    ]


@dataclass(frozen=True, slots=True)
class ThresholdsAssumption:
    """A threshold sport whose loads rest on assumed thresholds: its first row applies before
    `valid_from` to activities from `first_activity_day`, and/or it was `estimated`."""

    sport: str
    valid_from: dt.date
    first_activity_day: dt.date | None
    estimated: bool


def thresholds_assumptions(*, athlete: Athlete) -> list[ThresholdsAssumption]:
    """The sports whose loads use thresholds nobody entered for their days (two queries)."""
    firsts: dict[str, Thresholds] = {}
    for row in Thresholds.objects.filter(athlete=athlete).order_by("valid_from"):
        firsts.setdefault(row.sport, row)
    days: dict[str, dt.date] = {}
    rows = Activity.objects.filter(athlete=athlete).values_list("sport").annotate(first=Min("day"))
    for sport, day in rows:
        key = own_sport(sport)
        days[key] = min(day, days.get(key, day))
    found = []
    for sport, row in sorted(firsts.items()):
        before = days.get(sport) if days.get(sport, row.valid_from) < row.valid_from else None
        if before is not None or row.estimated:
            found.append(ThresholdsAssumption(sport, row.valid_from, before, row.estimated))
    return found
