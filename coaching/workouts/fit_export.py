"""A structured workout → a FIT workout file (file type 5) a Garmin watch loads. Pure, stdlib.

The bytes are written here, following FIT profile 21.218 (protocol 1.0: no 64-bit types, no
developer fields, so older watches read it too): a 14-byte header with its CRC, then file_id,
workout and one workout_step message per step or repeat, then the CRC of everything before it.

Steps. Repeats are not unrolled: a block's steps come first, then one step with duration_type
repeat_until_steps_cmplt, duration_value = message_index of the block's first step and
target_value = the repeat count (nested repeats the same way, inner block first). Durations:
time in ms (s × 1000), distance in cm (m × 100), open until the lap button. Intent → intensity.

Targets. The watch gets the range Paceline judges the step against: every target is resolved
with `resolve.compliance_range` and the athlete's `thresholds` (those of the session's day),
so zones and percentages become the athlete's own bpm, W or speed range, and a single value is
widened by the compliance tolerance (250 W → 242.5–257.5 W). FIT custom ranges are
target_value 0 with custom_target_value_low/high:
- heart rate: bpm + 100 (0–100 would mean % of max HR, which we never write);
- power: W + 1000 (0–1000 would mean % FTP);
- pace: speed in mm/s (m/s × 1000), low = slower;
- cadence: in cycles per minute as FIT counts them — strides for running, walking and hiking
  (our steps/min halved, as FIT activity records do), revolutions otherwise.
An open-ended zone (a top zone without an upper bound) ends at the plausible maximum of
`core.ranges` (250 bpm, 3000 W, 30 m/s). Only when Paceline cannot resolve the target either
does the watch judge it its own way: a % FTP without FTP natively (0–1000 means % FTP), a
single zone without the athlete's zones as the watch's zone number (target_value = zone, HR
1–5, power 1–7, speed 1–10, custom values 0). Any other target the watch cannot be given —
the threshold or zones it needs are unknown, RPE, a cadence zone or percentage — leaves the
step with an open target and the intended target written in words as its name and at the
start of its notes (e.g. "88-92% LTHR", "RPE 7").

Text fields are UTF-8, NUL-terminated and cut at a character boundary to their field size,
terminator included (the profile sets no size; these are ours): workout name 64 bytes, step
name 48, step notes 255 (the largest a FIT field can be). A step's name is the intended target
when the watch cannot hold it, else the coach's note; its notes carry both.

Watches load at most `MAX_WATCH_STEPS` workout steps (repeat steps included): message_index is
a uint16, but Garmin Connect and many watches stop at 50, so longer workouts are refused rather
than cut short on the wrist.
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from coaching.workouts.resolve import compliance_range
from coaching.workouts.tree import (
    MAX_REPEAT,
    AthleteThresholds,
    DurationKind,
    Intent,
    Node,
    Repeat,
    Step,
    Target,
    TargetKind,
    TargetMode,
    Workout,
    WorkoutError,
    _,
)
from core.fit import FIT_SIGNATURE, fit_crc
from core.ranges import TARGET_CADENCE_SPM, TARGET_HR_BPM, TARGET_POWER_W, TARGET_SPEED_MPS

MAX_WATCH_STEPS = 50
NAME_BYTES = 64
STEP_NAME_BYTES = 48
NOTES_BYTES = 255

PROTOCOL_VERSION = 0x10  # 1.0
PROFILE_VERSION = 21218  # 21.218, written major × 1000 + minor as the SDK does
FIT_EPOCH_S = 631065600  # 1989-12-31T00:00:00Z in Unix seconds
MANUFACTURER_DEVELOPMENT = 255
FILE_WORKOUT = 5

MESG_FILE_ID, MESG_WORKOUT, MESG_WORKOUT_STEP = 0, 26, 27

# Base types: (type byte, struct format, invalid value).
ENUM, UINT16, UINT32, UINT32Z, STRING = 0x00, 0x84, 0x86, 0x8C, 0x07
_FORMATS = {
    ENUM: ("<B", 0xFF),
    UINT16: ("<H", 0xFFFF),
    UINT32: ("<I", 0xFFFFFFFF),
    UINT32Z: ("<I", 0),
}

# wkt_step_duration, wkt_step_target and intensity values.
DURATION_TIME, DURATION_DISTANCE, DURATION_OPEN, DURATION_REPEAT = 0, 1, 5, 6
TARGET_SPEED, TARGET_HR, TARGET_OPEN, TARGET_CADENCE, TARGET_POWER = 0, 1, 2, 3, 4
INTENSITIES = {
    Intent.ACTIVE: 0,
    Intent.REST: 1,
    Intent.WARMUP: 2,
    Intent.COOLDOWN: 3,
    Intent.RECOVERY: 4,
}
HR_OFFSET_BPM = 100
POWER_OFFSET_W = 1000

# Our sport strings (core.sports values and variants) → FIT (sport, sub_sport).
SPORTS: dict[str, tuple[int, int]] = {
    "run": (1, 0),
    "trail_run": (1, 3),
    "treadmill": (1, 1),
    "indoor_run": (1, 45),
    "ride": (2, 0),
    "virtual_ride": (2, 58),
    "indoor_ride": (2, 6),
    "mtb": (2, 8),
    "gravel": (2, 46),
    "swim": (5, 17),
    "pool_swim": (5, 17),
    "open_water": (5, 18),
    "open_water_swim": (5, 18),
    "hike": (17, 0),
    "walk": (11, 0),
    "ski": (12, 0),
    "row": (15, 0),
    "indoor_row": (15, 14),
    "strength": (10, 20),
    "other": (0, 0),
}
STRIDE_SPORTS = frozenset({1, 11, 17})  # running, walking, hiking: FIT cadence in strides/min
# The end of an open-ended range (a top zone), per kind: the plausible maximum.
OPEN_END = {
    TargetKind.HR: TARGET_HR_BPM.high,
    TargetKind.POWER: TARGET_POWER_W.high,
    TargetKind.PACE: TARGET_SPEED_MPS.high,
    TargetKind.CADENCE: TARGET_CADENCE_SPM.high,
}
# Zones a watch knows by number: HR 1–5, power 1–7, speed 1–10.
NATIVE_ZONES = {
    TargetKind.HR: (TARGET_HR, 5),
    TargetKind.POWER: (TARGET_POWER, 7),
    TargetKind.PACE: (TARGET_SPEED, 10),
}

Value = int | str | None


@dataclass(frozen=True, slots=True)
class _Field:
    number: int
    base_type: int
    size: int


@dataclass(frozen=True, slots=True)
class _FitTarget:
    type: int = TARGET_OPEN
    value: int | None = None
    low: int | None = None
    high: int | None = None
    intended: str = ""  # the target in words when the watch cannot hold it


@dataclass(frozen=True, slots=True)
class _FitStep:
    duration_type: int
    duration_value: int | None
    target: _FitTarget
    intensity: int | None = None
    name: str = ""
    notes: str = ""


@dataclass(frozen=True, slots=True)
class _Context:
    thresholds: AthleteThresholds
    fit_sport: int
    sport: str


def workout_fit(
    workout: Workout,
    *,
    name: str,
    sport: str,
    thresholds: AthleteThresholds | None = None,
    created_at: datetime,
) -> bytes:
    """The complete FIT workout file for `workout` (see the module docstring for the mapping).

    `sport` is one of `SPORTS` (unknown → generic); `created_at` must be timezone-aware.
    Raises WorkoutError for an empty workout, more than `MAX_WATCH_STEPS` steps or a value
    a FIT field cannot hold.
    """
    if created_at.tzinfo is None:
        raise ValueError("created_at must be timezone-aware")
    fit_sport, sub_sport = SPORTS.get(sport.strip().lower(), (0, 0))
    context = _Context(thresholds or AthleteThresholds(), fit_sport, sport)
    steps = _fit_steps(workout, context)
    step_records = _steps_records(steps)
    workout_record = _workout_record(name, fit_sport, sub_sport, len(steps))
    time_created = math.floor(created_at.astimezone(UTC).timestamp()) - FIT_EPOCH_S
    serial = zlib.crc32(workout_record + step_records, time_created & 0xFFFFFFFF) or 1
    return _fit_file(_file_id_record(time_created, serial) + workout_record + step_records)


# --- tree → FIT steps -------------------------------------------------------------------


def _fit_steps(workout: Workout, context: _Context) -> list[_FitStep]:
    steps: list[_FitStep] = []
    _add_nodes(workout.nodes, context, steps)
    if not steps:
        raise WorkoutError(_("A workout needs at least one step to be sent to a watch."))
    if len(steps) > MAX_WATCH_STEPS:
        raise WorkoutError(
            _(
                "A watch workout has at most %(max)d steps (each repeat counts as one); "
                "this one has %(count)d."
            ),
            max=MAX_WATCH_STEPS,
            count=len(steps),
        )
    return steps


def _add_nodes(nodes: Sequence[Node], context: _Context, steps: list[_FitStep]) -> None:
    for node in nodes:
        if isinstance(node, Step):
            steps.append(_fit_step(node, context))
            continue
        _check_repeat(node)
        first_index = len(steps)
        _add_nodes(node.children, context, steps)
        steps.append(_FitStep(DURATION_REPEAT, first_index, _FitTarget(value=node.count)))


def _check_repeat(repeat: Repeat) -> None:
    if not 1 <= repeat.count <= MAX_REPEAT:
        raise WorkoutError(
            _("A repeat count must be a whole number from 1 to %(max)d."), max=MAX_REPEAT
        )
    if not repeat.children:
        raise WorkoutError(_("A repeat needs at least one step."))


def _fit_step(step: Step, context: _Context) -> _FitStep:
    duration_type, duration_value = _duration(step)
    target = _target(step.target, context)
    notes = "; ".join(text for text in (target.intended, step.note) if text)
    return _FitStep(
        duration_type,
        duration_value,
        target,
        INTENSITIES[step.intent],
        name=target.intended or step.note,
        notes=notes,
    )


def _duration(step: Step) -> tuple[int, int | None]:
    """(duration_type, duration_value): time in ms, distance in cm, open without a value."""
    kind, value = step.duration.kind, step.duration.value
    if kind is DurationKind.OPEN:
        return DURATION_OPEN, None
    if value is None or not value > 0:
        raise WorkoutError(_("A timed or distance step needs a positive duration."))
    if kind is DurationKind.TIME:
        return DURATION_TIME, _round(value * 1000)
    return DURATION_DISTANCE, _round(value * 100)


def _target(target: Target | None, context: _Context) -> _FitTarget:
    """The range Paceline judges the step against, else the watch's own reading of it."""
    if target is None:
        return _FitTarget()
    if target.kind is TargetKind.RPE:
        return _FitTarget(intended=_describe(target))
    judged = compliance_range(target, sport=context.sport, thresholds=context.thresholds)
    if judged is not None:
        low, high = judged
        high = high if math.isfinite(high) else OPEN_END[target.kind]
        return _absolute_target(target.kind, low, high, context)
    return _native_target(target)


