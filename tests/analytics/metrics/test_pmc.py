from __future__ import annotations

import math

import numpy as np
import pytest

from analytics.metrics.pmc import (
    acute_chronic,
    acwr_band,
    decay_constant,
    fitness_fatigue,
    forecast,
)


def test_decay_constant_is_one_minus_e_to_the_minus_one_over_tau() -> None:
    assert decay_constant(42) == pytest.approx(1 - math.exp(-1 / 42))
    assert decay_constant(7) == pytest.approx(0.133122, abs=1e-6)


def test_first_day_follows_the_formula_by_hand() -> None:
    result = fitness_fatigue(np.array([100.0, 0.0]))
    k42, k7 = 1 - math.exp(-1 / 42), 1 - math.exp(-1 / 7)
    assert result.fitness[0] == pytest.approx(100 * k42)
    assert result.fatigue[0] == pytest.approx(100 * k7)
    assert result.fitness[1] == pytest.approx(100 * k42 * (1 - k42))
    assert result.form[0] == 0.0
    assert result.form[1] == pytest.approx(100 * k42 - 100 * k7)


def test_constant_load_converges_to_that_load() -> None:
    result = fitness_fatigue(np.full(1000, 80.0))
    assert result.fitness[-1] == pytest.approx(80.0, abs=1e-6)
    assert result.fatigue[-1] == pytest.approx(80.0, abs=1e-9)
    assert result.form[-1] == pytest.approx(0.0, abs=1e-6)


def test_a_rest_day_lowers_fatigue_faster_than_fitness() -> None:
    result = fitness_fatigue(np.array([0.0]), ctl0=60.0, atl0=60.0)
    assert 60.0 - result.fatigue[0] > 60.0 - result.fitness[0] > 0


def test_form_is_yesterdays_fitness_minus_fatigue_and_starts_from_the_initial_values() -> None:
    result = fitness_fatigue(np.array([50.0, 120.0, 0.0, 30.0]), ctl0=40.0, atl0=55.0)
    assert result.form[0] == pytest.approx(-15.0)
    np.testing.assert_allclose(result.form[1:], result.fitness[:-1] - result.fatigue[:-1])


def test_nan_days_are_rest_days() -> None:
    with_nan = fitness_fatigue(np.array([100.0, np.nan, 50.0]))
    with_zero = fitness_fatigue(np.array([100.0, 0.0, 50.0]))
    np.testing.assert_allclose(with_nan.fitness, with_zero.fitness)


def test_many_athletes_at_once_match_one_at_a_time() -> None:
    loads = np.random.default_rng(1).uniform(0, 150, size=(5, 400))
    starts = np.array([0.0, 10.0, 20.0, 30.0, 40.0])
    together = fitness_fatigue(loads, ctl0=starts, atl0=starts / 2, ctl_days=30, atl_days=5)
    for athlete in range(5):
        alone = fitness_fatigue(
            loads[athlete],
            ctl0=starts[athlete],
            atl0=starts[athlete] / 2,
            ctl_days=30,
            atl_days=5,
        )
        np.testing.assert_allclose(together.fitness[athlete], alone.fitness)
        np.testing.assert_allclose(together.fatigue[athlete], alone.fatigue)
        np.testing.assert_allclose(together.form[athlete], alone.form)


def test_forecast_continues_the_recursion_with_planned_load() -> None:
    past = np.array([60.0, 0.0, 90.0, 40.0])
    planned = np.array([100.0, 0.0, 0.0])
    joined = fitness_fatigue(np.concatenate([past, planned]), ctl0=20.0, atl0=25.0)
    ahead = forecast(past, planned, ctl0=20.0, atl0=25.0)
    np.testing.assert_allclose(ahead.fitness, joined.fitness[4:])
    np.testing.assert_allclose(ahead.fatigue, joined.fatigue[4:])
    np.testing.assert_allclose(ahead.form, joined.form[4:])


def test_forecast_without_history_starts_from_the_initial_values() -> None:
    ahead = forecast(np.zeros(0), np.array([0.0]), ctl0=50.0, atl0=50.0)
    assert ahead.form[0] == 0.0
    assert ahead.fitness[0] < 50.0


def test_acute_and_chronic_are_trailing_means_by_hand() -> None:
    loads = np.arange(1.0, 31.0)  # 1, 2, …, 30
    result = acute_chronic(loads)
    assert np.isnan(result.acute[5]) and result.acute[6] == pytest.approx(4.0)  # mean 1..7
    assert result.acute[29] == pytest.approx(27.0)  # mean 24..30
    assert np.isnan(result.chronic[26]) and result.chronic[27] == pytest.approx(14.5)
    assert result.chronic[29] == pytest.approx(16.5)  # mean 3..30
    assert result.acwr[29] == pytest.approx(27.0 / 16.5)


def test_acwr_is_unknown_without_chronic_load() -> None:
    assert np.all(np.isnan(acute_chronic(np.zeros(40)).acwr))


def test_acwr_bands_at_point_eight_one_point_three_and_one_point_five() -> None:
    bands = acwr_band(np.array([np.nan, 0.79, 0.8, 1.29, 1.3, 1.49, 1.5, 3.0]))
    assert bands.tolist() == [
        "unknown",
        "low",
        "optimal",
        "optimal",
        "high",
        "high",
        "very_high",
        "very_high",
    ]
