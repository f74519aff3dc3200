"""Fitness / Fatigue / Form projected forward: to the next A race (else 28 days), over the
planned loads, and in the weeks without planned sessions (beyond the plan's horizon) over the
race's weekly-volume plan turned into daily load by the athlete's own load per km (or per
hour) — `analytics.metrics.volume`.

Computed on read: a plan change (PlanChanged → `PlannedLoad`), a goal change or a new activity
shows on the next page view without any stored projection to refresh.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from analytics.metrics import pmc, volume
from analytics.models import ActivityMetrics
from analytics.selectors.planned import planned_loads
from athletes.models import Athlete, Goal, User

DAY = dt.timedelta(days=1)
FORECAST_DAYS = 28
CALIBRATION_DAYS = 365  # history the load per km (or hour) is calibrated on
WEEKDAYS_DAYS = 84  # history the usual training weekdays are read from
KM = 1000.0
HOUR = 3600.0


@dataclass(frozen=True, slots=True)
class VolumePlan:
    """The race's weekly volume (``unit`` "km" or "h") and the athlete's load per unit of it;
    ``rate`` None: no calibration (fewer than `volume.MIN_ACTIVITIES` usable activities of the
    sport in the last year), the forecast then counts nothing after the planned days."""

    weekly: float
    unit: str
    sport: str
    rate: volume.LoadRate | None
    weekdays: tuple[int, ...]
    first_day: dt.date | None  # first day projected from it (None: planned weeks up to the race)


@dataclass(frozen=True, slots=True)
class RaceDay:
    """The projection on the day of the next A race (Form: the morning of the race); the
    low/high values are those of the volume plan at its p25/p75 load per unit."""

    goal_id: int
    name: str
    day: dt.date
    fitness: float
    fatigue: float
    form: float
    form_low: float
    form_high: float


@dataclass(frozen=True, slots=True)
class Forecast:
    """Fitness, Fatigue, Form projected over the coming days' load (planned, then the volume
    plan); ``low``/``high``: Form at the volume plan's p25/p75 rate (equal to ``form`` where
    only planned sessions count)."""

    days: list[dt.date]
    planned: list[float]
    volume: list[float]
    fitness: list[float]
    fatigue: list[float]
    form: list[float]
    form_low: list[float]
    form_high: list[float]
    race: RaceDay | None
    plan: VolumePlan | None


def next_a_race(*, viewer: User, athlete: Athlete, today: dt.date) -> Goal | None:
    """The athlete's next A race after today, None without one. One query."""
    goals = Goal.objects.visible_to(viewer).filter(
        athlete=athlete, priority=Goal.Priority.A, race_on__gt=today
    )
    return goals.order_by("race_on", "id").first()


def forecast_get(
    *,
    viewer: User,
    athlete: Athlete,
    today: dt.date,
    start: dt.date,
    fitness: float,
    fatigue: float,
) -> Forecast | None:
    """The projection from the `fitness`/`fatigue` of day `start` (the latest stored day, at
    most `today`) to the next A race (else today + 28 days); None without a race and without
    any planned load. Two queries (three with a volume plan)."""
    race = next_a_race(viewer=viewer, athlete=athlete, today=today)
    horizon = race.race_on if race else today + FORECAST_DAYS * DAY
    # From the current week's Monday: a week whose sessions are all done is still the plan's.
    planned_by_day = planned_loads(athlete=athlete, since=_monday(start + DAY), until=horizon)
    if race is None and not any(load > 0 for d, load in planned_by_day.items() if d > today):
        return None
    days = [start + n * DAY for n in range(1, (horizon - start).days + 1)]
    planned = np.array([planned_by_day.get(day, 0.0) if day > today else 0.0 for day in days])
    # A week (Monday first) with a planned session is the plan's, rest days included; the
    # weeks without any (usually those after the plan's horizon) follow the volume plan — so a
    # coach who plans the taper early does not erase the months of volume before it.
    plan_weeks = {_monday(d) for d, load in planned_by_day.items() if load > 0}
    beyond = np.array([_monday(day) not in plan_weeks for day in days])
    first_volume_day = next((d for d, b in zip(days, beyond, strict=True) if b), None)
    plan = _volume_plan(viewer, athlete, race, today, first_volume_day) if race else None
    loads = {
        name: planned + beyond * _plan_loads(plan, days, name) for name in ("median", "p25", "p75")
    }
    chart = _project(athlete, loads["median"], fitness, fatigue)
    low = _project(athlete, loads["p75"], fitness, fatigue).form  # more load: less Form
    high = _project(athlete, loads["p25"], fitness, fatigue).form
    return Forecast(
        days=days,
        planned=planned.tolist(),
        volume=(loads["median"] - planned).tolist(),
        fitness=chart.fitness.tolist(),
        fatigue=chart.fatigue.tolist(),
        form=chart.form.tolist(),
        form_low=np.minimum(low, high).tolist(),
        form_high=np.maximum(low, high).tolist(),
        race=_race_day(race, chart, low, high),
        plan=plan,
    )


