"""Dates and times for people, one formatter per purpose, in English and French. Pure: stdlib
only (the template filters of core/templatetags/dates.py wrap them with the active language).

One formatter per purpose (English / French):
- `format_day`: a day in a list or row: Mon 5 Dec 2026 / lun. 5 déc. 2026
- `format_short_day`: axes, week ranges: 5 Dec / 5 déc. (5 Dec 2026 / 5 déc. 2026 with the year)
- `format_long_day`: a heading: Monday 5 December 2026 / lundi 5 décembre 2026
- `format_datetime`: a moment: Mon 5 Dec 2026, 14:30 / lun. 5 déc. 2026 à 14:30
- `format_time`: a time of day: 14:30 / 14:30
- `format_month`: a month heading: December 2026 / décembre 2026
- `format_short_month`: an axis tick: Dec 2026 (Dec without year) / déc. 2026 (déc.)
- `format_weekday`, `format_short_weekday`: Monday, Mon / lundi, lun.

`language` is a language code ("en", "fr", "fr-ca"); any language but French reads English.
"""

from __future__ import annotations

import datetime as dt

_MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
}
_SHORT_MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "fr": [
        "janv.",
        "févr.",
        "mars",
        "avr.",
        "mai",
        "juin",
        "juil.",
        "août",
        "sept.",
        "oct.",
        "nov.",
        "déc.",
    ],
}
_WEEKDAYS = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
}
_SHORT_WEEKDAYS = {
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    "fr": ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."],
}
_AT = {"en": ", ", "fr": " à "}


def _lang(language: str | None) -> str:
    return "fr" if (language or "").lower().startswith("fr") else "en"


def format_weekday(day: dt.date, language: str | None = "en") -> str:
    """The weekday's full name: "Monday", "lundi"."""
    return _WEEKDAYS[_lang(language)][day.weekday()]


def format_short_weekday(day: dt.date, language: str | None = "en") -> str:
    """The weekday's abbreviation: "Mon", "lun."."""
    return _SHORT_WEEKDAYS[_lang(language)][day.weekday()]


def format_short_day(day: dt.date, language: str | None = "en", *, year: bool = False) -> str:
    """Day and month: "5 Dec", "5 déc."; with `year`, "5 Dec 2026" (the end of a range)."""
    short = f"{day.day} {_SHORT_MONTHS[_lang(language)][day.month - 1]}"
    return f"{short} {day.year}" if year else short


def format_day(day: dt.date, language: str | None = "en") -> str:
    """A day in a list or a row: "Mon 5 Dec 2026", "lun. 5 déc. 2026"."""
    short = format_short_day(day, language)
    return f"{format_short_weekday(day, language)} {short} {day.year}"


def format_long_day(day: dt.date, language: str | None = "en") -> str:
    """A day as a heading: "Monday 5 December 2026", "lundi 5 décembre 2026"."""
    month = _MONTHS[_lang(language)][day.month - 1]
    return f"{format_weekday(day, language)} {day.day} {month} {day.year}"


def format_time(moment: dt.datetime | dt.time, language: str | None = "en") -> str:
    """A time of day on the 24-hour clock: "14:30" (both languages)."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


def format_datetime(moment: dt.datetime, language: str | None = "en") -> str:
    """A moment, already in the reader's time zone: "Mon 5 Dec 2026, 14:30",
    "lun. 5 déc. 2026 à 14:30"."""
    joint = _AT[_lang(language)]
    return f"{format_day(moment.date(), language)}{joint}{format_time(moment, language)}"


def format_month(day: dt.date, language: str | None = "en") -> str:
    """A month as a heading: "December 2026", "décembre 2026"."""
    return f"{_MONTHS[_lang(language)][day.month - 1]} {day.year}"


def format_short_month(day: dt.date, language: str | None = "en", *, year: bool = True) -> str:
    """A month on an axis: "Dec 2026", "déc. 2026" ("Dec", "déc." without the year)."""
    short = _SHORT_MONTHS[_lang(language)][day.month - 1]
    return f"{short} {day.year}" if year else short


def colon(language: str | None = "en") -> str:
    """The colon closing a label: ":" in English; in French a non-breaking space before it."""
    return "\u00a0:" if _lang(language) == "fr" else ":"


def labelled(label: str, value: str, language: str | None = "en") -> str:
    """ "Load: 52" in English, "Charge : 52" (non-breaking space) in French."""
    return f"{label}{colon(language)} {value}"
