"""FIT session, lap, length, file_id and profile messages → our types. Pure: no Django.

The messages come from any decoder through `DecodedFit` (field name → value, enums as profile
names, times in Unix seconds). Values are read defensively: damaged files carry NaN, arrays,
strings or sentinels where numbers belong, and none of that may raise.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from typing import Any

import fitdecode  # untyped: pyproject sets ignore_missing_imports

from activities.types import FileThresholds, Lap, Summary
from core.sports import Sport

Message = dict[str, Any]

SPORTS: dict[str, Sport] = {
    "running": Sport.RUN,
    "cycling": Sport.RIDE,
    "e_biking": Sport.RIDE,
    "swimming": Sport.SWIM,
    "hiking": Sport.HIKE,
    "walking": Sport.HIKE,
    "mountaineering": Sport.HIKE,
    "cross_country_skiing": Sport.SKI,
    "alpine_skiing": Sport.SKI,
    "snowboarding": Sport.SKI,
    "rowing": Sport.ROW,
    "paddling": Sport.ROW,
    "kayaking": Sport.ROW,
    "stand_up_paddleboarding": Sport.ROW,
}
SUB_SPORTS: dict[str, Sport] = {
    "treadmill": Sport.RUN,
    "indoor_running": Sport.RUN,
    "trail": Sport.RUN,
    "indoor_cycling": Sport.RIDE,
    "virtual_activity": Sport.RIDE,
    "indoor_rowing": Sport.ROW,
    "strength_training": Sport.STRENGTH,
    "lap_swimming": Sport.SWIM,
    "open_water": Sport.SWIM,
}
# FIT event 0 is the timer; event_type 0 starts it, stop / stop_all / stop_disable /
# stop_disable_all (1, 4, 8, 9) stop it. Decoders give profile names, or the number when the
# value is outside their profile.
TIMER_EVENTS = frozenset({"timer", 0})
TIMER_STARTS = frozenset({"start", 0})
TIMER_STOPS = frozenset({"stop", "stop_all", "stop_disable", "stop_disable_all", 1, 4, 8, 9})
INTENSITIES = frozenset({"active", "rest", "warmup", "cooldown", "recovery"})
MAX_HR_BPM = 250
MAX_LAP_STROKES = 100_000
SWIM_STROKES = frozenset(
    {"freestyle", "backstroke", "breaststroke", "butterfly", "drill", "mixed", "im"}
)
MAX_FTP_W = 2500
MAX_ZONE_POWER_W = 3000
PRODUCT_PREFIXES = {"fr": "Forerunner ", "vivo_active": "Vivoactive ", "fenix": "Fenix "}


def number(value: Any) -> float | None:
    """A finite number from a decoded value (first element of an array), else None."""
    if isinstance(value, list | tuple):
        return number(value[0]) if value else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    result = float(value)
    return result if math.isfinite(result) else None


def positive(value: Any, *, upto: float = math.inf) -> float | None:
    """A number in (0, upto], else None (FIT writes 0 for "not measured" in many fields)."""
    result = number(value)
    return result if result is not None and 0 < result <= upto else None


def sport_of(message: Message) -> tuple[Sport, str]:
    """Our sport family and the FIT sub-sport ("" for generic); transitions are "other"."""
    sport = str(message.get("sport") or "")
    sub_sport = str(message.get("sub_sport") or "")
    if sub_sport in ("generic", "all"):
        sub_sport = ""
    if sport == "transition":
        return Sport.OTHER, "transition"
    family = SPORTS.get(sport) or SUB_SPORTS.get(sub_sport) or Sport.OTHER
    if sport == "training" and sub_sport == "strength_training":
        family = Sport.STRENGTH
    return family, sub_sport


def cadence(whole: Any, fraction: Any) -> float | None:
    """Cadence as the device reports it, plus its fractional part — never doubled."""
    value = number(whole)
    if value is None:
        return None
    return value + (number(fraction) or 0.0)


def speed(message: Message, base: str) -> float | None:
    """The enhanced (32-bit) speed field when present, else the 16-bit one."""
    return number(message.get(f"enhanced_{base}")) or number(message.get(base))


def device_summary(session: Message) -> Summary:
    """The values the device wrote in its session message, in our units."""
    return Summary(
        elapsed_s=number(session.get("total_elapsed_time")),
        moving_s=number(session.get("total_timer_time")),
        distance_m=number(session.get("total_distance")),
        ascent_m=number(session.get("total_ascent")),
        descent_m=number(session.get("total_descent")),
        avg_hr_bpm=positive(session.get("avg_heart_rate")),
        max_hr_bpm=positive(session.get("max_heart_rate")),
        avg_power_w=number(session.get("avg_power")),
        max_power_w=number(session.get("max_power")),
        avg_speed_mps=speed(session, "avg_speed"),
        max_speed_mps=speed(session, "max_speed"),
        avg_cadence_spm=cadence(session.get("avg_cadence"), session.get("avg_fractional_cadence")),
        calories_kcal=number(session.get("total_calories")),
    )


def timer_events(events: list[Message]) -> list[tuple[float, bool]]:
    """The timer's start (True) and stop (False) events as (Unix seconds, is_start), file order.

    Other events (laps, markers, battery, gear changes…) and events without a time are left out.
    """
    found = []
    for event in events:
        kind, action = _enum(event.get("event")), _enum(event.get("event_type"))
        time_s = number(event.get("timestamp"))
        if kind not in TIMER_EVENTS or time_s is None:
            continue
        if action in TIMER_STARTS:
            found.append((time_s, True))
        elif action in TIMER_STOPS:
            found.append((time_s, False))
    return found


def _enum(value: Any) -> str | int | None:
    """An enum value as its profile name or its number (never a bool, float or array)."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def lap_of(
    message: Message,
    *,
    session_start_s: float,
    lengths: int | None,
    strokes: int | None = None,
    stroke: str = "",
) -> Lap:
    """One lap message, its start as an offset from the session's start."""
    start_s = number(message.get("start_time"))
    intensity = str(message.get("intensity") or "active")
    return Lap(
        start_s=(start_s - session_start_s) if start_s is not None else 0.0,
        elapsed_s=number(message.get("total_elapsed_time")) or 0.0,
        moving_s=number(message.get("total_timer_time")),
        distance_m=number(message.get("total_distance")),
        avg_hr_bpm=positive(message.get("avg_heart_rate")),
        max_hr_bpm=positive(message.get("max_heart_rate")),
        avg_power_w=number(message.get("avg_power")),
        max_power_w=number(message.get("max_power")),
        avg_speed_mps=speed(message, "avg_speed"),
        avg_cadence_spm=cadence(message.get("avg_cadence"), message.get("avg_fractional_cadence")),
        ascent_m=number(message.get("total_ascent")),
        descent_m=number(message.get("total_descent")),
        intensity=intensity if intensity in INTENSITIES else "active",
        lengths=lengths,
        strokes=strokes,
        stroke=stroke,
    )


