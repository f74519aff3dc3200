"""The fitness page: the chosen range, today's Fitness / Fatigue / Form read in plain words,
acute:chronic load, the charts (with the forecast dashed) and the weekly totals."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import get_language, gettext, gettext_noop

from analytics.charts import (
    BARS_FRAME,
    BARS_NARROW,
    LINES_FRAME,
    LINES_NARROW,
    RATIO_FRAME,
    RATIO_NARROW,
    Bar,
    DayAxis,
    DayChart,
    Frame,
    bars_chart,
    lines_chart,
    ratio_chart,
)
from analytics.display.common import Label, Shown, decimal_sep, label, number, shown
from analytics.display.race import RaceShown, race_shown
from analytics.metrics import pmc
from analytics.selectors import (
    Fitness,
    Forecast,
    WeekTotals,
    activities_exist,
    fitness_get,
)
from athletes.models import Athlete, User
from core.l10n import format_day

RANGES: dict[str, tuple[str, int | None]] = {
    "6w": (gettext_noop("6 weeks"), 42),
    "3m": (gettext_noop("3 months"), 91),
    "6m": (gettext_noop("6 months"), 182),
    "1y": (gettext_noop("1 year"), 365),
    "all": (gettext_noop("All"), None),
}
DEFAULT_RANGE = "3m"
WEEKLY_BARS_AFTER_DAYS = 366  # longer ranges draw one load bar per week
DAY = dt.timedelta(days=1)

# Form read as coaches do on the TrainingPeaks scale (points): > 25 transition, 5 to 25 fresh,
# -10 to 5 neutral, -30 to -10 productive training, below -30 overload.
FORM_READINGS: dict[str, str] = {
    "transition": gettext_noop("Very fresh: well rested, but fitness is starting to fade."),
    "fresh": gettext_noop("Fresh: rested and ready for a race or a key session."),
    "neutral": gettext_noop("Neutral: training and recovery are in balance."),
    "productive": gettext_noop("Productive training: the fatigue you carry is building fitness."),
    "overload": gettext_noop(
        "Very tired: fatigue is high. Plan recovery before it turns into overreaching."
    ),
}
ACWR_READINGS: dict[str, str] = {
    pmc.BAND_UNKNOWN: gettext_noop("Not enough history yet: the ratio needs 28 days of data."),
    pmc.BAND_LOW: gettext_noop("Below 0.8: this week's load is light compared with usual."),
    pmc.BAND_OPTIMAL: gettext_noop("0.8 to 1.3: this week's load matches what you are used to."),
    pmc.BAND_HIGH: gettext_noop("1.3 to 1.5: load is climbing fast, watch for fatigue."),
    pmc.BAND_VERY_HIGH: gettext_noop("1.5 or more: a load spike, the risk of injury is higher."),
}
ACWR_BANDS = (
    (pmc.BAND_LOW, 0.0, pmc.ACWR_LOW),
    (pmc.BAND_OPTIMAL, pmc.ACWR_LOW, pmc.ACWR_HIGH),
    (pmc.BAND_HIGH, pmc.ACWR_HIGH, pmc.ACWR_VERY_HIGH),
    (pmc.BAND_VERY_HIGH, pmc.ACWR_VERY_HIGH, math.inf),
)


def form_state(form: float) -> str:
    """The reading of a Form value (points): a key of FORM_READINGS."""
    if form > 25:
        return "transition"
    if form > 5:
        return "fresh"
    if form >= -10:
        return "neutral"
    if form >= -30:
        return "productive"
    return "overload"


@dataclass(frozen=True, slots=True)
class Choice:
    """One option of a range or sport picker."""

    key: str
    label: str
    current: bool


@dataclass(frozen=True, slots=True)
class BarTip:
    """A load bar and what its tooltip says: the day (or "Week of …") and the load."""

    bar: Bar
    day: dt.date
    when: str
    text: str


@dataclass(frozen=True, slots=True)
class ForecastRow:
    """The projection at the end of a period (a week, four weeks, up to race day)."""

    day: dt.date
    planned: str
    volume: str
    fitness: str
    fatigue: str
    form: str


@dataclass(frozen=True, slots=True)
class WeekRow:
    """One week of the weekly table, its numbers formatted."""

    start: dt.date
    load: str
    planned: str
    fitness: str
    fatigue: str
    form: str


@dataclass(frozen=True, slots=True)
class Drawn:
    """One chart drawn in one frame ("wide", or "narrow" for phones), with bar tooltips."""

    variant: str
    chart: DayChart
    bar_tips: list[BarTip] = field(default_factory=list)
    planned_tips: list[BarTip] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Charts:
    """The page's three charts over one date axis, each drawn wide and narrow."""

    pmc: list[Drawn]
    load: list[Drawn]
    acwr: list[Drawn]
    weekly_bars: bool


