"""The structure of a workout (DESIGN §4): a tree of repeat blocks and steps. Pure, no Django.

A `Workout` is a tuple of nodes; a node is a `Step` or a `Repeat` (count × children, nested
repeats allowed). Every quantity is SI: durations in seconds or metres, absolute targets in
bpm, W, m/s, CR-10 RPE or steps/revolutions per minute.

Targets:
- `ZONE`: low/high are zone numbers of the athlete's zone set for that kind (Z2 → 2, 2;
  Z2–Z3 → 2, 3);
- `PERCENT`: low/high are percentages of the sport's threshold — FTP for power, LTHR for heart
  rate, threshold speed for pace (105 % pace is faster than threshold);
- `ABSOLUTE`: low/high in SI units (pace targets are speeds in m/s: low is the slower one).
A single value is low == high.

`to_data` / `from_data` give the JSON stored in `WorkoutTemplate.steps` and
`PlannedSession.steps`; `from_data` validates and raises `WorkoutError` with a clear message.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeGuard

from core.ranges import (
    REPEAT_COUNT,
    STEP_DISTANCE_M,
    STEP_DURATION_S,
    TARGET_CADENCE_SPM,
    TARGET_HR_BPM,
    TARGET_PERCENT,
    TARGET_POWER_W,
    TARGET_RPE,
    TARGET_SPEED_MPS,
    ZONE_NUMBER,
    Range,
)
from core.units import is_finite_number

MAX_REPEAT = int(REPEAT_COUNT.high)
MAX_DEPTH = 3
MAX_STEPS = 200  # flattened, per workout (FIT workouts allow more, watches less)


def _(message: str) -> str:
    """Marks a message for translation (makemessages finds it); the Django layer translates
    `WorkoutError.template` with `gettext` and formats it with `params`."""
    return message


class WorkoutError(ValueError):
    """A workout structure (or its text) that cannot be accepted.

    `template` is an English message marked with `_()` and formatted with `params`
    (`%(name)s` placeholders); `message` is it formatted. `position` is the character offset
    in the text when the error comes from the text syntax, else None.
    """

    def __init__(self, template: str, position: int | None = None, **params: Any) -> None:
        self.template = template
        self.params = params
        self.position = position
        self.message = template % params if params else template
        super().__init__(self.message)


@dataclass(frozen=True, slots=True)
class AthleteThresholds:
    """What resolves zone and percent targets for one athlete on one day (SI; None: unknown).

    `zones` maps "hr" | "power" | "pace" to the zone ranges Z1 first, each (low, high) in bpm,
    W or m/s (pace zones as speeds, low = slower). `endurance_speed_mps` is the athlete's easy
    speed, used to estimate distance when a step has no pace target.
    """

    sex: str = "M"
    ftp_w: float | None = None
    lthr_bpm: float | None = None
    hr_rest_bpm: float | None = None
    hr_max_bpm: float | None = None
    threshold_speed_mps: float | None = None
    endurance_speed_mps: float | None = None
    zones: dict[str, tuple[tuple[float, float], ...]] = field(default_factory=dict)


class Intent(StrEnum):
    WARMUP = "warmup"
    ACTIVE = "active"
    RECOVERY = "recovery"
    COOLDOWN = "cooldown"
    REST = "rest"


class DurationKind(StrEnum):
    TIME = "time"  # value in seconds
    DISTANCE = "distance"  # value in metres
    OPEN = "open"  # until the lap button; value None


class TargetKind(StrEnum):
    HR = "hr"
    POWER = "power"
    PACE = "pace"
    RPE = "rpe"
    CADENCE = "cadence"


class TargetMode(StrEnum):
    ZONE = "zone"
    PERCENT = "percent"
    ABSOLUTE = "absolute"


@dataclass(frozen=True, slots=True)
class Duration:
    kind: DurationKind
    value: float | None = None


@dataclass(frozen=True, slots=True)
class Target:
    kind: TargetKind
    mode: TargetMode
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class Step:
    intent: Intent
    duration: Duration
    target: Target | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Repeat:
    count: int
    children: tuple[Node, ...]


Node = Step | Repeat


@dataclass(frozen=True, slots=True)
class Workout:
    nodes: tuple[Node, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class FlatStep:
    """One step as executed, in order: `rep` is the 1-based repetition of each enclosing
    repeat (outermost first), `path` the step's index path in the tree."""

    step: Step
    rep: tuple[int, ...]
    path: tuple[int, ...]