def _native_target(target: Target) -> _FitTarget:
    """A % FTP or one zone number for the watch to resolve with its own FTP or zones."""
    low, high = target.low, target.high
    percent_ftp = target.mode is TargetMode.PERCENT and target.kind is TargetKind.POWER
    if percent_ftp and _round(high) < POWER_OFFSET_W:
        return _FitTarget(TARGET_POWER, 0, _round(low), _round(high))
    native_type, native_max = NATIVE_ZONES.get(target.kind, (TARGET_OPEN, 0))
    one_zone = target.mode is TargetMode.ZONE and low == high and low.is_integer()
    if one_zone and 1 <= low <= native_max:
        return _FitTarget(native_type, int(low), 0, 0)
    return _FitTarget(intended=_describe(target))


def _absolute_target(kind: TargetKind, low: float, high: float, context: _Context) -> _FitTarget:
    """Custom range in FIT units: bpm + 100, W + 1000, mm/s, cycles per minute."""
    if kind is TargetKind.HR:
        return _custom(TARGET_HR, low, high, offset=HR_OFFSET_BPM)
    if kind is TargetKind.POWER:
        return _custom(TARGET_POWER, low, high, offset=POWER_OFFSET_W)
    if kind is TargetKind.PACE:
        return _custom(TARGET_SPEED, low, high, scale=1000)
    scale = 0.5 if context.fit_sport in STRIDE_SPORTS else 1.0
    return _custom(TARGET_CADENCE, low, high, scale=scale)


