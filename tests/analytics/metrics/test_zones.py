from __future__ import annotations

import numpy as np
import pytest

from analytics.metrics.zones import sample_durations_s, time_in_zones, time_in_zones_from_laps


def test_a_value_on_a_bound_belongs_to_the_upper_zone() -> None:
    seconds = time_in_zones(np.array([99.0, 100.0, 150.0, 200.0]), 1.0, [100.0, 150.0])
    assert seconds.tolist() == [1.0, 1.0, 2.0]


def test_zones_sum_to_recorded_time_on_a_regular_recording() -> None:
    time_s = np.arange(0.0, 3600.0)
    hr = np.random.default_rng(3).uniform(90, 190, size=time_s.size)
    seconds = time_in_zones(hr, sample_durations_s(time_s), [120, 140, 160, 175])
    assert seconds.size == 5
    assert seconds.sum() == pytest.approx(time_s[-1] - time_s[0])


def test_each_sample_lasts_until_the_next_and_a_pause_counts_at_most_ten_seconds() -> None:
    time_s = np.array([0.0, 2.0, 3.0, 63.0, 64.0])
    assert sample_durations_s(time_s).tolist() == [2.0, 1.0, 10.0, 1.0, 0.0]
    seconds = time_in_zones(
        np.array([10.0, 10.0, 30.0, 30.0, 30.0]), sample_durations_s(time_s), [20]
    )
    assert seconds.tolist() == [3.0, 11.0]


def test_nan_samples_count_in_no_zone() -> None:
    seconds = time_in_zones(np.array([np.nan, 10.0, np.nan]), 1.0, [5.0])
    assert seconds.tolist() == [0.0, 1.0]


def test_durations_given_per_sample_are_capped_at_the_pause_threshold() -> None:
    seconds = time_in_zones(np.array([1.0, 9.0]), np.array([30.0, 2.0]), [5.0], max_dt_s=10.0)
    assert seconds.tolist() == [10.0, 2.0]


def test_bounds_must_ascend() -> None:
    with pytest.raises(ValueError, match="ascending"):
        time_in_zones(np.ones(3), 1.0, [150.0, 140.0])


def test_lap_fallback_puts_each_lap_in_the_zone_of_its_average() -> None:
    seconds = time_in_zones_from_laps(
        [130.0, 155.0, np.nan, 171.0], [600, 1200, 300, 240], [140, 170]
    )
    assert seconds.tolist() == [600.0, 1200.0, 240.0]
