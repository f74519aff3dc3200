"""Shapes of the charts: line paths, bars and bands, in pixel coordinates of a frame."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from analytics.charts.axes import Scale, round_fields


@dataclass(frozen=True, slots=True)
class Marker:
    """A highlighted point (``index`` into the input series) at pixel ``x``, ``y``."""

    x: float
    y: float
    index: int

    def __post_init__(self) -> None:
        round_fields(self, "x", "y")


@dataclass(frozen=True, slots=True)
class Bar:
    """A bar: top-left corner, size (user units) and ``index`` into the input series."""

    x: float
    y: float
    width: float
    height: float
    index: int

    def __post_init__(self) -> None:
        round_fields(self, "x", "y", "width", "height")


@dataclass(frozen=True, slots=True)
class Band:
    """A horizontal band of the value axis between two values (e.g. an ACWR range)."""

    name: str
    y: float
    height: float

    def __post_init__(self) -> None:
        round_fields(self, "y", "height")


# --- shapes ---------------------------------------------------------------------------------


def line_path(points: Iterable[tuple[float, float]], *, min_dx: float = 0.0) -> str:
    """SVG path data through pixel points; a NaN coordinate starts a new segment.

    Points closer than ``min_dx`` pixels to the last drawn one along x are skipped (never the
    last point of a segment), which keeps long series to about one point per pixel.
    """
    parts: list[str] = []
    pending: tuple[float, float] | None = None
    last_x: float | None = None
    for x, y in points:
        if math.isnan(x) or math.isnan(y):
            if pending is not None:
                parts.append(f"L{pending[0]:.1f} {pending[1]:.1f}")
            pending, last_x = None, None
            continue
        if last_x is None:
            parts.append(f"M{x:.1f} {y:.1f}")
            last_x, pending = x, None
        elif x - last_x >= min_dx:
            parts.append(f"L{x:.1f} {y:.1f}")
            last_x, pending = x, None
        else:
            pending = (x, y)
    if pending is not None:
        parts.append(f"L{pending[0]:.1f} {pending[1]:.1f}")
    return "".join(parts)


def bars(
    starts: Sequence[dt.date], values: Sequence[float], span_days: int, x: Scale, y: Scale
) -> list[Bar]:
    """One bar per (start day, value) covering ``span_days`` days, from 0 up to the value;
    a 10 % gap separates neighbours. Zero and NaN values draw nothing."""
    out: list[Bar] = []
    base = y(0.0)
    for index, (start, value) in enumerate(zip(starts, values, strict=True)):
        if not value or math.isnan(value):
            continue
        left = x(start.toordinal() - 0.5)
        width = x(start.toordinal() - 0.5 + span_days) - left
        top = y(value)
        out.append(Bar(left + width * 0.05, min(top, base), width * 0.9, abs(base - top), index))
    return out


def bands(y: Scale, edges: Sequence[tuple[str, float, float]]) -> list[Band]:
    """Horizontal bands (name, low value, high value) clipped to the scale's domain."""
    out: list[Band] = []
    for name, low, high in edges:
        low, high = max(low, y.lo), min(high, y.hi)
        if high > low:
            out.append(Band(name, y(high), y(low) - y(high)))
    return out


def area_path(
    xs: Sequence[float], lows: Sequence[float], highs: Sequence[float], *, min_dx: float = 0.0
) -> str:
    """Closed SVG paths filling between two edges (pixels), one per run of finite points: along
    the high edge, back along the low one. A NaN on either edge ends the run; a run of one
    point fills nothing."""
    parts: list[str] = []
    run: list[tuple[float, float, float]] = []
    for x, low, high in [*zip(xs, lows, highs, strict=True), (math.nan, math.nan, math.nan)]:
        if math.isnan(x) or math.isnan(low) or math.isnan(high):
            if len(run) > 1:  # a lone point has no area
                kept = _thinned(run, min_dx)  # once, forwards: both edges share the points
                top = "L".join(f"{px:.1f} {ph:.1f}" for px, _pl, ph in kept)
                back = "L".join(f"{px:.1f} {pl:.1f}" for px, pl, _ph in reversed(kept))
                parts.append(f"M{top}L{back}Z")
            run = []
            continue
        run.append((x, low, high))
    return "".join(parts)


def _thinned(
    run: list[tuple[float, float, float]], min_dx: float
) -> list[tuple[float, float, float]]:
    """The points of a run at least ``min_dx`` pixels apart along x, the last one always."""
    kept = [run[0]]
    for point in run[1:-1]:
        if point[0] - kept[-1][0] >= min_dx:
            kept.append(point)
    return [*kept, run[-1]]


def stacked_bars(
    days: Sequence[dt.date], layers: Sequence[Sequence[float]], x: Scale, y: Scale
) -> list[list[Bar]]:
    """One bar per day and layer, each layer stacked on the ones before (NaN counts 0)."""
    out: list[list[Bar]] = [[] for _layer in layers]
    for index, day in enumerate(days):
        left = x(day.toordinal() - 0.5)
        width = x(day.toordinal() + 0.5) - left
        base = 0.0
        for layer, values in enumerate(layers):
            value = values[index]
            if not value or math.isnan(value):
                continue
            top, bottom = y(base + value), y(base)
            out[layer].append(Bar(left + width * 0.05, top, width * 0.9, bottom - top, index))
            base += value
    return out
