from __future__ import annotations

import io
import math
import struct
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, cast

import fitdecode
import pytest
from garmin_fit_sdk import CrcCalculator, Decoder, Profile, Stream

from coaching.workouts.fit_export import (
    INTENSITIES,
    MAX_WATCH_STEPS,
    SPORTS,
    workout_fit,
)
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
    WorkoutError,
)

CREATED_AT = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
STEP_FIELDS = {
    254: "message_index",
    0: "wkt_step_name",
    1: "duration_type",
    2: "duration_value",
    3: "target_type",
    4: "target_value",
    5: "custom_target_value_low",
    6: "custom_target_value_high",
    7: "intensity",
    8: "notes",
}
ENUM_FIELDS = {"duration_type", "target_type", "intensity"}
HR, POWER, PACE, RPE, CADENCE = (
    TargetKind.HR,
    TargetKind.POWER,
    TargetKind.PACE,
    TargetKind.RPE,
    TargetKind.CADENCE,
)
ZONE, PERCENT, ABSOLUTE = TargetMode.ZONE, TargetMode.PERCENT, TargetMode.ABSOLUTE
THRESHOLDS = AthleteThresholds(
    ftp_w=250,
    lthr_bpm=170,
    threshold_speed_mps=4.0,
    zones={
        "hr": ((100, 130), (130, 145), (145, 158), (158, 168), (168, 180), (180, 195)),
        "power": ((0, 138), (138, 188), (188, 225), (225, 263), (263, 300)),
        "pace": ((2.5, 3.0), (3.0, 3.4), (3.4, 3.8)),
    },
)


# a top zone without an upper bound ends at the plausible maximum, 3000 W
OPEN_TOP = AthleteThresholds(zones={"power": ((0, 150), (150, math.inf))})


# --- helpers --------------------------------------------------------------------------


def timed(seconds: float, target: Target | None = None, **kwargs: Any) -> Step:
    return Step(
        kwargs.pop("intent", Intent.ACTIVE), Duration(DurationKind.TIME, seconds), target, **kwargs
    )


def metres(distance_m: float, target: Target | None = None, **kwargs: Any) -> Step:
    intent = kwargs.pop("intent", Intent.ACTIVE)
    return Step(intent, Duration(DurationKind.DISTANCE, distance_m), target, **kwargs)


def target(kind: TargetKind, mode: TargetMode, low: float, high: float | None = None) -> Target:
    return Target(kind, mode, low, low if high is None else high)


def export(workout: Workout, **kwargs: Any) -> bytes:
    options: dict[str, Any] = {"name": "Test", "sport": "run", "created_at": CREATED_AT}
    return workout_fit(workout, **(options | kwargs))


def sdk_messages(data: bytes) -> dict[str, list[dict[str, Any]]]:
    """Garmin's decoder, raw values (no scale, no sub-fields), enums as profile names."""
    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    assert decoder.is_fit()
    assert decoder.check_integrity()
    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    messages, errors = decoder.read(
        apply_scale_and_offset=False, expand_sub_fields=False, merge_heart_rates=False
    )
    assert errors == []
    return cast(dict[str, list[dict[str, Any]]], messages)


def fitdecode_messages(data: bytes) -> dict[str, list[dict[str, Any]]]:
    """fitdecode with CRCs enforced, keyed by main field names, raw values, enums as names."""
    messages: dict[str, list[dict[str, Any]]] = {}
    with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitHeader):
                assert frame.crc_matched
            if isinstance(frame, fitdecode.FitDataMessage):
                messages.setdefault(frame.name, []).append(_fitdecode_fields(frame))
    return messages


def _fitdecode_fields(frame: fitdecode.FitDataMessage) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for field in frame.fields:
        name = STEP_FIELDS[field.def_num] if frame.name == "workout_step" else field.name
        value = field.value if name in ENUM_FIELDS else field.raw_value
        if value is not None:
            fields[name] = value
    return fields


def decoded_steps(data: bytes) -> list[dict[str, Any]]:
    """The workout steps, checked to decode identically with both decoders."""
    sdk, other = sdk_messages(data)["workout_step_mesgs"], fitdecode_messages(data)
    assert other["workout_step"] == sdk
    return sdk


def fit_step(index: int, duration: tuple[str, int | None], **fields: Any) -> dict[str, Any]:
    """An expected decoded step; target defaults to open, None fields are absent."""
    expected = {"message_index": index, "duration_type": duration[0]}
    expected |= {"duration_value": duration[1], "target_type": "open"} | fields
    return {key: value for key, value in expected.items() if value is not None}


