"""The race day of the fitness page: the next A race's projected Fitness / Fatigue / Form and,
in plain words, what the projection of the weeks without planned sessions rests on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import get_language, gettext

from analytics.display.common import number
from analytics.selectors import Forecast, VolumePlan
from core.l10n import format_day
from core.units import distance_unit, metres_per_distance_unit


@dataclass(frozen=True, slots=True)
class RaceShown:
    """The race row of the page: values formatted, Form's range from the volume plan's spread
    ("" when there is none), and the note on the weekly-volume plan."""

    name: str
    day: dt.date
    days_to_go: int
    fitness: str
    fatigue: str
    form: str
    form_value: float
    form_range: str
    plan_note: str
    calibrated: bool


def race_shown(forecast: Forecast | None, *, today: dt.date, units: str) -> RaceShown | None:
    """The race day of `forecast`, None without an A race ahead."""
    race = forecast.race if forecast else None
    if forecast is None or race is None:
        return None
    spread = race.form_high - race.form_low >= 0.5
    bounds = {"low": number(race.form_low), "high": number(race.form_high)}
    form_range = gettext("%(low)s to %(high)s") % bounds if spread else ""
    plan = forecast.plan
    return RaceShown(
        name=race.name,
        day=race.day,
        days_to_go=(race.day - today).days,
        fitness=number(race.fitness),
        fatigue=number(race.fatigue),
        form=number(race.form),
        form_value=race.form,
        form_range=form_range,
        plan_note=plan_note(plan, forecast, units=units),
        calibrated=bool(plan and plan.rate),
    )


def plan_note(plan: VolumePlan | None, forecast: Forecast, *, units: str) -> str:
    """What the weeks without planned sessions are projected from, or why they count 0."""
    if plan is None:
        return gettext(
            "No weekly volume is set for this race: weeks without planned sessions count as "
            "rest. Set a weekly distance or time on the goal."
        )
    if plan.first_day is None:
        return gettext("Planned sessions cover every week up to the race.")
    if plan.rate is None:
        return gettext(
            "Not enough history to calibrate your load per %(unit)s (fewer than 5 sessions "
            "of this sport with a load in the last year): weeks without planned sessions count "
            "as rest."
        ) % {"unit": _unit(plan, units)}
    return _calibrated_note(plan, units)


def _unit(plan: VolumePlan, units: str) -> str:
    return distance_unit(units) if plan.unit == "km" else gettext("hour")


def _calibrated_note(plan: VolumePlan, units: str) -> str:
    assert plan.rate is not None and plan.first_day is not None
    scale = metres_per_distance_unit(units) / 1000 if plan.unit == "km" else 1.0
    weekly = plan.weekly / scale
    volume = (
        f"{number(weekly)} {distance_unit(units)}"
        if plan.unit == "km"
        else f"{number(weekly, 1)} h"
    )
    days = ", ".join(str(WEEKDAYS_ABBR[w]) for w in plan.weekdays)
    return gettext(
        "Weeks without planned sessions (from %(day)s): %(volume)s a week on %(days)s, at "
        "%(rate)s points per %(unit)s (the median of %(count)s sessions; the middle half "
        "%(p25)s to %(p75)s, the shaded band)."
    ) % {
        "day": format_day(plan.first_day, get_language()),
        "volume": volume,
        "days": days,
        "rate": number(plan.rate.median * scale, 1),
        "unit": _unit(plan, units),
        "count": plan.rate.count,
        "p25": number(plan.rate.p25 * scale, 1),
        "p75": number(plan.rate.p75 * scale, 1),
    }
