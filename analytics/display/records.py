"""The curves & records page: season mean-max curves of one sport, linked to the activities
that set them, and the athlete's personal records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

from analytics.display.common import (
    Label,
    duration_text,
    effort_name,
    label,
)
from analytics.display.curves import SEASON_DURATIONS_S, CurvePanel, curve_panel
from analytics.display.fitness import Choice
from analytics.metrics.records import Record
from analytics.selectors import (
    CurveSource,
    RecordRow,
    personal_records_get,
    season_curves,
    season_sports,
)
from athletes.models import Athlete, User
from athletes.templatetags.units import distance, speed, sport_label

SEASONS: dict[str, str] = {
    "90d": gettext_noop("Last 90 days"),
    "year": gettext_noop("This year"),
    "all": gettext_noop("All time"),
}
DEFAULT_SEASON = "90d"
SEASON_DAYS = 90


def season_since(key: str, today: dt.date) -> dt.date | None:
    """First day of a season: 90 days back (today included), January 1st, or None (all)."""
    if key == "90d":
        return today - dt.timedelta(days=SEASON_DAYS - 1)
    if key == "year":
        return today.replace(month=1, day=1)
    return None


@dataclass(frozen=True, slots=True)
class RecordCell:
    """One record as shown: the time, its pace, the day and a link to the activity."""

    time: str
    pace: str
    day: dt.date
    url: str
    name: str
    detail: str


@dataclass(frozen=True, slots=True)
class RecordLine:
    """A distance of a sport: its best effort and its fastest whole activity."""

    name: str
    effort: RecordCell | None
    whole: RecordCell | None


@dataclass(frozen=True, slots=True)
class SportRecords:
    sport: str
    title: str
    lines: list[RecordLine]


@dataclass(frozen=True, slots=True)
class RecordsPage:
    """Everything the page shows; no `sports` means no stored curve in the season."""

    seasons: list[Choice]
    season: str
    sports: list[Choice]
    sport: str
    curves: list[CurvePanel]
    records: list[SportRecords]
    records_label: Label


def records_page(
    *, viewer: User, athlete: Athlete, season: str, sport: str, today: dt.date
) -> RecordsPage:
    """The page for a season key and a sport (unknown values: last 90 days, the sport with
    the most activities in the season)."""
    season = season if season in SEASONS else DEFAULT_SEASON
    since = season_since(season, today)
    sports = season_sports(viewer=viewer, athlete=athlete, since=since)
    sport = sport if sport in sports else (sports[0] if sports else "")
    stored = (
        season_curves(viewer=viewer, athlete=athlete, sport=sport, since=since) if sport else []
    )
    curves = [
        curve_panel(
            c.channel,
            c.durations_s,
            c.values,
            sport=sport,
            units=athlete.units,
            marks_s=SEASON_DURATIONS_S,
            holders=c.holders,
            link=_linker(athlete),
        )
        for c in stored
    ]
    return RecordsPage(
        seasons=[Choice(k, gettext(name), k == season) for k, name in SEASONS.items()],
        season=season,
        sports=[Choice(s, sport_label(s), s == sport) for s in sports],
        sport=sport,
        curves=curves,
        records=_records(viewer, athlete),
        records_label=label("best_efforts_s", sport="run"),
    )


def _linker(athlete: Athlete) -> Callable[[CurveSource], str]:
    def link(source: CurveSource) -> str:
        return reverse("activity_detail", args=(athlete.id, source.activity_id))

    return link


def _records(viewer: User, athlete: Athlete) -> list[SportRecords]:
    found = personal_records_get(viewer=viewer, athlete=athlete)
    by_sport: dict[str, list[RecordLine]] = {}
    for row in found.rows:
        line = RecordLine(
            name=effort_name(row.distance_m),
            effort=_cell(row, row.effort, athlete, found.names),
            whole=_cell(row, row.whole, athlete, found.names),
        )
        by_sport.setdefault(row.sport, []).append(line)
    return [SportRecords(s, sport_label(s), lines) for s, lines in by_sport.items()]


def _cell(
    row: RecordRow, record: Record | None, athlete: Athlete, names: dict[int, str]
) -> RecordCell | None:
    if record is None:
        return None
    detail = ""
    if record.kind == "whole":
        detail = gettext("%(time)s for %(distance)s") % {
            "time": duration_text(record.activity_time_s),
            "distance": distance(record.activity_distance_m, athlete.units),
        }
    activity_id = int(record.activity_id)
    return RecordCell(
        time=duration_text(record.time_s),
        pace=speed(row.distance_m / record.time_s, row.sport, athlete.units),
        day=record.day,
        url=reverse("activity_detail", args=(athlete.id, activity_id)),
        name=names.get(activity_id, ""),
        detail=detail,
    )