def _custom(
    target_type: int, low: float, high: float, *, scale: float = 1.0, offset: int = 0
) -> _FitTarget:
    return _FitTarget(target_type, 0, _round(low * scale) + offset, _round(high * scale) + offset)


def _describe(target: Target) -> str:
    """The target in words for the watch: "Z2-Z3 HR", "88-92% LTHR", "RPE 7"."""
    prefix = "Z" if target.mode is TargetMode.ZONE and target.kind is not TargetKind.RPE else ""
    values = prefix + _number(target.low)
    if target.high != target.low:
        values += f"-{prefix}{_number(target.high)}"
    if target.kind is TargetKind.RPE:
        return f"RPE {values}"
    if prefix:
        labels = {TargetKind.HR: "HR", TargetKind.POWER: _("power"), TargetKind.PACE: _("pace")}
        return f"{values} {labels.get(target.kind, _('cadence'))}"
    bases = {TargetKind.HR: "LTHR", TargetKind.POWER: "FTP", TargetKind.PACE: _("threshold pace")}
    return f"{values}% {bases.get(target.kind, _('cadence'))}"


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}".rstrip("0")


def _round(value: float) -> int:
    """Half up (Python's round() goes to even)."""
    return math.floor(value + 0.5)


# --- FIT records ------------------------------------------------------------------------


