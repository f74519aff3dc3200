"""Preparation of recorded samples for the metrics (DESIGN §6 "Preparation"). Pure: numpy only.

- `resample_1hz`: a 1 Hz grid on the recording's own clock. A gap between two recorded samples
  of more than `max_gap_s` (10 s) is a *pause*: the seconds inside it are absent from the grid
  (not interpolated) and the grid is split into *segments*; rolling windows never bridge two
  segments. Shorter gaps are linearly interpolated.
- `moving_mask`: speed above the sport's threshold, or power above 0.
- `mask_implausible_run_pace`: run speeds whose pace is under 2:30 or over 30:00 min/km become
  NaN; the rows are kept.
- `mask_speed_spikes`, `distance_without_spikes`: GPS spikes (a speed above the sport's plausible
  maximum, or a jump above the last plausible speed no one could accelerate to) are left out of
  speeds, and their fabricated metres out of a distance stream, before best efforts and
  mean-max curves are computed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from core.sports import (
    MAX_PLAUSIBLE_SPEED_MPS,
    MAX_SPEED_GAIN_MPS_PER_S,
    MOVING_SPEED_MPS,
    SPEED_NOISE_MPS,
)
from core.units import PAUSE_S

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

# Below these speeds a sample is standing still (m/s) — the one table, which
# `activities.summary` uses too. Sports without one (strength, other) count every sample.
FASTEST_RUN_PACE_S_PER_KM = 150.0  # 2:30 min/km
SLOWEST_RUN_PACE_S_PER_KM = 1800.0  # 30:00 min/km
SPIKE_LOOKBACK_S = 3.0  # a spike is judged against the plausible speeds of these seconds


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
    every = _Neighbours(times, grid, max_gap_s)  # shared by the channels known at every sample
    values = tuple(
        _interpolate(times, np.asarray(c, dtype=np.float64)[rows], grid, max_gap_s, every)
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


class _Neighbours:
    """Where each grid time falls among the known sample times: which grid times are a
    sample's own or lie between two samples at most `max_gap_s` apart (computed on first use,
    then shared by every channel known at the same samples)."""

    def __init__(self, xs: FloatArray, grid: FloatArray, max_gap_s: float) -> None:
        self.xs, self.grid, self.max_gap_s = xs, grid, max_gap_s
        self._inside: BoolArray | None = None

    @property
    def inside(self) -> BoolArray:
        if self._inside is None:
            xs, grid = self.xs, self.grid
            right = np.clip(np.searchsorted(xs, grid, side="left"), 0, xs.size - 1)
            left = np.clip(right - 1, 0, xs.size - 1)
            exact = xs[right] == grid
            bridged = (xs[left] <= grid) & (grid <= xs[right])
            self._inside = exact | (bridged & (xs[right] - xs[left] <= self.max_gap_s))
        return self._inside


def _interpolate(
    times: FloatArray,
    values: FloatArray,
    grid: FloatArray,
    max_gap_s: float,
    every: _Neighbours | None = None,
) -> FloatArray:
    """Linear interpolation between finite neighbours at most `max_gap_s` apart, else NaN.
    `every`: the neighbours of `times` when the caller shares them between channels."""
    known = np.isfinite(values)
    all_known = bool(known.all())
    xs, ys = (times, values) if all_known else (times[known], values[known])
    if xs.size == 0:
        return np.full(grid.size, np.nan)
    result = np.interp(grid, xs, ys)
    neighbours = every if all_known and every is not None else _Neighbours(xs, grid, max_gap_s)
    return np.where(neighbours.inside, result, np.nan)


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


def mask_speed_spikes(speed_mps: FloatArray, time_s: FloatArray, *, sport: str) -> FloatArray:
    """Speed (m/s) with GPS spikes set to NaN; a copy, same rows (times in s, non-decreasing).

    A sample is a spike when it is above the sport's plausible maximum
    (`core.sports.MAX_PLAUSIBLE_SPEED_MPS`) or faster than the plausible samples of the last
    `SPIKE_LOOKBACK_S` seconds (the last plausible one when none is that recent) by more than
    `SPEED_NOISE_MPS` + `MAX_SPEED_GAIN_MPS_PER_S` × the seconds since the last plausible one.
    Slowing down is never a spike; a one-second stall of a distance stream (0 m, then twice the
    step) is not one either; the allowance grows with time, so a real change is let in soon.
    Non-finite samples are left as they are and judge nothing.
    """
    speed = np.array(speed_mps, dtype=np.float64)
    times = np.asarray(time_s, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        speed[speed > MAX_PLAUSIBLE_SPEED_MPS.get(sport, np.inf)] = np.nan
    rows = np.flatnonzero(np.isfinite(speed))
    speed[rows[~_plausible(speed[rows], times[rows])]] = np.nan
    return speed


def _plausible(values: FloatArray, times: FloatArray) -> BoolArray:
    """Which finite samples are not jumps (`mask_speed_spikes`), decided as if judged one by one.

    Whether a sample is a jump depends on which earlier ones were kept, so the verdicts are
    first computed as if every sample were kept (vectorised, exact until the first jump);
    after each jump the samples that still see it are judged one by one (`_settle`), and the
    first one that no longer does resumes the vectorised verdicts.
    """
    kept = np.ones(values.size, dtype=bool)
    if values.size < 2:
        return kept
    starts = np.searchsorted(times, times - SPIKE_LOOKBACK_S, side="left")
    later = np.arange(1, values.size)
    # Sample i is judged against samples [starts[i], i), or the one before it when none.
    reference = _range_max(values, np.minimum(starts[1:], later - 1), later)
    allowed = SPEED_NOISE_MPS + MAX_SPEED_GAIN_MPS_PER_S * (times[1:] - times[:-1])
    jumps = np.flatnonzero(values[1:] - reference > allowed) + 1
    settled = 0  # every sample before this one has its final verdict
    while (following := int(np.searchsorted(jumps, settled))) < jumps.size:
        settled = _settle(values, times, starts, kept, int(jumps[following]))
    return kept


def _settle(
    values: FloatArray, times: FloatArray, starts: IntArray, kept: BoolArray, jump: int
) -> int:
    """Mark `jump` (a sample judged against kept samples only) as a spike, then judge the
    next samples one by one while a spike is among the samples they are judged against;
    returns the first sample that no spike touches (its vectorised verdict holds)."""
    kept[jump] = False
    last_kept, last_spike = jump - 1, jump
    for index in range(jump + 1, values.size):
        moment = times[index]
        if times[last_spike] < moment - SPIKE_LOOKBACK_S and last_spike != index - 1:
            return index
        window = values[starts[index] : index][kept[starts[index] : index]]
        reference = window.max() if window.size else values[last_kept]
        allowed = SPEED_NOISE_MPS + MAX_SPEED_GAIN_MPS_PER_S * (moment - times[last_kept])
        if values[index] - reference > allowed:
            kept[index], last_spike = False, index
        else:
            last_kept = index
    return values.size


def _range_max(values: FloatArray, first: IntArray, end: IntArray) -> FloatArray:
    """max(values[first[i]:end[i]]) for every i (non-empty ranges), by a sparse table: two
    overlapping power-of-two blocks per range."""
    widths = end - first
    levels = np.frexp(widths.astype(np.float64))[1] - 1  # floor(log2(width)), exact
    result = np.empty(widths.size, dtype=np.float64)
    table = values
    for level in range(int(levels.max()) + 1):
        if level:
            half = 1 << (level - 1)
            table = np.maximum(table[:-half], table[half:])
        chosen = np.flatnonzero(levels == level)
        block = 1 << level
        result[chosen] = np.maximum(table[first[chosen]], table[end[chosen] - block])
    return result


def distance_without_spikes(
    distance_m: FloatArray, time_s: FloatArray, *, sport: str
) -> FloatArray:
    """Cumulative distance (m) whose spike steps (see `mask_speed_spikes`) are replaced by the
    last plausible speed × their duration, so a GPS jump adds no metres; a copy, same rows.
    Expects finite values in time order (what `efforts` keeps)."""
    distance = np.asarray(distance_m, dtype=np.float64)
    times = np.asarray(time_s, dtype=np.float64)
    if distance.size < 2:
        return distance.copy()
    steps, seconds = np.diff(distance), np.diff(times)
    with np.errstate(divide="ignore", invalid="ignore"):
        speeds = np.where(seconds > 0, steps / seconds, np.where(steps > 0, np.inf, 0.0))
    plausible = mask_speed_spikes(speeds, times[1:], sport=sport)
    known = np.isfinite(plausible)
    last = np.maximum.accumulate(np.where(known, np.arange(plausible.size), -1))
    carried = np.where(last >= 0, plausible[np.maximum(last, 0)], 0.0)
    fixed = np.where(known, steps, carried * seconds)
    return np.concatenate(([distance[0]], distance[0] + np.cumsum(fixed)))


def _ints(size: int) -> IntArray:
    return np.zeros(size, dtype=np.int64)


def _bools(size: int) -> BoolArray:
    return np.zeros(size, dtype=bool)
