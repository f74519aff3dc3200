from __future__ import annotations

import numpy as np
import pytest

from analytics.metrics.power import (
    intensity_factor,
    normalized_power,
    power_1hz,
    training_stress_score,
)


def test_constant_power_has_that_normalized_power() -> None:
    assert normalized_power(np.full(600, 250.0)) == pytest.approx(250.0)


def test_a_square_wave_with_a_30_second_period_normalizes_to_its_mean() -> None:
    # 15 s at 400 W, 15 s at 0 W: every 30 s window holds exactly one period, mean 200 W.
    power = np.tile(np.r_[np.full(15, 400.0), np.zeros(15)], 20)
    assert normalized_power(power) == pytest.approx(200.0)


def test_a_step_from_rest_to_300_w_normalizes_by_hand() -> None:
    # 30 s at 0 W then 30 s at 300 W: the 31 windows hold j = 0..30 s at 300 W, means 10·j W.
    power = np.r_[np.zeros(30), np.full(30, 300.0)]
    by_hand = (sum((10.0 * j) ** 4 for j in range(31)) / 31) ** 0.25
    assert normalized_power(power) == pytest.approx(by_hand)
    assert by_hand == pytest.approx(203.09, abs=0.01)


def test_the_rolling_window_restarts_after_a_pause() -> None:
    power = np.r_[np.full(60, 100.0), np.full(60, 300.0)]
    segment = np.r_[np.zeros(60, dtype=np.int64), np.ones(60, dtype=np.int64)]
    expected = ((31 * 100.0**4 + 31 * 300.0**4) / 62) ** 0.25
    assert normalized_power(power, segment=segment) == pytest.approx(expected)
    assert normalized_power(power) != pytest.approx(expected)


def test_a_segment_shorter_than_the_window_adds_no_window() -> None:
    power = np.r_[np.full(40, 200.0), np.full(20, 500.0)]
    segment = np.r_[np.zeros(40, dtype=np.int64), np.ones(20, dtype=np.int64)]
    assert normalized_power(power, segment=segment) == pytest.approx(200.0)


def test_a_recording_shorter_than_the_window_normalizes_to_its_mean_power() -> None:
    assert normalized_power(np.array([100.0, 200.0, 300.0])) == pytest.approx(200.0)
    assert normalized_power(np.zeros(0)) is None


def test_missing_power_counts_as_zero_watts() -> None:
    power = np.r_[np.full(15, 400.0), np.full(15, np.nan)]
    assert normalized_power(np.tile(power, 4)) == pytest.approx(200.0)


def test_power_for_np_fills_dropouts_with_zero_and_leaves_pauses_out() -> None:
    time_s = np.array([0.0, 1.0, 2.0, 4.0, 30.0])
    grid = power_1hz(time_s, np.array([100.0, np.nan, 100.0, 300.0, 50.0]))
    assert grid.time_s.tolist() == [0, 1, 2, 3, 4, 30]
    assert grid.channels[0].tolist() == [100, 0, 100, 200, 300, 50]
    assert grid.segment.tolist() == [0, 0, 0, 0, 0, 1]


def test_intensity_factor_is_np_over_ftp() -> None:
    assert intensity_factor(200.0, 250.0) == pytest.approx(0.8)
    assert intensity_factor(200.0, 0.0) is None
    assert intensity_factor(None, 250.0) is None


def test_one_hour_at_ftp_scores_100_tss() -> None:
    assert training_stress_score(3600.0, 250.0, 250.0) == pytest.approx(100.0)


def test_half_an_hour_at_intensity_0_8_scores_32_tss() -> None:
    assert training_stress_score(1800.0, 200.0, 250.0) == pytest.approx(32.0)


def test_tss_needs_a_duration_np_and_ftp() -> None:
    assert training_stress_score(None, 200.0, 250.0) is None
    assert training_stress_score(3600.0, None, 250.0) is None
    assert training_stress_score(3600.0, 200.0, None) is None
