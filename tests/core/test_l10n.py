"""One date formatter per purpose, in English and French (core.l10n), and its filters."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from core import l10n

DAY = dt.date(2026, 12, 7)  # a Monday
MOMENT = dt.datetime(2026, 12, 7, 14, 5)
ROOT = Path(__file__).resolve().parents[2]
# Formats a machine reads (an input's value, a <time datetime>, a URL's month): not for people.
MACHINE_FORMATS = {"Y-m-d", "c", "Y-m"}
FRENCH_MONTHS = "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.".split()  # noqa: SIM905


@pytest.mark.parametrize(
    ("formatter", "english", "french"),
    [
        (l10n.format_day, "Mon 7 Dec 2026", "lun. 7 déc. 2026"),
        (l10n.format_short_day, "7 Dec", "7 déc."),
        (l10n.format_long_day, "Monday 7 December 2026", "lundi 7 décembre 2026"),
        (l10n.format_month, "December 2026", "décembre 2026"),
        (l10n.format_short_month, "Dec 2026", "déc. 2026"),
        (l10n.format_weekday, "Monday", "lundi"),
        (l10n.format_short_weekday, "Mon", "lun."),
    ],
)
def test_each_day_formatter_reads_the_same_in_every_page(
    formatter: object, english: str, french: str
) -> None:
    assert formatter(DAY, "en") == english  # type: ignore[operator]
    assert formatter(DAY, "fr") == french  # type: ignore[operator]
    assert formatter(DAY, "fr-ca") == french  # type: ignore[operator]
    assert formatter(DAY, None) == english  # type: ignore[operator]


def test_the_end_of_a_range_carries_the_year_without_the_weekday() -> None:
    assert l10n.format_short_day(DAY, "en", year=True) == "7 Dec 2026"
    assert l10n.format_short_day(DAY, "fr", year=True) == "7 déc. 2026"
    assert render("{{ d|short_day_year }}", "fr", d=DAY) == "7 déc. 2026"


def test_a_moment_and_a_time_of_day() -> None:
    assert l10n.format_datetime(MOMENT, "en") == "Mon 7 Dec 2026, 14:05"
    assert l10n.format_datetime(MOMENT, "fr") == "lun. 7 déc. 2026 à 14:05"
    assert l10n.format_time(MOMENT) == "14:05"


@pytest.mark.parametrize(
    ("month", "abbreviation"),
    list(
        enumerate(
            [
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
            start=1,
        )
    ),
)
def test_french_month_abbreviations(month: int, abbreviation: str) -> None:
    assert l10n.format_short_month(dt.date(2026, month, 1), "fr", year=False) == abbreviation


def render(text: str, language: str, **context: object) -> str:
    with translation.override(language):
        return Template("{% load dates %}" + text).render(Context(context))


def test_the_filters_follow_the_active_language() -> None:
    text = "{{ d|day }} · {{ d|short_day }} · {{ d|long_day }} · {{ d|month }}"
    assert render(text, "en", d=DAY) == (
        "Mon 7 Dec 2026 · 7 Dec · Monday 7 December 2026 · December 2026"
    )
    assert render(text, "fr", d=DAY) == (
        "lun. 7 déc. 2026 · 7 déc. · lundi 7 décembre 2026 · décembre 2026"
    )
    assert render("{{ d|day }}", "en", d=None) == ""


def test_a_moment_is_shown_in_the_time_zone_chosen() -> None:
    moment = dt.datetime(2026, 12, 7, 23, 30, tzinfo=dt.UTC)
    text = "{% load tz %}{{ m|timezone:'Europe/Paris'|day_time }} / {{ m|timezone:'UTC'|clock }}"
    assert render(text, "fr", m=moment) == "mar. 8 déc. 2026 à 00:30 / 23:30"
    assert zoneinfo.ZoneInfo("Europe/Paris")  # the time zone database is there


def _template_files() -> list[Path]:
    return sorted((ROOT / "templates").rglob("*.html")) + sorted(
        (ROOT / "templates").rglob("*.txt")
    )


def test_templates_show_dates_only_through_the_formatters() -> None:
    found = []
    for path in _template_files():
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for match in re.finditer(r"""\|date(?::(["'])(.*?)\1)?""", line):
                if match.group(2) not in MACHINE_FORMATS:
                    found.append(f"{path.relative_to(ROOT)}:{number}: {match.group(0)}")
    assert found == [], "use the filters of core/templatetags/dates.py: " + "; ".join(found)


def test_date_inputs_in_templates_carry_iso_values() -> None:
    found = []
    for path in _template_files():
        for tag in re.findall(r"<input[^>]*type=\"date\"[^>]*>", path.read_text()):
            value = re.search(r"value=\"([^\"]*)\"", tag)
            if value and "|date:'Y-m-d'" not in value.group(1):
                found.append(f"{path.relative_to(ROOT)}: {tag}")
    assert found == []


def test_python_code_formats_dates_through_core_l10n() -> None:
    apps = ("athletes", "coaching", "activities", "analytics", "integrations", "core")
    found = [
        str(path.relative_to(ROOT))
        for app in apps
        for path in (ROOT / app).rglob("*.py")
        if re.search(r"\bdate_format\(|formats\.date_format", path.read_text())
    ]
    assert found == []
