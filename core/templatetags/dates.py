"""Date filters in the active language: thin wrappers around core.l10n (one per purpose).

Aware datetimes are shown in the current time zone unless a `|timezone:` filter chose one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django import template
from django.utils.translation import get_language

from core import l10n

register = template.Library()

Value = dt.date | dt.datetime | None


def _day_filter(name: str, formatter: Callable[[dt.date, str | None], str]) -> None:
    def shown(value: Value) -> str:
        if not isinstance(value, dt.date):
            return ""
        day = value.date() if isinstance(value, dt.datetime) else value
        return formatter(day, get_language())

    shown.__doc__ = formatter.__doc__
    register.filter(name, shown, expects_localtime=True)


_day_filter("day", l10n.format_day)
_day_filter("short_day", l10n.format_short_day)
_day_filter("long_day", l10n.format_long_day)
_day_filter("short_day_year", lambda day, language: l10n.format_short_day(day, language, year=True))
_day_filter("weekday", l10n.format_weekday)
_day_filter("short_weekday", l10n.format_short_weekday)
_day_filter("month", l10n.format_month)
_day_filter("short_month", l10n.format_short_month)
_day_filter("month_abbr", lambda day, language: l10n.format_short_month(day, language, year=False))


@register.filter(expects_localtime=True)
def day_time(value: dt.datetime | None) -> str:
    """A moment: "Mon 5 Dec 2026, 14:30", "lun. 5 déc. 2026 à 14:30"."""
    if not isinstance(value, dt.datetime):
        return ""
    return l10n.format_datetime(value, get_language())


@register.filter(expects_localtime=True)
def clock(value: dt.datetime | dt.time | None) -> str:
    """A time of day: "14:30"."""
    if not isinstance(value, dt.datetime | dt.time):
        return ""
    return l10n.format_time(value)
