"""Mean-max curves (best average for each duration) and their season/all-time envelope.

DESIGN §6. Pure: numpy only. Inputs are on a 1 Hz grid: sample ``i`` is second ``i``.

Durations: every second from 1 s to 10 min, then about 1 % apart (each next duration is
``max(d + 1, round(d × 1.01))``) — one shared grid, `MEANMAX_DURATIONS_S`, so that every
activity's curve is a prefix of it and curves line up index by index. A 6 h activity gets 960
durations (600 at 1 s spacing, 360 at ~1 %) — not the ≈ 700 DESIGN §6 quotes: 1 % steps from
10 min to 6 h alone are ln(36)/ln(1.01) ≈ 360.

Missing samples (NaN), by channel:
- power (``nan="zero"``, the default): NaN counts as 0 W — a dropout or coasting produces no
  work, so the window's average includes it;
- HR and speed (``nan="skip"``): NaN samples are removed first and windows span ``d`` valid
  samples (the series is closed up over its gaps).

The best average of each duration is ``max_i (csum[i + d] - csum[i]) / d`` over the cumulative
sum ``csum`` — exact, one vectorised pass per duration. The curve is *not* non-increasing in
general ([5, 0, 5]: best 2 s = 2.5, best 3 s = 3.33); what always holds is ``MM(d) ≥ MM(k·d)``
(a ``k·d`` window splits into ``k`` windows of ``d``, one at least as good as the whole), and
``MM(1)`` is the highest sample, ``MM(n)`` the mean. No running minimum is applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

EVERY_SECOND_UP_TO_S = 600
SPACING = 1.01
_GRID_UP_TO_S = 7 * 24 * 3600  # one week; longer activities extend it on demand


def _grid(up_to_s: int) -> IntArray:
    durations = list(range(1, min(EVERY_SECOND_UP_TO_S, up_to_s) + 1))
    duration = EVERY_SECOND_UP_TO_S
    while True:
        duration = max(duration + 1, round(duration * SPACING))
        if duration > up_to_s:
            break
        durations.append(duration)
    return np.asarray(durations, dtype=np.int64)


MEANMAX_DURATIONS_S: IntArray = _grid(_GRID_UP_TO_S)


def meanmax_durations(length_s: float) -> IntArray:
    """Durations (s) of the shared grid up to ``length_s`` seconds (the activity's samples)."""
    limit = int(length_s)
    if limit <= _GRID_UP_TO_S:
        return MEANMAX_DURATIONS_S[: np.searchsorted(MEANMAX_DURATIONS_S, limit, side="right")]
    return _grid(limit)


def mean_max(
    values_1hz: ArrayLike,
    durations: ArrayLike | None = None,
    *,
    nan: Literal["zero", "skip"] = "zero",
    resolution: float | None = None,
) -> FloatArray:
    """Best average of ``values_1hz`` (any unit: W, bpm, m/s) for each duration in seconds.

    ``durations`` default to `meanmax_durations` of the series' length; a duration longer than
    the series gives NaN. ``nan``: "zero" (power) or "skip" (HR, speed) — module docstring.
    ``resolution`` (e.g. 0.001 for m/s, what the streams store) rounds the values to that step
    first. Whole-number series (W, bpm, or any series at a resolution) are summed exactly in
    32-bit integers, which halves the memory traffic of the window loop.
    """
    series = np.asarray(values_1hz, dtype=np.float64).ravel()
    if nan == "zero":
        series = np.nan_to_num(series, nan=0.0, posinf=0.0, neginf=0.0)
    else:
        series = series[np.isfinite(series)]
    wanted = (
        meanmax_durations(series.size)
        if durations is None
        else np.asarray(durations, dtype=np.int64).ravel()
    )
    if np.any(wanted < 1):
        raise ValueError("durations must be at least 1 s")
    step = 1.0
    if resolution is not None:
        step = float(resolution)
        series = np.round(series / step)
    csum = _cumulative_sum(series)
    sums = np.full(wanted.size, np.nan)
    scratch = np.empty(series.size, dtype=csum.dtype)
    subtract, largest = np.subtract, np.maximum.reduce  # ~1,000 small calls: no wrappers
    for index, duration in enumerate(wanted.tolist()):
        starts = series.size - duration + 1
        if starts < 1:
            continue
        window = scratch[:starts]
        subtract(csum[duration:], csum[:starts], out=window)
        sums[index] = largest(window)
    best: FloatArray = sums * step / wanted
    return best


def _cumulative_sum(series: FloatArray) -> NDArray[np.float64] | NDArray[np.int32]:
    """Prefix sums with a leading 0: exact int32 when the values are whole numbers whose total
    fits (power in W, HR in bpm, speed in mm/s for a day of data), else float64."""
    csum = np.zeros(series.size + 1)
    np.cumsum(series, out=csum[1:])
    whole = bool(np.all(series == np.floor(series)))
    if whole and series.size and float(np.abs(csum).max()) < 2**30:  # differences fit too
        return csum.astype(np.int32)
    return csum


def curve_max(curves: Sequence[ArrayLike]) -> FloatArray:
    """Pointwise maximum of per-activity curves on the shared grid (season or all-time curve).

    Curves may have different lengths (a shorter activity has fewer durations); each point is
    the best over the curves that reach it, NaN where none does. Units are the curves' own.
    """
    rows = [np.asarray(curve, dtype=np.float64).ravel() for curve in curves]
    length = max((row.size for row in rows), default=0)
    best = np.full(length, np.nan)
    for row in rows:
        np.fmax(best[: row.size], row, out=best[: row.size])
    return best
