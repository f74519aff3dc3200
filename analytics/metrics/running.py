"""Running load (DESIGN §6 "Running"): grade-adjusted speed and rTSS.

- Energy cost of running on a grade i (rise/run): Minetti et al. (2002),
  C(i) = 155.4i⁵ - 30.4i⁴ - 43.3i³ + 46.3i² + 19.5i + 3.6 J/kg/m; C(0) = 3.6.
- Graded speed = speed × C(grade) / C(0): the flat speed that costs the same energy.
- Grade from altitude over distance, smoothed over a centred 20 m *distance* window
  (altitude interpolated at d - 10 m and d + 10 m, divided by the distance between them, the
  window shrinking at the ends), clipped to ±0.45 (the polynomial's fitted range). Where the
  athlete covers less than 1 m in the window (standing still) the grade is 0. On the corpus's
  Strava stream pairs this is within sports-lib's tolerances of Strava's `grade_smooth`.
- Normalized graded speed (NGS) = mean graded speed over the moving samples.
- rTSS = hours × IF² × 100 with IF = NGS / threshold speed.
"""

from __future__ import annotations

import numpy as np

from analytics.metrics.prep import BoolArray, FloatArray

GRADE_WINDOW_M = 20.0
GRADE_LIMIT = 0.45
MIN_SPAN_M = 1.0
_MINETTI = (155.4, -30.4, -43.3, 46.3, 19.5, 3.6)  # highest power first, for np.polyval


def minetti_cost(grade: FloatArray | float) -> FloatArray:
    """Energy cost of running (J/kg/m) at `grade` (rise over run, 0.1 = 10 %)."""
    return np.asarray(np.polyval(_MINETTI, np.asarray(grade, dtype=np.float64)))


def grade_from_altitude(
    distance_m: FloatArray, altitude_m: FloatArray, *, window_m: float = GRADE_WINDOW_M
) -> FloatArray:
    """Smoothed grade (rise/run) per sample: altitude change across a centred `window_m`
    distance window over the distance covered in it, clipped to ±0.45. A distance that goes
    back (a GPS reset) is held at its highest value; samples without distance or altitude
    take the grade of their place on the distance axis; 0 where nothing is known."""
    distance = np.asarray(distance_m, dtype=np.float64)
    altitude = np.asarray(altitude_m, dtype=np.float64)
    known = np.isfinite(distance) & np.isfinite(altitude)
    if known.sum() < 2:
        return np.zeros(distance.size)
    axis = np.fmax.accumulate(distance)
    axis = np.where(np.isfinite(axis), axis, np.nanmin(distance))
    xs, ys = np.maximum.accumulate(distance[known]), altitude[known]
    low = np.clip(axis - window_m / 2, xs[0], xs[-1])
    high = np.clip(axis + window_m / 2, xs[0], xs[-1])
    span = high - low
    rise = np.interp(high, xs, ys) - np.interp(low, xs, ys)
    with np.errstate(invalid="ignore", divide="ignore"):
        grade = np.where(span >= MIN_SPAN_M, rise / span, 0.0)
    return np.clip(grade, -GRADE_LIMIT, GRADE_LIMIT)


def graded_speed(speed_mps: FloatArray, grade: FloatArray) -> FloatArray:
    """Grade-adjusted speed (m/s) = speed × C(grade) / C(0), grade clipped to ±0.45."""
    clipped = np.clip(np.asarray(grade, dtype=np.float64), -GRADE_LIMIT, GRADE_LIMIT)
    return np.asarray(speed_mps, dtype=np.float64) * minetti_cost(clipped) / _MINETTI[-1]


def normalized_graded_speed(graded_speed_mps: FloatArray, moving: BoolArray) -> float | None:
    """Mean graded speed (m/s) over the moving samples of a 1 Hz grid; NaN samples are left
    out. None when no moving sample has a speed."""
    values = np.asarray(graded_speed_mps, dtype=np.float64)[moving]
    values = values[np.isfinite(values)]
    return float(values.mean()) if values.size else None


def rtss(
    duration_s: float | None, graded_speed_mps: float | None, threshold_speed_mps: float | None
) -> float | None:
    """rTSS = hours × IF² × 100, IF = graded speed (the NGS, m/s) / threshold speed (m/s);
    `duration_s` is the moving time. One hour at threshold speed scores 100. None when an input
    is missing or the threshold is not positive."""
    if duration_s is None or graded_speed_mps is None or threshold_speed_mps is None:
        return None
    if threshold_speed_mps <= 0:
        return None
    factor = graded_speed_mps / threshold_speed_mps
    return duration_s / 3600.0 * factor**2 * 100.0
