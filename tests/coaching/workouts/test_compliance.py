from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from coaching.workouts.compliance import (
    StepCompliance,
    session_compliance,
    session_ratio,
    step_compliance,
)
from coaching.workouts.text import parse
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

FTP_W = 250.0
RIDER = AthleteThresholds(ftp_w=FTP_W, endurance_speed_mps=8.0)
RUNNER = AthleteThresholds(threshold_speed_mps=4.0, endurance_speed_mps=3.0)


def _power(percent: float, high: float | None = None) -> Target:
    return Target(TargetKind.POWER, TargetMode.PERCENT, percent, high or percent)


def _timed(minutes: float, intent: Intent, target: Target | None = None) -> Step:
    return Step(intent, Duration(DurationKind.TIME, minutes * 60.0), target)


# 10 min warmup, 5 × (3 min at 105 % FTP, 2 min at 50–65 % FTP), 10 min cooldown: 12 steps.
INTERVALS = Workout(
    (
        _timed(10, Intent.WARMUP, _power(55, 75)),
        Repeat(
            5,
            (_timed(3, Intent.ACTIVE, _power(105)), _timed(2, Intent.RECOVERY, _power(50, 65))),
        ),
        _timed(10, Intent.COOLDOWN),
    )
)
# (seconds, mean power W) per flattened step, as ridden to plan
RIDDEN = [(600, 160.0)] + [(180, 262.5), (120, 145.0)] * 5 + [(600, 140.0)]


@dataclass(frozen=True)
class Ride:
    t_s: np.ndarray
    power_w: np.ndarray
    laps: list[tuple[float, float]]


def _ride(plan: list[tuple[int, float]], *, pause_after_s: int | None = None) -> Ride:
    """1 Hz power with ±5 W noise, one lap per step; optionally a 60 s pause (no samples)
    after `pause_after_s` seconds of riding."""
    rng = np.random.default_rng(7)
    power = np.concatenate([np.full(seconds, watts) for seconds, watts in plan])
    power = power + rng.normal(0.0, 5.0, power.size)
    t_s = np.arange(power.size, dtype=np.float64)
    if pause_after_s is not None:
        t_s[pause_after_s:] += 60.0
    starts = np.cumsum([0] + [seconds for seconds, _ in plan[:-1]])
    laps = [
        (float(t_s[start]), float(seconds))
        for start, (seconds, _) in zip(starts, plan, strict=True)
    ]
    if pause_after_s is not None:  # the lap holding the pause lasts 60 s longer
        laps = [(s, e + 60.0) if s < pause_after_s <= s + e else (s, e) for s, e in laps]
    return Ride(t_s, power, laps)


def _active(steps: tuple[StepCompliance, ...]) -> list[StepCompliance]:
    return [step for step in steps if step.intent is Intent.ACTIVE]


def test_an_interval_session_ridden_to_plan_hits_every_active_step_by_laps() -> None:
    ride = _ride(RIDDEN)
    result = step_compliance(
        INTERVALS,
        sport="ride",
        thresholds=RIDER,
        t_s=ride.t_s,
        power_w=ride.power_w,
        laps=ride.laps,
    )
    assert result.method == "laps"
    assert result.share_hit == 1.0
    active = _active(result.steps)
    assert len(active) == 5
    assert all(step.hit for step in active)
    # 105 % of 250 W = 262.5 W ± 3 %
    assert active[0].target == pytest.approx((254.625, 270.375))
    assert active[0].executed == pytest.approx(262.5, abs=2.0)
    assert (active[0].start_s, active[0].end_s) == (600.0, 780.0)
    assert [step.rep for step in active] == [(1,), (2,), (3,), (4,), (5,)]
    # the cooldown has no target: not judged
    assert result.steps[-1].hit is None


