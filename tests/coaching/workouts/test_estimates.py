from __future__ import annotations

import pytest

from coaching.workouts.estimates import estimate, profile
from coaching.workouts.tree import (
    AthleteThresholds,
    Duration,
    DurationKind,
    Intent,
    Repeat,
    Step,
    Target,
    TargetKind,
    TargetMode,
    Workout,
)

RIDER = AthleteThresholds(ftp_w=250.0, endurance_speed_mps=8.0)
RUNNER = AthleteThresholds(
    sex="M",
    lthr_bpm=170.0,
    hr_rest_bpm=50.0,
    hr_max_bpm=190.0,
    threshold_speed_mps=4.0,
    endurance_speed_mps=3.0,
)


def _minutes(value: float) -> Duration:
    return Duration(DurationKind.TIME, value * 60.0)


def _metres(value: float) -> Duration:
    return Duration(DurationKind.DISTANCE, value)


def _open() -> Duration:
    return Duration(DurationKind.OPEN)


def _step(
    duration: Duration,
    target: Target | None = None,
    intent: Intent = Intent.ACTIVE,
) -> Step:
    return Step(intent, duration, target)


def _workout(*nodes: Step | Repeat) -> Workout:
    return Workout(tuple(nodes))


def test_a_power_step_scores_tss_at_its_intensity_factor() -> None:
    # 20 min at 90 % of 250 W: IF 0.9; TSS = 1/3 h × 0.9² × 100 = 27.0.
    # Distance at the endurance speed 8 m/s: 1200 s × 8 = 9600 m; ride DistEq 0.3 × 9.6 = 2.88 km.
    target = Target(TargetKind.POWER, TargetMode.PERCENT, 90, 90)
    result = estimate(_workout(_step(_minutes(20), target)), sport="ride", thresholds=RIDER)
    assert result.duration_s == 1200.0
    assert result.distance_m == pytest.approx(9600.0)
    assert result.dist_eq_km == pytest.approx(2.88)
    assert result.ascent_m == 0.0
    assert result.load == pytest.approx(27.0)
    assert result.load_source == "power"
    assert result.trimp is None
    assert result.complete


def test_an_absolute_power_target_scores_like_its_percentage() -> None:
    # 225 W / 250 W = IF 0.9, the same 27.0 as 90 %.
    target = Target(TargetKind.POWER, TargetMode.ABSOLUTE, 225, 225)
    result = estimate(_workout(_step(_minutes(20), target)), sport="ride", thresholds=RIDER)
    assert result.load == pytest.approx(27.0)


def test_a_pace_step_scores_flat_rtss_and_takes_its_time_from_the_pace() -> None:
    # 3600 m at 3.6 m/s: 1000 s. IF = 3.6 / 4.0 = 0.9; rTSS = 1000/3600 h × 0.81 × 100 = 22.5.
    # Run DistEq: 3.6 km + 0 m of ascent × 0.01 = 3.6.
    target = Target(TargetKind.PACE, TargetMode.ABSOLUTE, 3.6, 3.6)
    result = estimate(_workout(_step(_metres(3600), target)), sport="run", thresholds=RUNNER)
    assert result.duration_s == pytest.approx(1000.0)
    assert result.distance_m == 3600.0
    assert result.load == pytest.approx(22.5)
    assert result.dist_eq_km == pytest.approx(3.6)
    assert result.load_source == "pace"


def test_a_heart_rate_step_scores_hrtss_and_banister_trimp() -> None:
    # 30 min at 155 bpm, rest 50, max 190 (male a, b = 0.64, 1.92):
    # HRr = 105/140 = 0.75; TRIMP = 30 × 0.75 × 0.64 × e^1.44 = 14.4 × 4.22070 = 60.778.
    # 1 h at LTHR 170: HRr = 120/140 = 0.857143; 60 × 0.857143 × 0.64 × e^1.645714
    # = 32.9143 × 5.18471 = 170.651. hrTSS = 60.778 / 170.651 × 100 = 35.615.
    target = Target(TargetKind.HR, TargetMode.ABSOLUTE, 155, 155)
    result = estimate(_workout(_step(_minutes(30), target)), sport="run", thresholds=RUNNER)
    assert result.trimp == pytest.approx(60.778, abs=1e-3)
    assert result.load == pytest.approx(35.615, abs=1e-3)
    assert result.load_source == "hr"
    # no pace target: distance at the endurance speed, 1800 s × 3 m/s
    assert result.distance_m == pytest.approx(5400.0)


