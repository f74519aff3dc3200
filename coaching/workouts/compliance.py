"""Compliance of an executed activity with its planned workout (DESIGN §6 "Compliance"). Pure.

Per session: actual / planned on the planned load, else duration, else distance (the first
basis with a positive planned value and a known actual) — green 0.8–1.2, yellow 0.5–0.8 or
1.2–1.5 (edges inclusive, green winning at 0.8 and 1.2), red otherwise or when missed.

Per step: the activity is cut into one segment per flattened step, then each step's executed
value — the time-weighted mean of its target's channel over the segment (each sample lasting
until the next one, capped at the 10 s pause threshold; for power the plain mean power, not
NP) — is compared with the step's `resolve.compliance_range` (single values widened by the
tolerance). Segmentation:
- "laps", when the device lapped per step: as many laps as steps, or one more (a trailing lap
  after the last step, ignored) or one fewer (the last step unlapped: it runs to the end);
- "time" otherwise, walking the steps like the watch did, sample by sample on the recording's
  timer (a gap over 10 s is a pause and counts one sample interval): a timed step ends at the
  first sample where the timer has run its duration; a distance step at the first sample where
  the distance stream has grown by its distance, or — without a distance stream — after its
  estimated duration (`estimates`); an open step runs to the end when it is the last, else the
  steps from it on cannot be placed.
`hit` is None when the step has no target, the target does not resolve, its channel was not
recorded (rpe never is) or has no sample in the segment, or the step cannot be placed; False
when the recording ended before the step. `share_hit` is the share of active steps with a
`hit` that are True.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from analytics.metrics.prep import FloatArray
from analytics.metrics.zones import sample_durations_s
from coaching.workouts.estimates import StepEstimate, estimate
from coaching.workouts.resolve import compliance_range
from coaching.workouts.tree import (
    AthleteThresholds,
    DurationKind,
    FlatStep,
    Intent,
    TargetKind,
    Workout,
    flatten,
)
from core.units import PAUSE_S

Colour = Literal["green", "yellow", "red"]
Method = Literal["laps", "time"]
Basis = Literal["load", "duration", "distance"]

GREEN = (0.8, 1.2)
YELLOW = (0.5, 1.5)
_ROUNDING = 1e-6  # s or m: sums of sample intervals may miss a whole goal by a rounding error


@dataclass(frozen=True, slots=True)
class StepCompliance:
    """One flattened step: its `target` range (SI, tolerance included; None without one), the
    `executed` mean over its segment, whether it was `hit`, and the segment [start_s, end_s)
    in seconds from the activity's start (None when it could not be placed)."""

    index: int
    intent: Intent
    rep: tuple[int, ...]
    target: tuple[float, float] | None
    executed: float | None
    hit: bool | None
    start_s: float | None
    end_s: float | None


@dataclass(frozen=True, slots=True)
class WorkoutCompliance:
    """Every step's compliance, the share of judged active steps that hit (None when none was
    judged), and how the activity was segmented ("laps" or "time")."""

    steps: tuple[StepCompliance, ...]
    share_hit: float | None
    method: Method


@dataclass(frozen=True, slots=True)
class SessionRatio:
    """The compared quantity (`basis`), its actual and planned values (load, s or m)."""

    basis: Basis
    actual: float | None
    planned: float

    @property
    def ratio(self) -> float | None:
        return None if self.actual is None else self.actual / self.planned

    @property
    def colour(self) -> Colour | None:
        return session_compliance(self.actual, self.planned)


@dataclass(frozen=True, slots=True)
class _Span:
    """A segment [start_s, end_s) on the recording's clock."""

    start_s: float
    end_s: float


@dataclass(frozen=True, slots=True)
class _Clock:
    """The recording's times (s), its timer (s, a pause counting one sample interval), its
    distance made monotonic (m, None without a distance stream) and its end (last sample +
    one sample interval)."""

    t_s: FloatArray
    timer_s: FloatArray
    distance_m: FloatArray | None
    end_s: float

    def after(self, axis: FloatArray, start_s: float, amount: float) -> float:
        """The time of the first sample where `axis` (timer or distance, non-decreasing) has
        grown by `amount` from its value at `start_s` — where a watch moves to the next step,
        its overshoot carried into that step; the end of the recording when it never does."""
        goal = float(np.interp(start_s, self.t_s, axis)) + amount
        index = int(np.searchsorted(axis, goal - _ROUNDING, side="left"))
        return self.end_s if index >= axis.size else float(self.t_s[index])