@dataclass(frozen=True, slots=True)
class FitnessPage:
    """Everything the fitness page shows; `fitness` None is the empty state."""

    ranges: list[Choice]
    labels: dict[str, Label]
    fitness: Fitness | None
    has_activities: bool
    today: list[Shown]
    form_state: str
    form_reading: str
    acwr_reading: str
    charts: Charts | None
    forecast: list[ForecastRow]
    weeks: list[WeekRow]
    has_planned: bool
    race: RaceShown | None = None
    race_state: str = ""


LABEL_KEYS = ("fitness", "fatigue", "form", "load", "acute_load", "chronic_load", "acwr")


def fitness_page(*, viewer: User, athlete: Athlete, range_key: str, today: dt.date) -> FitnessPage:
    """The fitness page of `athlete` over the range `range_key` (unknown: 3 months)."""
    key = range_key if range_key in RANGES else DEFAULT_RANGE
    ranges = [Choice(k, gettext(name), k == key) for k, (name, _days) in RANGES.items()]
    labels = {name: label(name) for name in LABEL_KEYS}
    fitness = fitness_get(viewer=viewer, athlete=athlete, today=today, span_days=RANGES[key][1])
    if fitness is None:
        exist = activities_exist(viewer=viewer, athlete=athlete)
        return FitnessPage(ranges, labels, None, exist, [], "", "", "", None, [], [], False)
    latest = fitness.latest
    state = form_state(latest.form)
    race = race_shown(fitness.forecast, today=fitness.today, units=athlete.units)
    return FitnessPage(
        ranges=ranges,
        labels=labels,
        fitness=fitness,
        has_activities=True,
        today=_today(fitness),
        form_state=state,
        form_reading=gettext(FORM_READINGS[state]),
        acwr_reading=gettext(ACWR_READINGS[latest.band]),
        charts=_charts(fitness),
        forecast=_forecast_rows(fitness.forecast, fitness.today),
        weeks=[_week_row(week) for week in fitness.weeks],
        has_planned=any(week.planned > 0 for week in fitness.weeks),
        race=race,
        race_state=form_state(race.form_value) if race else "",
    )


def _week_row(week: WeekTotals) -> WeekRow:
    return WeekRow(
        start=week.start,
        load=number(week.load),
        planned=number(week.planned),
        fitness=number(week.fitness),
        fatigue=number(week.fatigue),
        form=number(week.form),
    )


def _today(fitness: Fitness) -> list[Shown]:
    latest = fitness.latest
    return [
        shown("fitness", latest.fitness),
        shown("fatigue", latest.fatigue),
        shown("form", latest.form),
        shown("acute_load", latest.acute),
        shown("chronic_load", latest.chronic),
        shown("acwr", latest.acwr, 2),
    ]


def _charts(fitness: Fitness) -> Charts:
    forecast = fitness.forecast
    last = forecast.days[-1] if forecast else max(fitness.today, fitness.days[-1])
    axis = DayAxis(first=fitness.first, last=last, today=fitness.today)
    weekly = len(fitness.days) > WEEKLY_BARS_AFTER_DAYS
    acwr = [
        Drawn(v, ratio_chart(axis, fitness.days, fitness.acwr, ACWR_BANDS, frame=f, decimal_sep=s))
        for v, f, s in _frames(RATIO_FRAME, RATIO_NARROW)
    ]
    return Charts(
        pmc=[
            Drawn(v, _pmc_chart(fitness, axis, f, s))
            for v, f, s in _frames(LINES_FRAME, LINES_NARROW)
        ],
        load=[
            _load_chart(v, fitness, axis, f, s, weekly)
            for v, f, s in _frames(BARS_FRAME, BARS_NARROW)
        ],
        acwr=acwr,
        weekly_bars=weekly,
    )


