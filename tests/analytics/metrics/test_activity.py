"""activity_metrics: the per-activity composition of the metric functions, on hand-checkable
synthetic recordings (1 Hz unless a test says otherwise)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analytics.metrics.activity import ActivityMetricsResult, MetricThresholds, activity_metrics
from analytics.metrics.meanmax import meanmax_durations
from analytics.metrics.prep import FloatArray

HOUR = 3600


def ones(value: float, size: int) -> FloatArray:
    return np.full(size, float(value))


def metrics(
    *,
    sport: str = "ride",
    seconds: int = HOUR,
    time_s: FloatArray | None = None,
    power_w: FloatArray | None = None,
    hr_bpm: FloatArray | None = None,
    speed_mps: FloatArray | None = None,
    distance_m: FloatArray | None = None,
    altitude_m: FloatArray | None = None,
    thresholds: MetricThresholds | None = None,
    sex: str = "M",
    **extra: object,
) -> ActivityMetricsResult:
    """An activity of `seconds` + 1 samples (0 … seconds: `seconds` of recorded time)."""
    times = time_s if time_s is not None else np.arange(seconds + 1, dtype=np.float64)
    return activity_metrics(
        sport=sport,
        time_s=times,
        power_w=power_w,
        hr_bpm=hr_bpm,
        speed_mps=speed_mps,
        distance_m=distance_m,
        altitude_m=altitude_m,
        thresholds=thresholds or MetricThresholds(),
        sex=sex,
        laps_start_s=(),
        **extra,  # type: ignore[arg-type]
    )


def test_one_hour_at_a_constant_ftp_scores_np_ftp_if_1_and_tss_100() -> None:
    result = metrics(power_w=ones(200, HOUR + 1), thresholds=MetricThresholds(ftp_w=200))

    assert result.recorded_s == HOUR
    assert result.np_w == pytest.approx(200.0)
    assert result.intensity_factor == pytest.approx(1.0)
    assert result.tss == pytest.approx(100.0)
    assert result.load is not None
    assert result.load.value == pytest.approx(100.0)
    assert result.load.source == "tss"


def test_tss_uses_the_recorded_time_so_a_pause_adds_nothing() -> None:
    """Two half hours at FTP with a 5 min pause between them: 3600 s recorded, TSS 100."""
    times = np.concatenate((np.arange(1801.0), np.arange(2100.0, 3901.0)))
    result = metrics(
        time_s=times, power_w=ones(200, times.size), thresholds=MetricThresholds(ftp_w=200)
    )

    assert result.recorded_s == HOUR
    assert result.np_w == pytest.approx(200.0)
    assert result.tss == pytest.approx(100.0)


def test_a_recorded_time_given_by_the_caller_is_the_tss_duration() -> None:
    result = metrics(
        power_w=ones(200, HOUR + 1), thresholds=MetricThresholds(ftp_w=200), recorded_s=1800.0
    )

    assert result.tss == pytest.approx(50.0)


def test_without_power_np_if_and_tss_are_none_and_without_hr_trimp_is_none() -> None:
    result = metrics(
        speed_mps=ones(8, HOUR + 1),
        thresholds=MetricThresholds(ftp_w=200, hr_rest_bpm=60, hr_max_bpm=190, lthr_bpm=170),
    )

    assert (result.np_w, result.intensity_factor, result.tss) == (None, None, None)
    assert (result.trimp, result.hr_tss) == (None, None)
    assert result.mean_max["power_w"] is None
    assert result.mean_max["hr_bpm"] is None


def test_a_power_channel_of_only_missing_samples_counts_as_no_power() -> None:
    result = metrics(power_w=ones(math.nan, HOUR + 1), thresholds=MetricThresholds(ftp_w=200))

    assert result.np_w is None
    assert result.tss is None


def test_without_an_ftp_np_is_known_but_if_and_tss_are_none() -> None:
    result = metrics(power_w=ones(150, HOUR + 1))

    assert result.np_w == pytest.approx(150.0)
    assert (result.intensity_factor, result.tss) == (None, None)


def test_one_hour_at_lthr_scores_an_hr_tss_of_100_and_trimp_by_hand() -> None:
    """Rest 60, max 190, HR = LTHR = 164: HRr = 0.8; TRIMP = 60 min × 0.8 × 0.64·e^(1.92·0.8)."""
    thresholds = MetricThresholds(hr_rest_bpm=60, hr_max_bpm=190, lthr_bpm=164)
    # 3600 samples, 0 … 3599: 3600 seconds on the 1 Hz grid, each 1 s for TRIMP.
    result = metrics(
        sport="run", time_s=np.arange(3600.0), hr_bpm=ones(164, 3600), thresholds=thresholds
    )

    assert result.trimp == pytest.approx(60 * 0.8 * 0.64 * math.exp(1.92 * 0.8))
    assert result.hr_tss == pytest.approx(100.0)


def test_a_woman_gets_the_female_banister_weights() -> None:
    thresholds = MetricThresholds(hr_rest_bpm=60, hr_max_bpm=190, lthr_bpm=164)
    result = metrics(
        time_s=np.arange(3600.0), hr_bpm=ones(164, 3600), thresholds=thresholds, sex="F"
    )

    assert result.trimp == pytest.approx(60 * 0.8 * 0.86 * math.exp(1.67 * 0.8))
    assert result.hr_tss == pytest.approx(100.0)


def test_an_hour_on_the_flat_at_threshold_speed_scores_an_rtss_of_100() -> None:
    seconds = np.arange(3600.0)
    result = metrics(
        sport="run",
        time_s=seconds,
        speed_mps=ones(4, 3600),
        distance_m=4 * seconds,
        altitude_m=ones(100, 3600),
        thresholds=MetricThresholds(threshold_speed_mps=4.0),
    )

    assert result.moving_s == 3600
    assert result.graded_speed_mps == pytest.approx(4.0)
    assert result.rtss == pytest.approx(100.0)


def test_rtss_is_none_without_a_threshold_speed_and_for_a_ride() -> None:
    seconds = np.arange(3600.0)
    run = metrics(sport="run", time_s=seconds, speed_mps=ones(4, 3600), distance_m=4 * seconds)
    ride = metrics(
        sport="ride",
        time_s=seconds,
        speed_mps=ones(4, 3600),
        distance_m=4 * seconds,
        thresholds=MetricThresholds(threshold_speed_mps=4.0),
    )

    assert run.rtss is None
    assert run.graded_speed_mps == pytest.approx(4.0)
    assert ride.rtss is None


def test_time_in_zone_weights_each_sample_by_its_duration() -> None:
    """One hour at 1 Hz: the first half at 130 bpm and 150 W, the second at 170 bpm and 250 W.
    Every sample lasts to the next (the last 0 s): 1800 s in each half."""
    hr = np.concatenate((ones(130, 1800), ones(170, 1801)))
    power = np.concatenate((ones(150, 1800), ones(250, 1801)))
    thresholds = MetricThresholds(
        hr_zone_bounds_bpm=(140.0, 160.0), power_zone_bounds_w=(100.0, 200.0, 300.0)
    )

    result = metrics(hr_bpm=hr, power_w=power, thresholds=thresholds)

    assert result.time_in_zone_s["hr"] == (1800.0, 0.0, 1800.0)
    assert result.time_in_zone_s["power"] == (0.0, 1800.0, 1800.0, 0.0)
    assert result.time_in_zone_s["pace"] is None


def test_pace_zones_count_only_on_foot_and_only_with_bounds() -> None:
    seconds = np.arange(601.0)
    bounds = MetricThresholds(pace_zone_bounds_mps=(3.0, 5.0))

    run = metrics(sport="run", time_s=seconds, speed_mps=ones(4, 601), thresholds=bounds)
    ride = metrics(sport="ride", time_s=seconds, speed_mps=ones(4, 601), thresholds=bounds)
    no_bounds = metrics(sport="run", time_s=seconds, speed_mps=ones(4, 601))

    assert run.time_in_zone_s["pace"] == (0.0, 600.0, 0.0)
    assert ride.time_in_zone_s["pace"] is None
    assert no_bounds.time_in_zone_s["pace"] is None


def test_mean_max_of_a_constant_power_is_that_power_at_every_grid_duration() -> None:
    result = metrics(power_w=ones(200, HOUR + 1))
    curve = result.mean_max["power_w"]

    assert curve is not None
    assert list(curve)[:3] == [1, 2, 3]
    assert 600 in curve and 601 not in curve and 606 in curve
    assert max(curve) <= HOUR + 1
    assert set(curve.values()) == {200.0}


def test_mean_max_hr_skips_missing_samples_and_finds_the_best_minute() -> None:
    hr = np.concatenate((ones(120, 600), ones(180, 60), ones(math.nan, 100), ones(120, 600)))
    result = metrics(time_s=np.arange(float(hr.size)), hr_bpm=hr)
    curve = result.mean_max["hr_bpm"]

    assert curve is not None
    assert curve[60] == pytest.approx(180.0)
    assert curve[1] == pytest.approx(180.0)
    # The grid's durations up to the 1260 samples that have a heart rate.
    assert list(curve) == meanmax_durations(1260).tolist()


def test_best_efforts_of_an_even_run_at_4_mps() -> None:
    seconds = np.arange(1501.0)  # 6 km in 1500 s
    result = metrics(sport="run", time_s=seconds, speed_mps=ones(4, 1501), distance_m=4 * seconds)
    efforts = result.best_efforts_s

    assert efforts is not None
    assert efforts[400.0] == pytest.approx(100.0)
    assert efforts[1000.0] == pytest.approx(250.0)
    assert efforts[5000.0] == pytest.approx(1250.0)
    assert efforts[10000.0] is None


def test_best_efforts_are_none_for_a_ride_and_without_distance() -> None:
    seconds = np.arange(601.0)
    ride = metrics(sport="ride", time_s=seconds, speed_mps=ones(8, 601), distance_m=8 * seconds)
    run = metrics(sport="run", time_s=seconds, speed_mps=ones(4, 601))

    assert ride.best_efforts_s is None
    assert run.best_efforts_s is None


def test_distance_equivalent_uses_the_summary_values_given_or_the_distance_stream() -> None:
    seconds = np.arange(2501.0)  # 10 km at 4 m/s
    given = metrics(
        sport="run",
        time_s=seconds,
        speed_mps=ones(4, 2501),
        distance_m=4 * seconds,
        total_distance_m=10_000.0,
        ascent_m=100.0,
    )
    streamed = metrics(
        sport="ride", time_s=seconds, speed_mps=ones(4, 2501), distance_m=4 * seconds
    )

    assert given.dist_eq_km == pytest.approx(11.0)
    assert streamed.dist_eq_km == pytest.approx(3.0)


def test_a_steady_ride_has_no_decoupling_and_ef_is_power_over_hr() -> None:
    seconds = 3 * HOUR
    result = metrics(seconds=seconds, power_w=ones(200, seconds + 1), hr_bpm=ones(140, seconds + 1))

    assert result.efficiency_factor == pytest.approx(200 / 140)
    assert result.decoupling_pct == pytest.approx(0.0)
    assert result.decoupling_steady


def test_a_heart_rate_that_drifts_up_gives_a_positive_decoupling() -> None:
    """10 min warm-up dropped; then 30 min at 140 bpm and 30 min at 154 bpm, same power:
    EF₁ = 200/140, EF₂ = 200/154, decoupling = (1 - 140/154) × 100 = 9.09 %."""
    hr = np.concatenate((ones(140, 600 + 1800), ones(154, 1801)))
    result = metrics(seconds=4200, power_w=ones(200, 4201), hr_bpm=hr)

    assert result.decoupling_pct == pytest.approx((1 - 140 / 154) * 100, rel=1e-3)


def test_an_empty_recording_computes_nothing() -> None:
    result = metrics(
        time_s=np.zeros(0),
        power_w=np.zeros(0),
        hr_bpm=np.zeros(0),
        thresholds=MetricThresholds(ftp_w=200, hr_rest_bpm=60, hr_max_bpm=190, lthr_bpm=170),
    )

    assert result.np_w is None
    assert result.trimp is None
    assert result.mean_max == {"power_w": None, "speed_mps": None, "hr_bpm": None}
