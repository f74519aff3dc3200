"""What a planned workout will take (DESIGN §4, §6): duration, distance, distance-equivalent,
load and TRIMP, per step and in total; and the profile chart's bars. Pure.

Load is TSS-family (100 = one hour at threshold), each step scored by its target with the metric
core's formulas, the target's mid value (`resolve.target_mid`, never the compliance tolerance)
held for the whole step:
- power: TSS with NP = the target power (`power.training_stress_score`), IF = power / FTP;
- pace: rTSS on the flat (`running.rtss`, no grade: steps carry no ascent), IF = speed /
  threshold speed;
- hr: hrTSS = TRIMP of the step at the target HR / TRIMP of 1 h at LTHR × 100
  (`heart.trimp`, `heart.hr_tss`; needs resting and maximum HR, and LTHR);
- rpe: hours × (RPE / 7)² × 100 (`load.rpe_load_estimate`);
A percent target of power or pace needs no threshold: its percentage is the IF. A step without
a target — or with one that cannot be scored (cadence, an unknown threshold or zone) — counts at
`DEFAULT_INTENSITY` by intent: warmup, cooldown and recovery IF 0.65, active 0.75, rest 0, scored
as hours × IF² × 100 like TSS.

Speed (for the time of distance steps and the distance of timed steps): the pace target's mid
speed, else the athlete's endurance speed, else `ENDURANCE_OF_THRESHOLD` (0.75) × threshold
speed, else unknown (the step's time or distance is None, and so are the totals that need it).
A timed rest step covers no distance. Open steps (until the lap button) count 0 s, 0 m and 0 load
and make the estimate incomplete.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from analytics.metrics.disteq import distance_equivalent_km
from analytics.metrics.heart import hr_tss, trimp
from analytics.metrics.load import RPE_AT_THRESHOLD, rpe_load_estimate
from analytics.metrics.power import training_stress_score
from analytics.metrics.running import rtss
from coaching.workouts.resolve import target_mid, threshold_of
from coaching.workouts.tree import (
    AthleteThresholds,
    DurationKind,
    FlatStep,
    Intent,
    Step,
    Target,
    TargetKind,
    TargetMode,
    Workout,
    flatten,
)
from core.units import HOUR_S

DEFAULT_INTENSITY: dict[Intent, float] = {
    Intent.WARMUP: 0.65,
    Intent.COOLDOWN: 0.65,
    Intent.RECOVERY: 0.65,
    Intent.ACTIVE: 0.75,
    Intent.REST: 0.0,
}
ENDURANCE_OF_THRESHOLD = 0.75
SOURCE_DEFAULT = "default"
SOURCE_MIXED = "mixed"


@dataclass(frozen=True, slots=True)
class StepEstimate:
    """One flattened step: `duration_s`, `distance_m` (None when unknown), `speed_mps` used for
    them, `intensity` (IF, or its equivalent for hr and rpe: √(load per hour / 100)), `load`
    (TSS-family), `trimp` (Banister, hr targets only) and `load_source` ("power", "pace",
    "hr", "rpe" or "default")."""

    index: int
    flat: FlatStep
    duration_s: float | None
    distance_m: float | None
    speed_mps: float | None
    intensity: float
    load: float | None
    trimp: float | None
    load_source: str


@dataclass(frozen=True, slots=True)
class Estimate:
    """A workout's totals. `ascent_m` is 0 (steps carry no climb). `load_source` is the one
    source of the scored steps, "mixed" when they differ, "default" when no step's target could
    be scored (steps at the default intensity do not make it mixed). `trimp` sums the hr
    steps, None without any. `complete` is False when an open step counts 0."""

    duration_s: float | None
    distance_m: float | None
    ascent_m: float
    dist_eq_km: float | None
    load: float | None
    trimp: float | None
    load_source: str
    complete: bool
    steps: tuple[StepEstimate, ...]


@dataclass(frozen=True, slots=True)
class ProfileBar:
    """One bar of the workout profile: starts at `start_s`, lasts `duration_s` (0 and
    `open` True when unknown: an open step, a distance without a speed), height `intensity`
    (fraction of threshold)."""

    start_s: float
    duration_s: float
    intensity: float
    intent: Intent
    open: bool


@dataclass(frozen=True, slots=True)
class _Effort:
    """How a step is scored: `value` against `reference` (W/W, m/s over m/s, % over 100, RPE
    over 7, or IF over 1 for the default), or heart rate `hr_bpm` for hr steps."""

    source: str
    intensity: float
    value: float
    reference: float
    hr_bpm: float | None = None


def estimate(workout: Workout, *, sport: str, thresholds: AthleteThresholds) -> Estimate:
    """Duration (s), distance (m), distance-equivalent (km, no ascent), load and TRIMP of
    `workout` for an athlete with `thresholds` (those of `sport`), with every step's share."""
    steps = tuple(
        _step_estimate(index, flat, sport=sport, thresholds=thresholds)
        for index, flat in enumerate(flatten(workout))
    )
    distance_m = _total([step.distance_m for step in steps])
    return Estimate(
        duration_s=_total([step.duration_s for step in steps]),
        distance_m=distance_m,
        ascent_m=0.0,
        dist_eq_km=distance_equivalent_km(sport=sport, distance_m=distance_m, ascent_m=0.0),
        load=_total([step.load for step in steps]),
        trimp=_trimp_total(steps),
        load_source=_load_source(steps),
        complete=all(step.flat.step.duration.kind is not DurationKind.OPEN for step in steps),
        steps=steps,
    )