def _frames(wide: Frame, narrow: Frame) -> list[tuple[str, Frame, str]]:
    sep = decimal_sep()
    return [("wide", wide, sep), ("narrow", narrow, sep)]


def _pmc_chart(fitness: Fitness, axis: DayAxis, frame: Frame, sep: str) -> DayChart:
    forecast = fitness.forecast
    series = {"fitness": fitness.fitness, "fatigue": fitness.fatigue, "form": fitness.form}
    projected = (
        {"fitness": forecast.fitness, "fatigue": forecast.fatigue, "form": forecast.form}
        if forecast
        else None
    )
    race = forecast.race if forecast else None
    spread = forecast and forecast.form_low != forecast.form_high
    return lines_chart(
        axis,
        fitness.days,
        series,
        future_days=forecast.days if forecast else (),
        forecast=projected,
        band=("form-band", forecast.form_low, forecast.form_high) if forecast and spread else None,
        race=(race.day, race.form) if race else None,
        decimal_sep=sep,
        frame=frame,
    )


def _load_chart(
    variant: str, fitness: Fitness, axis: DayAxis, frame: Frame, sep: str, weekly: bool
) -> Drawn:
    """Daily (or weekly) load bars and the planned loads of the forecast, with tooltips."""
    starts, loads = _weekly(fitness.days, fitness.load) if weekly else (fitness.days, fitness.load)
    forecast = fitness.forecast
    planned_days, planned = (forecast.days, forecast.planned) if forecast else ([], [])
    chart = bars_chart(
        axis,
        starts,
        loads,
        span_days=7 if weekly else 1,
        planned_starts=planned_days,
        planned=planned,
        assumed=forecast.volume if forecast and any(forecast.volume) else (),
        decimal_sep=sep,
        frame=frame,
    )
    return Drawn(
        variant,
        chart,
        bar_tips=_tips(chart.bars, starts, loads, weekly=weekly),
        planned_tips=_tips(chart.planned_bars, planned_days, planned),
    )


def _weekly(days: Sequence[dt.date], loads: Sequence[float]) -> tuple[list[dt.date], list[float]]:
    """Loads summed per week (Monday first)."""
    weeks: dict[dt.date, float] = {}
    for day, load in zip(days, loads, strict=True):
        monday = day - day.weekday() * DAY
        weeks[monday] = weeks.get(monday, 0.0) + load
    return list(weeks), list(weeks.values())


def _tips(
    bars: Sequence[Bar], days: Sequence[dt.date], values: Sequence[float], *, weekly: bool = False
) -> list[BarTip]:
    unit = label("load").unit
    tips = []
    for bar in bars:
        day = days[bar.index]
        when = format_day(day, get_language())
        if weekly:
            when = gettext("Week of %(day)s") % {"day": when}
        tips.append(BarTip(bar, day, when, f"{number(values[bar.index])} {unit}"))
    return tips


def _row_ends(today: dt.date, last: dt.date) -> list[dt.date]:
    """Row days of the forecast table: the next four weeks' ends, then every four weeks, and
    the last projected day (the race)."""
    weeks = [*range(1, 5), *range(8, (last - today).days // 7 + 1, 4)]
    ends = [today + 7 * week * DAY for week in weeks]
    return sorted({*[end for end in ends if end < last], last})


def _forecast_rows(forecast: Forecast | None, today: dt.date) -> list[ForecastRow]:
    """The projection at the ends of `_row_ends`, with the load (planned, and from the weekly
    volume plan) of the days since the row before."""
    if forecast is None:
        return []
    rows = []
    start = today
    for end in _row_ends(today, forecast.days[-1]):
        indexes = [i for i, d in enumerate(forecast.days) if start < d <= end]
        start = end
        if not indexes:
            continue
        last = indexes[-1]
        rows.append(
            ForecastRow(
                day=end,
                planned=number(sum(forecast.planned[i] for i in indexes)),
                volume=number(sum(forecast.volume[i] for i in indexes)),
                fitness=number(forecast.fitness[last]),
                fatigue=number(forecast.fatigue[last]),
                form=number(forecast.form[last]),
            )
        )
    return rows