def test_an_rpe_step_scores_the_design_rpe_estimate() -> None:
    # 45 min at RPE 5: 0.75 h × (5/7)² × 100 = 0.75 × 0.510204 × 100 = 38.265.
    target = Target(TargetKind.RPE, TargetMode.ABSOLUTE, 5, 5)
    result = estimate(_workout(_step(_minutes(45), target)), sport="run", thresholds=RUNNER)
    assert result.load == pytest.approx(38.265, abs=1e-3)
    assert result.load_source == "rpe"
    assert result.steps[0].intensity == pytest.approx(5 / 7)


def test_steps_without_a_target_count_at_the_default_intensity_of_their_intent() -> None:
    # warmup 10 min at IF 0.65: 1/6 h × 0.4225 × 100 = 7.0417; active 10 min at 0.75:
    # 1/6 × 0.5625 × 100 = 9.375; rest 5 min at 0: 0. Total 16.4167.
    workout = _workout(
        _step(_minutes(10), intent=Intent.WARMUP),
        _step(_minutes(10)),
        _step(_minutes(5), intent=Intent.REST),
    )
    result = estimate(workout, sport="run", thresholds=RUNNER)
    assert [step.load for step in result.steps] == pytest.approx([7.0417, 9.375, 0.0], abs=1e-4)
    assert result.load == pytest.approx(16.4167, abs=1e-4)
    assert result.load_source == "default"
    # a timed rest covers no distance: 1200 s × 3 m/s only
    assert result.distance_m == pytest.approx(3600.0)


def test_default_steps_do_not_make_a_scored_workout_mixed_but_two_sources_do() -> None:
    power = Target(TargetKind.POWER, TargetMode.PERCENT, 100, 100)
    hr = Target(TargetKind.HR, TargetMode.ABSOLUTE, 150, 150)
    warmup = _step(_minutes(10), intent=Intent.WARMUP)
    one = estimate(_workout(warmup, _step(_minutes(5), power)), sport="ride", thresholds=RIDER)
    both = estimate(
        _workout(_step(_minutes(5), hr), _step(_minutes(5), power)),
        sport="ride",
        thresholds=RUNNER,
    )
    assert one.load_source == "power"
    assert both.load_source == "mixed"


def test_repeats_are_estimated_step_by_step() -> None:
    # 10 min warmup, 5 × (3 min at 105 %, 2 min at 50 %), 10 min cooldown.
    # Warmup/cooldown 7.0417 each; work 0.05 h × 1.1025 × 100 = 5.5125 × 5;
    # easy 1/30 h × 0.25 × 100 = 0.8333 × 5. Total 2 × 7.0417 + 27.5625 + 4.1667 = 45.8125.
    work = _step(_minutes(3), Target(TargetKind.POWER, TargetMode.PERCENT, 105, 105))
    easy = _step(_minutes(2), Target(TargetKind.POWER, TargetMode.PERCENT, 50, 50), Intent.RECOVERY)
    workout = _workout(
        _step(_minutes(10), intent=Intent.WARMUP),
        Repeat(5, (work, easy)),
        _step(_minutes(10), intent=Intent.COOLDOWN),
    )
    result = estimate(workout, sport="ride", thresholds=RIDER)
    assert len(result.steps) == 12
    assert result.duration_s == 45 * 60.0
    assert result.load == pytest.approx(45.8125, abs=1e-3)
    assert [step.flat.rep for step in result.steps[1:3]] == [(1,), (1,)]
    assert result.steps[3].flat.rep == (2,)