def test_the_readme_example_judges_its_work_reps_not_its_easy_recoveries() -> None:
    workout = parse("5x (3m 105% FTP, 2m Z1)", sport="ride")
    # the recoveries ridden at 65 % FTP, above Z1 (< 55 %): not what share_hit is about
    ride = _ride([(180, 262.5), (120, 162.5)] * 5)
    zones = AthleteThresholds(ftp_w=FTP_W, zones={"power": ((0, 137.5), (137.5, 187.5))})

    result = step_compliance(
        workout, sport="ride", thresholds=zones, t_s=ride.t_s, power_w=ride.power_w, laps=ride.laps
    )

    assert [step.intent for step in result.steps[:2]] == [Intent.ACTIVE, Intent.RECOVERY]
    assert [step.hit for step in result.steps if step.intent is Intent.RECOVERY] == [False] * 5
    assert result.share_hit == 1.0


def test_without_laps_time_alignment_finds_the_same_segments_and_hits() -> None:
    ride = _ride(RIDDEN)
    by_laps = step_compliance(
        INTERVALS,
        sport="ride",
        thresholds=RIDER,
        t_s=ride.t_s,
        power_w=ride.power_w,
        laps=ride.laps,
    )
    by_time = step_compliance(
        INTERVALS, sport="ride", thresholds=RIDER, t_s=ride.t_s, power_w=ride.power_w
    )
    assert by_time.method == "time"
    assert by_time.share_hit == 1.0
    assert [(s.start_s, s.end_s) for s in by_time.steps] == [
        (s.start_s, s.end_s) for s in by_laps.steps
    ]
    assert [s.hit for s in by_time.steps] == [s.hit for s in by_laps.steps]
    assert [s.executed for s in by_time.steps] == pytest.approx([s.executed for s in by_laps.steps])


@pytest.mark.parametrize("with_laps", [True, False])
def test_rep_four_ridden_20_percent_low_is_the_only_miss(with_laps: bool) -> None:
    plan = list(RIDDEN)
    plan[7] = (180, 262.5 * 0.8)  # warmup, then (work, easy) pairs: rep 4's work is step 7
    ride = _ride(plan)
    result = step_compliance(
        INTERVALS,
        sport="ride",
        thresholds=RIDER,
        t_s=ride.t_s,
        power_w=ride.power_w,
        laps=ride.laps if with_laps else None,
    )
    missed = [step for step in result.steps if step.hit is False]
    assert [(step.index, step.intent, step.rep) for step in missed] == [(7, Intent.ACTIVE, (4,))]
    assert missed[0].executed == pytest.approx(210.0, abs=2.0)
    assert result.share_hit == pytest.approx(0.8)


def test_time_alignment_runs_on_the_timer_so_a_pause_shifts_every_later_step() -> None:
    ride = _ride(RIDDEN, pause_after_s=300)  # 60 s stopped in the middle of the warmup
    result = step_compliance(
        INTERVALS, sport="ride", thresholds=RIDER, t_s=ride.t_s, power_w=ride.power_w
    )
    assert result.method == "time"
    assert result.share_hit == 1.0
    assert (result.steps[1].start_s, result.steps[1].end_s) == (660.0, 840.0)


def test_a_trailing_lap_or_an_unlapped_last_step_still_segments_by_laps() -> None:
    ride = _ride(RIDDEN)
    *steps, cooldown = ride.laps
    trailing = [*steps, (cooldown[0], 590.0), (cooldown[0] + 590.0, 10.0)]
    for laps in (trailing, steps):
        result = step_compliance(
            INTERVALS,
            sport="ride",
            thresholds=RIDER,
            t_s=ride.t_s,
            power_w=ride.power_w,
            laps=laps,
        )
        assert result.method == "laps"
        assert result.share_hit == 1.0
    unlapped = step_compliance(
        INTERVALS, sport="ride", thresholds=RIDER, t_s=ride.t_s, power_w=ride.power_w, laps=steps
    )
    assert (unlapped.steps[-1].start_s, unlapped.steps[-1].end_s) == (2100.0, 2700.0)


def test_laps_that_do_not_match_the_steps_fall_back_to_time() -> None:
    ride = _ride(RIDDEN)
    auto_laps = [(float(start), 300.0) for start in range(0, 2700, 300)]  # 9 laps of 5 min
    result = step_compliance(
        INTERVALS,
        sport="ride",
        thresholds=RIDER,
        t_s=ride.t_s,
        power_w=ride.power_w,
        laps=auto_laps,
    )
    assert result.method == "time"
    assert result.share_hit == 1.0