def profile(workout: Workout, *, sport: str, thresholds: AthleteThresholds) -> list[ProfileBar]:
    """The bars of the small profile chart, in execution order (x: seconds, y: intensity)."""
    bars: list[ProfileBar] = []
    start_s = 0.0
    for step in estimate(workout, sport=sport, thresholds=thresholds).steps:
        unknown = step.duration_s is None or step.flat.step.duration.kind is DurationKind.OPEN
        duration_s = 0.0 if step.duration_s is None else step.duration_s
        bars.append(ProfileBar(start_s, duration_s, step.intensity, step.flat.step.intent, unknown))
        start_s += duration_s
    return bars


def _step_estimate(
    index: int, flat: FlatStep, *, sport: str, thresholds: AthleteThresholds
) -> StepEstimate:
    step = flat.step
    speed_mps = _speed(step, sport=sport, thresholds=thresholds)
    duration_s, distance_m = _extent(step, speed_mps)
    effort = _effort(step, sport=sport, thresholds=thresholds)
    step_trimp = _trimp(effort, duration_s, thresholds)
    return StepEstimate(
        index=index,
        flat=flat,
        duration_s=duration_s,
        distance_m=distance_m,
        speed_mps=speed_mps,
        intensity=effort.intensity,
        load=_load(effort, duration_s, step_trimp, thresholds),
        trimp=step_trimp,
        load_source=effort.source,
    )


# --- time and distance ---------------------------------------------------------------------


def _speed(step: Step, *, sport: str, thresholds: AthleteThresholds) -> float | None:
    """The step's speed (m/s): pace target's mid, else endurance speed, else 0.75 × threshold
    speed, else None."""
    target = step.target
    if target is not None and target.kind is TargetKind.PACE:
        speed = target_mid(target, sport=sport, thresholds=thresholds)
        if speed is not None and speed > 0:
            return speed
    if thresholds.endurance_speed_mps is not None and thresholds.endurance_speed_mps > 0:
        return thresholds.endurance_speed_mps
    threshold_speed = threshold_of(TargetKind.PACE, thresholds)
    return None if threshold_speed is None else ENDURANCE_OF_THRESHOLD * threshold_speed


def _extent(step: Step, speed_mps: float | None) -> tuple[float | None, float | None]:
    """(duration s, distance m) of the step: 0, 0 for open steps; a timed rest covers 0 m."""
    kind, value = step.duration.kind, step.duration.value
    if kind is DurationKind.OPEN or value is None:
        return 0.0, 0.0
    if kind is DurationKind.DISTANCE:
        return (value / speed_mps if speed_mps else None), value
    if step.intent is Intent.REST:
        return value, 0.0
    return value, (value * speed_mps if speed_mps is not None else None)


# --- intensity and load ----------------------------------------------------------------------


def _effort(step: Step, *, sport: str, thresholds: AthleteThresholds) -> _Effort:
    """How the step is scored: by its target when possible, else at the default intensity."""
    target = step.target
    if target is not None:
        effort = _target_effort(target, sport=sport, thresholds=thresholds)
        if effort is not None:
            return effort
    intensity = DEFAULT_INTENSITY[step.intent]
    return _Effort(SOURCE_DEFAULT, intensity, intensity, 1.0)


