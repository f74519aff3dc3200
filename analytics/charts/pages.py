"""The charts of the analytics pages: a mean-max curve, and lines, bars or a ratio over days."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from analytics.charts.axes import (
    DayTick,
    Frame,
    Scale,
    Tick,
    day_ticks,
    duration_label,
    duration_ticks,
    nice_domain,
    value_ticks,
)
from analytics.charts.shapes import (
    Band,
    Bar,
    Marker,
    area_path,
    bands,
    bars,
    line_path,
    stacked_bars,
)

# --- charts of the pages ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CurveChart:
    """A mean-max curve: log-scaled duration axis, value axis, the line and its markers."""

    frame: Frame
    path: str
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    markers: list[Marker] = field(default_factory=list)


CURVE_FRAME = Frame(height=280.0)
LINES_FRAME = Frame(height=300.0)
BARS_FRAME = Frame(height=170.0)
RATIO_FRAME = Frame(height=190.0)
# Narrow variants (phones): text at 13 units reads at ~12 px in a 334 px box.
NARROW = {"width": 360.0, "left": 42.0, "right": 10.0, "top": 10.0, "bottom": 26.0}
CURVE_NARROW = Frame(height=290.0, **NARROW)
LINES_NARROW = Frame(height=300.0, **NARROW)
BARS_NARROW = Frame(height=150.0, **NARROW)
RATIO_NARROW = Frame(height=170.0, **NARROW)


def curve_chart(
    durations_s: Sequence[float],
    values: Sequence[float],
    *,
    marks_s: Sequence[float] = (),
    decimal_sep: str = ".",
    frame: Frame = CURVE_FRAME,
    tick_label: Callable[[float], str | None] | None = None,
) -> CurveChart:
    """The curve of best averages per duration (s) on a log10 duration axis; ``marks_s``:
    durations to mark (those present in ``durations_s``); ``tick_label`` writes a value tick
    (a pace "4:30") where it returns a text, else the tick is a plain number."""
    pairs = [(d, v) for d, v in zip(durations_s, values, strict=True) if d > 0 and math.isfinite(v)]
    if not pairs:
        return CurveChart(frame, "", [], [])
    lo_s, hi_s = pairs[0][0], max(pairs[-1][0], pairs[0][0] * 10)
    x = Scale(lo_s, hi_s, frame.x0, frame.x1, log=True)
    seen = [v for _d, v in pairs]
    y_lo, y_hi, y_values = nice_domain(min(seen), max(seen))
    y = Scale(y_lo, y_hi, frame.y_bottom, frame.y_top)
    path = line_path(((x(d), y(v)) for d, v in pairs), min_dx=1.0)
    x_ticks = [Tick(x(s), s, duration_label(s)) for s in duration_ticks(lo_s, hi_s)]
    wanted = set(marks_s)
    markers = [
        Marker(x(d), y(v), i)
        for i, (d, v) in enumerate(zip(durations_s, values, strict=True))
        if d in wanted and math.isfinite(v)
    ]
    y_ticks = value_ticks(y, y_values, decimal_sep)
    if tick_label is not None:
        y_ticks = [Tick(t.at, t.value, tick_label(t.value) or t.label) for t in y_ticks]
    return CurveChart(frame, path, x_ticks, y_ticks, markers)


@dataclass(frozen=True, slots=True)
class DayChart:
    """Lines over days (solid and dashed), bars, bands and the axes of one chart; ``zero_y``
    is the pixel row of the value 0 and ``today_x`` the column of today (None: off the axis)."""

    frame: Frame
    x_ticks: list[DayTick]
    y_ticks: list[Tick]
    zero_y: float
    today_x: float | None
    lines: dict[str, str] = field(default_factory=dict)
    dashed: dict[str, str] = field(default_factory=dict)
    bars: list[Bar] = field(default_factory=list)
    planned_bars: list[Bar] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    areas: dict[str, str] = field(default_factory=dict)
    layers: dict[str, list[Bar]] = field(default_factory=dict)
    race: Marker | None = None  # the race day's projected Form (x, y); None: no race drawn


@dataclass(frozen=True, slots=True)
class DayAxis:
    """The shared date axis of the fitness page's charts: ``first`` … ``last`` and today."""

    first: dt.date
    last: dt.date
    today: dt.date

    def scale(self, frame: Frame) -> Scale:
        return Scale(self.first.toordinal() - 0.5, self.last.toordinal() + 0.5, frame.x0, frame.x1)


def _day_line(days: Sequence[dt.date], values: Sequence[float], x: Scale, y: Scale) -> str:
    points = ((x(d.toordinal()), y(v)) for d, v in zip(days, values, strict=True))
    return line_path(points, min_dx=1.0)


def _finite(*series: Iterable[float]) -> list[float]:
    return [v for values in series for v in values if math.isfinite(v)]


def _today_x(axis: DayAxis, x: Scale) -> float | None:
    return x(axis.today.toordinal()) if axis.first <= axis.today < axis.last else None


def _day_chart(
    axis: DayAxis,
    frame: Frame,
    x: Scale,
    y: Scale,
    y_values: list[float],
    decimal_sep: str,
    **shapes: Any,
) -> DayChart:
    return DayChart(
        frame=frame,
        x_ticks=day_ticks(x, axis.first, axis.last, frame.max_ticks),
        y_ticks=value_ticks(y, y_values, decimal_sep),
        zero_y=y(max(y.lo, 0.0)),
        today_x=_today_x(axis, x),
        **shapes,
    )


