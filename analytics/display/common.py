"""Shared display helpers: registry labels and units translated, localised numbers, speeds as
the sport reads them, links to the metrics reference."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.urls import reverse
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext, gettext_noop

from analytics.metrics.efforts import BEST_EFFORT_LABELS
from analytics.metrics.registry import METRICS
from analytics.reference import reference_anchor
from core.sports import ON_FOOT_SPORTS
from core.units import EMPTY, HOUR_S, MINUTE_S, format_clock, format_duration

# The best-effort distance names of analytics/metrics/efforts.py, marked for makemessages.
EFFORT_NAMES = (
    gettext_noop("400 m"),
    gettext_noop("800 m"),
    gettext_noop("1 km"),
    gettext_noop("1 mile"),
    gettext_noop("5 km"),
    gettext_noop("10 km"),
    gettext_noop("Half marathon"),
    gettext_noop("Marathon"),
)


@dataclass(frozen=True, slots=True)
class Label:
    """A registry metric's translated label and unit, and its entry on the reference page."""

    key: str
    label: str
    unit: str
    url: str


@dataclass(frozen=True, slots=True)
class Shown:
    """One metric value as a page shows it: its label and the value with its unit."""

    metric: Label
    text: str
    note: str = ""


def label(key: str, *, sport: str = "") -> Label:
    """The registry metric `key` in the active language, linked to its reference section."""
    metric = METRICS[key]
    anchor = reference_anchor(key, on_foot=sport in ON_FOOT_SPORTS)
    return Label(
        key=key,
        label=gettext(metric.label),
        unit=gettext(metric.unit) if metric.unit else "",
        url=f"{reverse('metrics_reference')}#{anchor}",
    )


def number(value: float | None, decimals: int = 0) -> str:
    """A number in the active language's format ("1,5" in French); "—" when unknown."""
    if value is None or not math.isfinite(value):
        return EMPTY
    shown = round(value, decimals)
    return number_format(shown + 0.0 if shown else 0.0, decimal_pos=decimals)


def significant(value: float | None, digits: int = 3) -> str:
    """A number with `digits` significant digits (0.01926 → "0.0193", 1.524 → "1.52")."""
    if value is None or not math.isfinite(value) or value == 0:
        return number(value)
    return number(value, max(0, digits - 1 - math.floor(math.log10(abs(value)))))


def with_unit(text: str, unit: str) -> str:
    """ "52 points", "245 W" — no unit for ratios, nothing added to "—"."""
    return f"{text} {unit}" if unit and text != EMPTY else text


def shown(key: str, value: float | None, decimals: int = 0, *, sport: str = "") -> Shown:
    """A registry metric's value with its registry unit."""
    metric = label(key, sport=sport)
    return Shown(metric=metric, text=with_unit(number(value, decimals), metric.unit))


def efficiency_text(ef: float | None, *, power: bool) -> str:
    """The efficiency factor in a unit a coach reads: power ÷ heart rate as "1.43 W/bpm";
    speed (m/s) ÷ heart rate as metres per heartbeat, "1.24 m/beat" (× 60 s/min)."""
    if ef is None or not math.isfinite(ef):
        return EMPTY
    if power:
        return with_unit(number(ef, 2), gettext("W/bpm"))
    return with_unit(number(ef * MINUTE_S, 2), gettext("m/beat"))


def duration_text(seconds: float | None) -> str:
    """Seconds as "m:ss" under an hour, else "h:mm:ss"."""
    if seconds is None or not math.isfinite(seconds):
        return EMPTY
    return format_clock(seconds) if round(seconds) < HOUR_S else format_duration(seconds)


def effort_name(distance_m: float) -> str:
    """The translated name of a best-effort distance ("Half marathon"), else "12.5 km"."""
    name = BEST_EFFORT_LABELS.get(distance_m)
    if name is not None:
        return gettext(name)
    if distance_m < 1000:
        return f"{number(distance_m)} m"
    return f"{number(distance_m / 1000, 1)} km"


def decimal_sep() -> str:
    """The active language's decimal separator, for chart tick labels."""
    return str(get_format("DECIMAL_SEPARATOR"))
