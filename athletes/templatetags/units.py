"""Display filters: SI values (m/s, s, m) shown as pace, clock durations and km or miles —
thin wrappers around core.units —; sport and zone-kind labels, days to go."""

from __future__ import annotations

import datetime as dt
import math

from django import template
from django.utils.encoding import force_str
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext, gettext_noop, pgettext

from athletes.models import SPORT_CHOICES, ZoneSet
from athletes.zones import Zone
from core import units as si
from core.sports import SUB_SPORT_CONTEXT, SUB_SPORT_NAMES, sub_sport_name

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

pace_value = register.filter("pace_value", si.format_pace_value)
pace = register.filter("pace", si.format_pace)
swim_pace_value = register.filter("swim_pace_value", si.format_swim_pace_value)
swim_pace = register.filter("swim_pace", si.format_swim_pace)
duration = register.filter("duration", si.format_duration)
distance_value = register.filter("distance_value", si.format_distance_value)


@register.simple_tag
def speed(speed_mps: float | None, sport: str, units: str = si.METRIC) -> str:
    """Speed as the sport reads it: pace for run and hike, per 100 m for swims, else km/h or mph
    in the active language's number format; "—" when unknown."""
    if not si.is_finite_number(speed_mps) or speed_mps <= 0:
        return si.EMPTY
    scale = si.speed_scale(sport, units)  # the convention the charts use too
    if scale.pace:
        return f"{si.format_clock(si.pace_s_from_speed(speed_mps, scale.factor))} {scale.unit}"
    shown, unit = speed_mps * scale.factor, scale.unit
    if not math.isfinite(shown):
        return si.EMPTY
    return f"{number_format(round(shown, 1), decimal_pos=1)} {unit}"


@register.filter
def distance(metres: float | None, units: str = si.METRIC) -> str:
    """Metres as "42.2 km" or "26.22 mi", with the active language's decimal sign ("42,2 km")."""
    return si.format_distance(metres, units, decimal_sign=str(get_format("DECIMAL_SEPARATOR")))


def _bound(value: float, kind: str, units: str, swim: bool) -> str:
    if kind == "pace":
        return si.format_swim_pace_value(value) if swim else si.format_pace_value(value, units)
    return str(math.floor(value + 0.5))  # half up: 144.5 bpm shows as 145


def _suffix(kind: str, units: str, swim: bool) -> str:
    if kind == "pace":
        return "/100m" if swim else f"/{si.distance_unit(units)}"
    return "W" if kind == "power" else "bpm"


@register.simple_tag
def zone_range(zone: Zone, kind: str, units: str = si.METRIC, sport: str = "run") -> str:
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
def sub_sport_label(sub_sport: str) -> str:
    """A sub-sport in the active language ("lap_swimming" → "Pool", "Piscine"); "" when it
    adds nothing to the sport ("generic")."""
    name = sub_sport_name(force_str(sub_sport or ""))
    if name is None:
        return ""
    if force_str(sub_sport) not in SUB_SPORT_NAMES:
        return name
    return pgettext(SUB_SPORT_CONTEXT, name)


@register.filter
def zone_kind_label(kind: str) -> str:
    """The translated name of a zone kind ("hr" → "Heart rate")."""
    return force_str(KIND_NAMES.get(kind, kind))


@register.filter
def zone_name(name: str) -> str:
    """A zone name in the active language ("Threshold" → "Seuil"); custom names stay as typed."""
    text = force_str(name)
    return gettext(text) if text in _KNOWN_ZONE_NAMES else text