def test_a_percent_target_needs_no_threshold_but_a_zone_target_does() -> None:
    # 90 % power with no FTP known: the percentage is the IF → 27.0 for 20 min.
    nobody = AthleteThresholds(endurance_speed_mps=8.0)
    percent = Target(TargetKind.POWER, TargetMode.PERCENT, 90, 90)
    zone = Target(TargetKind.POWER, TargetMode.ZONE, 3, 3)
    by_percent = estimate(_workout(_step(_minutes(20), percent)), sport="ride", thresholds=nobody)
    by_zone = estimate(_workout(_step(_minutes(20), zone)), sport="ride", thresholds=nobody)
    assert by_percent.load == pytest.approx(27.0)
    assert by_percent.load_source == "power"
    # unknown zones: the default active IF 0.75 → 1/3 h × 0.5625 × 100 = 18.75
    assert by_zone.load == pytest.approx(18.75)
    assert by_zone.load_source == "default"


def test_heart_rate_targets_without_rest_and_max_fall_back_to_the_default() -> None:
    only_lthr = AthleteThresholds(lthr_bpm=170.0, endurance_speed_mps=3.0)
    target = Target(TargetKind.HR, TargetMode.PERCENT, 90, 90)
    result = estimate(_workout(_step(_minutes(20), target)), sport="run", thresholds=only_lthr)
    assert result.load_source == "default"
    assert result.trimp is None


def test_without_any_speed_distance_steps_have_no_duration_and_timed_steps_no_distance() -> None:
    nobody = AthleteThresholds()
    workout = _workout(_step(_minutes(10), intent=Intent.WARMUP), _step(_metres(1000)))
    result = estimate(workout, sport="run", thresholds=nobody)
    assert result.steps[0].distance_m is None
    assert result.steps[1].duration_s is None
    assert result.duration_s is None
    assert result.distance_m is None
    assert result.dist_eq_km is None
    assert result.load is None


def test_the_threshold_speed_stands_in_for_an_unknown_endurance_speed() -> None:
    # 0.75 × 4.0 m/s = 3.0 m/s: 10 min → 1800 m
    threshold_only = AthleteThresholds(threshold_speed_mps=4.0)
    result = estimate(_workout(_step(_minutes(10))), sport="run", thresholds=threshold_only)
    assert result.distance_m == pytest.approx(1800.0)


def test_open_steps_count_nothing_and_make_the_estimate_incomplete() -> None:
    hr = Target(TargetKind.HR, TargetMode.ABSOLUTE, 150, 150)
    workout = _workout(_step(_open(), hr, Intent.WARMUP), _step(_minutes(10), intent=Intent.ACTIVE))
    result = estimate(workout, sport="run", thresholds=RUNNER)
    assert not result.complete
    assert result.steps[0].duration_s == 0.0
    assert result.steps[0].distance_m == 0.0
    assert result.steps[0].load == 0.0
    assert result.trimp == 0.0
    assert result.duration_s == 600.0
    assert result.load == pytest.approx(9.375)


def test_an_empty_workout_estimates_zero() -> None:
    result = estimate(Workout(), sport="run", thresholds=RUNNER)
    assert (result.duration_s, result.distance_m, result.load) == (0.0, 0.0, 0.0)
    assert result.load_source == "default"
    assert result.complete


def test_the_profile_lays_the_steps_end_to_end_at_their_intensity() -> None:
    work = _step(_minutes(3), Target(TargetKind.POWER, TargetMode.PERCENT, 105, 105))
    workout = _workout(
        _step(_minutes(10), intent=Intent.WARMUP),
        Repeat(2, (work, _step(_minutes(2), intent=Intent.REST))),
        _step(_open(), intent=Intent.COOLDOWN),
    )
    bars = profile(workout, sport="ride", thresholds=RIDER)
    assert [bar.start_s for bar in bars] == [0.0, 600.0, 780.0, 900.0, 1080.0, 1200.0]
    assert [bar.intensity for bar in bars] == pytest.approx([0.65, 1.05, 0.0, 1.05, 0.0, 0.65])
    assert [bar.intent for bar in bars][-1] is Intent.COOLDOWN
    assert [bar.open for bar in bars] == [False] * 5 + [True]
    assert bars[-1].duration_s == 0.0


def test_a_heart_rate_steps_profile_height_is_its_hrtss_equivalent_intensity() -> None:
    # At LTHR the hour scores 100: intensity 1.0.
    target = Target(TargetKind.HR, TargetMode.PERCENT, 100, 100)
    bars = profile(_workout(_step(_minutes(20), target)), sport="run", thresholds=RUNNER)
    assert bars[0].intensity == pytest.approx(1.0)
