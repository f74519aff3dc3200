"""Display filters of the planner: short durations ("45 min", "1 h 30"), percentages, whole
numbers and kilometres of distance-equivalent."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core.units import EMPTY, is_finite_number

register = template.Library()


@register.filter
def plan_duration(seconds: float | None) -> str:
    """Seconds as a short planned time: "45 min", "1 h 05", "—" when unknown (or not finite:
    a stored extreme or a sum of them must not break the page)."""
    if not is_finite_number(seconds):
        return EMPTY
    minutes = round(seconds / 60)
    if minutes < 60:
        return _("%(minutes)d min") % {"minutes": minutes}
    return _("%(hours)d h %(minutes)02d") % {"hours": minutes // 60, "minutes": minutes % 60}


@register.filter
def percent(ratio: float | None) -> str:
    """A ratio as a whole percentage ("0.93" → "93 %"); "—" when unknown."""
    if not is_finite_number(ratio):
        return EMPTY
    return f"{round(ratio * 100)} %"


@register.filter
def whole(value: float | None) -> str:
    """A value rounded to a whole number ("64.6" → "65"); "—" when unknown."""
    if not is_finite_number(value):
        return EMPTY
    return str(round(value))


@register.filter
def km(value: float | None) -> str:
    """Kilometres with one decimal in the active language ("18,9 km"); "—" when unknown."""
    if not is_finite_number(value):
        return EMPTY
    return f"{number_format(value, 1)} km"
