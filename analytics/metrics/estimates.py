"""Thresholds estimated from an athlete's own activities, for a history without thresholds.

DESIGN §6 ("Thresholds over history"). Pure: stdlib only. Each estimator takes one summary per
activity (`EffortSummary`: the activity's max HR and its mean-max curves, as ActivityMetrics
stores them) and returns a value with how it was found, or None when the data cannot support
one. The choices, each a suggestion the athlete or coach confirms:

- **max HR**: the second-highest of the per-activity best 5-s heart rates, over at least
  `MIN_HR_ACTIVITIES` activities. A 5-s window ignores a one-sample spike; taking the second
  activity ignores a whole activity with a strap artefact (a 230 bpm reading). Values above
  `HR_ARTEFACT_BPM` are artefacts and left out.
- **LTHR**: the best 30-min average heart rate of any activity of the sport (Friel: the average
  of a hard 30-min effort is close to LTHR), kept within 85–95 % of the estimated max HR: an
  easy-only history underestimates it (floor), a hot or drifting session overestimates it (cap).
  Without 30 min of heart rate, 90 % of max HR (the `analyze_file` default).
- **FTP**: 95 % of the best 20-min average power (Coggan's field test).
- **threshold speed**: critical speed, the slope of distance over time through the best average
  speeds of 3 to 30 minutes (at least two durations, the longest ≥ 10 min): an athlete's
  ~1-hour speed.
- **resting HR**: the median of the wellness days' resting heart rates (at least
  `MIN_REST_DAYS`); else None (the caller uses a stated default).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

HR_SUSTAINED_S = 5
LTHR_WINDOW_S = 30 * 60
FTP_WINDOW_S = 20 * 60
FTP_FACTOR = 0.95
LTHR_LOW, LTHR_HIGH, LTHR_DEFAULT = 0.85, 0.95, 0.90
HR_ARTEFACT_BPM = 225.0
HR_MIN_PLAUSIBLE_BPM = 100.0
MIN_HR_ACTIVITIES = 3
MIN_REST_DAYS = 3
CS_DURATIONS_S = (180, 300, 600, 1200, 1800)
CS_LONGEST_AT_LEAST_S = 600

Curve = Mapping[int, float]  # duration (s) → best average over that duration


@dataclass(frozen=True, slots=True)
class EffortSummary:
    """What the estimators read of one activity: its mean-max curves per channel
    ("hr_bpm", "power_w", "speed_mps"), durations in seconds."""

    mean_max: Mapping[str, Curve] = field(default_factory=dict)
    max_hr_bpm: float | None = None


@dataclass(frozen=True, slots=True)
class Estimate:
    """An estimated value (SI) and how it was found: `method`, and `count` activities (or
    wellness days) it used."""

    value: float
    method: str
    count: int


def curve_at(curve: Curve | None, duration_s: int) -> float | None:
    """The best average over `duration_s`: the value at the shortest stored duration at least
    that long (curves are stored on a grid ~1 % apart past 10 min); None when shorter."""
    if not curve:
        return None
    longer = [d for d in curve if d >= duration_s]
    return float(curve[min(longer)]) if longer else None


def _best(efforts: Iterable[EffortSummary], channel: str, duration_s: int) -> list[float]:
    values = (curve_at(e.mean_max.get(channel), duration_s) for e in efforts)
    return [v for v in values if v is not None and v > 0]


def estimate_hr_max(efforts: Sequence[EffortSummary]) -> Estimate | None:
    """Max heart rate (bpm): the second-highest per-activity best 5-s HR (module docstring)."""
    peaks = []
    for effort in efforts:
        peak = curve_at(effort.mean_max.get("hr_bpm"), HR_SUSTAINED_S) or effort.max_hr_bpm
        if peak is not None and HR_MIN_PLAUSIBLE_BPM <= peak <= HR_ARTEFACT_BPM:
            peaks.append(peak)
    if len(peaks) < MIN_HR_ACTIVITIES:
        return None
    second = sorted(peaks, reverse=True)[1]
    return Estimate(round(second), "second-highest 5-s heart rate", len(peaks))


def estimate_lthr(efforts: Sequence[EffortSummary], *, hr_max_bpm: float) -> Estimate:
    """Lactate threshold HR (bpm): best 30-min HR within 85–95 % of max (module docstring)."""
    best = [v for v in _best(efforts, "hr_bpm", LTHR_WINDOW_S) if v <= HR_ARTEFACT_BPM]
    if not best:
        return Estimate(round(LTHR_DEFAULT * hr_max_bpm), "90 % of max heart rate", 0)
    clamped = min(max(max(best), LTHR_LOW * hr_max_bpm), LTHR_HIGH * hr_max_bpm)
    return Estimate(round(clamped), "best 30-min heart rate", len(best))


def estimate_ftp(efforts: Sequence[EffortSummary]) -> Estimate | None:
    """FTP (W): 95 % of the best 20-min average power; None without 20 min of power."""
    best = _best(efforts, "power_w", FTP_WINDOW_S)
    if not best:
        return None
    return Estimate(round(FTP_FACTOR * max(best)), "95 % of best 20-min power", len(best))


def critical_speed(best_speeds_mps: Mapping[int, float]) -> float | None:
    """Critical speed (m/s): least-squares slope of distance = CS·t + D' through the best
    average speeds per duration (s); None with fewer than two or a negative slope."""
    points = [(t, v * t) for t, v in sorted(best_speeds_mps.items()) if v > 0]
    if len(points) < 2:
        return None
    mean_t = statistics.fmean(t for t, _d in points)
    mean_d = statistics.fmean(d for _t, d in points)
    var_t = sum((t - mean_t) ** 2 for t, _d in points)
    slope = sum((t - mean_t) * (d - mean_d) for t, d in points) / var_t
    return slope if slope > 0 else None


def estimate_threshold_speed(efforts: Sequence[EffortSummary]) -> Estimate | None:
    """Threshold speed (m/s): critical speed of the best 3–30 min speeds (module docstring)."""
    best: dict[int, float] = {}
    used = 0
    for duration in CS_DURATIONS_S:
        values = _best(efforts, "speed_mps", duration)
        if values:
            best[duration] = max(values)
            used = max(used, len(values))
    if not best or max(best) < CS_LONGEST_AT_LEAST_S:
        return None
    speed = critical_speed(best)
    if speed is None:
        return None
    return Estimate(round(speed, 3), "critical speed of best 3–30 min", used)


def estimate_hr_rest(resting_hr_bpm: Iterable[float | None]) -> Estimate | None:
    """Resting HR (bpm): the median of the wellness days' values; None with fewer than 3."""
    values = [v for v in resting_hr_bpm if v is not None and v > 0]
    if len(values) < MIN_REST_DAYS:
        return None
    return Estimate(
        round(statistics.median(values)), "median wellness resting heart rate", len(values)
    )
