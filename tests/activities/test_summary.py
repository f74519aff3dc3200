"""summarize: hand-checkable vectors for each documented choice."""

from __future__ import annotations

import numpy as np
import pytest

from activities.summary import (
    ASCENT_DEAD_BAND_M,
    climb,
    recorded_s,
    summarize,
    timer_seconds,
    track_length_m,
)
from activities.types import Lap, Streams
from core.sports import Sport


def series(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float64)


def test_elapsed_is_last_minus_first_sample() -> None:
    streams = Streams(time_s=series(0, 1, 2, 60))
    assert summarize(streams, sport=Sport.RUN, laps=[]).elapsed_s == 60


def test_moving_time_counts_samples_above_the_sport_speed_and_skips_pauses() -> None:
    streams = Streams(
        time_s=series(0, 1, 2, 3, 4, 30, 31),
        speed_mps=series(3, 3, 0.2, 3, 3, 3, 3),  # one standing second; a 26 s pause
        distance_m=series(0, 3, 3.2, 6, 9, 9, 12),
    )
    summary = summarize(streams, sport=Sport.RUN, laps=[])
    assert summary.moving_s == 4  # 0→1, 2→3, 3→4, 30→31
    assert summary.distance_m == 12
    assert summary.avg_speed_mps == 3
    assert recorded_s(streams, sport=Sport.RUN) == 5


def test_a_long_interval_with_distance_covered_is_not_a_pause() -> None:
    """Smart recording writes a sample every few seconds, sometimes over 10 s apart."""
    streams = Streams(
        time_s=series(0, 15, 30),
        speed_mps=series(8, 8, 8),
        distance_m=series(0, 120, 240),
    )
    assert summarize(streams, sport=Sport.RIDE, laps=[]).moving_s == 30


def test_the_ride_threshold_is_higher_than_the_run_threshold() -> None:
    streams = Streams(time_s=series(0, 1, 2, 3), speed_mps=series(0.8, 0.8, 0.8, 4))
    assert summarize(streams, sport=Sport.RUN, laps=[]).moving_s == 3
    assert summarize(streams, sport=Sport.RIDE, laps=[]).moving_s == 1


def test_power_above_zero_is_moving_and_zeros_count_in_the_power_average() -> None:
    streams = Streams(
        time_s=series(0, 1, 2, 3, 4),
        speed_mps=series(0, 5, 5, 5, 0),
        power_w=series(0, 200, 0, 100, 300),  # the last second: a trainer start, no speed
    )
    summary = summarize(streams, sport=Sport.RIDE, laps=[])
    assert summary.moving_s == 4
    assert summary.avg_power_w == pytest.approx((200 + 0 + 100 + 300) / 4)
    assert summary.max_power_w == 300


def test_a_channel_that_never_moves_is_ignored() -> None:
    """A watch on a rowing machine writes distance 0 throughout: the timer time counts."""
    streams = Streams(time_s=series(0, 1, 2, 3), distance_m=series(0, 0, 0, 0))
    summary = summarize(streams, sport=Sport.ROW, laps=[])
    assert summary.moving_s == 3
    assert summary.distance_m == 0


def test_strength_sessions_count_all_recorded_time() -> None:
    streams = Streams(time_s=series(0, 5, 10, 40, 45), hr_bpm=series(90, 100, 110, 120, 130))
    assert summarize(streams, sport=Sport.STRENGTH, laps=[]).moving_s == 15


def test_heart_rate_is_time_weighted_and_ignores_zeros() -> None:
    streams = Streams(time_s=series(0, 1, 5, 6), hr_bpm=series(100, 120, 160, 0))
    summary = summarize(streams, sport=Sport.OTHER, laps=[])
    # 120 holds 1 s, 160 holds 4 s; the first sample has no duration, 0 is "no reading".
    assert summary.avg_hr_bpm == pytest.approx((120 * 1 + 160 * 4) / 5)
    assert summary.max_hr_bpm == 160


def test_cadence_average_excludes_zeros_and_is_never_doubled() -> None:
    streams = Streams(
        time_s=series(0, 1, 2, 3),
        speed_mps=series(3, 3, 3, 3),
        cadence_spm=series(0, 85, 0, 87),
    )
    assert summarize(streams, sport=Sport.RUN, laps=[]).avg_cadence_spm == 86


