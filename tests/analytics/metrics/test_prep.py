from __future__ import annotations

import numpy as np
import pytest

from analytics.metrics.prep import (
    mask_implausible_run_pace,
    moving_mask,
    resample_1hz,
)


def arr(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float64)


def test_a_regular_1hz_recording_is_returned_unchanged() -> None:
    grid = resample_1hz(arr(0, 1, 2, 3), arr(100, 110, 120, 130))
    assert grid.time_s.tolist() == [0, 1, 2, 3]
    assert grid.channels[0].tolist() == [100, 110, 120, 130]
    assert grid.segment.tolist() == [0, 0, 0, 0]
    assert not grid.paused.any()


def test_a_short_gap_is_linearly_interpolated() -> None:
    grid = resample_1hz(arr(0, 1, 4), arr(0, 10, 40), arr(5, 5, 8))
    assert grid.time_s.tolist() == [0, 1, 2, 3, 4]
    assert grid.channels[0].tolist() == [0, 10, 20, 30, 40]
    assert grid.channels[1].tolist() == [5, 5, 6, 7, 8]


def test_a_gap_of_exactly_ten_seconds_is_still_interpolated() -> None:
    grid = resample_1hz(arr(0, 10), arr(0, 100))
    assert len(grid) == 11
    assert grid.channels[0][5] == 50
    assert grid.segment.max() == 0


def test_a_gap_over_ten_seconds_is_a_pause_whose_seconds_are_absent() -> None:
    grid = resample_1hz(arr(0, 1, 2, 20, 21), arr(1, 2, 3, 4, 5))
    assert grid.time_s.tolist() == [0, 1, 2, 20, 21]
    assert grid.channels[0].tolist() == [1, 2, 3, 4, 5]
    assert grid.segment.tolist() == [0, 0, 0, 1, 1]
    assert grid.paused.tolist() == [False, False, False, True, False]


def test_the_pause_threshold_can_be_changed() -> None:
    grid = resample_1hz(arr(0, 5), arr(0, 5), max_gap_s=3.0)
    assert grid.time_s.tolist() == [0, 5]
    assert grid.segment.tolist() == [0, 1]


def test_a_long_sensor_dropout_inside_a_segment_stays_missing() -> None:
    time_s = np.arange(16, dtype=np.float64)
    hr_bpm = np.full(16, np.nan)
    hr_bpm[[0, 15]] = 120.0
    grid = resample_1hz(time_s, hr_bpm)
    assert grid.channels[0][0] == 120 and grid.channels[0][15] == 120
    assert np.isnan(grid.channels[0][1:15]).all()


def test_a_short_sensor_dropout_is_interpolated() -> None:
    grid = resample_1hz(arr(0, 1, 2, 3), arr(100, np.nan, np.nan, 130))
    assert grid.channels[0].tolist() == [100, 110, 120, 130]


def test_unsorted_and_repeated_times_keep_the_first_sample_of_each_second() -> None:
    grid = resample_1hz(arr(2, 0, 1, 1), arr(30, 10, 20, 99))
    assert grid.time_s.tolist() == [0, 1, 2]
    assert grid.channels[0].tolist() == [10, 20, 30]


def test_the_grid_keeps_the_recordings_own_clock() -> None:
    grid = resample_1hz(arr(0.5, 1.5, 3.5), arr(1, 2, 4))
    assert grid.time_s.tolist() == [0.5, 1.5, 2.5, 3.5]
    assert grid.channels[0].tolist() == [1, 2, 3, 4]


def test_an_empty_recording_gives_an_empty_grid() -> None:
    grid = resample_1hz(arr(), arr())
    assert len(grid) == 0
    assert grid.channels[0].size == 0


def test_a_sample_moves_when_speed_is_above_the_sports_threshold_or_power_is_positive() -> None:
    speed = arr(0.0, 0.4, 0.6, 0.0, np.nan)
    power = arr(0.0, 0.0, 0.0, 150.0, np.nan)
    assert moving_mask(speed, power, sport="run").tolist() == [False, False, True, True, False]
    ride_speed = arr(0.0, 0.9, 1.1, np.nan)
    assert moving_mask(ride_speed, None, sport="ride").tolist() == [False, False, True, False]


def test_a_channel_that_never_moves_is_ignored() -> None:
    indoor_speed = arr(0, 0, 0)
    power = arr(0, 200, 210)
    assert moving_mask(indoor_speed, power, sport="ride").tolist() == [False, True, True]
    assert moving_mask(indoor_speed, None, sport="ride").tolist() == [True, True, True]


def test_sports_without_a_threshold_count_every_sample_as_moving() -> None:
    assert moving_mask(arr(0, 0), arr(0, 0), sport="strength").tolist() == [True, True]


@pytest.mark.parametrize(
    ("pace_s_per_km", "kept"),
    [(150.0, True), (149.0, False), (300.0, True), (1800.0, True), (1801.0, False)],
)
def test_run_paces_outside_2_30_and_30_00_per_km_are_masked(
    pace_s_per_km: float, kept: bool
) -> None:
    speed = arr(1000.0 / pace_s_per_km)
    assert bool(np.isfinite(mask_implausible_run_pace(speed))[0]) is kept


def test_masking_paces_keeps_every_row_and_missing_values() -> None:
    speed = arr(3.0, 0.0, np.nan, 12.0)
    masked = mask_implausible_run_pace(speed)
    assert masked.shape == speed.shape
    assert masked[0] == 3.0
    assert np.isnan(masked[1:]).all()
