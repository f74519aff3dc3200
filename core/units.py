"""Units: SI inside, display units at the edges. Pure: stdlib only.

Every conversion factor is spelled once here; so is the pause threshold every recording is
read with. The `format_*` helpers write an SI value for people (pace per km, mile or 100 m,
clock durations, km or miles) and the `parse_*` helpers read what people type back to SI;
the template filters of athletes/templatetags/units.py are thin wrappers around them.
`units` arguments are the athlete's preference: "metric" or "imperial".
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass
from typing import TypeGuard

from core.sports import ON_FOOT_SPORTS, Sport

METRES_PER_KM = 1000.0
METRES_PER_MILE = 1609.344
METRES_PER_YARD = 0.9144
METRES_PER_FOOT = 0.3048
METRES_PER_SWIM_PACE = 100.0  # swim pace is shown per 100 m
MINUTE_S = 60
HOUR_S = 3600
DAY_S = 86400
KMH_PER_MPS = HOUR_S / METRES_PER_KM
MPH_PER_MPS = HOUR_S / METRES_PER_MILE
# A gap of more than this between two samples is a pause (auto-pause, a stopped timer): its
# time is neither moving nor recorded, and no value is carried across it.
PAUSE_S = 10.0

METRIC = "metric"
IMPERIAL = "imperial"
EMPTY = "—"  # what a page shows for an unknown value

_SHORT_CLOCK = re.compile(r"^\s*(\d+):(\d{2})\s*$")
_HOURS_CLOCK = re.compile(r"^\s*(\d+):(\d{2})(?::(\d{2}))?\s*$")


def is_finite_number(value: object) -> TypeGuard[int | float]:
    """A real number (not a bool; numpy's count) that is neither NaN nor infinite."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


# --- distance units ----------------------------------------------------------------------------


def metres_per_distance_unit(units: str) -> float:
    """Metres in the distance unit of `units`: a mile for imperial, else a kilometre."""
    return METRES_PER_MILE if units == IMPERIAL else METRES_PER_KM


def distance_unit(units: str) -> str:
    """The distance unit's symbol: "mi" for imperial, else "km"."""
    return "mi" if units == IMPERIAL else "km"


# --- pace and clock -------------------------------------------------------------------------


def pace_s_from_speed(speed_mps: float, per_m: float = METRES_PER_KM) -> float:
    """Seconds per `per_m` metres (pace) at `speed_mps`; raises ValueError when not positive."""
    if speed_mps <= 0:
        raise ValueError("speed must be positive")
    return per_m / speed_mps


def speed_from_pace_s(pace_s: float, per_m: float = METRES_PER_KM) -> float:
    """Speed (m/s) of a pace of `pace_s` seconds per `per_m` metres."""
    if pace_s <= 0:
        raise ValueError("pace must be positive")
    return per_m / pace_s


def format_clock(seconds: float) -> str:
    """A pace or short duration as "m:ss" (rounded to the second), e.g. 250 → "4:10"."""
    total = round(seconds)
    return f"{total // MINUTE_S}:{total % MINUTE_S:02d}"


def format_duration(seconds: float | None) -> str:
    """A duration as "h:mm:ss" (rounded to the second), e.g. 3725 → "1:02:05"; "—" when
    unknown or not finite (a stored extreme)."""
    if not is_finite_number(seconds):
        return EMPTY
    hours, rest = divmod(round(seconds), HOUR_S)
    return f"{hours}:{rest // MINUTE_S:02d}:{rest % MINUTE_S:02d}"


def _positive(speed_mps: float | None) -> TypeGuard[float]:
    return is_finite_number(speed_mps) and speed_mps > 0


def format_pace_value(speed_mps: float | None, units: str = METRIC) -> str:
    """Speed as a bare pace "m:ss" per km (per mile for imperial); "" when unknown."""
    if not _positive(speed_mps):
        return ""
    return format_clock(pace_s_from_speed(speed_mps, metres_per_distance_unit(units)))


def format_pace(speed_mps: float | None, units: str = METRIC) -> str:
    """Speed as a pace with its unit: "4:10 /km" (metric) or "6:42 /mi"; "—" when unknown."""
    if not _positive(speed_mps):
        return EMPTY
    return f"{format_pace_value(speed_mps, units)} /{distance_unit(units)}"


def format_swim_pace_value(speed_mps: float | None) -> str:
    """Swim speed as a bare pace "m:ss" per 100 m; "" when unknown."""
    if not _positive(speed_mps):
        return ""
    return format_clock(pace_s_from_speed(speed_mps, METRES_PER_SWIM_PACE))


def format_swim_pace(speed_mps: float | None) -> str:
    """Swim speed as "1:40 /100m"; "—" when unknown."""
    if not _positive(speed_mps):
        return EMPTY
    return f"{format_swim_pace_value(speed_mps)} /100m"


# --- distances --------------------------------------------------------------------------------


def short_number(value: float) -> str:
    """A short decimal: two places at most, no trailing zeros (42.195 → "42.2", 5.0 → "5")."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def format_distance_value(metres: float | None, units: str = METRIC) -> str:
    """Metres as a bare number of km (of miles for imperial); "" when unknown."""
    if not is_finite_number(metres):
        return ""
    return short_number(metres / metres_per_distance_unit(units))


def format_distance(metres: float | None, units: str = METRIC, *, decimal_sign: str = ".") -> str:
    """Metres as "42.2 km" or "26.22 mi" (with the given decimal sign); "—" when unknown."""
    if not is_finite_number(metres):
        return EMPTY
    number = format_distance_value(metres, units).replace(".", decimal_sign)
    return f"{number} {distance_unit(units)}"


# --- speed as each sport reads it -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SpeedScale:
    """How a sport reads speed, for tables and charts alike: a pace ("per_m" metres, faster is
    smaller) on foot and in the water, else a speed ("per_hour": km/h or mph)."""

    pace: bool
    factor: float  # metres per pace unit, or (km/h or mph) per m/s
    unit: str  # "/km", "/mi", "/100m", "km/h", "mph"

    def chart_value(self, speed_mps: float) -> float:
        """A value to plot, higher is faster: km/h or mph, or minus the pace in seconds."""
        return -self.factor / speed_mps if self.pace else speed_mps * self.factor

    def chart_label(self, value: float) -> str | None:
        """A tick label for a `chart_value`: "4:30" for a pace; None for a plain number."""
        return format_clock(-value) if self.pace else None


def speed_scale(sport: str, units: str = METRIC) -> SpeedScale:
    """The speed convention of `sport`: pace per km or mile on foot, per 100 m in the water,
    else km/h or mph (the same in every table and chart)."""
    if sport in ON_FOOT_SPORTS:
        return SpeedScale(True, metres_per_distance_unit(units), f"/{distance_unit(units)}")
    if sport == Sport.SWIM:
        return SpeedScale(True, METRES_PER_SWIM_PACE, "/100m")
    if units == IMPERIAL:
        return SpeedScale(False, MPH_PER_MPS, "mph")
    return SpeedScale(False, KMH_PER_MPS, "km/h")


# --- what people type -------------------------------------------------------------------------


def parse_pace(text: str) -> float:
    """Seconds from a pace written "m:ss" ("4:10" → 250); raises ValueError ("9:99", "abc")."""
    match = _SHORT_CLOCK.match(text)
    if match is None:
        raise ValueError("pace must look like m:ss")
    minutes, seconds = int(match.group(1)), int(match.group(2))
    if seconds >= MINUTE_S or minutes * MINUTE_S + seconds == 0:
        raise ValueError("pace must look like m:ss with seconds below 60")
    return float(minutes * MINUTE_S + seconds)


_HOURS_MINUTES = re.compile(
    r"^\s*(?:(?P<h>\d+(?:[.,]\d+)?)\s*h)?\s*(?:(?P<m>\d+(?:[.,]\d+)?)\s*(?:m|min)?)?\s*$",
    re.IGNORECASE,
)


def parse_duration(text: str) -> float:
    """Seconds from a duration as people type it; raises ValueError otherwise. The one reading
    of a typed duration (manual log, planner, CSV import, goal times):

    - a clock: "h:mm" or "h:mm:ss" — a two-part clock is ALWAYS hours and minutes, so
      "0:45" is 45 minutes and "1:30" an hour and a half ("0:45:30" for 45 min 30 s);
    - plain minutes: "45", "7.5" or "7,5";
    - hours and minutes: "1h30", "1h", "1h 30min", "90 min".
    """
    text = text.strip()
    if ":" in text:
        return float(_clock_hours(text))
    match = _HOURS_MINUTES.match(text)
    if not text or match is None or not (match["h"] or match["m"]):
        raise ValueError("a duration looks like h:mm, h:mm:ss, minutes or 1h30")
    hours = float((match["h"] or "0").replace(",", "."))
    minutes = float((match["m"] or "0").replace(",", "."))
    if match["h"] and match["m"] and minutes >= MINUTE_S:
        raise ValueError("minutes must be below 60")
    return hours * HOUR_S + minutes * MINUTE_S


def _clock_hours(text: str) -> int:
    """Seconds in "h:mm" or "h:mm:ss"; raises ValueError otherwise."""
    match = _HOURS_CLOCK.match(text)
    if match is None:
        raise ValueError("a clock duration looks like h:mm or h:mm:ss")
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    if seconds >= MINUTE_S or minutes >= MINUTE_S:
        raise ValueError("minutes and seconds must be below 60")
    return hours * HOUR_S + minutes * MINUTE_S + seconds


def clock_s(text: str) -> float:
    """Seconds in a clock already known to read "m:ss" or "h:mm:ss" (the last part may have
    decimals: "3:30.5" → 210.5). Unchecked: match the text against a pattern first."""
    *whole, last = text.split(":")
    total = 0.0
    for part in whole:
        total = total * MINUTE_S + int(part)
    return total * MINUTE_S + float(last)
