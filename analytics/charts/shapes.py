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