def lines_chart(
    axis: DayAxis,
    days: Sequence[dt.date],
    series: Mapping[str, Sequence[float]],
    *,
    future_days: Sequence[dt.date] = (),
    forecast: Mapping[str, Sequence[float]] | None = None,
    band: tuple[str, Sequence[float], Sequence[float]] | None = None,
    race: tuple[dt.date, float] | None = None,
    decimal_sep: str = ".",
    frame: Frame = LINES_FRAME,
) -> DayChart:
    """Lines per series over ``days`` and their dashed forecast over ``future_days`` (each
    forecast line starts from the series' last value so the two join). ``band``: (name, low,
    high) over ``future_days``, filled; ``race``: (day, value) marked. The value axis always
    includes 0, drawn as a reference line."""
    forecast = forecast or {}
    edges = band[1:] if band else ()
    seen = _finite(*series.values(), *forecast.values(), *edges, [0.0])
    lo, hi, y_values = nice_domain(min(seen), max(seen))
    x, y = axis.scale(frame), Scale(lo, hi, frame.y_bottom, frame.y_top)
    lines = {name: _day_line(days, values, x, y) for name, values in series.items()}
    dashed = {
        name: _day_line([*days[-1:], *future_days], [*list(series[name])[-1:], *values], x, y)
        for name, values in forecast.items()
    }
    areas = {}
    if band:
        xs = [x(d.toordinal()) for d in future_days]
        areas[band[0]] = area_path(xs, [y(v) for v in band[1]], [y(v) for v in band[2]])
    mark = Marker(x(race[0].toordinal()), y(race[1]), len(future_days) - 1) if race else None
    return _day_chart(
        axis, frame, x, y, y_values, decimal_sep, lines=lines, dashed=dashed, areas=areas, race=mark
    )


def bars_chart(
    axis: DayAxis,
    starts: Sequence[dt.date],
    values: Sequence[float],
    *,
    span_days: int = 1,
    planned_starts: Sequence[dt.date] = (),
    planned: Sequence[float] = (),
    assumed: Sequence[float] = (),
    decimal_sep: str = ".",
    frame: Frame = BARS_FRAME,
) -> DayChart:
    """Load bars (one per day, or per ``span_days``) and the planned ones after today;
    ``assumed``: the load of a weekly-volume plan on the same days (the "assumed" layer)."""
    seen = _finite(values, planned, assumed, [0.0])
    _lo, hi, y_values = nice_domain(0.0, max(seen), 3)
    x, y = axis.scale(frame), Scale(0.0, hi, frame.y_bottom, frame.y_top)
    return _day_chart(
        axis,
        frame,
        x,
        y,
        y_values,
        decimal_sep,
        bars=bars(starts, values, span_days, x, y),
        planned_bars=bars(planned_starts, planned, 1, x, y),
        layers={"assumed": bars(planned_starts, assumed, 1, x, y)} if assumed else {},
    )


def ratio_chart(
    axis: DayAxis,
    days: Sequence[dt.date],
    ratio: Sequence[float],
    edges: Sequence[tuple[str, float, float]],
    *,
    floor_hi: float = 2.0,
    decimal_sep: str = ".",
    frame: Frame = RATIO_FRAME,
) -> DayChart:
    """A ratio line (e.g. ACWR) from 0 over coloured bands (name, low, high)."""
    seen = _finite(ratio, [floor_hi])
    _lo, hi, y_values = nice_domain(0.0, max(seen), 4)
    x, y = axis.scale(frame), Scale(0.0, hi, frame.y_bottom, frame.y_top)
    line = {"ratio": _day_line(days, ratio, x, y)}
    return _day_chart(axis, frame, x, y, y_values, decimal_sep, lines=line, bands=bands(y, edges))


def range_chart(
    axis: DayAxis,
    days: Sequence[dt.date],
    series: Mapping[str, Sequence[float]],
    *,
    areas: Mapping[str, tuple[Sequence[float], Sequence[float]]] | None = None,
    floor: float | None = None,
    ceiling: float | None = None,
    decimal_sep: str = ".",
    frame: Frame = LINES_FRAME,
) -> DayChart:
    """Lines per series and shaded areas (name: lows, highs) over ``days``, on a value axis
    fitted to the values (0 not forced) and widened to ``floor`` / ``ceiling`` when given."""
    areas = areas or {}
    edges = [edge for pair in areas.values() for edge in pair]
    seen = _finite(*series.values(), *edges, [v for v in (floor, ceiling) if v is not None])
    lo, hi, y_values = nice_domain(min(seen, default=0.0), max(seen, default=1.0))
    x, y = axis.scale(frame), Scale(lo, hi, frame.y_bottom, frame.y_top)
    lines = {name: _day_line(days, values, x, y) for name, values in series.items()}
    xs = [x(d.toordinal()) for d in days]
    shaded = {
        name: area_path(xs, [y(v) for v in lows], [y(v) for v in highs], min_dx=1.0)
        for name, (lows, highs) in areas.items()
    }
    return _day_chart(axis, frame, x, y, y_values, decimal_sep, lines=lines, areas=shaded)


def stacked_chart(
    axis: DayAxis,
    days: Sequence[dt.date],
    layers: Mapping[str, Sequence[float]],
    *,
    decimal_sep: str = ".",
    frame: Frame = BARS_FRAME,
) -> DayChart:
    """Stacked bars per day, one colour per layer (name: values), from 0."""
    totals = [sum(v for v in day if math.isfinite(v)) for day in zip(*layers.values(), strict=True)]
    _lo, hi, y_values = nice_domain(0.0, max([*totals, 0.0]), 3)
    x, y = axis.scale(frame), Scale(0.0, hi, frame.y_bottom, frame.y_top)
    stacks = stacked_bars(days, list(layers.values()), x, y)
    shaped = dict(zip(layers, stacks, strict=True))
    return _day_chart(axis, frame, x, y, y_values, decimal_sep, layers=shaped)
