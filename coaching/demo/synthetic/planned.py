"""Demo sessions that follow their structured plan. Pure.

Each planned step becomes one block (so one lap, as a watch laps a structured workout) at the
intensity that meets the step's target for this athlete: the middle of the target's range
(`resolve.target_mid`, with the thresholds compliance judges against), reached by generating
the session a few times and correcting each block by what its target channel actually
averaged (heart rate lags and drifts, descents freewheel, hills slow the pace). Then, in
about one session in three (seeded), one work rep fades to 85 % of its intensity: a missed
rep, as real athletes have.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from activities.types import FloatArray, Streams
from coaching.demo.synthetic.workouts import EASY_SPIN, STEADY, Block, Workout
from coaching.workouts.resolve import compliance_range, target_mid
from coaching.workouts.tree import (
    AthleteThresholds,
    DurationKind,
    Intent,
    Step,
    TargetKind,
    flatten,
)
from coaching.workouts.tree import Workout as Plan
from core.sports import Sport

if TYPE_CHECKING:
    from coaching.demo.synthetic.sessions import Physiology

# The structured sessions of the demo library, by (sport, kind of session): name and steps.
STRUCTURED: dict[tuple[str, str], tuple[str, str]] = {
    ("run", "intervals"): (
        "Run · 6 × 3 min VO2max",
        "warmup 15m Z1\n6x (3m Z5, rec 2m Z1)\ncooldown 10m Z1",
    ),
    ("run", "tempo"): (
        "Run · 2 × 15 min tempo",
        "warmup 15m Z1\n2x (15m 88-92% LTHR, rec 3m Z1)\ncooldown 10m Z1",
    ),
    ("ride", "intervals"): (
        "Ride · 5 × 5 min at 105 % FTP",
        "warmup 15m Z1\n5x (5m 105% FTP, rec 3m Z1)\ncooldown 15m Z1",
    ),
    ("ride", "tempo"): (
        "Ride · 3 × 15 min sweet spot",
        "warmup 15m Z1\n3x (15m 88-93% FTP, rec 5m Z1)\ncooldown 10m Z1",
    ),
    ("swim", "intervals"): (
        "Swim · 10 × 100 m",
        "warmup 400m\n10x (100m 103% pace, rest 20s)\ncooldown 200m",
    ),
    ("swim", "tempo"): (
        "Swim · 3 × 400 m steady",
        "warmup 300m\n3x (400m 95% pace, rest 30s)\ncooldown 200m",
    ),
}
PASSES = 3  # generations that correct the intensities before the final one
MISS_SHARE = 1 / 3
FADE = 0.85
OPEN_S = 300  # an open step (until the lap button) lasts five minutes
RIDE_SPEED_MPS = 8.0  # to time a ride's distance step
INTENSITY = (0.15, 1.6)
MARGIN = 0.02


@dataclass(frozen=True, slots=True)
class PlannedSession:
    """The planned steps of a session (and its name) and the thresholds its compliance is
    judged with."""

    name: str
    workout: Plan
    thresholds: AthleteThresholds


@dataclass(frozen=True, slots=True)
class _Goal:
    """What a step aims at (bpm, W or m/s): the middle of its target, and the range compliance
    accepts."""

    kind: TargetKind
    value: float
    band: tuple[float, float]

    def met(self, measured: float) -> bool:
        """Inside the band with a margin (a quarter of its width, at most 2 % of its top), so
        that what the neighbour blocks change through the heart rate's lag keeps it inside."""
        low, high = self.band
        margin = min((high - low) / 4, MARGIN * high)
        return low + margin <= measured <= high - margin


Generate = Callable[[Workout], Streams]


def follow_plan(
    plan: PlannedSession,
    *,
    sport: Sport,
    body: Physiology,
    generate: Generate,
    rng: np.random.Generator,
) -> tuple[Workout, Streams]:
    """The blocks that execute `plan` and their streams (`generate` makes the streams of a
    workout, the same noise every call); `rng` decides whether a rep fades."""
    steps = [flat.step for flat in flatten(plan.workout)]
    goals = [_goal(step, sport, plan.thresholds) for step in steps]
    intensities = [
        _first_guess(step, goal, sport, body) for step, goal in zip(steps, goals, strict=True)
    ]
    faded = _faded_rep(steps, goals, rng)
    if faded is not None:
        intensities[faded] *= FADE
        goals[faded] = None  # the athlete does not make up for it
    for _pass in range(PASSES):
        workout = _workout(plan.name, steps, intensities, sport, body)
        intensities = _corrected(workout, generate(workout), goals, intensities, sport, body)
    workout = _workout(plan.name, steps, intensities, sport, body)
    return workout, generate(workout)