def swim_strokes(lap: Message, lengths: list[Message]) -> int | None:
    """A swim lap's strokes: what the lap says (its cycles are strokes in water; 0 in a rest
    lap: none), else the sum over the active lengths in its time."""
    said = number(lap.get("total_strokes"))
    total = said if said is not None else number(lap.get("total_cycles"))
    if total is None:
        counted = [
            positive(length.get("total_strokes"))
            for length in lengths
            if length.get("length_type", "active") == "active"
        ]
        total = sum(c for c in counted if c is not None)
    return round(total) if 0 < total < MAX_LAP_STROKES else None


def swim_stroke(lap: Message) -> str:
    """The lap's stroke as the FIT profile names it, when the decoder knew the name."""
    stroke = lap.get("swim_stroke")
    return stroke if isinstance(stroke, str) and stroke in SWIM_STROKES else ""


def active_lengths(lap: Message, lengths: list[Message]) -> int | None:
    """Active pool lengths of a lap: its own count, else its length messages of type active."""
    counted = number(lap.get("num_active_lengths"))
    if counted is not None:
        return int(counted)
    if not lengths:
        return None
    return sum(1 for length in lengths if length.get("length_type", "active") == "active")


def thresholds(session: Message, messages: Callable[[str], list[Message]]) -> FileThresholds:
    """FTP from the session (threshold_power), the zones target or the session's time in zone;
    HR from those and the profile; the zones the device counted time in, from the session's
    `time_in_zone` message, else the file's `hr_zone` / `power_zone` messages (older Garmin
    and Wahoo units)."""
    zone = _first(messages("zones_target"))
    profile = _first(messages("user_profile"))
    counted = _session_time_in_zone(session, messages("time_in_zone"))
    ftp = (
        positive(session.get("threshold_power"), upto=MAX_FTP_W)
        or positive(zone.get("functional_threshold_power"), upto=MAX_FTP_W)
        or positive(counted.get("functional_threshold_power"), upto=MAX_FTP_W)
    )
    hr_max = (
        positive(zone.get("max_heart_rate"), upto=MAX_HR_BPM)
        or positive(counted.get("max_heart_rate"), upto=MAX_HR_BPM)
        or positive(profile.get("default_max_heart_rate"), upto=MAX_HR_BPM)
    )
    hr_zones = _zone_bounds_of(counted, "hr_zone_high_boundary", messages("hr_zone"), "high_bpm")
    power_zones = _zone_bounds_of(
        counted, "power_zone_high_boundary", messages("power_zone"), "high_value"
    )
    return FileThresholds(
        ftp_w=ftp,
        hr_max_bpm=hr_max,
        hr_rest_bpm=positive(profile.get("resting_heart_rate"), upto=150)
        or positive(counted.get("resting_heart_rate"), upto=150),
        lthr_bpm=positive(zone.get("threshold_heart_rate"), upto=MAX_HR_BPM)
        or positive(counted.get("threshold_heart_rate"), upto=MAX_HR_BPM),
        hr_zone_bounds_bpm=zone_bounds(hr_zones, upto=MAX_HR_BPM),
        power_zone_bounds_w=zone_bounds(power_zones, upto=MAX_ZONE_POWER_W),
    )


