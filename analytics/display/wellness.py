"""The wellness page: HRV with its baseline band, resting HR, sleep with its stages, body
battery, stress, weight and steps over a chosen range, each day's flags, and the recent days."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language, gettext, gettext_noop

from analytics.charts import (
    BARS_FRAME,
    BARS_NARROW,
    LINES_FRAME,
    LINES_NARROW,
    DayAxis,
    DayChart,
    Frame,
    bars_chart,
    range_chart,
    stacked_chart,
)
from analytics.display.common import decimal_sep, number
from analytics.display.fitness import BarTip, Choice, Drawn
from analytics.metrics import wellness as rules
from athletes.models import Athlete, WellnessDay
from athletes.selectors.wellness import wellness_days, wellness_exists
from core.l10n import format_day
from core.units import EMPTY

RANGES: dict[str, tuple[str, int]] = {
    "30d": (gettext_noop("30 days"), 30),
    "90d": (gettext_noop("90 days"), 90),
    "1y": (gettext_noop("1 year"), 365),
}
DEFAULT_RANGE = "90d"
RECENT_DAYS = 14
LB_PER_KG = 2.20462
DAY = dt.timedelta(days=1)
FLAG_LABELS: dict[str, str] = {
    rules.HRV_LOW: gettext_noop("HRV below baseline"),
    rules.RHR_UP: gettext_noop("Resting HR up"),
    rules.SHORT_SLEEP: gettext_noop("Short sleep"),
    rules.POOR_SLEEP: gettext_noop("Poor sleep"),
}
SLEEP_STAGES = ("sleep_deep_s", "sleep_light_s", "sleep_rem_s", "sleep_awake_s")


@dataclass(frozen=True, slots=True)
class Flag:
    key: str
    label: str


@dataclass(frozen=True, slots=True)
class DayRow:
    """One day of the table, its values formatted."""

    day: dt.date
    hrv: str
    hrv_band: str
    resting_hr: str
    sleep: str
    sleep_score: str
    battery: str
    stress: str
    weight: str
    steps: str
    flags: list[Flag] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class WellnessPage:
    """Everything the wellness page shows; `has_any` False is the empty state."""

    ranges: list[Choice]
    has_any: bool
    weight_unit: str
    charts: dict[str, list[Drawn]]
    rows: list[DayRow]
    latest: DayRow | None
    flagged_days: int


def wellness_page(*, viewer: Any, athlete: Athlete, range_key: str, today: dt.date) -> WellnessPage:
    """The wellness of `athlete` over the `range_key` days up to `today` (unknown: 90 days);
    the flags also read the 28 days before the range."""
    key = range_key if range_key in RANGES else DEFAULT_RANGE
    ranges = [Choice(k, gettext(name), k == key) for k, (name, _days) in RANGES.items()]
    first = today - (RANGES[key][1] - 1) * DAY
    since = first - rules.HRV_WINDOW_DAYS * DAY
    rows = wellness_days(viewer=viewer, athlete=athlete, since=since, until=today)
    flags = rules.wellness_flags([rule_day(row) for row in rows])
    shown = [row for row in rows if row.day >= first]
    imperial = athlete.units == Athlete.Units.IMPERIAL
    table = [day_row(row, flags[row.day], imperial) for row in reversed(shown)]
    has_any = bool(shown) or wellness_exists(viewer=viewer, athlete=athlete)
    return WellnessPage(
        ranges=ranges,
        has_any=has_any,
        weight_unit="lb" if imperial else "kg",
        charts=_charts(DayAxis(first, today, today), shown, imperial) if shown else {},
        rows=table[:RECENT_DAYS],
        latest=table[0] if table else None,
        flagged_days=sum(1 for row in table if row.flags),
    )


def rule_day(row: WellnessDay) -> rules.Day:
    """A stored wellness day as the flag rules read it."""
    return rules.Day(
        day=row.day,
        hrv_ms=row.hrv_ms,
        hrv_baseline_low_ms=row.hrv_baseline_low_ms,
        resting_hr_bpm=row.resting_hr_bpm,
        sleep_s=row.sleep_s,
        sleep_score=row.sleep_score,
    )


def hours_minutes(seconds: float | None) -> str:
    """A night's length as "7 h 05"; "—" when unknown."""
    if seconds is None:
        return EMPTY
    hours, minutes = divmod(round(seconds / 60), 60)
    return f"{hours}\u00a0h\u00a0{minutes:02d}"


def _weight(kg: float | None, imperial: bool) -> float | None:
    return kg * LB_PER_KG if kg is not None and imperial else kg


def day_row(row: WellnessDay, flags: list[str], imperial: bool) -> DayRow:
    """One wellness day formatted for display, with its flags."""
    low, high = row.hrv_baseline_low_ms, row.hrv_baseline_high_ms
    band = f"{number(low)}–{number(high)}" if low is not None and high is not None else EMPTY
    battery = (
        f"{number(row.body_battery_low)}–{number(row.body_battery)}"
        if row.body_battery_low is not None
        else number(row.body_battery)
    )
    return DayRow(
        day=row.day,
        hrv=number(row.hrv_ms),
        hrv_band=band,
        resting_hr=number(row.resting_hr_bpm),
        sleep=hours_minutes(row.sleep_s),
        sleep_score=number(row.sleep_score),
        battery=battery,
        stress=number(row.stress),
        weight=number(_weight(row.weight_kg, imperial), 1),
        steps=number(row.steps),
        flags=[Flag(key, gettext(FLAG_LABELS[key])) for key in flags],
    )