def _goal(step: Step, sport: Sport, thresholds: AthleteThresholds) -> _Goal | None:
    target = step.target
    if target is None or target.kind not in (TargetKind.HR, TargetKind.POWER, TargetKind.PACE):
        return None
    mid = target_mid(target, sport=sport.value, thresholds=thresholds)
    band = compliance_range(target, sport=sport.value, thresholds=thresholds)
    return None if mid is None or band is None else _Goal(target.kind, mid, band)


def _family(sport: Sport) -> str:
    return sport.value if sport.value in STEADY else "run"


def _lthr(sport: Sport, body: Physiology) -> float:
    return body.ride_lthr_bpm if sport == Sport.RIDE else body.lthr_bpm


def _speed(sport: Sport, body: Physiology) -> float:
    return body.css_mps if sport == Sport.SWIM else body.threshold_speed_mps


def _hr_per_intensity(sport: Sport, body: Physiology) -> float:
    """Heart rate (bpm) one unit of intensity adds in the model of `sessions.heart_rate`."""
    swim = 0.93 if sport == Sport.SWIM else 1.0
    return 0.75 * (_lthr(sport, body) - body.hr_rest_bpm) * swim


def _first_guess(step: Step, goal: _Goal | None, sport: Sport, body: Physiology) -> float:
    family = _family(sport)
    if goal is None:
        if step.intent is Intent.REST:
            return 0.0 if sport == Sport.SWIM else EASY_SPIN[family] * 0.6
        if step.intent is Intent.ACTIVE:
            return STEADY[family]["tempo"]
        return EASY_SPIN[family]
    if goal.kind is TargetKind.POWER:
        return goal.value / body.ftp_w
    if goal.kind is TargetKind.PACE:
        return goal.value / _speed(sport, body)
    effort_bpm = goal.value - body.hr_rest_bpm - 0.25 * (_lthr(sport, body) - body.hr_rest_bpm)
    return float(np.clip(effort_bpm / _hr_per_intensity(sport, body), *INTENSITY))


def _duration_s(step: Step, intensity: float, sport: Sport, body: Physiology) -> int:
    duration = step.duration
    if duration.kind is DurationKind.OPEN or duration.value is None:
        return OPEN_S
    if duration.kind is DurationKind.TIME:
        return max(round(duration.value), 1)
    speed = RIDE_SPEED_MPS if sport == Sport.RIDE else max(intensity, 0.3) * _speed(sport, body)
    return max(round(duration.value / speed), 1)


def _workout(
    name: str, steps: list[Step], intensities: list[float], sport: Sport, body: Physiology
) -> Workout:
    blocks = tuple(
        Block(_duration_s(step, intensity, sport, body), intensity, step.intent.value)
        for step, intensity in zip(steps, intensities, strict=True)
    )
    return Workout(name, blocks)


def _channel(streams: Streams, kind: TargetKind) -> FloatArray | None:
    channels = {
        TargetKind.HR: streams.hr_bpm,
        TargetKind.POWER: streams.power_w,
        TargetKind.PACE: streams.speed_mps,
    }
    return channels[kind]


def _corrected(
    workout: Workout,
    streams: Streams,
    goals: list[_Goal | None],
    intensities: list[float],
    sport: Sport,
    body: Physiology,
) -> list[float]:
    """The intensity of each block that missed its goal, moved by how far its channel's mean
    fell from the goal's middle."""
    corrected, first = [], 0
    for block, goal, intensity in zip(workout.blocks, goals, intensities, strict=True):
        last = first + block.duration_s
        values = _channel(streams, goal.kind) if goal is not None else None
        if goal is not None and values is not None and last > first:
            measured = float(np.mean(values[first:last]))
            if goal.met(measured):
                pass
            elif goal.kind is TargetKind.HR:
                intensity += (goal.value - measured) / _hr_per_intensity(sport, body)
            elif measured > 0:
                intensity *= goal.value / measured
            intensity = float(np.clip(intensity, *INTENSITY))
        corrected.append(intensity)
        first = last
    return corrected


def _faded_rep(
    steps: list[Step], goals: list[_Goal | None], rng: np.random.Generator
) -> int | None:
    """The work step that fades in this session, or None (most sessions)."""
    reps = [
        index
        for index, (step, goal) in enumerate(zip(steps, goals, strict=True))
        if step.intent is Intent.ACTIVE and goal is not None
    ]
    if not reps or rng.random() >= MISS_SHARE:
        return None
    return int(rng.choice(reps))
