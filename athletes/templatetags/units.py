"""Display filters: SI values (m/s, s, m) shown as pace, clock durations and km or miles;
sport and zone-kind labels, days to go."""

from __future__ import annotations

import datetime as dt
import math

from django import template
from django.utils.encoding import force_str
from django.utils.formats import get_format
from django.utils.translation import gettext, gettext_noop

from athletes.models import SPORT_CHOICES, ZoneSet
from athletes.zones import (
    METRES_PER_KM,
    METRES_PER_MILE,
    METRES_PER_SWIM_PACE,
    Zone,
    format_clock,
    format_duration,
    pace_s_from_speed,
)
from core.ranges import is_finite_number

register = template.Library()
SPORT_NAMES = dict(SPORT_CHOICES)
KIND_NAMES = dict(ZoneSet.Kind.choices)

# Every zone name athletes/zones.py produces, marked so that makemessages extracts them (zones.py
# stays free of Django). Custom zone names typed by a coach are shown as typed.
ZONE_NAMES = (
    gettext_noop("Z1"),
    gettext_noop("Z2"),
    gettext_noop("Z3"),
    gettext_noop("Z4"),
    gettext_noop("Z5"),
    gettext_noop("Z5a"),
    gettext_noop("Z5b"),
    gettext_noop("Z5c"),
    gettext_noop("Z6"),
    gettext_noop("Active recovery"),
    gettext_noop("Recovery"),
    gettext_noop("Endurance"),
    gettext_noop("Tempo"),
    gettext_noop("Threshold"),
    gettext_noop("VO2max"),
    gettext_noop("Anaerobic"),
    gettext_noop("Neuromuscular"),
    gettext_noop("Sprint"),
)
_KNOWN_ZONE_NAMES = frozenset(ZONE_NAMES)

EMPTY = "—"
IMPERIAL = "imperial"


def _number(value: float) -> str:
    """A short decimal: two places at most, no trailing zeros (42.195 → "42.2", 5.0 → "5")."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _per_m(units: str) -> tuple[float, str]:
    return (METRES_PER_MILE, "/mi") if units == IMPERIAL else (METRES_PER_KM, "/km")


@register.filter
def pace_value(speed_mps: float | None, units: str = "metric") -> str:
    """Speed as a bare pace "m:ss" per km (or per mile for imperial units); "" when unknown."""
    if not is_finite_number(speed_mps) or speed_mps <= 0:
        return ""
    return format_clock(pace_s_from_speed(speed_mps, _per_m(units)[0]))


@register.filter
def pace(speed_mps: float | None, units: str = "metric") -> str:
    """Speed as pace with its unit: "4:10 /km" (metric) or "6:42 /mi" (imperial)."""
    if not is_finite_number(speed_mps) or speed_mps <= 0:
        return EMPTY
    return f"{pace_value(speed_mps, units)} {_per_m(units)[1]}"


@register.filter
def swim_pace_value(speed_mps: float | None) -> str:
    """Swim speed as a bare pace "m:ss" per 100 m; "" when unknown."""
    if not is_finite_number(speed_mps) or speed_mps <= 0:
        return ""
    return format_clock(pace_s_from_speed(speed_mps, METRES_PER_SWIM_PACE))


@register.filter
def swim_pace(speed_mps: float | None) -> str:
    """Swim speed as "1:40 /100m"."""
    if not is_finite_number(speed_mps) or speed_mps <= 0:
        return EMPTY
    return f"{swim_pace_value(speed_mps)} /100m"


@register.filter
def duration(seconds: float | None) -> str:
    """Seconds as "h:mm:ss"; "—" when unknown or not finite (a stored extreme)."""
    if not is_finite_number(seconds):
        return EMPTY
    return format_duration(seconds)


@register.filter
def distance_value(metres: float | None, units: str = "metric") -> str:
    """Metres as a bare number of km (or miles for imperial units); "" when unknown."""
    if not is_finite_number(metres):
        return ""
    return _number(metres / _per_m(units)[0])


@register.filter
def distance(metres: float | None, units: str = "metric") -> str:
    """Metres as "42.2 km" or "26.22 mi", with the active language's decimal sign ("42,2 km")."""
    if not is_finite_number(metres):
        return EMPTY
    number = distance_value(metres, units).replace(".", get_format("DECIMAL_SEPARATOR"))
    return f"{number} {'mi' if units == IMPERIAL else 'km'}"


def _bound(value: float, kind: str, units: str, swim: bool) -> str:
    if kind == "pace":
        return swim_pace_value(value) if swim else pace_value(value, units)
    return str(math.floor(value + 0.5))  # half up: 144.5 bpm shows as 145


def _suffix(kind: str, units: str, swim: bool) -> str:
    if kind == "pace":
        return "/100m" if swim else _per_m(units)[1]
    return "W" if kind == "power" else "bpm"


@register.simple_tag
def zone_range(zone: Zone, kind: str, units: str = "metric", sport: str = "run") -> str:
    """A zone's band for display: "144-153 bpm", "≥ 375 W", "> 5:21 /km" (slower than)…

    Pace bands are shown slowest first, so a pace zone reads "5:21-4:44 /km".
    """
    swim = sport == "swim"
    suffix = _suffix(kind, units, swim)
    above, below = ("≤", ">") if kind == "pace" else ("≥", "<")
    low = _bound(zone.low, kind, units, swim) if zone.low > 0 else ""
    if zone.high is None:
        return f"{above} {low} {suffix}"
    high = _bound(zone.high, kind, units, swim)
    if not low:
        return f"{below} {high} {suffix}"
    return f"{low}\u2013{high} {suffix}"  # an en dash


@register.filter
def days_until(day: dt.date | None, today: dt.date) -> int | None:
    """Whole days from `today` to `day` (negative when past)."""
    if day is None:
        return None
    return (day - today).days


@register.filter
def sport_label(sport: str) -> str:
    """The translated name of a sport value ("run" → "Run")."""
    return force_str(SPORT_NAMES.get(sport, sport))


@register.filter
def zone_kind_label(kind: str) -> str:
    """The translated name of a zone kind ("hr" → "Heart rate")."""
    return force_str(KIND_NAMES.get(kind, kind))


@register.filter
def zone_name(name: str) -> str:
    """A zone name in the active language ("Threshold" → "Seuil"); custom names stay as typed."""
    text = force_str(name)
    return gettext(text) if text in _KNOWN_ZONE_NAMES else text
