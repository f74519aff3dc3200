"""The CSV import service: rows of a training log become manual activities, idempotently."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext

from activities.models import Activity, ActivitySource
from activities.services.manual.csv_parse import CsvRow, csv_rows
from activities.services.manual.log import (
    DEFAULT_START,
    ManualEntry,
    Starts,
    ingest_entry,
    local_start,
    starts_between,
)
from activities.types import FileResult, ImportReport, Outcome, Provider
from athletes.models import Athlete
from core.outbox import batched


def csv_import(*, athlete: Athlete, data: bytes) -> ImportReport:
    """Import a CSV training log: one FileResult per data row, named "line N".

    Header `activity_date,activity_type,distance_km,duration_min,training_load,notes` and an
    optional `external_id` (`;` also accepted as delimiter; UTF-8 with or without BOM). Raises
    `RejectedFile` for a file that cannot be read as such a log (too big, too many rows, no
    header); a bad row is FAILED with its reason and the batch goes on. What is already stored
    is read once up front and rows are written in transactions of `CSV_CHUNK` rows.
    """
    rows = csv_rows(data)
    known = CsvKnown.load(athlete, [row.entry for row in rows if row.entry is not None])
    report = ImportReport()
    with batched():  # one announcement for the whole log
        for first in range(0, len(rows), CSV_CHUNK):
            with transaction.atomic():
                for row in rows[first : first + CSV_CHUNK]:
                    report.add(_import_row(athlete, row, known))
    return report


CSV_CHUNK = 250
LoggedKey = tuple[dt.date, str, str, int]


def _logged_key(day: dt.date, sport: str, sub_sport: str, duration_s: float) -> LoggedKey:
    return (day, sport, sub_sport, round(duration_s))


@dataclass(slots=True)
class CsvKnown:
    """What the athlete already has, for the rows of one CSV file."""

    external_ids: dict[str, int]  # manual source id → activity id
    logged: dict[LoggedKey, int]  # manual (day, sport, sub-sport, duration s) → activity id
    starts: Starts

    @classmethod
    def load(cls, athlete: Athlete, entries: list[ManualEntry]) -> CsvKnown:
        if not entries:
            return cls({}, {}, Starts())
        first = min(e.day for e in entries) - dt.timedelta(days=2)
        last = max(e.day for e in entries) + dt.timedelta(days=2)
        sources = ActivitySource.objects.filter(athlete=athlete, provider=Provider.MANUAL)
        manual = Activity.objects.filter(
            athlete=athlete, primary_provider=Provider.MANUAL, day__gte=first, day__lte=last
        ).values_list("id", "day", "sport", "sub_sport", "elapsed_s")
        return cls(
            external_ids=dict(
                sources.exclude(external_id="").values_list("external_id", "activity_id")
            ),
            logged={_logged_key(d, s, sub, e or 0.0): i for i, d, s, sub, e in manual},
            starts=starts_between(athlete, _midnight(first), _midnight(last)),
        )

    def known(self, entry: ManualEntry, external_id: str) -> int | None:
        if external_id:
            return self.external_ids.get(external_id)
        key = _logged_key(entry.day, entry.sport, entry.sub_sport, entry.duration_s)
        return self.logged.get(key)

    def remember(self, entry: ManualEntry, external_id: str, activity: Activity) -> None:
        if external_id:
            self.external_ids[external_id] = activity.id
        key = _logged_key(entry.day, entry.sport, entry.sub_sport, entry.duration_s)
        self.logged.setdefault(key, activity.id)
        self.starts.add(activity.started_at)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC)


def _import_row(athlete: Athlete, row: CsvRow, known: CsvKnown) -> FileResult:
    if row.entry is None:
        return FileResult(row.name, Outcome.FAILED, reason=row.error)
    activity_id = known.known(row.entry, row.external_id)
    if activity_id is not None:
        reason = gettext("already imported") if row.external_id else gettext("already logged")
        return FileResult(row.name, Outcome.SKIPPED, reason=reason, activity_ids=[activity_id])
    noon = local_start(athlete, row.entry.day, DEFAULT_START)
    try:
        activity, outcome = ingest_entry(
            athlete,
            row.entry,
            started_at=known.starts.free_from(noon),
            external_id=row.external_id,
            raw={"form": "csv", "line": row.name},
        )
    except ValueError as error:
        return FileResult(row.name, Outcome.FAILED, reason=str(error))
    known.remember(row.entry, row.external_id, activity)
    return FileResult(row.name, outcome, activity_ids=[activity.id])