def flatten(workout: Workout) -> list[FlatStep]:
    """Every step in execution order, repeats unrolled."""
    return list(_walk(workout.nodes, (), ()))


def _walk(
    nodes: tuple[Node, ...], rep: tuple[int, ...], path: tuple[int, ...]
) -> Iterator[FlatStep]:
    for index, node in enumerate(nodes):
        if isinstance(node, Step):
            yield FlatStep(node, rep, (*path, index))
            continue
        for n in range(1, node.count + 1):
            yield from _walk(node.children, (*rep, n), (*path, index))


# --- JSON ----------------------------------------------------------------------------------


def to_data(workout: Workout) -> list[dict[str, Any]]:
    """The JSON-ready list of nodes stored on templates and planned sessions."""
    return [_node_data(node) for node in workout.nodes]


def _node_data(node: Node) -> dict[str, Any]:
    if isinstance(node, Repeat):
        return {"repeat": node.count, "steps": [_node_data(child) for child in node.children]}
    data: dict[str, Any] = {
        "intent": node.intent.value,
        "duration": {"kind": node.duration.kind.value, "value": node.duration.value},
    }
    if node.target is not None:
        target = node.target
        data["target"] = {
            "kind": target.kind.value,
            "mode": target.mode.value,
            "low": target.low,
            "high": target.high,
        }
    if node.note:
        data["note"] = node.note
    return data


def from_data(data: Any) -> Workout:
    """Validate stored JSON (or an API payload) into a Workout; raises WorkoutError."""
    if data in (None, ""):
        return Workout()
    if not isinstance(data, list):
        raise WorkoutError(_("Steps must be a list."))
    workout = Workout(tuple(_node(item, depth=1) for item in data))
    if len(flatten(workout)) > MAX_STEPS:
        raise WorkoutError(
            _("A workout has at most %(count)d steps once repeats are unrolled."), count=MAX_STEPS
        )
    return workout


def stored_workout(data: Any) -> Workout:
    """The workout of stored step JSON for reading: an empty one when the JSON is no longer
    valid (a row saved before the plausible ranges), so no page fails on an old row."""
    try:
        return from_data(data)
    except WorkoutError:
        return Workout()


def _node(item: Any, *, depth: int) -> Node:
    if not isinstance(item, dict):
        raise WorkoutError(_("Each step must be an object."))
    if "repeat" in item:
        return _repeat(item, depth=depth)
    return _step(item)


def _repeat(item: dict[str, Any], *, depth: int) -> Repeat:
    count, children = item.get("repeat"), item.get("steps")
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_REPEAT:
        raise WorkoutError(
            _("A repeat count must be a whole number from 1 to %(max)d."), max=MAX_REPEAT
        )
    if depth >= MAX_DEPTH:
        raise WorkoutError(_("Repeats nest at most %(depth)d deep."), depth=MAX_DEPTH - 1)
    if not isinstance(children, list) or not children:
        raise WorkoutError(_("A repeat needs at least one step."))
    return Repeat(count, tuple(_node(child, depth=depth + 1) for child in children))


def _step(item: dict[str, Any]) -> Step:
    intent = _choice(Intent, item.get("intent"), "intent")
    duration = _duration(item.get("duration"))
    target = _target(item["target"]) if item.get("target") is not None else None
    note = item.get("note", "")
    if not isinstance(note, str) or len(note) > 500:
        raise WorkoutError(_("A step note must be text of at most 500 characters."))
    return Step(intent, duration, target, note)