def test_steps_the_recording_never_reached_are_missed() -> None:
    ride = _ride(RIDDEN[:6])  # stopped after rep 3's recovery
    result = step_compliance(
        INTERVALS, sport="ride", thresholds=RIDER, t_s=ride.t_s, power_w=ride.power_w
    )
    active = _active(result.steps)
    assert [step.hit for step in active] == [True, True, True, False, False]
    assert active[3].executed is None
    assert result.share_hit == pytest.approx(0.6)


def test_a_target_whose_channel_was_not_recorded_or_cannot_be_recorded_is_not_judged() -> None:
    rpe = Target(TargetKind.RPE, TargetMode.ABSOLUTE, 7, 7)
    hr = Target(TargetKind.HR, TargetMode.ABSOLUTE, 150, 160)
    workout = Workout((_timed(5, Intent.ACTIVE, rpe), _timed(5, Intent.ACTIVE, hr)))
    t_s = np.arange(600.0)
    result = step_compliance(
        workout, sport="run", thresholds=RUNNER, t_s=t_s, hr_bpm=np.full(600, np.nan)
    )
    assert [step.hit for step in result.steps] == [None, None]
    assert result.share_hit is None


def test_a_last_open_step_takes_the_rest_of_the_recording() -> None:
    hr = Target(TargetKind.HR, TargetMode.ABSOLUTE, 140, 150)
    workout = Workout(
        (_timed(5, Intent.WARMUP), Step(Intent.ACTIVE, Duration(DurationKind.OPEN), hr))
    )
    t_s = np.arange(900.0)
    hr_bpm = np.where(t_s < 300, 120.0, 145.0)
    result = step_compliance(workout, sport="run", thresholds=RUNNER, t_s=t_s, hr_bpm=hr_bpm)
    assert (result.steps[1].start_s, result.steps[1].end_s) == (300.0, 900.0)
    assert result.steps[1].executed == pytest.approx(145.0)
    assert result.share_hit == 1.0


def test_steps_after_an_open_step_in_the_middle_cannot_be_placed_by_time() -> None:
    hr = Target(TargetKind.HR, TargetMode.ABSOLUTE, 140, 150)
    workout = Workout(
        (Step(Intent.WARMUP, Duration(DurationKind.OPEN)), _timed(5, Intent.ACTIVE, hr))
    )
    t_s = np.arange(900.0)
    result = step_compliance(
        workout, sport="run", thresholds=RUNNER, t_s=t_s, hr_bpm=np.full(900, 145.0)
    )
    assert [(step.start_s, step.hit) for step in result.steps] == [(None, None), (None, None)]


# --- a run interval session by distance ----------------------------------------------------

# 10 min warmup; 6 × (800 m at 105 % of 4.0 m/s = 4.2 m/s, 400 m easy); 10 min cooldown.
REPEATS_800 = Workout(
    (
        _timed(10, Intent.WARMUP),
        Repeat(
            6,
            (
                Step(
                    Intent.ACTIVE,
                    Duration(DurationKind.DISTANCE, 800.0),
                    Target(TargetKind.PACE, TargetMode.PERCENT, 105, 105),
                ),
                Step(Intent.RECOVERY, Duration(DurationKind.DISTANCE, 400.0)),
            ),
        ),
        _timed(10, Intent.COOLDOWN),
    )
)


@dataclass(frozen=True)
class Run:
    t_s: np.ndarray
    speed_mps: np.ndarray
    distance_m: np.ndarray
    starts_s: list[float]