def repeat_step(index: int, *, first: int, count: int) -> dict[str, Any]:
    return fit_step(index, ("repeat_until_steps_cmplt", first), target_value=count)


def custom(kind: str, low: int, high: int) -> dict[str, Any]:
    return {
        "target_type": kind,
        "target_value": 0,
        "custom_target_value_low": low,
        "custom_target_value_high": high,
    }


def zone(kind: str, number: int) -> dict[str, Any]:
    return custom(kind, 0, 0) | {"target_value": number}


# --- structure ------------------------------------------------------------------------


def test_a_single_warmup_is_a_complete_workout_file() -> None:
    data = export(Workout((timed(600, intent=Intent.WARMUP),)), name="Easy 10'")
    assert decoded_steps(data) == [fit_step(0, ("time", 600_000), intensity="warmup")]
    sdk = sdk_messages(data)
    assert sdk["file_id_mesgs"] == [
        {
            "type": "workout",
            "manufacturer": "development",
            "product": 0,
            "serial_number": sdk["file_id_mesgs"][0]["serial_number"],
            "time_created": CREATED_AT,
        }
    ]
    assert sdk["workout_mesgs"] == [
        {"sport": "running", "sub_sport": "generic", "num_valid_steps": 1, "wkt_name": "Easy 10'"}
    ]
    other = fitdecode_messages(data)
    assert (other["file_id"][0]["type"], other["file_id"][0]["manufacturer"]) == (5, 255)
    assert other["workout"] == [
        {"sport": 1, "sub_sport": 0, "num_valid_steps": 1, "wkt_name": "Easy 10'"}
    ]
    header_size, protocol, _profile, data_size, magic = struct.unpack("<BBHI4s", data[:12])
    assert (header_size, protocol, magic) == (14, 0x10, b".FIT")
    assert data_size == len(data) - 14 - 2


def test_both_crcs_are_the_fit_crc_and_a_flipped_byte_is_detected() -> None:
    data = export(Workout((timed(600),)))
    assert struct.unpack("<H", data[12:14])[0] == CrcCalculator.calculate_crc(data, 0, 12)
    assert struct.unpack("<H", data[-2:])[0] == CrcCalculator.calculate_crc(data, 0, len(data) - 2)
    damaged = bytearray(data)
    damaged[-3] ^= 0x01  # the last step's intensity: still parses, active → rest
    assert not Decoder(Stream.from_byte_array(damaged)).check_integrity()
    with pytest.raises(fitdecode.FitCRCError):
        fitdecode_messages(bytes(damaged))


def test_field_numbers_and_base_types_follow_the_fit_profile() -> None:
    data = export(Workout((timed(60, note="go"),)))
    with fitdecode.FitReader(io.BytesIO(data)) as reader:
        definitions = [f for f in reader if isinstance(f, fitdecode.FitDefinitionMessage)]
    assert [d.global_mesg_num for d in definitions] == [0, 26, 27]
    for definition in definitions:
        profile_fields = Profile["messages"][definition.global_mesg_num]["fields"]
        for field in definition.field_defs:
            assert field.base_type.name == profile_fields[field.def_num]["base_type"]


def test_intensities_and_sports_use_the_profile_enum_values() -> None:
    intensity = Profile["types"]["intensity"]
    assert {intent.value: intensity[value] for intent, value in INTENSITIES.items()} == {
        "active": "active",
        "rest": "rest",
        "warmup": "warmup",
        "cooldown": "cooldown",
        "recovery": "recovery",
    }
    sports, sub_sports = Profile["types"]["sport"], Profile["types"]["sub_sport"]
    named = {key: (sports[s], sub_sports[sub]) for key, (s, sub) in SPORTS.items()}
    assert named["trail_run"] == ("running", "trail")
    assert named["open_water"] == ("swimming", "open_water")


@pytest.mark.parametrize(
    ("sport", "fit_sport", "sub_sport"),
    [
        ("run", "running", "generic"),
        ("trail_run", "running", "trail"),
        ("treadmill", "running", "treadmill"),
        ("ride", "cycling", "generic"),
        ("virtual_ride", "cycling", "virtual_activity"),
        ("mtb", "cycling", "mountain"),
        ("gravel", "cycling", "gravel_cycling"),
        ("swim", "swimming", "lap_swimming"),
        ("open_water", "swimming", "open_water"),
        ("hike", "hiking", "generic"),
        ("ski", "cross_country_skiing", "generic"),
        ("row", "rowing", "generic"),
        ("strength", "training", "strength_training"),
        ("other", "generic", "generic"),
        ("curling", "generic", "generic"),
    ],
)
def test_our_sports_map_to_fit_sport_and_sub_sport(
    sport: str, fit_sport: str, sub_sport: str
) -> None:
    workout = sdk_messages(export(Workout((timed(60),)), sport=sport))["workout_mesgs"][0]
    assert (workout["sport"], workout["sub_sport"]) == (fit_sport, sub_sport)


