"""Time in zones (DESIGN §6). Pure: numpy only.

Zones are given as ``bounds``: the ascending lower bounds of every zone above Z1, in the values'
SI unit (bpm, W, m/s) — the same convention as ``athletes.zones.zones_from_bounds``. Z1 starts at
-∞ here (anything below the first bound is Z1), the top zone is open-ended, and a value exactly
on a bound belongs to the upper zone. The result holds ``len(bounds) + 1`` durations in seconds.

Time-weighted: each sample lasts from its own timestamp to the next sample's, capped at the pause
threshold (10 s), so a pause counts at most 10 s in the zone of the sample before it; the last
sample lasts 0 s. On a recording without pauses the zones then sum to its recorded time
(last timestamp - first). NaN samples (missing, or masked) count in no zone.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from core.units import PAUSE_S

FloatArray = NDArray[np.float64]

SOURCE_STREAMS = "streams"
SOURCE_LAPS = "lap"


def _bounds(bounds: ArrayLike) -> FloatArray:
    edges = np.asarray(bounds, dtype=np.float64).ravel()
    if not np.all(np.isfinite(edges)) or np.any(np.diff(edges) <= 0):
        raise ValueError("bounds must be finite and strictly ascending")
    return edges


def sample_durations_s(time_s: ArrayLike, *, max_dt_s: float = PAUSE_S) -> FloatArray:
    """Each sample's duration (s): the interval to the next sample, capped at ``max_dt_s``;
    0 for the last sample and for repeated or backwards timestamps."""
    times = np.asarray(time_s, dtype=np.float64)
    if times.size == 0:
        return np.zeros(0)
    durations: FloatArray = np.append(np.diff(times), 0.0)
    capped: FloatArray = np.clip(np.nan_to_num(durations, nan=0.0), 0.0, max_dt_s)
    return capped


def _binned(values: FloatArray, weights: FloatArray, edges: FloatArray) -> FloatArray:
    counted = np.isfinite(values) & np.isfinite(weights)
    index = np.searchsorted(edges, values[counted], side="right")
    totals = np.bincount(index, weights=weights[counted], minlength=edges.size + 1)
    return totals.astype(np.float64)


def time_in_zones(
    values: ArrayLike,
    dt_s: ArrayLike,
    bounds: ArrayLike,
    *,
    max_dt_s: float = PAUSE_S,
) -> FloatArray:
    """Seconds spent in each zone (``len(bounds) + 1`` values, Z1 first).

    ``values``: samples in the zones' unit (NaN = in no zone). ``dt_s``: each sample's duration
    in seconds — an array like ``values`` (see `sample_durations_s`, which builds it from the
    timestamps) or one number for a regular grid (1.0 at 1 Hz, every sample lasting 1 s);
    durations are capped at ``max_dt_s`` (the pause threshold) and negatives count 0.
    """
    samples = np.asarray(values, dtype=np.float64).ravel()
    durations = np.broadcast_to(np.asarray(dt_s, dtype=np.float64), samples.shape)
    durations = np.clip(durations, 0.0, max_dt_s)
    return _binned(samples, durations, _bounds(bounds))


def time_in_zones_from_laps(
    lap_values: ArrayLike, lap_durations_s: ArrayLike, bounds: ArrayLike
) -> FloatArray:
    """Lap fallback (source ``"lap"``) when an activity has no streams: each lap's whole
    duration (s, moving time where known) goes to the zone of its average value; laps with no
    average (NaN) count in no zone. Returns seconds per zone (``len(bounds) + 1``)."""
    averages = np.asarray(lap_values, dtype=np.float64).ravel()
    durations = np.asarray(lap_durations_s, dtype=np.float64).ravel()
    if averages.shape != durations.shape:
        raise ValueError("one duration per lap value")
    return _binned(averages, np.clip(durations, 0.0, None), _bounds(bounds))
