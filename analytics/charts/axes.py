"""Chart axes: the viewBox frame, scales, and round ticks for values, durations and dates."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MAX_TICKS = 6
MINUS = "\u2212"
# Duration ticks of the mean-max axis: 1 s, 10 s, 1 min, 10 min, 1 h, 10 h, then in-betweens.
DURATION_TICKS_S = (1, 10, 60, 600, 3600, 36000)
DURATION_TICKS_FINE_S = (1, 5, 10, 30, 60, 300, 600, 1200, 3600, 7200, 18000, 36000)


@dataclass(frozen=True, slots=True)
class Frame:
    """A chart's viewBox (``width`` × ``height`` user units) and the plot area's margins."""

    width: float = 640.0
    height: float = 240.0
    left: float = 58.0
    right: float = 14.0
    top: float = 12.0
    bottom: float = 36.0

    @property
    def x0(self) -> float:
        return self.left

    @property
    def x1(self) -> float:
        return self.width - self.right

    @property
    def y_top(self) -> float:
        return self.top

    @property
    def y_bottom(self) -> float:
        return self.height - self.bottom

    @property
    def plot_width(self) -> float:
        return self.x1 - self.x0

    @property
    def max_ticks(self) -> int:
        """How many date ticks fit without their labels touching."""
        return max(2, min(MAX_TICKS, int(self.plot_width // 75)))

    @property
    def tick_label_x(self) -> float:
        """Where value labels end (right-aligned, left of the plot)."""
        return self.left - 6

    @property
    def tick_label_y(self) -> float:
        """Where date or duration labels start (hanging below the plot)."""
        return self.y_bottom + 6

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width:g} {self.height:g}"


@dataclass(frozen=True, slots=True)
class Scale:
    """Maps ``[lo, hi]`` onto the pixels ``[start, end]``, linearly or on a log10 axis."""

    lo: float
    hi: float
    start: float
    end: float
    log: bool = False

    def __call__(self, value: float) -> float:
        lo, hi, v = self.lo, self.hi, value
        if self.log:
            lo, hi, v = math.log10(lo), math.log10(hi), math.log10(value)
        fraction = (v - lo) / (hi - lo) if hi != lo else 0.5
        return self.start + fraction * (self.end - self.start)


def round_fields(shape: object, *names: str) -> None:
    """Pixel coordinates to 0.1 user unit: plenty on screen, short in the markup."""
    for name in names:
        object.__setattr__(shape, name, round(getattr(shape, name), 1))


@dataclass(frozen=True, slots=True)
class Tick:
    """An axis tick: its pixel position, value and label."""

    at: float
    value: float
    label: str

    def __post_init__(self) -> None:
        round_fields(self, "at")


@dataclass(frozen=True, slots=True)
class DayTick:
    """A date-axis tick; ``unit`` ("week", "month" or "year") tells the template the format."""

    at: float
    day: dt.date
    unit: str

    def __post_init__(self) -> None:
        round_fields(self, "at")


# --- ticks ----------------------------------------------------------------------------------


def nice_step(span: float, count: int = 4) -> float:
    """The 1-2-2.5-5 × 10ᵏ step closest above ``span / count``."""
    raw = abs(span) / max(count, 1) or 1.0
    magnitude = 10.0 ** math.floor(math.log10(raw))
    for multiple in (1.0, 2.0, 2.5, 5.0, 10.0):
        if raw <= multiple * magnitude * (1 + 1e-9):
            return multiple * magnitude
    return 10.0 * magnitude  # pragma: no cover - the loop always returns


def nice_domain(lo: float, hi: float, count: int = 4) -> tuple[float, float, list[float]]:
    """A domain covering ``[lo, hi]`` with nice bounds, and its tick values (≤ count + 1)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        lo, hi = 0.0, 1.0
    if hi <= lo:
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    step = nice_step(hi - lo, count)
    first = math.floor(lo / step + 1e-9) * step
    last = math.ceil(hi / step - 1e-9) * step
    ticks = [first + i * step for i in range(round((last - first) / step) + 1)]
    return first, last, [round(t, 10) for t in ticks]


def number_label(value: float, step: float, decimal_sep: str = ".") -> str:
    """A tick value with as many decimals as its step needs (step 0.25 → "0.75")."""
    decimals = 0
    while decimals < 6 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-6:
        decimals += 1
    text = f"{abs(value):.{decimals}f}".replace(".", decimal_sep)
    return f"{MINUS}{text}" if value < 0 and round(abs(value), decimals) else text


def value_ticks(scale: Scale, values: Sequence[float], decimal_sep: str = ".") -> list[Tick]:
    """Ticks at ``values`` labelled with the decimals their spacing needs."""
    step = values[1] - values[0] if len(values) > 1 else 1.0
    return [Tick(scale(v), v, number_label(v, step, decimal_sep)) for v in values]


def duration_label(seconds: float) -> str:
    """A duration tick: "5 s", "1 min", "20 min", "1 h", "1.5 h"."""
    if seconds < 60:
        return f"{seconds:g} s"
    if seconds < 3600:
        return f"{seconds / 60:g} min"
    return f"{round(seconds / 3600, 1):g} h"


def duration_ticks(lo_s: float, hi_s: float) -> list[float]:
    """Round durations inside ``[lo_s, hi_s]`` for a log axis: decades, or finer when the
    decades give fewer than three ticks."""
    coarse = [float(s) for s in DURATION_TICKS_S if lo_s <= s <= hi_s]
    if len(coarse) >= 3:
        return coarse
    fine = [float(s) for s in DURATION_TICKS_FINE_S if lo_s <= s <= hi_s]
    return fine[:: max(1, math.ceil(len(fine) / MAX_TICKS))]


def day_ticks(scale: Scale, first: dt.date, last: dt.date, most: int = MAX_TICKS) -> list[DayTick]:
    """Ticks on Mondays (up to ~8 weeks), month starts (up to ~2 years) or year starts."""
    days = (last - first).days + 1
    if days <= 63:
        candidates = [d for d in _days(first, last) if d.weekday() == 0]
        unit = "week"
    elif days <= 800:
        candidates = [d for d in _days(first, last) if d.day == 1]
        unit = "month"
    else:
        candidates = [d for d in _days(first, last) if d.day == 1 and d.month == 1]
        unit = "year"
    stride = max(1, math.ceil(len(candidates) / most))
    return [DayTick(scale(d.toordinal()), d, unit) for d in candidates[::stride]]


def _days(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    return (first + dt.timedelta(days=n) for n in range((last - first).days + 1))