def test_five_times_three_minutes_at_105_ftp_is_a_block_then_its_repeat_step() -> None:
    workout = Workout(
        (
            timed(600, intent=Intent.WARMUP),
            Repeat(
                5,
                (
                    timed(180, target(POWER, PERCENT, 105)),
                    timed(120, target(POWER, ZONE, 1), intent=Intent.RECOVERY),
                ),
            ),
            timed(600, intent=Intent.COOLDOWN),
        )
    )
    data = export(workout, sport="ride")
    assert decoded_steps(data) == [
        fit_step(0, ("time", 600_000), intensity="warmup"),
        fit_step(1, ("time", 180_000), intensity="active", **custom("power", 105, 105)),
        fit_step(2, ("time", 120_000), intensity="recovery", **zone("power", 1)),
        repeat_step(3, first=1, count=5),
        fit_step(4, ("time", 600_000), intensity="cooldown"),
    ]
    assert sdk_messages(data)["workout_mesgs"][0]["num_valid_steps"] == 5


def test_six_times_800m_at_3_40_per_km_with_hr_and_pace_conversions() -> None:
    speed_mps = 1000 / 220  # 3:40/km
    workout = Workout(
        (
            timed(900, target(HR, PERCENT, 80, 85), intent=Intent.WARMUP),
            Repeat(
                6,
                (
                    metres(800, target(PACE, ABSOLUTE, speed_mps)),
                    timed(120, target(PACE, PERCENT, 70, 75), intent=Intent.RECOVERY),
                ),
            ),
        )
    )
    steps = decoded_steps(export(workout, thresholds=THRESHOLDS))
    assert steps == [
        # 80-85 % of LTHR 170 = 136-144.5 bpm → 136, 145 (+100)
        fit_step(0, ("time", 900_000), intensity="warmup", **custom("heart_rate", 236, 245)),
        # 4.545 m/s ± 3 % (the compliance tolerance) in mm/s; 80 000 cm
        fit_step(1, ("distance", 80_000), intensity="active", **custom("speed", 4409, 4682)),
        # 70-75 % of 4.0 m/s = 2.8-3.0 m/s
        fit_step(2, ("time", 120_000), intensity="recovery", **custom("speed", 2800, 3000)),
        repeat_step(3, first=1, count=6),
    ]


def test_nested_repeats_close_the_inner_block_first() -> None:
    hard, easy = timed(60, target(HR, ZONE, 5)), timed(60, target(HR, ZONE, 1))
    workout = Workout(
        (
            timed(600, intent=Intent.WARMUP),
            Repeat(2, (Repeat(3, (hard, easy)), timed(300, intent=Intent.REST))),
            Repeat(4, (easy,)),
        )
    )
    steps = decoded_steps(export(workout))
    assert steps == [
        fit_step(0, ("time", 600_000), intensity="warmup"),
        fit_step(1, ("time", 60_000), intensity="active", **zone("heart_rate", 5)),
        fit_step(2, ("time", 60_000), intensity="active", **zone("heart_rate", 1)),
        repeat_step(3, first=1, count=3),
        fit_step(4, ("time", 300_000), intensity="rest"),
        repeat_step(5, first=1, count=2),
        fit_step(6, ("time", 60_000), intensity="active", **zone("heart_rate", 1)),
        repeat_step(7, first=6, count=4),
    ]


def test_an_open_step_lasts_until_the_lap_button() -> None:
    workout = Workout((Step(Intent.COOLDOWN, Duration(DurationKind.OPEN)),))
    assert decoded_steps(export(workout)) == [fit_step(0, ("open", None), intensity="cooldown")]


def test_distances_are_centimetres_and_times_milliseconds() -> None:
    workout = Workout((metres(1609.344), timed(90.5)))
    assert decoded_steps(export(workout)) == [
        fit_step(0, ("distance", 160_934), intensity="active"),
        fit_step(1, ("time", 90_500), intensity="active"),
    ]


# --- targets --------------------------------------------------------------------------

