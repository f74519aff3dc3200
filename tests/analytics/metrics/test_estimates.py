"""Thresholds estimated from an athlete's own activities (pure, no database)."""

from __future__ import annotations

import numpy as np

from analytics.metrics.estimates import (
    EffortSummary,
    critical_speed,
    curve_at,
    estimate_ftp,
    estimate_hr_max,
    estimate_hr_rest,
    estimate_lthr,
    estimate_threshold_speed,
)
from analytics.metrics.meanmax import mean_max, meanmax_durations


def _effort(**channels: np.ndarray) -> EffortSummary:
    curves = {}
    for channel, series in channels.items():
        durations = meanmax_durations(series.size)
        best = mean_max(series, durations, nan="zero" if channel == "power_w" else "skip")
        curves[channel] = {int(d): float(v) for d, v in zip(durations, best, strict=True)}
    return EffortSummary(mean_max=curves)


def _hr(minutes: int, bpm: float, *, spike: float | None = None) -> np.ndarray:
    series = np.full(minutes * 60, bpm)
    if spike is not None:
        series[series.size // 2] = spike
    return series


def test_estimators_give_nothing_without_data() -> None:
    assert estimate_hr_max([]) is None
    assert estimate_ftp([]) is None
    assert estimate_threshold_speed([]) is None
    assert estimate_hr_rest([]) is None
    assert estimate_hr_max([EffortSummary()]) is None


def test_max_hr_ignores_a_single_230_bpm_spike() -> None:
    efforts = [_effort(hr_bpm=_hr(60, bpm)) for bpm in (170, 176, 181)]
    efforts.append(_effort(hr_bpm=_hr(60, 150, spike=230)))
    efforts.append(EffortSummary(max_hr_bpm=230))  # a summary-only activity with an artefact
    estimate = estimate_hr_max(efforts)
    assert estimate is not None
    assert estimate.value == 176  # the second-highest sustained 5-s maximum
    assert estimate.count == 4  # the 230 bpm summary is an artefact, left out


def test_a_sustained_spike_in_one_activity_is_not_the_max() -> None:
    spiky = _hr(60, 160)
    spiky[100:110] = 230  # ten seconds of a strap artefact
    efforts = [_effort(hr_bpm=spiky), *(_effort(hr_bpm=_hr(60, b)) for b in (170, 178, 182))]
    estimate = estimate_hr_max(efforts)
    assert estimate is not None and (estimate.value, estimate.count) == (178, 3)


def test_one_short_activity_estimates_no_max_hr_and_no_ftp() -> None:
    short = _effort(hr_bpm=_hr(8, 150), power_w=np.full(8 * 60, 200.0))
    assert estimate_hr_max([short]) is None
    assert estimate_ftp([short]) is None
    assert estimate_threshold_speed([_effort(speed_mps=np.full(8 * 60, 3.0))]) is None


def test_lthr_is_the_best_30_min_heart_rate_within_85_to_95_percent_of_max() -> None:
    hard = _effort(hr_bpm=np.concatenate([_hr(10, 130), _hr(30, 168), _hr(10, 140)]))
    assert estimate_lthr([hard], hr_max_bpm=190).value == 168
    easy = _effort(hr_bpm=_hr(60, 130))
    assert estimate_lthr([easy], hr_max_bpm=190).value == round(0.85 * 190)
    assert estimate_lthr([_effort(hr_bpm=_hr(10, 150))], hr_max_bpm=190).value == 171


def test_ftp_is_95_percent_of_the_best_20_min_power() -> None:
    ride = np.concatenate([np.full(600, 150.0), np.full(1200, 280.0), np.full(600, 150.0)])
    ride[1000] = 1500.0  # a sprint spike changes nothing at 20 min
    estimate = estimate_ftp([_effort(power_w=ride), _effort(power_w=np.full(3600, 200.0))])
    assert estimate is not None
    assert abs(estimate.value - round(0.95 * (280 + (1500 - 280) / 1200))) <= 1


def test_critical_speed_is_the_slope_of_distance_over_time() -> None:
    # d = 4.0 t + 200 m: best average speeds 4 + 200/t
    assert critical_speed({t: 4.0 + 200 / t for t in (180, 600, 1200)}) == pytest_approx(4.0)
    assert critical_speed({600: 4.0}) is None


def test_threshold_speed_from_the_best_efforts_of_runs() -> None:
    fast = np.concatenate([np.full(300, 4.6), np.full(1800, 4.0)])
    estimate = estimate_threshold_speed([_effort(speed_mps=fast), _effort(speed_mps=_hr(40, 3))])
    assert estimate is not None
    assert 3.9 < estimate.value < 4.1


def test_resting_hr_is_the_median_of_wellness_days() -> None:
    estimate = estimate_hr_rest([52, None, 48, 50, 95])
    assert estimate is not None and (estimate.value, estimate.count) == (51, 4)


def test_curve_at_takes_the_shortest_stored_duration_at_least_that_long() -> None:
    assert curve_at({600: 5.0, 1212: 4.0, 1224: 3.9}, 1200) == 4.0
    assert curve_at({600: 5.0}, 1200) is None
    assert curve_at(None, 5) is None


def pytest_approx(value: float) -> object:
    import pytest

    return pytest.approx(value, rel=1e-9)
