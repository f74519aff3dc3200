"""Best efforts: the fastest time to cover 400 m … marathon inside one activity (DESIGN §6).

Pure: numpy only. Input: the cumulative distance stream (m) and its timestamps (s) — any
sampling, not only 1 Hz. Times are elapsed times between the two points (pauses included, as
Strava's best efforts do); pass a moving-time clock instead to leave pauses out.

Between samples the distance is taken as linear in time, so an effort may start or end between
two samples. For a piecewise-linear distance the fastest window always has its start or its
end on a sample, so both are tried: for every sample as a start, the interpolated time at which
``distance + D`` is reached; for every sample as an end, the interpolated time at which
``distance - D`` was last passed. NaN rows are dropped, and so are rows whose distance
falls below an earlier one (a glitch backwards), so the distance only grows; standing stretches
(equal distances) are then tilted by 0.1 µm per sample so that it strictly grows and
``np.interp`` can invert it — a window of k samples gains k × 0.1 µm, far below any timing
error. With a ``sport``, GPS spikes are taken out of the distance first
(`prep.distance_without_spikes`): a jump off the route adds no metres to any effort.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from analytics.metrics.prep import distance_without_spikes
from core.units import METRES_PER_MILE

FloatArray = NDArray[np.float64]

TILT_M = 1e-7

BEST_EFFORT_DISTANCES_M: tuple[float, ...] = (
    400.0,
    800.0,
    1000.0,
    METRES_PER_MILE,
    5000.0,
    10000.0,
    21097.5,
    42195.0,
)
BEST_EFFORT_LABELS: dict[float, str] = {
    400.0: "400 m",
    800.0: "800 m",
    1000.0: "1 km",
    METRES_PER_MILE: "1 mile",
    5000.0: "5 km",
    10000.0: "10 km",
    21097.5: "Half marathon",
    42195.0: "Marathon",
}


def _clean(
    distance_m: ArrayLike, time_s: ArrayLike, sport: str | None = None
) -> tuple[FloatArray, FloatArray]:
    distance = np.asarray(distance_m, dtype=np.float64).ravel()
    times = np.asarray(time_s, dtype=np.float64).ravel()
    if distance.shape != times.shape:
        raise ValueError("distance and time streams must have the same length")
    kept = np.isfinite(distance) & np.isfinite(times)
    distance, times = distance[kept], times[kept]
    order = np.argsort(times, kind="stable")
    distance, times = distance[order], times[order]
    forward = distance >= np.maximum.accumulate(distance)
    distance, times = distance[forward], times[forward]
    if sport is not None:
        distance = distance_without_spikes(distance, times, sport=sport)
    # Tilt standing stretches so the distance strictly increases and np.interp inverts it.
    return distance + TILT_M * np.arange(distance.size), times


def best_effort_s(
    distance_m: ArrayLike, time_s: ArrayLike, effort_m: float, *, sport: str | None = None
) -> float | None:
    """Fastest time (s) to cover ``effort_m`` metres; None when the activity is shorter."""
    distance, times = _clean(distance_m, time_s, sport)
    return _best(distance, times, effort_m)


def _best(distance: FloatArray, times: FloatArray, effort_m: float) -> float | None:
    if effort_m <= 0:
        raise ValueError("effort distance must be positive")
    if distance.size < 2 or distance[-1] - distance[0] < effort_m:
        return None
    starts = distance[distance + effort_m <= distance[-1]]
    from_start = np.interp(starts + effort_m, distance, times) - np.interp(starts, distance, times)
    ends = distance - effort_m >= distance[0]
    to_end = times[ends] - np.interp(distance[ends] - effort_m, distance, times)
    return float(min(from_start.min(), to_end.min()))


def best_efforts(
    distance_m: ArrayLike,
    time_s: ArrayLike,
    efforts_m: tuple[float, ...] = BEST_EFFORT_DISTANCES_M,
    *,
    sport: str | None = None,
) -> dict[float, float | None]:
    """Fastest time (s) for each distance of ``efforts_m`` (m) — None for those longer than
    the activity. Keys are the distances in metres (``f"{key:g}"`` gives "1000", "1609.344");
    ``sport`` (the activity's) takes GPS spikes out first."""
    distance, times = _clean(distance_m, time_s, sport)
    return {effort: _best(distance, times, effort) for effort in efforts_m}
