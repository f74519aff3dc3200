from __future__ import annotations

import numpy as np
import pytest

from analytics.metrics.decoupling import (
    decoupling,
    efficiency_factor,
    metres_per_beat,
    split_decoupling,
)

HOUR = 3600


def test_a_perfectly_steady_effort_has_zero_decoupling() -> None:
    result = decoupling(np.full(HOUR, 3.2), np.full(HOUR, 150.0))
    assert result.decoupling_pct == pytest.approx(0.0)
    assert result.ef_first == pytest.approx(3.2 / 150)
    assert result.steady and result.moving_s == HOUR


def test_a_drifting_heart_rate_matches_the_hand_value() -> None:
    # After the 10 min warm-up: 25 min at 150 bpm, then 25 min at 160 bpm, speed 3 m/s.
    hr = np.concatenate([np.full(600, 120.0), np.full(1500, 150.0), np.full(1500, 160.0)])
    result = decoupling(np.full(hr.size, 3.0), hr)
    # (3/150 - 3/160) / (3/150) × 100 = (1 - 150/160) × 100 = 6.25 %
    assert result.decoupling_pct == pytest.approx(6.25)


def test_power_halves_use_the_np_style_average() -> None:
    # 30 s at 300 W / 30 s at 100 W square wave in the first half, constant 200 W after.
    square = np.tile(np.concatenate([np.full(30, 300.0), np.full(30, 100.0)]), 25)
    power = np.concatenate([np.full(600, 200.0), square, np.full(1500, 200.0)])
    result = decoupling(power, np.full(power.size, 140.0), kind="power")
    # Constant half: NP = 200 W. Square half: the 30 s rolling mean ramps linearly between
    # 100 and 300 W, NP = (mean of x⁴)^¼ over that ramp, ≈ 225.7 W; check against numpy.
    ramp = np.convolve(square, np.ones(30) / 30, mode="valid")
    np_first = np.mean(ramp**4) ** 0.25
    assert result.ef_first == pytest.approx(np_first / 140)
    assert result.ef_second == pytest.approx(200 / 140)
    assert result.decoupling_pct == pytest.approx((np_first - 200) / np_first * 100)


def test_pauses_are_removed_before_the_halves_are_cut() -> None:
    speed = np.full(4000, 3.0)
    hr = np.concatenate([np.full(2500, 150.0), np.full(1500, 160.0)])
    moving = np.ones(4000, dtype=bool)
    moving[1000:1400] = False  # a 400 s stop: 1,500 s at 150 bpm and 1,500 s at 160 remain
    hr[1000:1400] = 100.0
    result = decoupling(speed, hr, moving=moving)
    assert result.moving_s == 3600
    assert result.decoupling_pct == pytest.approx(6.25)


def test_short_or_variable_efforts_are_flagged_as_not_steady() -> None:
    short = decoupling(np.full(30 * 60, 3.0), np.full(30 * 60, 150.0))
    assert not short.steady and short.decoupling_pct == pytest.approx(0.0)
    intervals = np.tile(np.concatenate([np.full(120, 5.0), np.full(120, 1.0)]), 15)
    variable = decoupling(intervals, np.full(intervals.size, 150.0))
    assert variable.variability_cv is not None and variable.variability_cv > 0.25
    assert not variable.steady


def test_no_heart_rate_gives_no_decoupling() -> None:
    result = decoupling(np.full(HOUR, 3.0), np.full(HOUR, np.nan))
    assert result.decoupling_pct is None and not result.steady


def test_efficiency_factor_and_metres_per_beat_by_hand() -> None:
    assert efficiency_factor(np.full(600, 3.0), np.full(600, 150.0)) == pytest.approx(0.02)
    assert efficiency_factor(np.full(600, 210.0), np.full(600, 140.0), kind="power") == (
        pytest.approx(1.5)
    )
    # 3 m/s = 180 m/min at 150 bpm = 1.2 m per beat
    assert metres_per_beat(np.full(10, 3.0), np.full(10, 150.0)) == pytest.approx(1.2)


def test_split_variant_compares_each_lap_with_the_first() -> None:
    speed = np.full(1800, 3.0)
    hr = np.concatenate([np.full(600, 150.0), np.full(600, 150.0), np.full(600, 160.0)])
    splits = split_decoupling(speed, hr, [0, 600, 1200])
    assert [s.ef for s in splits] == pytest.approx([0.02, 0.02, 3 / 160])
    assert [s.decoupling_pct for s in splits] == pytest.approx([0.0, 0.0, 6.25])
