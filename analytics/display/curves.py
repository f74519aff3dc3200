"""Mean-max curves as the pages show them: the chart, a table of key durations, and links to
the activities that set the points of a season curve."""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial

from django.utils.translation import get_language

from analytics.charts import (
    CURVE_FRAME,
    CURVE_NARROW,
    CurveChart,
    curve_chart,
    duration_label,
)
from analytics.display.common import Label, decimal_sep, label, number, with_unit
from analytics.metrics.registry import MEAN_MAX_CHANNELS
from analytics.selectors import CurveSource
from athletes.templatetags.units import speed
from core.l10n import format_day, labelled
from core.units import speed_scale

# Durations listed under a curve: a season's table, and the shorter one of one activity.
SEASON_DURATIONS_S = (5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 10800, 18000)
ACTIVITY_DURATIONS_S = (5, 60, 300, 1200, 3600)
KEY_TOLERANCE = 0.01
VARIANTS = (("wide", CURVE_FRAME), ("narrow", CURVE_NARROW))


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """One key duration of a curve: its label, the value shown, and the activity holding it."""

    duration: str
    value: str
    source: CurveSource | None = None
    url: str = ""


@dataclass(frozen=True, slots=True)
class MarkerLink:
    """A marked point of a season curve, linked to the activity that set it."""

    x: float
    y: float
    url: str
    title: str


@dataclass(frozen=True, slots=True)
class DrawnCurve:
    """The curve drawn in one frame ("wide" or "narrow") with its linked markers."""

    variant: str
    chart: CurveChart
    links: list[MarkerLink]


@dataclass(frozen=True, slots=True)
class CurvePanel:
    """A channel's curve: registry label and unit, the charts, its key points."""

    channel: str
    metric: Label
    drawn: list[DrawnCurve]
    points: list[CurvePoint]


def value_text(channel: str, value: float, *, sport: str, units: str) -> str:
    """A curve value: speed as the sport reads it (pace…), others with their registry unit."""
    if channel == "speed_mps":
        return speed(value, sport, units)
    return with_unit(number(value), label(MEAN_MAX_CHANNELS[channel]).unit)


def curve_panel(
    channel: str,
    durations_s: Sequence[int],
    values: Sequence[float],
    *,
    sport: str,
    units: str,
    marks_s: Sequence[int],
    holders: Sequence[CurveSource | None] = (),
    link: Callable[[CurveSource], str] | None = None,
) -> CurvePanel:
    """The panel of one curve; with `holders` and `link`, key points link to their activity
    and are marked on the charts."""
    found = _key_points(durations_s, values, marks_s)
    points = [
        CurvePoint(
            duration=duration_label(key_s),
            value=value_text(channel, values[index], sport=sport, units=units),
            source=holders[index] if holders else None,
            url=_url(link, holders[index] if holders else None),
        )
        for key_s, index in found
    ]
    wanted = [durations_s[index] for _key, index in found] if holders else []
    by_index = {index: p for (_key, index), p in zip(found, points, strict=True)}
    metric = label(MEAN_MAX_CHANNELS[channel], sport=sport)
    plotted, tick_label = list(values), None
    if channel == "speed_mps":  # drawn as the table reads it: pace, km/h or mph
        scale = speed_scale(sport, units)
        plotted = [scale.chart_value(v) if v > 0 else math.nan for v in values]
        tick_label = scale.chart_label
        metric = replace(metric, unit=scale.unit)
    chart = partial(curve_chart, marks_s=wanted, decimal_sep=decimal_sep(), tick_label=tick_label)
    drawn = [
        _drawn(variant, chart(durations_s, plotted, frame=frame), by_index)
        for variant, frame in VARIANTS
    ]
    return CurvePanel(channel, metric, drawn, points)


def _url(link: Callable[[CurveSource], str] | None, source: CurveSource | None) -> str:
    return link(source) if link is not None and source is not None else ""


def _drawn(variant: str, chart: CurveChart, by_index: dict[int, CurvePoint]) -> DrawnCurve:
    links = [
        MarkerLink(m.x, m.y, by_index[m.index].url, _title(by_index[m.index]))
        for m in chart.markers
        if by_index[m.index].url
    ]
    return DrawnCurve(variant, chart, links)


def _key_points(
    durations_s: Sequence[int], values: Sequence[float], marks_s: Sequence[int]
) -> list[tuple[int, int]]:
    """(key duration, index) of each key duration the curve has a value for: the stored
    duration nearest to it, within 1 % (past 10 min the shared grid is 1 % apart, so 20 min
    is read at 1202 s)."""
    found = []
    for key_s in marks_s:
        index = bisect.bisect_left(durations_s, key_s)
        near = [i for i in (index - 1, index) if 0 <= i < len(durations_s)]
        best = min(near, key=lambda i: abs(durations_s[i] - key_s), default=None)
        if best is None or abs(durations_s[best] - key_s) > KEY_TOLERANCE * key_s:
            continue
        if math.isfinite(values[best]):
            found.append((key_s, best))
    return found


def _title(point: CurvePoint) -> str:
    name = f" · {point.source.name}" if point.source and point.source.name else ""
    day = f" · {format_day(point.source.day, get_language())}" if point.source else ""
    return f"{labelled(point.duration, point.value, get_language())}{day}{name}"
