from __future__ import annotations

import numpy as np
import pytest

from analytics.metrics.meanmax import (
    MEANMAX_DURATIONS_S,
    curve_max,
    mean_max,
    meanmax_durations,
)


def test_durations_are_every_second_to_ten_minutes_then_about_one_percent_apart() -> None:
    grid = meanmax_durations(6 * 3600)
    assert grid[:600].tolist() == list(range(1, 601))
    assert grid[600:603].tolist() == [606, 612, 618]
    steps = grid[601:] / grid[600:-1]
    assert np.all((steps > 1.005) & (steps < 1.015))
    assert grid[-1] <= 6 * 3600 < round(grid[-1] * 1.01)
    assert grid.size == 960  # 600 + 360


def test_every_activity_curve_is_a_prefix_of_the_shared_grid() -> None:
    short = meanmax_durations(1500)
    assert np.array_equal(short, MEANMAX_DURATIONS_S[: short.size])
    assert meanmax_durations(30).tolist() == list(range(1, 31))


def test_mean_max_of_a_known_series_by_hand() -> None:
    power = np.array([100.0, 300.0, 200.0, 0.0, 400.0])
    assert mean_max(power, [1, 2, 3, 5, 6]).tolist()[:4] == [400.0, 250.0, 200.0, 200.0]
    assert np.isnan(mean_max(power, [6])[0])


def test_missing_power_counts_zero_but_missing_hr_is_closed_up() -> None:
    values = np.array([100.0, np.nan, 100.0])
    assert mean_max(values, [3], nan="zero")[0] == pytest.approx(200.0 / 3)
    assert mean_max(values, [2], nan="skip")[0] == 100.0


def test_the_curve_is_not_always_non_increasing() -> None:
    # The brief's claim does not hold: a 3 s window can beat every 2 s window.
    assert mean_max(np.array([5.0, 0.0, 5.0]), [2, 3]).tolist() == pytest.approx([2.5, 10 / 3])


def test_a_duration_is_never_beaten_by_a_multiple_of_it() -> None:
    power = np.random.default_rng(7).gamma(2.0, 100.0, size=5000)
    durations = np.arange(1, 1001)
    curve = mean_max(power, durations)
    for d in (1, 2, 3, 7, 10, 60, 250):
        multiples = durations[(durations % d == 0)]
        assert np.all(curve[multiples - 1] <= curve[d - 1] + 1e-9)


def test_mean_max_matches_a_plain_loop_on_random_data() -> None:
    power = np.random.default_rng(2).uniform(0, 500, size=700)
    durations = meanmax_durations(power.size)
    expected = [max(power[i : i + d].mean() for i in range(power.size - d + 1)) for d in durations]
    np.testing.assert_allclose(mean_max(power, durations), expected)


def test_constant_series_gives_a_flat_curve() -> None:
    curve = mean_max(np.full(4000, 230.0))
    assert curve.size == meanmax_durations(4000).size
    np.testing.assert_allclose(curve, 230.0)


def test_season_curve_is_the_pointwise_best_of_the_activities() -> None:
    best = curve_max([np.array([500.0, 300.0, 250.0]), np.array([450.0, 320.0]), np.array([])])
    assert best.tolist() == [500.0, 320.0, 250.0]
    assert curve_max([]).size == 0


def test_whole_number_series_give_exactly_the_float_sums_result() -> None:
    watts = np.random.default_rng(3).integers(0, 900, 5000).astype(np.float64)
    durations = meanmax_durations(watts.size)

    fast = mean_max(watts, durations)  # int32 sums
    slow = mean_max(watts + 0.25, durations) - 0.25  # fractional: float64 sums

    np.testing.assert_allclose(fast, slow, rtol=0, atol=1e-9)


def test_a_resolution_rounds_the_values_first() -> None:
    speed = np.array([3.0004, 3.0004, 5.0006])

    assert mean_max(speed, [1, 2], resolution=0.001).tolist() == pytest.approx([5.001, 4.0005])