def _target_effort(target: Target, *, sport: str, thresholds: AthleteThresholds) -> _Effort | None:
    if target.kind is TargetKind.HR:
        return _hr_effort(target, sport=sport, thresholds=thresholds)
    if target.kind is TargetKind.RPE:
        rpe = target_mid(target, sport=sport, thresholds=thresholds)
        if rpe is None:
            return None
        return _Effort(target.kind.value, rpe / RPE_AT_THRESHOLD, rpe, RPE_AT_THRESHOLD)
    if target.kind in (TargetKind.POWER, TargetKind.PACE):
        return _relative_effort(target, sport=sport, thresholds=thresholds)
    return None


def _relative_effort(
    target: Target, *, sport: str, thresholds: AthleteThresholds
) -> _Effort | None:
    """Power or pace: the target against its threshold, or its percentage against 100."""
    if target.mode is TargetMode.PERCENT:
        value: float | None = (target.low + target.high) / 2.0
        reference: float | None = 100.0
    else:
        value = target_mid(target, sport=sport, thresholds=thresholds)
        reference = threshold_of(target.kind, thresholds)
    if value is None or reference is None:
        return None
    return _Effort(target.kind.value, value / reference, value, reference)


def _hr_effort(target: Target, *, sport: str, thresholds: AthleteThresholds) -> _Effort | None:
    """hr: intensity √(hrTSS of one hour at the target HR / 100); needs rest, max and LTHR."""
    hr_bpm = target_mid(target, sport=sport, thresholds=thresholds)
    if hr_bpm is None or thresholds.lthr_bpm is None:
        return None
    hour_load = _hr_load(hr_bpm, HOUR_S, thresholds)
    if hour_load is None:
        return None
    intensity = math.sqrt(hour_load / 100.0)
    return _Effort(target.kind.value, intensity, hr_bpm, thresholds.lthr_bpm, hr_bpm=hr_bpm)


def _hr_trimp(hr_bpm: float, duration_s: float, thresholds: AthleteThresholds) -> float | None:
    """Banister TRIMP of `duration_s` at a steady `hr_bpm`; None without rest and max HR."""
    rest, top = thresholds.hr_rest_bpm, thresholds.hr_max_bpm
    if rest is None or top is None:
        return None
    return trimp(
        np.array([hr_bpm]), hr_rest_bpm=rest, hr_max_bpm=top, sex=thresholds.sex, dt_s=duration_s
    )


def _hr_load(hr_bpm: float, duration_s: float, thresholds: AthleteThresholds) -> float | None:
    return _hr_tss(_hr_trimp(hr_bpm, duration_s, thresholds), thresholds)


def _hr_tss(step_trimp: float | None, thresholds: AthleteThresholds) -> float | None:
    rest, top, lthr = thresholds.hr_rest_bpm, thresholds.hr_max_bpm, thresholds.lthr_bpm
    if rest is None or top is None or lthr is None:
        return None
    return hr_tss(step_trimp, lthr_bpm=lthr, hr_rest_bpm=rest, hr_max_bpm=top, sex=thresholds.sex)


def _trimp(
    effort: _Effort, duration_s: float | None, thresholds: AthleteThresholds
) -> float | None:
    if effort.hr_bpm is None or duration_s is None:
        return None
    return _hr_trimp(effort.hr_bpm, duration_s, thresholds)


def _load(
    effort: _Effort,
    duration_s: float | None,
    step_trimp: float | None,
    thresholds: AthleteThresholds,
) -> float | None:
    """The step's TSS-family load with the metric core's formula for its source."""
    if duration_s is None:
        return None
    if effort.source == TargetKind.HR.value:
        return _hr_tss(step_trimp, thresholds)
    if effort.source == TargetKind.RPE.value:
        return rpe_load_estimate(effort.value, duration_s)
    if effort.source == TargetKind.PACE.value:
        return rtss(duration_s, effort.value, effort.reference)
    # power, and the default intensity as an IF against 1: hours × IF² × 100
    return training_stress_score(duration_s, effort.value, effort.reference)


# --- totals ----------------------------------------------------------------------------------


def _total(values: list[float | None]) -> float | None:
    """Sum, None when any part is unknown."""
    if any(value is None for value in values):
        return None
    return float(sum(value for value in values if value is not None))


def _trimp_total(steps: tuple[StepEstimate, ...]) -> float | None:
    scored = [step.trimp for step in steps if step.load_source == TargetKind.HR.value]
    return _total(scored) if scored else None


def _load_source(steps: tuple[StepEstimate, ...]) -> str:
    sources = {step.load_source for step in steps} - {SOURCE_DEFAULT}
    if not sources:
        return SOURCE_DEFAULT
    return sources.pop() if len(sources) == 1 else SOURCE_MIXED