def _duration(data: Any) -> Duration:
    if not isinstance(data, dict):
        raise WorkoutError(_("A step needs a duration."))
    kind = _choice(DurationKind, data.get("kind"), "duration kind")
    value = data.get("value")
    if kind is DurationKind.OPEN:
        return Duration(kind)
    if not _positive(value):
        raise WorkoutError(_("A timed or distance step needs a positive duration."))
    duration = Duration(kind, float(value))
    check_duration(duration)
    return duration


def _target(data: Any) -> Target:
    if not isinstance(data, dict):
        raise WorkoutError(_("A target must be an object."))
    kind = _choice(TargetKind, data.get("kind"), "target kind")
    mode = _choice(TargetMode, data.get("mode"), "target mode")
    low, high = data.get("low"), data.get("high")
    if not (_positive(low) and _positive(high)) or low > high:
        raise WorkoutError(_("A target range needs positive values, low before high."))
    target = Target(kind, mode, float(low), float(high))
    check_target(target)
    return target


# --- plausible values (core.ranges) ----------------------------------------------------------

_DURATION_LIMITS: dict[DurationKind, tuple[Range, str, float]] = {
    DurationKind.TIME: (
        STEP_DURATION_S,
        _("A timed step lasts from %(low)s s to %(high)s h."),
        3600,
    ),
    DurationKind.DISTANCE: (
        STEP_DISTANCE_M,
        _("A distance step covers from %(low)s m to %(high)s km."),
        1000,
    ),
}
_ABSOLUTE_LIMITS: dict[TargetKind, tuple[Range, str]] = {
    TargetKind.HR: (TARGET_HR_BPM, _("A heart-rate target is from %(low)s to %(high)s bpm.")),
    TargetKind.POWER: (TARGET_POWER_W, _("A power target is from %(low)s to %(high)s W.")),
    TargetKind.PACE: (
        TARGET_SPEED_MPS,
        _("A pace target is a speed from %(low)s to %(high)s m/s."),
    ),
    TargetKind.CADENCE: (
        TARGET_CADENCE_SPM,
        _("A cadence target is from %(low)s to %(high)s per minute."),
    ),
    TargetKind.RPE: (TARGET_RPE, _("An RPE target is from %(low)s to %(high)s.")),
}
_MODE_LIMITS: dict[TargetMode, tuple[Range, str]] = {
    TargetMode.ZONE: (ZONE_NUMBER, _("Zones are numbered from %(low)s to %(high)s.")),
    TargetMode.PERCENT: (
        TARGET_PERCENT,
        _("A percentage target is from %(low)s to %(high)s %%."),
    ),
}


def _amount(value: float) -> str:
    return f"{value:g}"


def check_duration(duration: Duration, position: int | None = None) -> None:
    """Raise WorkoutError when a timed or distance step is outside its plausible range."""
    if duration.kind is DurationKind.OPEN:
        return
    limits, template, unit = _DURATION_LIMITS[duration.kind]
    if not limits.contains(duration.value):
        low, high = _amount(limits.low), _amount(limits.high / unit)
        raise WorkoutError(template, position, low=low, high=high)


def check_target(target: Target, position: int | None = None) -> None:
    """Raise WorkoutError when a target's low or high is outside its plausible range."""
    if target.mode is TargetMode.ABSOLUTE:
        limits, template = _ABSOLUTE_LIMITS[target.kind]
    else:
        limits, template = _MODE_LIMITS[target.mode]
    if not (limits.contains(target.low) and limits.contains(target.high)):
        raise WorkoutError(template, position, low=_amount(limits.low), high=_amount(limits.high))


def _choice[E: StrEnum](enum: type[E], value: Any, what: str) -> E:
    try:
        return enum(value)
    except ValueError:
        choices = ", ".join(member.value for member in enum)
        raise WorkoutError(
            _("Unknown %(what)s %(value)r (one of %(choices)s)."),
            what=what,
            value=value,
            choices=choices,
        ) from None


def _positive(value: Any) -> TypeGuard[float]:
    return is_finite_number(value) and value > 0