def _zone_bounds_of(counted: Message, array: str, zones: list[Message], high: str) -> list[Any]:
    """The zone tops of [Z1…Zn] a file carries: the session's `time_in_zone` array starts with
    the floor of Z1 (the top of "zone 0"), so its first value is dropped; `hr_zone` /
    `power_zone` messages hold one zone each, Z1 first."""
    tops = counted.get(array)
    if isinstance(tops, list | tuple) and tops:
        return list(tops[1:])
    ordered = sorted(zones, key=lambda m: number(m.get("message_index")) or 0.0)
    return [m.get(high) for m in ordered]


def zone_bounds(tops: list[Any], *, upto: float) -> tuple[float, ...] | None:
    """The tops of Z1…Zn → the lower bounds of Z2…Zn (the top of Zn, often a 254 bpm or
    65534 W placeholder, is dropped; so are unused slots); None unless at least two zones with
    strictly ascending, plausible bounds remain."""
    values = [v for v in (positive(top) for top in tops) if v is not None]
    bounds = tuple(float(v) for v in values[:-1])
    ascending = all(low < high for low, high in itertools.pairwise(bounds))
    if not bounds or not ascending or bounds[-1] > upto:
        return None
    return bounds


def _session_time_in_zone(session: Message, counted: list[Message]) -> Message:
    """The `time_in_zone` message of this session (by its message index), else of any session."""
    of_sessions = [m for m in counted if m.get("reference_mesg") in ("session", 18)]
    index = session.get("message_index")
    mine = [m for m in of_sessions if m.get("reference_index") == index]
    return _first(mine or of_sessions)


def _first(found: list[Message]) -> Message:
    return found[0] if found else {}


def device_name(file_id: Message) -> str:
    """Manufacturer and product: "Garmin Forerunner 935", else the raw ids ("Garmin 2697")."""
    manufacturer = file_id.get("manufacturer")
    maker = _title(manufacturer) if isinstance(manufacturer, str) else _raw(manufacturer)
    product = file_id.get("product_name") or file_id.get("garmin_product") or ""
    if not product:
        product = file_id.get("product")
        if manufacturer in ("garmin", "dynastream", "dynastream_oem", "tacx"):
            product = garmin_product_name(product)
        product = _product_title(product) if isinstance(product, str) else _raw(product)
    elif isinstance(product, str) and manufacturer in ("garmin", "dynastream", "dynastream_oem"):
        product = _product_title(product)
    product = str(product)
    if maker and product.lower().startswith(maker.lower() + " "):
        product = product[len(maker) + 1 :]  # "COROS APEX Pro" from Coros
    return " ".join(part for part in (maker, product) if part).strip()


def garmin_product_name(product: Any) -> Any:
    """fitdecode's profile names a Garmin product id ("fr935"); other ids stay as they are."""
    if isinstance(product, int) and not isinstance(product, bool):
        enum = fitdecode.profile.FIELD_TYPES["garmin_product"].enum
        return enum.get(product, product) if enum else product
    return product


def _product_title(product: str) -> str:
    for prefix, label in PRODUCT_PREFIXES.items():
        if product.startswith(prefix) and product[len(prefix) :][:1].isdigit():
            return label + product[len(prefix) :].upper()
    spaced = re.sub(r"(?<=[a-z])(?=\d)", " ", product.replace("_", " "))
    return " ".join(word[:1].upper() + word[1:] for word in spaced.split())


def _title(text: str) -> str:
    return " ".join(word.capitalize() for word in text.replace("_", " ").split())


def _raw(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return ""
    return str(value)