def _monday(day: dt.date) -> dt.date:
    return day - day.weekday() * DAY


def _project(
    athlete: Athlete, loads: np.ndarray, fitness: float, fatigue: float
) -> pmc.FitnessFatigue:
    """`pmc.forecast` from today's values with the athlete's own time constants."""
    return pmc.forecast(
        np.zeros(0),
        loads,
        ctl0=fitness,
        atl0=fatigue,
        ctl_days=athlete.fitness_days,
        atl_days=athlete.fatigue_days,
    )


def _plan_loads(plan: VolumePlan | None, days: list[dt.date], which: str) -> np.ndarray:
    if plan is None or plan.rate is None:
        return np.zeros(len(days))
    rate = getattr(plan.rate, which)
    return volume.volume_plan_loads(
        days, weekly_volume=plan.weekly, rate=rate, weekdays=plan.weekdays
    )


def _race_day(
    race: Goal | None, chart: pmc.FitnessFatigue, low: np.ndarray, high: np.ndarray
) -> RaceDay | None:
    if race is None or not chart.form.size:
        return None
    return RaceDay(
        goal_id=race.id,
        name=race.name,
        day=race.race_on,
        fitness=float(chart.fitness[-1]),
        fatigue=float(chart.fatigue[-1]),
        form=float(chart.form[-1]),
        form_low=float(min(low[-1], high[-1])),
        form_high=float(max(low[-1], high[-1])),
    )


def _volume_plan(
    viewer: User, athlete: Athlete, race: Goal, today: dt.date, first_day: dt.date | None
) -> VolumePlan | None:
    """The race's weekly volume (distance first, else time) calibrated on the athlete's
    activities of the race's sport over the last year; None when the race states none."""
    if race.weekly_distance_m:
        weekly, unit, field, per = race.weekly_distance_m / KM, "km", "distance_m", KM
    elif race.weekly_duration_s:
        weekly, unit, field, per = race.weekly_duration_s / HOUR, "h", "moving_s", HOUR
    else:
        return None
    rows = list(
        ActivityMetrics.objects.visible_to(viewer)
        .filter(
            activity__athlete=athlete,
            activity__sport=race.sport,
            activity__day__range=(today - CALIBRATION_DAYS * DAY, today),
        )
        .values_list("activity__day", "load", f"activity__{field}")
    )
    loads = [load if load is not None else np.nan for _day, load, _v in rows]
    volumes = [v / per if v is not None else np.nan for _day, _load, v in rows]
    recent = [day for day, _load, _v in rows if day > today - WEEKDAYS_DAYS * DAY]
    return VolumePlan(
        weekly=weekly,
        unit=unit,
        sport=race.sport,
        rate=volume.load_rate(loads, volumes),
        weekdays=volume.training_weekdays(recent),
        first_day=first_day,
    )
