"""The athlete home's glance at analytics: today's Fitness / Fatigue / Form with their change over
7 days and the projected race day (from `fitness_get`), and last night's wellness with its flags
(from `wellness_days`). Formatting only: the numbers come from the selectors."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext

from analytics.display.common import Shown, shown
from analytics.display.fitness import FORM_READINGS, form_state
from analytics.display.race import RaceShown, race_shown
from analytics.display.wellness import DayRow, day_row, rule_day
from analytics.metrics import wellness as rules
from analytics.selectors import fitness_get
from athletes.models import Athlete, User
from athletes.selectors.wellness import wellness_days
from core.units import EMPTY

DAY = dt.timedelta(days=1)
CHANGE_DAYS = 7
GLANCE_KEYS = ("fitness", "fatigue", "form")


@dataclass(frozen=True, slots=True)
class GlanceValue:
    """One of Fitness, Fatigue, Form: its value shown and its change over 7 days ("+4", "\u22122";
    "—" when the day 7 days earlier has no value)."""

    value: Shown
    change: str


@dataclass(frozen=True, slots=True)
class FormGlance:
    """The latest stored day (today once the chart is up to date) and its values; the reading
    of Form; the projected race day of the next A race (None without one)."""

    day: dt.date
    values: list[GlanceValue]
    form_state: str
    form_reading: str
    race: RaceShown | None
    race_goal_id: int | None
    race_state: str


def signed(value: float | None) -> str:
    """A change in whole points with its sign ("+4", "\u22122", "0"); "—" when unknown."""
    if value is None or not math.isfinite(value):
        return EMPTY
    whole = round(value)
    sign = "+" if whole > 0 else "\u2212" if whole < 0 else ""
    return f"{sign}{number_format(abs(whole))}"


def form_glance(*, viewer: User, athlete: Athlete, today: dt.date) -> FormGlance | None:
    """Fitness, Fatigue and Form of the latest day up to `today`, their change since 7 days
    before it, and the next A race's projection; None before any load. The queries of
    `fitness_get` (four, five with a weekly-volume plan)."""
    fitness = fitness_get(viewer=viewer, athlete=athlete, today=today, span_days=CHANGE_DAYS + 1)
    if fitness is None:
        return None
    latest = fitness.latest
    before = latest.day - CHANGE_DAYS * DAY
    index = fitness.days.index(before) if before in fitness.days else None
    values = []
    for key in GLANCE_KEYS:
        now = getattr(latest, key)
        then = getattr(fitness, key)[index] if index is not None else None
        values.append(GlanceValue(shown(key, now), signed(None if then is None else now - then)))
    state = form_state(latest.form)
    race = race_shown(fitness.forecast, today=today, units=athlete.units)
    goal = fitness.forecast.race if fitness.forecast else None
    return FormGlance(
        day=latest.day,
        values=values,
        form_state=state,
        form_reading=gettext(FORM_READINGS[state]),
        race=race,
        race_goal_id=goal.goal_id if goal else None,
        race_state=form_state(race.form_value) if race else "",
    )


def wellness_glance(*, viewer: User, athlete: Athlete, today: dt.date) -> DayRow | None:
    """Last night's wellness: today's row, else yesterday's, formatted with its flags (read
    against the 28 days before it); None when neither is recorded or the viewer may not read
    it. One query."""
    since = today - DAY - rules.HRV_WINDOW_DAYS * DAY
    rows = wellness_days(viewer=viewer, athlete=athlete, since=since, until=today)
    if not rows or rows[-1].day < today - DAY:
        return None
    flags = rules.wellness_flags([rule_day(row) for row in rows])
    last = rows[-1]
    return day_row(last, flags[last.day], athlete.units == Athlete.Units.IMPERIAL)