def test_distance_resets_do_not_subtract() -> None:
    streams = Streams(time_s=series(0, 1, 2, 3), distance_m=series(100, 110, 0, 5))
    assert summarize(streams, sport=Sport.RUN, laps=[]).distance_m == 15


def test_distance_is_the_recordings_own_cumulative_distance_from_its_origin() -> None:
    """A device's first record already counts the metres before it (its total includes them);
    a multisport leg counts from where the previous leg's distance ended."""
    streams = Streams(time_s=series(0, 1, 2), distance_m=series(7, 400, 457))
    assert summarize(streams, sport=Sport.RIDE, laps=[], distance_origin_m=0).distance_m == 457
    assert summarize(streams, sport=Sport.RIDE, laps=[]).distance_m == 450  # a window
    leg = summarize(streams, sport=Sport.RIDE, laps=[], distance_origin_m=5)
    assert leg.distance_m == 452


def test_distance_prefers_the_recordings_own_over_the_gps_track() -> None:
    streams = Streams(
        time_s=series(0, 1, 2),
        distance_m=series(0, 5, 10),
        lat_deg=series(0.0, 0.0, 0.0),
        lon_deg=series(0.0, 0.001, 0.002),  # 222 m of GPS track
    )
    assert summarize(streams, sport=Sport.RUN, laps=[]).distance_m == 10


def test_distance_falls_back_to_the_gps_track() -> None:
    lat = series(0.0, 0.0, np.nan, 0.0)
    lon = series(0.0, 0.001, np.nan, 0.002)  # 0.002° of longitude at the equator
    assert track_length_m(lat, lon) == pytest.approx(222.4, abs=0.1)
    streams = Streams(time_s=series(0, 1, 2, 3), lat_deg=lat, lon_deg=lon)
    assert summarize(streams, sport=Sport.RUN, laps=[]).distance_m == pytest.approx(222.4, abs=0.1)


def quantized(values: np.ndarray) -> np.ndarray:
    """FIT altitude: 0.2 m steps (enhanced_altitude's scale of 5)."""
    return np.round(values * 5) / 5


def test_climb_counts_nothing_for_an_hour_of_barometer_noise() -> None:
    noise = np.random.default_rng(7).normal(0, 0.3, 3600)
    ascent, descent = climb(np.arange(3600.0), quantized(100 + noise))
    assert ascent is not None and ascent < 3  # a device shows 0-2 m on a flat hour
    assert descent is not None and descent < 3


def test_climb_of_a_steady_ramp_is_its_height() -> None:
    ascent, descent = climb(np.arange(1001.0), quantized(np.linspace(100, 300, 1001)))
    # exact to the dead band: the last rise under 1.5 m is not counted (nor would noise be)
    assert ascent is not None and 200 - ASCENT_DEAD_BAND_M - 0.2 <= ascent <= 200
    assert descent == 0


def test_a_single_sample_spike_counts_nothing() -> None:
    altitude = np.full(60, 250.0)
    altitude[30] = 256.0
    assert climb(np.arange(60.0), altitude) == (0.0, 0.0)


def test_climb_smooths_by_time_so_smart_recording_keeps_its_step() -> None:
    """Samples 1-7 s apart (smart recording), 10 m up halfway: the median spans seconds,
    not samples, so the sparse part is not smoothed over a minute."""
    intervals = np.tile(np.array([1.0, 4.0, 7.0, 2.0, 6.0]), 40)
    time_s = np.concatenate([[0.0], np.cumsum(intervals)])
    altitude = np.where(time_s < time_s[-1] / 2, 400.0, 410.0)
    ascent, descent = climb(time_s, altitude)
    assert ascent == pytest.approx(10)
    assert descent == 0


def test_the_same_ramp_recorded_every_second_or_every_five_climbs_the_same() -> None:
    every_second, every_fifth = np.arange(0.0, 1201.0), np.arange(0.0, 1201.0, 5.0)

    def profile(time_s: np.ndarray) -> np.ndarray:  # 50 m → 80 m → 50 m over 20 min
        return quantized(50 + 30 * np.sin(time_s / 1200 * np.pi))

    dense, _ = climb(every_second, profile(every_second))
    sparse, _ = climb(every_fifth, profile(every_fifth))
    for ascent in (dense, sparse):  # the filter does not depend on the sampling rate
        assert ascent is not None and 30 - ASCENT_DEAD_BAND_M - 0.2 <= ascent <= 30


