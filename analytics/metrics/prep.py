"""Preparation of recorded samples for the metrics (DESIGN §6 "Preparation"). Pure: numpy only.

- `resample_1hz`: a 1 Hz grid on the recording's own clock. A gap between two recorded samples
  of more than `max_gap_s` (10 s) is a *pause*: the seconds inside it are absent from the grid
  (not interpolated) and the grid is split into *segments*; rolling windows never bridge two
  segments. Shorter gaps are linearly interpolated.
- `moving_mask`: speed above the sport's threshold, or power above 0.
- `mask_implausible_run_pace`: run speeds whose pace is under 2:30 or over 30:00 min/km become
  NaN; the rows are kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from core.sports import MOVING_SPEED_MPS
from core.units import PAUSE_S

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

# Below these speeds a sample is standing still (m/s) — the one table, which
# `activities.summary` uses too. Sports without one (strength, other) count every sample.
FASTEST_RUN_PACE_S_PER_KM = 150.0  # 2:30 min/km
SLOWEST_RUN_PACE_S_PER_KM = 1800.0  # 30:00 min/km


@dataclass(frozen=True, slots=True)
class Resampled:
    """Samples on a 1 Hz grid.

    `time_s`: grid times on the recording's clock (each segment starts at its first recorded
    sample and steps by 1 s). `channels`: the input channels on that grid, in input order
    (NaN where a channel had no usable neighbours). `segment`: 0, 1, 2… — the id of the run of
    samples between pauses. `paused`: True on the first grid second after a pause.
    """

    time_s: FloatArray
    channels: tuple[FloatArray, ...]
    segment: IntArray
    paused: BoolArray

    def __len__(self) -> int:
        return int(self.time_s.shape[0])


def resample_1hz(
    time_s: FloatArray, *channels: FloatArray, max_gap_s: float = PAUSE_S
) -> Resampled:
    """Resample `channels` (one value per `time_s`, seconds) to 1 Hz, pauses left out.

    Samples are put in time order; of several samples stamped with the same time the first is
    kept. A gap > `max_gap_s` between consecutive recorded times starts a new segment. Inside
    a segment each channel is linearly interpolated between its own finite samples when they
    are at most `max_gap_s` apart, else NaN (a sensor dropout is not invented).
    """
    times, rows = _ordered_unique(np.asarray(time_s, dtype=np.float64))
    if times.size == 0:
        empty = np.zeros(0, dtype=np.float64)
        return Resampled(empty, tuple(empty for _ in channels), _ints(0), _bools(0))
    grid, segment = _grid(times, max_gap_s)
    paused = np.zeros(grid.size, dtype=bool)
    paused[1:] = np.diff(segment) > 0
    values = tuple(
        _interpolate(times, np.asarray(c, dtype=np.float64)[rows], grid, max_gap_s)
        for c in channels
    )
    return Resampled(grid, values, segment, paused)


def _ordered_unique(time_s: FloatArray) -> tuple[FloatArray, IntArray]:
    """Finite times in order, duplicates dropped; and the input rows they came from."""
    finite = np.flatnonzero(np.isfinite(time_s))
    order = finite[np.argsort(time_s[finite], kind="stable")]
    times, first = np.unique(time_s[order], return_index=True)
    return times, order[first].astype(np.int64)


def _grid(times: FloatArray, max_gap_s: float) -> tuple[FloatArray, IntArray]:
    """1 s steps from each segment's first sample to its last; and each step's segment id."""
    breaks = np.flatnonzero(np.diff(times) > max_gap_s) + 1
    starts = times[np.concatenate(([0], breaks))]
    ends = times[np.concatenate((breaks - 1, [times.size - 1]))]
    counts = (np.floor(ends - starts + 1e-9) + 1).astype(np.int64)
    segment = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    offsets = np.arange(segment.size, dtype=np.float64) - np.repeat(
        np.cumsum(counts) - counts, counts
    )
    return np.repeat(starts, counts) + offsets, segment


def _interpolate(
    times: FloatArray, values: FloatArray, grid: FloatArray, max_gap_s: float
) -> FloatArray:
    """Linear interpolation between finite neighbours at most `max_gap_s` apart, else NaN."""
    known = np.isfinite(values)
    xs, ys = times[known], values[known]
    if xs.size == 0:
        return np.full(grid.size, np.nan)
    result = np.interp(grid, xs, ys)
    right = np.clip(np.searchsorted(xs, grid, side="left"), 0, xs.size - 1)
    left = np.clip(right - 1, 0, xs.size - 1)
    exact = xs[right] == grid
    bridged = (xs[left] <= grid) & (grid <= xs[right]) & (xs[right] - xs[left] <= max_gap_s)
    return np.where(exact | bridged, result, np.nan)


def moving_mask(
    speed_mps: FloatArray | None, power_w: FloatArray | None, *, sport: str
) -> BoolArray:
    """True where the athlete moves: speed (m/s) above the sport's threshold
    (`core.sports.MOVING_SPEED_MPS`, the table `activities.summary` uses too) or power (W) above 0.

    A channel that never shows movement in the whole recording (an indoor ride's speed of 0)
    says nothing and is ignored. With no informative channel, or for a sport without a
    threshold (strength, other), every sample counts as moving.
    """
    length = _length(speed_mps, power_w)
    threshold = MOVING_SPEED_MPS.get(sport)
    if threshold is None:
        return np.ones(length, dtype=bool)
    signals: list[BoolArray] = []
    with np.errstate(invalid="ignore"):
        if speed_mps is not None:
            signals.append(np.asarray(speed_mps > threshold, dtype=bool))
        if power_w is not None:
            signals.append(np.asarray(power_w > 0, dtype=bool))
    informative = [signal for signal in signals if signal.any()]
    if not informative:
        return np.ones(length, dtype=bool)
    moving: BoolArray = np.logical_or.reduce(informative)
    return moving


def _length(*channels: FloatArray | None) -> int:
    for channel in channels:
        if channel is not None:
            return int(channel.shape[0])
    return 0


def mask_implausible_run_pace(speed_mps: FloatArray) -> FloatArray:
    """Run speed (m/s) with paces faster than 2:30 min/km or slower than 30:00 min/km set to
    NaN (GPS spikes, standing still); same length as the input, a copy."""
    fastest = 1000.0 / FASTEST_RUN_PACE_S_PER_KM
    slowest = 1000.0 / SLOWEST_RUN_PACE_S_PER_KM
    speed = np.asarray(speed_mps, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        plausible = (speed >= slowest) & (speed <= fastest)
    return np.where(plausible, speed, np.nan)


def _ints(size: int) -> IntArray:
    return np.zeros(size, dtype=np.int64)


def _bools(size: int) -> BoolArray:
    return np.zeros(size, dtype=bool)