def _run(steps: list[tuple[str, float, float]]) -> Run:
    """1 Hz speed (±0.05 m/s noise) and distance of a run that switches steps as a watch
    would: a timed step after its seconds, a distance step once its metres are covered.
    Each step is (kind, seconds or metres, speed m/s); `starts_s` are the true switch times."""
    rng = np.random.default_rng(11)
    speeds: list[float] = []
    distance, starts = [0.0], []
    for kind, amount, speed in steps:
        starts.append(float(len(speeds)))
        goal = distance[-1] + amount
        while (len(speeds) - starts[-1] < amount) if kind == "time" else distance[-1] < goal:
            speeds.append(speed + rng.normal(0.0, 0.05))
            distance.append(distance[-1] + speeds[-1])
    return Run(
        np.arange(len(speeds), dtype=np.float64), np.array(speeds), np.array(distance[:-1]), starts
    )


# run faster than planned (4.3 m/s: still within 4.2 ± 3 %) and jog the recoveries slower
# than the endurance speed (2.5 m/s instead of 3.0): an estimate by time would drift.
RUN = _run(
    [("time", 600, 3.0)]
    + [("distance", 800, 4.3), ("distance", 400, 2.5)] * 6
    + [("time", 600, 2.8)]
)


def test_distance_steps_are_aligned_on_the_distance_stream() -> None:
    result = step_compliance(
        REPEATS_800,
        sport="run",
        thresholds=RUNNER,
        t_s=RUN.t_s,
        speed_mps=RUN.speed_mps,
        distance_m=RUN.distance_m,
    )
    assert result.method == "time"
    assert result.share_hit == 1.0
    starts = [step.start_s for step in result.steps]
    assert starts == RUN.starts_s  # the very samples where the watch moved on
    # 800 m at 4.3 m/s ≈ 186 s
    assert all(
        step.end_s - step.start_s == pytest.approx(186.0, abs=2.0) for step in _active(result.steps)
    )


def test_without_a_distance_stream_distance_steps_use_their_estimated_time() -> None:
    # estimated: 800 m at 4.2 m/s = 190.5 s (the step ends on the next sample, 191 s), 400 m at
    # the endurance 3.0 m/s = 133.3 s — the slower real recoveries make later reps drift.
    result = step_compliance(
        REPEATS_800, sport="run", thresholds=RUNNER, t_s=RUN.t_s, speed_mps=RUN.speed_mps
    )
    active = _active(result.steps)
    assert active[0].end_s - active[0].start_s == 191.0
    assert result.share_hit is not None and result.share_hit < 1.0


# --- per session -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "colour"),
    [
        (80.0, "green"),
        (100.0, "green"),
        (120.0, "green"),
        (79.9, "yellow"),
        (50.0, "yellow"),
        (120.1, "yellow"),
        (150.0, "yellow"),
        (49.9, "red"),
        (150.1, "red"),
        (0.0, "red"),
        (None, "red"),
    ],
)
def test_session_colours_follow_the_design_bands_at_their_edges(
    actual: float | None, colour: str
) -> None:
    assert session_compliance(actual, 100.0) == colour


def test_nothing_planned_has_no_colour() -> None:
    assert session_compliance(50.0, None) is None
    assert session_compliance(50.0, 0.0) is None


def test_the_session_ratio_prefers_load_then_duration_then_distance() -> None:
    by_load = session_ratio(
        planned_load=80.0, actual_load=60.0, planned_duration_s=3600.0, actual_duration_s=3600.0
    )
    assert by_load is not None
    assert (by_load.basis, by_load.ratio, by_load.colour) == ("load", 0.75, "yellow")
    by_duration = session_ratio(
        planned_load=80.0, planned_duration_s=3600.0, actual_duration_s=3000.0
    )
    assert by_duration is not None and by_duration.basis == "duration"
    by_distance = session_ratio(planned_distance_m=10_000.0, actual_distance_m=10_500.0)
    assert by_distance is not None
    assert (by_distance.basis, by_distance.colour) == ("distance", "green")


def test_a_missed_session_is_red_on_its_first_planned_basis() -> None:
    missed = session_ratio(planned_load=80.0, planned_duration_s=3600.0)
    assert missed is not None
    assert (missed.basis, missed.ratio, missed.colour) == ("load", None, "red")
    assert session_ratio(actual_load=50.0) is None
