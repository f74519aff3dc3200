"""GPS spikes are left out of speeds and distances before best efforts and mean-max curves."""

from __future__ import annotations

import numpy as np
import pytest

from analytics.metrics.activity import MetricThresholds, activity_metrics
from analytics.metrics.efforts import best_efforts
from analytics.metrics.prep import distance_without_spikes, mask_speed_spikes

RIDE_MPS = 28 / 3.6  # a steady 28 km/h
RUN_MPS = 3.7


def ride_with_a_spike(seconds: int = 1800) -> np.ndarray:
    speed = np.full(seconds, RIDE_MPS)
    speed[900:903] = 72 / 3.6 + np.array([0.0, 8.0, 0.0])  # three seconds at 72–101 km/h
    return speed


def test_a_jump_no_rider_can_make_is_a_spike_but_the_speeds_around_it_are_kept() -> None:
    speed = ride_with_a_spike(1000)
    cleaned = mask_speed_spikes(speed, np.arange(1000.0), sport="ride")
    assert np.isnan(cleaned[900:903]).all()
    assert np.isfinite(np.delete(cleaned, [900, 901, 902])).all()


def test_a_speed_above_the_sports_maximum_is_a_spike_even_when_reached_gradually() -> None:
    speed = np.concatenate([np.linspace(3.0, 14.0, 12), np.full(5, 3.5)])
    cleaned = mask_speed_spikes(speed, np.arange(17.0), sport="run")
    assert np.isnan(cleaned[speed > 12.5]).all()
    assert np.isfinite(cleaned[speed <= 12.5]).all()


def test_hard_accelerations_braking_and_a_one_second_stall_are_not_spikes() -> None:
    # a sprint (+2 m/s each second), hard braking to a stop, a distance stream's 0 then 2 steps
    speed = np.array([8.0, 10.0, 12.0, 14.0, 16.0, 5.0, 0.0, 0.0, 2.0, 4.0, 0.0, 8.0, 4.0])
    cleaned = mask_speed_spikes(speed, np.arange(float(speed.size)), sport="ride")
    np.testing.assert_array_equal(cleaned, speed)


def test_a_real_change_is_let_in_after_a_pause() -> None:
    times = np.array([0.0, 1.0, 2.0, 60.0, 61.0])  # stopped at a light, then a downhill start
    speed = np.array([2.0, 2.0, 2.0, 12.0, 12.5])
    np.testing.assert_array_equal(mask_speed_spikes(speed, times, sport="ride"), speed)


def test_a_spike_adds_no_metres_to_a_distance_stream() -> None:
    times = np.arange(11.0)
    steps = np.array([3.7, 3.7, 3.7, 3.7, 60.0, 3.7, 3.7, 3.7, 3.7, 3.7])  # a 60 m jump
    distance = np.concatenate(([0.0], np.cumsum(steps)))
    cleaned = distance_without_spikes(distance, times, sport="run")
    np.testing.assert_allclose(np.diff(cleaned), 3.7)


def test_a_gps_jump_does_not_make_a_run_faster_over_400_m() -> None:
    seconds = 600
    times = np.arange(float(seconds))
    steps = np.full(seconds - 1, RUN_MPS)
    steps[300] = 80.0  # one jump of 80 m in a second
    distance = np.concatenate(([0.0], np.cumsum(steps)))
    plain = best_efforts(distance, times, (400.0,))[400.0]
    filtered = best_efforts(distance, times, (400.0,), sport="run")[400.0]
    assert plain is not None and plain < 90
    assert filtered == pytest.approx(400 / RUN_MPS, abs=1e-3)


def test_a_ride_with_a_gps_spike_keeps_its_true_best_5_s_speed() -> None:
    speed = ride_with_a_spike()
    result = activity_metrics(
        sport="ride",
        time_s=np.arange(float(speed.size)),
        power_w=None,
        hr_bpm=None,
        speed_mps=speed,
        distance_m=None,
        altitude_m=None,
        thresholds=MetricThresholds(),
        sex="M",
    )
    curve = result.mean_max["speed_mps"]
    assert curve is not None
    assert abs(curve[5] * 3.6 - 28) < 0.1  # not 72 km/h