TARGET_CASES = [
    # heart rate: the athlete's zones (the watch's zone without them), % LTHR 170, bpm + 100
    (target(HR, ZONE, 2), THRESHOLDS, custom("heart_rate", 230, 245)),
    (target(HR, ZONE, 2), None, zone("heart_rate", 2)),
    (target(HR, ZONE, 2, 3), THRESHOLDS, custom("heart_rate", 230, 258)),
    (target(HR, ZONE, 6), THRESHOLDS, custom("heart_rate", 280, 295)),
    (target(HR, PERCENT, 88, 92), THRESHOLDS, custom("heart_rate", 250, 256)),
    (target(HR, ABSOLUTE, 140, 150), None, custom("heart_rate", 240, 250)),
    # power: athlete zones and FTP as W + 1000 (without them the watch's zone or % FTP)
    (target(POWER, ZONE, 3), None, zone("power", 3)),
    (target(POWER, ZONE, 3), THRESHOLDS, custom("power", 1188, 1225)),
    (target(POWER, ZONE, 2, 3), THRESHOLDS, custom("power", 1138, 1225)),
    (target(POWER, ZONE, 5), THRESHOLDS, custom("power", 1263, 1300)),
    (target(POWER, PERCENT, 88, 94), None, custom("power", 88, 94)),
    (target(POWER, PERCENT, 88, 94), THRESHOLDS, custom("power", 1220, 1235)),
    (target(POWER, PERCENT, 1200), THRESHOLDS, custom("power", 3910, 4090)),
    (target(POWER, ZONE, 2), OPEN_TOP, custom("power", 1150, 4000)),
    (target(POWER, ABSOLUTE, 250, 270), None, custom("power", 1250, 1270)),
    (target(POWER, ABSOLUTE, 250), None, custom("power", 1243, 1258)),
    # pace: athlete zones, % threshold speed 4.0 m/s ± 3 %, mm/s (the watch's zone without)
    (target(PACE, ZONE, 4), None, zone("speed", 4)),
    (target(PACE, ZONE, 1, 2), THRESHOLDS, custom("speed", 2500, 3400)),
    (target(PACE, PERCENT, 105), THRESHOLDS, custom("speed", 4074, 4326)),
    (target(PACE, ABSOLUTE, 3.5, 4.0), None, custom("speed", 3500, 4000)),
]


@pytest.mark.parametrize(("planned", "thresholds", "expected"), TARGET_CASES)
def test_every_target_kind_and_mode_maps_to_its_fit_target(
    planned: Target, thresholds: AthleteThresholds | None, expected: dict[str, Any]
) -> None:
    workout = Workout((timed(60, planned),))
    steps = decoded_steps(export(workout, sport="ride", thresholds=thresholds))
    assert steps == [fit_step(0, ("time", 60_000), intensity="active", **expected)]


def test_cadence_is_rpm_on_the_bike_and_strides_per_minute_on_the_run() -> None:
    workout = Workout((timed(60, target(CADENCE, ABSOLUTE, 170, 181)),))
    ride, run = (decoded_steps(export(workout, sport=sport))[0] for sport in ("ride", "run"))
    assert ride == fit_step(0, ("time", 60_000), intensity="active", **custom("cadence", 170, 181))
    assert run == fit_step(0, ("time", 60_000), intensity="active", **custom("cadence", 85, 91))


FALLBACK_CASES = [
    (target(RPE, ABSOLUTE, 7), THRESHOLDS, "RPE 7"),
    (target(RPE, ABSOLUTE, 6, 7.5), THRESHOLDS, "RPE 6-7.5"),
    (target(HR, PERCENT, 88, 92), None, "88-92% LTHR"),
    (target(PACE, PERCENT, 105), AthleteThresholds(lthr_bpm=170), "105% threshold pace"),
    (target(POWER, PERCENT, 1200), None, "1200% FTP"),
    (target(HR, ZONE, 2, 3), None, "Z2-Z3 HR"),
    (target(POWER, ZONE, 8), THRESHOLDS, "Z8 power"),
    (target(PACE, ZONE, 2.5), THRESHOLDS, "Z2.5 pace"),
    (target(CADENCE, ZONE, 2), THRESHOLDS, "Z2 cadence"),
    (target(CADENCE, PERCENT, 95, 105), THRESHOLDS, "95-105% cadence"),
]


@pytest.mark.parametrize(("planned", "thresholds", "intended"), FALLBACK_CASES)
def test_a_target_the_watch_cannot_hold_is_open_with_the_intended_target_in_words(
    planned: Target, thresholds: AthleteThresholds | None, intended: str
) -> None:
    steps = decoded_steps(export(Workout((timed(60, planned),)), thresholds=thresholds))
    assert steps == [
        fit_step(0, ("time", 60_000), intensity="active", wkt_step_name=intended, notes=intended)
    ]