def test_no_climb_is_counted_across_a_pause() -> None:
    """Timer stopped for 20 min while the athlete drove 50 m up: the device counts nothing."""
    time_s = np.concatenate([np.arange(0.0, 300.0), np.arange(1500.0, 1800.0)])
    altitude = np.concatenate([np.full(300, 100.0), np.full(300, 150.0)])
    assert climb(time_s, altitude) == (0.0, 0.0)
    assert climb(time_s, altitude, gap_s=float("inf")) == (50.0, 0.0)


def test_climb_without_altitude_is_unknown() -> None:
    assert climb(np.arange(3.0), None) == (None, None)
    assert climb(np.arange(3.0), np.full(3, np.nan)) == (None, None)


def test_a_pool_swim_takes_time_and_distance_from_its_laps() -> None:
    laps = [
        Lap(start_s=0, elapsed_s=100, moving_s=100, distance_m=100, lengths=4),
        Lap(start_s=100, elapsed_s=30, moving_s=30, distance_m=0, lengths=0, intensity="rest"),
        Lap(start_s=130, elapsed_s=90, moving_s=90, distance_m=100, lengths=4),
    ]
    streams = Streams(time_s=series(0, 100, 220), hr_bpm=series(100, 140, 150))
    summary = summarize(streams, sport=Sport.SWIM, laps=laps)
    assert (summary.moving_s, summary.distance_m) == (220, 200)
    assert summary.avg_speed_mps == pytest.approx(200 / 220)
    assert summary.max_hr_bpm == 150
    assert summary.elapsed_s == 220


def test_an_empty_recording_has_no_values() -> None:
    summary = summarize(Streams.empty(), sport=Sport.RUN, laps=[])
    assert all(value is None for value in summary.as_dict().values())


START, STOP = True, False


def test_timer_time_sums_the_intervals_between_starts_and_stops() -> None:
    events = [(100.0, START), (200.0, STOP), (300.0, START), (350.0, STOP)]
    assert timer_seconds(events, session_start=100, session_end=400) == 150  # 100 + 50


def test_timer_time_is_clipped_to_the_session() -> None:
    events = [(0.0, START), (1000.0, STOP)]
    assert timer_seconds(events, session_start=100, session_end=400) == 300


def test_a_timer_still_running_after_its_last_event_runs_to_the_sessions_end() -> None:
    assert timer_seconds([(100.0, START)], session_start=50, session_end=250) == 150


def test_a_first_event_that_stops_the_timer_means_it_ran_from_the_sessions_start() -> None:
    assert timer_seconds([(50.0, STOP)], session_start=0, session_end=100) == 50


def test_a_start_while_running_and_a_stop_while_stopped_change_nothing() -> None:
    events = [(0.0, START), (10.0, START), (20.0, STOP), (30.0, STOP), (40.0, START)]
    assert timer_seconds(events, session_start=0, session_end=100) == 80  # 0→20, 40→100


def test_timer_events_are_taken_in_time_order() -> None:
    events = [(200.0, STOP), (100.0, START)]
    assert timer_seconds(events, session_start=0, session_end=300) == 100


def test_each_leg_of_a_multisport_file_gets_the_timer_time_inside_it() -> None:
    """One start at the swim's start, a pause in the bike leg, one stop at the end."""
    events = [(0.0, START), (500.0, STOP), (520.0, START), (1000.0, STOP)]
    legs = [(0.0, 400.0), (400.0, 700.0), (700.0, 1000.0)]
    times = [timer_seconds(events, session_start=a, session_end=b) for a, b in legs]
    assert times == [400, 280, 300]  # 300 - the 20 s pause; 980 in all


def test_a_timer_that_ran_only_outside_the_session_gives_zero() -> None:
    events = [(0.0, START), (50.0, STOP)]
    assert timer_seconds(events, session_start=100, session_end=200) == 0
    assert timer_seconds([], session_start=100, session_end=200) == 0