@dataclass(frozen=True, slots=True)
class _Recording:
    """Sample times (s), each sample's duration (s, capped at the pause threshold) and the
    channel of each target kind (None when not recorded)."""

    t_s: FloatArray
    weights: FloatArray
    channels: dict[TargetKind, FloatArray | None]

    def channel(self, kind: TargetKind) -> FloatArray | None:
        values = self.channels.get(kind)
        if values is None or not np.isfinite(values).any():
            return None
        return values

    def mean(self, values: FloatArray, span: _Span) -> float | None:
        """Time-weighted mean of the finite `values` with times in [start_s, end_s); the plain
        mean when their weights sum to 0 (one sample); None without any."""
        inside = (self.t_s >= span.start_s) & (self.t_s < span.end_s) & np.isfinite(values)
        if not inside.any():
            return None
        chosen, weight = values[inside], self.weights[inside]
        if weight.sum() <= 0:
            return float(chosen.mean())
        return float(np.average(chosen, weights=weight))

    def ended_before(self, span: _Span) -> bool:
        """The recording has no sample from the span's start on."""
        return not self.t_s.size or span.start_s > float(self.t_s[-1])


# --- per session -----------------------------------------------------------------------------


def session_compliance(actual: float | None, planned: float | None) -> Colour | None:
    """The session's colour from actual / planned: green 0.8–1.2, yellow 0.5–0.8 or 1.2–1.5,
    red otherwise or when missed (no actual, or 0). None when nothing positive was planned."""
    if planned is None or not planned > 0:
        return None
    if actual is None or not actual > 0:
        return "red"
    ratio = actual / planned
    if GREEN[0] <= ratio <= GREEN[1]:
        return "green"
    if YELLOW[0] <= ratio <= YELLOW[1]:
        return "yellow"
    return "red"


def session_ratio(
    *,
    planned_load: float | None = None,
    actual_load: float | None = None,
    planned_duration_s: float | None = None,
    actual_duration_s: float | None = None,
    planned_distance_m: float | None = None,
    actual_distance_m: float | None = None,
) -> SessionRatio | None:
    """What to compare: load, else duration, else distance — the first basis with a positive
    planned value and a known actual; when no basis has an actual (missed), the first planned
    one with `actual` None. None when nothing positive was planned."""
    bases: list[tuple[Basis, float | None, float | None]] = [
        ("load", actual_load, planned_load),
        ("duration", actual_duration_s, planned_duration_s),
        ("distance", actual_distance_m, planned_distance_m),
    ]
    planned = [
        SessionRatio(basis, actual, plan) for basis, actual, plan in bases if plan and plan > 0
    ]
    measured = [ratio for ratio in planned if ratio.actual is not None]
    if measured:
        return measured[0]
    return SessionRatio(planned[0].basis, None, planned[0].planned) if planned else None


# --- per step --------------------------------------------------------------------------------


def step_compliance(
    workout: Workout,
    *,
    sport: str,
    thresholds: AthleteThresholds,
    t_s: FloatArray,
    hr_bpm: FloatArray | None = None,
    power_w: FloatArray | None = None,
    speed_mps: FloatArray | None = None,
    cadence_spm: FloatArray | None = None,
    distance_m: FloatArray | None = None,
    laps: Sequence[tuple[float, float]] | None = None,
) -> WorkoutCompliance:
    """Step-level compliance of an activity with `workout` (see the module docstring).

    `t_s`: ascending sample times (s from the start); the optional channels are arrays of the
    same length (NaN = missing); `laps`: (start_s, elapsed_s) per lap, on the same clock."""
    flat = flatten(workout)
    times = np.asarray(t_s, dtype=np.float64)
    clock = _clock(times, distance_m)
    spans = _lap_spans(laps, len(flat), clock.end_s)
    method: Method = "laps"
    if spans is None:
        method = "time"
        planned = estimate(workout, sport=sport, thresholds=thresholds).steps
        spans = _time_spans(flat, planned, clock)
    recording = _Recording(
        times,
        sample_durations_s(times),
        {
            TargetKind.HR: _floats(hr_bpm),
            TargetKind.POWER: _floats(power_w),
            TargetKind.PACE: _floats(speed_mps),
            TargetKind.CADENCE: _floats(cadence_spm),
        },
    )
    steps = tuple(
        _judge(index, item, span, recording, sport=sport, thresholds=thresholds)
        for index, (item, span) in enumerate(zip(flat, spans, strict=True))
    )
    return WorkoutCompliance(steps, _share_hit(steps), method)