def test_the_coach_note_follows_the_intended_target_in_the_step_notes() -> None:
    workout = Workout(
        (
            timed(60, target(RPE, ABSOLUTE, 8), note="Stay tall"),
            timed(60, target(HR, ABSOLUTE, 150, 160), note="Relax"),
            timed(60),
        )
    )
    steps = decoded_steps(export(workout))
    assert [(s.get("wkt_step_name"), s.get("notes")) for s in steps] == [
        ("RPE 8", "RPE 8; Stay tall"),
        ("Relax", "Relax"),
        (None, None),
    ]


# --- text -----------------------------------------------------------------------------


def _string_sizes(data: bytes) -> dict[tuple[int, int], int]:
    with fitdecode.FitReader(io.BytesIO(data)) as reader:
        definitions = [f for f in reader if isinstance(f, fitdecode.FitDefinitionMessage)]
    return {
        (d.global_mesg_num, f.def_num): f.size
        for d in definitions
        for f in d.field_defs
        if f.base_type.name == "string"
    }


def test_names_are_utf8_null_terminated_and_cut_at_a_character_boundary() -> None:
    note = "é" * 200  # 400 bytes of UTF-8
    data = export(Workout((timed(60, note=note),)), name="Fractionné " + "x" * 100)
    workout = sdk_messages(data)["workout_mesgs"][0]
    assert workout["wkt_name"] == "Fractionné " + "x" * 51  # 63 bytes + NUL
    step = decoded_steps(data)[0]
    assert step["wkt_step_name"] == "é" * 23  # 46 bytes: a 24th "é" would split at byte 47
    assert step["notes"] == "é" * 127  # 254 bytes + NUL: the largest FIT field
    assert _string_sizes(data) == {(26, 8): 64, (27, 0): 47, (27, 8): 255}
    assert data.count(("Fractionné " + "x" * 51).encode() + b"\0") == 1


def test_a_short_name_gets_a_field_just_long_enough_and_nul_is_dropped() -> None:
    data = export(Workout((timed(60),)), name="Tempo\0 run")
    assert sdk_messages(data)["workout_mesgs"][0]["wkt_name"] == "Tempo run"
    assert _string_sizes(data) == {(26, 8): len("Tempo run") + 1}


# --- refusals and identity -------------------------------------------------------------


def test_an_empty_workout_is_refused() -> None:
    with pytest.raises(WorkoutError, match="at least one step"):
        export(Workout())


def test_a_workout_over_the_watch_step_limit_is_refused_with_its_count() -> None:
    fits = Workout(tuple(timed(60) for _ in range(MAX_WATCH_STEPS)))
    assert sdk_messages(export(fits))["workout_mesgs"][0]["num_valid_steps"] == 50
    blocks = tuple(Repeat(2, (timed(60), timed(30))) for _ in range(17))  # 17 × 3 = 51
    with pytest.raises(WorkoutError) as error:
        export(Workout(blocks))
    assert error.value.params == {"max": 50, "count": 51}
    assert "at most 50 steps" in error.value.message


def test_a_value_a_fit_field_cannot_hold_is_refused() -> None:
    with pytest.raises(WorkoutError, match="too large for a FIT file"):
        export(Workout((timed(5_000_000),)))  # 5e9 ms > uint32


def test_a_repeat_without_steps_or_count_is_refused() -> None:
    with pytest.raises(WorkoutError, match="at least one step"):
        export(Workout((Repeat(3, ()),)))
    with pytest.raises(WorkoutError, match="repeat count"):
        export(Workout((Repeat(0, (timed(60),)),)))


def test_time_created_is_seconds_since_the_fit_epoch_in_any_time_zone() -> None:
    paris = CREATED_AT.astimezone(timezone(timedelta(hours=1)))
    data = export(Workout((timed(60),)), created_at=paris)
    with fitdecode.FitReader(io.BytesIO(data)) as reader:
        file_id = next(f for f in reader if isinstance(f, fitdecode.FitDataMessage))
    expected_s = int((CREATED_AT - FIT_EPOCH).total_seconds())
    assert file_id.get_field("time_created").raw_value == expected_s
    with pytest.raises(ValueError, match="timezone-aware"):
        export(Workout((timed(60),)), created_at=CREATED_AT.replace(tzinfo=None))


def test_the_export_is_deterministic_and_serial_numbers_tell_workouts_apart() -> None:
    one, two = Workout((timed(60),)), Workout((timed(61),))
    assert export(one) == export(one)
    serials = {sdk_messages(export(w))["file_id_mesgs"][0]["serial_number"] for w in (one, two)}
    assert len(serials) == 2
