from __future__ import annotations

import numpy as np
import pytest

from analytics.metrics.efforts import BEST_EFFORT_DISTANCES_M, best_effort_s, best_efforts


def test_best_kilometre_of_a_constant_speed_run_is_a_thousand_over_speed() -> None:
    time_s = np.arange(0.0, 3001.0)
    distance = 3.7 * time_s
    assert best_effort_s(distance, time_s, 1000.0) == pytest.approx(1000 / 3.7)
    assert best_effort_s(distance, time_s, 1609.344) == pytest.approx(1609.344 / 3.7)


def test_efforts_longer_than_the_activity_are_none() -> None:
    time_s = np.arange(0.0, 1201.0)
    efforts = best_efforts(4.0 * time_s, time_s)  # 4.8 km
    assert list(efforts) == list(BEST_EFFORT_DISTANCES_M)
    assert efforts[400.0] == pytest.approx(100.0)
    assert efforts[5000.0] is None and efforts[42195.0] is None


def test_the_fast_stretch_is_found_in_the_middle_of_a_run() -> None:
    # 600 s at 3 m/s, 200 s at 5 m/s (1000 m), 600 s at 3 m/s.
    speed = np.concatenate([np.full(600, 3.0), np.full(200, 5.0), np.full(600, 3.0)])
    distance = np.concatenate([[0.0], np.cumsum(speed)])
    time_s = np.arange(distance.size, dtype=float)
    assert best_effort_s(distance, time_s, 1000.0) == pytest.approx(200.0)
    # 1,200 m: the 1,000 fast metres plus 200 m at 3 m/s.
    assert best_effort_s(distance, time_s, 1200.0) == pytest.approx(200.0 + 200 / 3)


def test_sparse_samples_are_interpolated_at_either_end() -> None:
    # Smart recording: a sample every 7 s, 4 m/s; 400 m takes 100 s whatever the alignment.
    time_s = np.arange(0.0, 701.0, 7.0)
    assert best_effort_s(4.0 * time_s, time_s, 400.0) == pytest.approx(100.0)


def test_nan_rows_are_dropped_and_a_glitch_backwards_is_ignored() -> None:
    time_s = np.arange(0.0, 11.0)
    distance = 100.0 * time_s
    distance[3] = np.nan
    distance[6] = 450.0  # a GPS glitch backwards
    assert best_effort_s(distance, time_s, 400.0) == pytest.approx(4.0)


def test_a_pause_counts_in_the_elapsed_time() -> None:
    time_s = np.array([0.0, 100.0, 400.0, 500.0])
    distance = np.array([0.0, 400.0, 400.0, 800.0])
    assert best_effort_s(distance, time_s, 800.0) == pytest.approx(500.0)
    assert best_effort_s(distance, time_s, 400.0) == pytest.approx(100.0)