def _floats(values: FloatArray | None) -> FloatArray | None:
    return None if values is None else np.asarray(values, dtype=np.float64)


def _clock(t_s: FloatArray, distance_m: FloatArray | None) -> _Clock:
    """Timer and monotonic distance of the recording. The timer runs with the clock except
    across a pause (a gap over 10 s), which counts one usual sample interval (the median of
    the others, 1 s when unknown); the end is the last sample plus that interval."""
    gaps = np.diff(t_s)
    moving_gaps = gaps[gaps <= PAUSE_S]
    interval = float(np.median(moving_gaps)) if moving_gaps.size else 1.0
    timer = np.concatenate(([0.0], np.cumsum(np.where(gaps > PAUSE_S, interval, gaps))))
    end = float(t_s[-1]) + interval if t_s.size else 0.0
    distance = None
    if distance_m is not None and np.isfinite(distance_m).any():
        filled = np.where(np.isfinite(distance_m), distance_m, 0.0).astype(np.float64)
        distance = np.maximum.accumulate(filled)
    return _Clock(t_s, timer, distance, end)


def _lap_spans(
    laps: Sequence[tuple[float, float]] | None, steps: int, end_s: float
) -> list[_Span | None] | None:
    """One span per step from the laps when they fit the steps (see module), else None."""
    if not laps or steps == 0:
        return None
    fits = len(laps) == steps or (steps >= 2 and abs(len(laps) - steps) == 1)
    if not fits:
        return None
    spans: list[_Span | None] = [_Span(start, start + elapsed) for start, elapsed in laps[:steps]]
    if len(laps) < steps:
        last_start, last_elapsed = laps[-1]
        spans.append(_Span(last_start + last_elapsed, max(end_s, last_start + last_elapsed)))
    return spans


def _time_spans(
    flat: list[FlatStep], planned: tuple[StepEstimate, ...], clock: _Clock
) -> list[_Span | None]:
    """Consecutive spans from the first sample, each step's end found on the timer or the
    distance; once a step cannot be placed, neither can the ones after it."""
    spans: list[_Span | None] = []
    cursor: float | None = float(clock.t_s[0]) if clock.t_s.size else None
    for index, item in enumerate(flat):
        end = None
        if cursor is not None:
            end = _step_end(item, planned[index], cursor, clock, last=index == len(flat) - 1)
        spans.append(None if cursor is None or end is None else _Span(cursor, end))
        cursor = end
    return spans


def _step_end(
    item: FlatStep, planned: StepEstimate, start_s: float, clock: _Clock, *, last: bool
) -> float | None:
    duration = item.step.duration
    if duration.kind is DurationKind.OPEN or duration.value is None:
        return clock.end_s if last else None
    if duration.kind is DurationKind.DISTANCE and clock.distance_m is not None:
        return clock.after(clock.distance_m, start_s, duration.value)
    if planned.duration_s is None:
        return None
    return clock.after(clock.timer_s, start_s, planned.duration_s)


def _judge(
    index: int,
    item: FlatStep,
    span: _Span | None,
    recording: _Recording,
    *,
    sport: str,
    thresholds: AthleteThresholds,
) -> StepCompliance:
    step, target = item.step, item.step.target
    band = None if target is None else compliance_range(target, sport=sport, thresholds=thresholds)
    channel = None if target is None else recording.channel(target.kind)
    executed, hit = None, None
    if band is not None and span is not None and channel is not None:
        executed = recording.mean(channel, span)
        hit = _hit(executed, band, ended=recording.ended_before(span))
    start, end = (None, None) if span is None else (span.start_s, span.end_s)
    return StepCompliance(index, step.intent, item.rep, band, executed, hit, start, end)


def _hit(executed: float | None, band: tuple[float, float], *, ended: bool) -> bool | None:
    """In the band; False when the recording ended before the step; None without a sample."""
    if ended:
        return False
    if executed is None:
        return None
    return band[0] <= executed <= band[1]


def _share_hit(steps: tuple[StepCompliance, ...]) -> float | None:
    judged = [step.hit for step in steps if step.intent is Intent.ACTIVE and step.hit is not None]
    return sum(judged) / len(judged) if judged else None