# --- charts ---------------------------------------------------------------------------------


def _series(
    axis: DayAxis, rows: Sequence[WellnessDay], value: Callable[[WellnessDay], float | None]
) -> list[float]:
    """One value per day of the axis (NaN where nothing was measured: the line breaks)."""
    by_day = {row.day: value(row) for row in rows}
    values = [math.nan if (v := by_day.get(day)) is None else float(v) for day in _days(axis)]
    return [v if math.isfinite(v) else math.nan for v in values]  # an infinity draws nothing


def _days(axis: DayAxis) -> list[dt.date]:
    return [axis.first + n * DAY for n in range((axis.last - axis.first).days + 1)]


def _measured(*series: list[float]) -> bool:
    return any(math.isfinite(v) for values in series for v in values)


def _both(build: Callable[[Frame, str], DayChart], wide: Frame, narrow: Frame) -> list[Drawn]:
    sep = decimal_sep()
    return [Drawn("wide", build(wide, sep)), Drawn("narrow", build(narrow, sep))]


def _charts(axis: DayAxis, rows: Sequence[WellnessDay], imperial: bool) -> dict[str, list[Drawn]]:
    days = _days(axis)

    def s(value: Callable[[WellnessDay], float | None]) -> list[float]:
        return _series(axis, rows, value)

    hrv, weekly = s(lambda r: r.hrv_ms), s(lambda r: r.hrv_weekly_ms)
    band = (s(lambda r: r.hrv_baseline_low_ms), s(lambda r: r.hrv_baseline_high_ms))
    rhr = s(lambda r: r.resting_hr_bpm)
    battery = (s(lambda r: r.body_battery_low), s(lambda r: r.body_battery))
    stress, score = s(lambda r: r.stress), s(lambda r: r.sleep_score)
    weight = s(lambda r: _weight(r.weight_kg, imperial))
    steps = s(lambda r: r.steps)
    charts: dict[str, list[Drawn]] = {}
    if _measured(hrv, weekly):
        charts["hrv"] = _both(
            lambda f, sep: range_chart(
                axis, days, {"hrv": hrv, "hrv_weekly": weekly}, areas={"baseline": band},
                decimal_sep=sep, frame=f,
            ),
            LINES_FRAME, LINES_NARROW,
        )  # fmt: skip
    if _measured(rhr):
        charts["resting_hr"] = _both(
            lambda f, sep: range_chart(axis, days, {"resting_hr": rhr}, decimal_sep=sep, frame=f),
            BARS_FRAME, BARS_NARROW,
        )  # fmt: skip
    if _measured(s(lambda r: r.sleep_s)):
        layers = _sleep_layers(axis, rows)
        charts["sleep"] = _both(
            lambda f, sep: stacked_chart(axis, days, layers, decimal_sep=sep, frame=f),
            BARS_FRAME, BARS_NARROW,
        )  # fmt: skip
    if _measured(*battery, stress, score):
        charts["scores"] = _both(
            lambda f, sep: range_chart(
                axis, days, {"stress": stress, "sleep_score": score},
                areas={"battery": battery}, floor=0.0, ceiling=100.0, decimal_sep=sep, frame=f,
            ),
            LINES_FRAME, LINES_NARROW,
        )  # fmt: skip
    if _measured(weight):
        # Weighed now and then: the line joins the days measured instead of breaking at gaps.
        weighed = [(d, w) for d, w in zip(days, weight, strict=True) if math.isfinite(w)]
        w_days, w_values = [d for d, _w in weighed], [w for _d, w in weighed]
        charts["weight"] = _both(
            lambda f, sep: range_chart(
                axis, w_days, {"weight": w_values}, decimal_sep=sep, frame=f
            ),
            BARS_FRAME, BARS_NARROW,
        )  # fmt: skip
    if _measured(steps):
        charts["steps"] = [
            _steps(variant, axis, days, steps, frame)
            for variant, frame in (("wide", BARS_FRAME), ("narrow", BARS_NARROW))
        ]
    return charts


def _sleep_layers(axis: DayAxis, rows: Sequence[WellnessDay]) -> dict[str, list[float]]:
    """Hours per stage (deep, light, REM, awake); a night without stages is one "sleep" bar."""

    def hours(name: str) -> Callable[[WellnessDay], float | None]:
        return lambda r: None if getattr(r, name) is None else getattr(r, name) / 3600

    def unstaged(r: WellnessDay) -> float | None:
        staged = any(getattr(r, name) is not None for name in SLEEP_STAGES)
        return None if staged or r.sleep_s is None else r.sleep_s / 3600

    layers = {name.removeprefix("sleep_").removesuffix("_s"): name for name in SLEEP_STAGES}
    out = {key: _series(axis, rows, hours(name)) for key, name in layers.items()}
    out["sleep"] = _series(axis, rows, unstaged)
    return out


def _steps(
    variant: str, axis: DayAxis, days: list[dt.date], steps: list[float], frame: Frame
) -> Drawn:
    chart = bars_chart(axis, days, steps, decimal_sep=decimal_sep(), frame=frame)
    language = get_language()
    tips = [
        BarTip(
            bar,
            days[bar.index],
            format_day(days[bar.index], language),
            gettext("%(count)s steps") % {"count": number(steps[bar.index])},
        )
        for bar in chart.bars
    ]
    return Drawn(variant, chart, bar_tips=tips)