def _file_id_record(time_created: int, serial: int) -> bytes:
    fields = (
        _Field(0, ENUM, 1),  # type
        _Field(1, UINT16, 2),  # manufacturer
        _Field(2, UINT16, 2),  # product
        _Field(3, UINT32Z, 4),  # serial_number
        _Field(4, UINT32, 4),  # time_created, s since the FIT epoch
    )
    values = (FILE_WORKOUT, MANUFACTURER_DEVELOPMENT, 0, serial, time_created)
    return _definition(0, MESG_FILE_ID, fields) + _data(0, fields, values)


def _workout_record(name: str, fit_sport: int, sub_sport: int, step_count: int) -> bytes:
    wkt_name = _text(name, NAME_BYTES)
    fields = (
        _Field(4, ENUM, 1),  # sport
        _Field(11, ENUM, 1),  # sub_sport
        _Field(6, UINT16, 2),  # num_valid_steps
        _Field(8, STRING, len(wkt_name) + 1),  # wkt_name
    )
    values = (fit_sport, sub_sport, step_count, name)
    return _definition(1, MESG_WORKOUT, fields) + _data(1, fields, values)


def _steps_records(steps: Sequence[_FitStep]) -> bytes:
    """One definition, then a data message per step; text fields sized to the longest text."""
    name_size = max(len(_text(step.name, STEP_NAME_BYTES)) for step in steps) + 1
    notes_size = max(len(_text(step.notes, NOTES_BYTES)) for step in steps) + 1
    fields = [_Field(254, UINT16, 2)]  # message_index
    if name_size > 1:
        fields.append(_Field(0, STRING, name_size))  # wkt_step_name
    fields += [
        _Field(1, ENUM, 1),  # duration_type
        _Field(2, UINT32, 4),  # duration_value
        _Field(3, ENUM, 1),  # target_type
        _Field(4, UINT32, 4),  # target_value
        _Field(5, UINT32, 4),  # custom_target_value_low
        _Field(6, UINT32, 4),  # custom_target_value_high
        _Field(7, ENUM, 1),  # intensity
    ]
    if notes_size > 1:
        fields.append(_Field(8, STRING, notes_size))  # notes
    records = [_definition(2, MESG_WORKOUT_STEP, fields)]
    for index, step in enumerate(steps):
        values = _step_values(index, step, name=name_size > 1, notes=notes_size > 1)
        records.append(_data(2, fields, values))
    return b"".join(records)


def _step_values(index: int, step: _FitStep, *, name: bool, notes: bool) -> list[Value]:
    target = step.target
    values: list[Value] = [index, step.name] if name else [index]
    values += [step.duration_type, step.duration_value, target.type, target.value]
    values += [target.low, target.high, step.intensity]
    return [*values, step.notes] if notes else values


def _definition(local_type: int, global_number: int, fields: Sequence[_Field]) -> bytes:
    """Definition message: header 0x40 | local type, reserved, little-endian, fields."""
    header = struct.pack("<BBBHB", 0x40 | local_type, 0, 0, global_number, len(fields))
    return header + b"".join(bytes((f.number, f.size, f.base_type)) for f in fields)


def _data(local_type: int, fields: Sequence[_Field], values: Sequence[Value]) -> bytes:
    encoded = (_value(field, value) for field, value in zip(fields, values, strict=True))
    return bytes((local_type,)) + b"".join(encoded)


def _value(field: _Field, value: Value) -> bytes:
    """A field's bytes; None is the base type's invalid value."""
    if field.base_type == STRING:
        text = _text(value if isinstance(value, str) else "", field.size)
        return text.ljust(field.size, b"\0")
    fmt, invalid = _FORMATS[field.base_type]
    if value is None:
        return struct.pack(fmt, invalid)
    limit = 2 ** (8 * field.size) - (1 if field.base_type == UINT32Z else 2)
    if not isinstance(value, int) or not 0 <= value <= limit:
        raise WorkoutError(_("A step value is too large for a FIT file: %(value)s."), value=value)
    return struct.pack(fmt, value)


def _text(text: str, size: int) -> bytes:
    """UTF-8 without NULs, cut at a character boundary to leave room for the terminator."""
    raw = text.replace("\0", "").encode()[: size - 1]
    return raw.decode(errors="ignore").encode()


def _fit_file(records: bytes) -> bytes:
    header = struct.pack(
        "<BBHI4s", 14, PROTOCOL_VERSION, PROFILE_VERSION, len(records), FIT_SIGNATURE
    )
    header += struct.pack("<H", fit_crc(header))
    content = header + records
    return content + struct.pack("<H", fit_crc(content))
