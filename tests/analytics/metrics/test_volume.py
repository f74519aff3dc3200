"""The weekly-volume plan: load per km calibrated on history, usual weekdays, daily loads."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from analytics.metrics.volume import (
    MIN_ACTIVITIES,
    load_rate,
    training_weekdays,
    volume_plan_loads,
)

MONDAY = dt.date(2026, 3, 2)
DAY = dt.timedelta(days=1)


def test_load_per_km_is_the_median_of_the_sessions_with_quartiles_as_spread() -> None:
    km = np.array([10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0])
    loads = km * np.array([5.0, 6.0, 7.0, 7.5, 8.0, 8.5, 9.0, 10.0, 12.0])

    rate = load_rate(loads, km)

    assert rate is not None
    assert rate.median == pytest.approx(8.0)
    assert rate.p25 == pytest.approx(7.0)
    assert rate.p75 == pytest.approx(9.0)
    assert rate.count == 9


def test_sessions_without_a_load_or_a_distance_are_left_out_of_the_calibration() -> None:
    loads = [60.0, 70.0, np.nan, 80.0, 0.0, 90.0, 100.0, 50.0, 80.0]
    km = [10.0, 10.0, 10.0, np.nan, 10.0, 10.0, 10.0, 0.0, 10.0]

    rate = load_rate(loads, km)

    assert rate is not None
    assert rate.count == MIN_ACTIVITIES == 5
    assert rate.median == pytest.approx(8.0)


def test_fewer_than_five_usable_sessions_give_no_calibration() -> None:
    assert load_rate([60.0, 70.0, 80.0, 90.0], [10.0, 10.0, 10.0, 10.0]) is None
    assert load_rate([], []) is None


def test_usual_training_days_are_the_weekdays_trained_on_in_most_weeks() -> None:
    weeks = [MONDAY + 7 * w * DAY for w in range(8)]
    days = [w + offset * DAY for w in weeks for offset in (1, 3, 5)]  # Tue, Thu, Sat
    days += [weeks[0] + 6 * DAY]  # one Sunday: not a habit

    assert training_weekdays(days) == (1, 3, 5)


def test_without_history_every_day_of_the_week_counts() -> None:
    assert training_weekdays([]) == tuple(range(7))


def test_a_weekly_volume_is_shared_equally_over_the_training_days() -> None:
    days = [MONDAY + n * DAY for n in range(14)]

    loads = volume_plan_loads(days, weekly_volume=40.0, rate=6.0, weekdays=(1, 3, 5, 6))

    assert loads.sum() == pytest.approx(2 * 40.0 * 6.0)
    assert loads[1] == pytest.approx(60.0)
    assert loads[0] == 0.0 and loads[2] == 0.0
    assert [d.weekday() for d, v in zip(days[:7], loads[:7], strict=True) if v] == [1, 3, 5, 6]


def test_a_plan_without_training_days_is_refused() -> None:
    with pytest.raises(ValueError, match="weekday"):
        volume_plan_loads([MONDAY], weekly_volume=40.0, rate=6.0, weekdays=())
