from __future__ import annotations

import math

import numpy as np
import pytest

from analytics.metrics.heart import hr_tss, trimp

THRESHOLDS = {"hr_rest_bpm": 50.0, "hr_max_bpm": 190.0}


def test_an_hour_at_max_hr_scores_60_times_banisters_weight_at_full_reserve() -> None:
    value = trimp(np.full(3600, 190.0), sex="M", **THRESHOLDS)
    assert value == pytest.approx(60 * 1.0 * 0.64 * math.exp(1.92))


def test_a_woman_at_half_reserve_uses_the_female_weights() -> None:
    value = trimp(np.full(600, 120.0), sex="F", **THRESHOLDS)
    assert value == pytest.approx(10 * 0.5 * 0.86 * math.exp(1.67 * 0.5))


def test_heart_rate_reserve_is_clamped_to_zero_and_one() -> None:
    below, above = np.full(60, 40.0), np.full(60, 220.0)
    assert trimp(below, sex="M", **THRESHOLDS) == 0.0
    assert trimp(above, sex="M", **THRESHOLDS) == pytest.approx(0.64 * math.exp(1.92))


def test_missing_samples_add_nothing() -> None:
    hr = np.r_[np.full(60, 190.0), np.full(60, np.nan)]
    assert trimp(hr, sex="M", **THRESHOLDS) == pytest.approx(0.64 * math.exp(1.92))


def test_samples_can_carry_their_own_durations() -> None:
    hr = np.array([190.0, 190.0])
    value = trimp(hr, sex="M", dt_s=np.array([30.0, 90.0]), **THRESHOLDS)
    assert value == pytest.approx(2 * 0.64 * math.exp(1.92))


def test_trimp_is_none_without_heart_rate_or_with_impossible_thresholds() -> None:
    assert trimp(np.full(5, np.nan), sex="M", **THRESHOLDS) is None
    assert trimp(np.full(5, 150.0), sex="M", hr_rest_bpm=60.0, hr_max_bpm=60.0) is None


def test_an_unknown_sex_is_refused() -> None:
    with pytest.raises(ValueError, match="sex"):
        trimp(np.full(5, 150.0), sex="X", **THRESHOLDS)


def test_one_hour_at_lthr_scores_100_hr_tss() -> None:
    hour = trimp(np.full(3600, 168.0), sex="F", **THRESHOLDS)
    assert hr_tss(hour, lthr_bpm=168.0, sex="F", **THRESHOLDS) == pytest.approx(100.0)


def test_half_an_hour_at_lthr_scores_50_hr_tss() -> None:
    half = trimp(np.full(1800, 168.0), sex="M", **THRESHOLDS)
    assert hr_tss(half, lthr_bpm=168.0, sex="M", **THRESHOLDS) == pytest.approx(50.0)


def test_hr_tss_is_none_without_trimp_or_with_lthr_at_rest() -> None:
    assert hr_tss(None, lthr_bpm=168.0, sex="M", **THRESHOLDS) is None
    assert hr_tss(10.0, lthr_bpm=50.0, sex="M", **THRESHOLDS) is None
