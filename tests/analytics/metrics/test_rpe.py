from __future__ import annotations

import math

import pytest

from analytics.metrics.rpe import srpe, weekly_monotony, weekly_strain

FIVE_DAYS_OF_100 = [100.0, 100.0, 100.0, 100.0, 100.0, 0.0, 0.0]


def test_session_rpe_is_rpe_times_minutes() -> None:
    assert srpe(7.0, 3600.0) == pytest.approx(420.0)
    assert srpe(None, 3600.0) is None
    assert srpe(5.0, None) is None


def test_monotony_is_mean_over_population_sd_of_the_week() -> None:
    # mean 500/7, SD 100·√(5/7·2/7) = 100·√10/7, so monotony = 5/√10.
    assert weekly_monotony(FIVE_DAYS_OF_100) == pytest.approx(5 / math.sqrt(10))


def test_strain_is_weekly_load_times_monotony() -> None:
    assert weekly_strain(FIVE_DAYS_OF_100) == pytest.approx(500 * 5 / math.sqrt(10))


def test_a_week_of_identical_days_has_no_monotony_or_strain() -> None:
    assert weekly_monotony([300.0] * 7) is None
    assert weekly_strain([0.0] * 7) is None


def test_a_week_needs_seven_days() -> None:
    with pytest.raises(ValueError, match="7"):
        weekly_monotony([100.0] * 6)
