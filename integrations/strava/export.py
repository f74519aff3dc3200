"""Strava bulk export archives: `activities.csv` plus `activities/<id>.fit.gz|gpx|tcx…`, for
the archive import of `activities` (registered in config/wiring.py ARCHIVE_FORMATS).

One entry per CSV row, in the CSV's order. The row's file is imported like any upload (its
values and samples are authoritative), then the row is attached to the activity it gave as a
Strava source (`SourceRef(Provider.STRAVA, "Activity ID", raw=row)`) through `activity_ingest`:
the Strava id is kept — a later Strava sync recognises the activity — and the CSV's name and
description fill in the activity's when it has none (never replacing what the athlete typed).
Rows without a file (entered by hand on Strava) are skipped: the CSV's units vary by locale.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from activities.models import ImportJob
from activities.services.archive_limits import MemberRefused
from activities.services.archive_link import activities_of_file, source_attach
from activities.services.archive_plan import Entry, EntryKind
from activities.services.archive_reader import ArchiveReader
from activities.services.archives import file_entry_import
from activities.types import FileResult, Outcome, Provider, SourceRef
from athletes.models import Athlete
from integrations.strava.mapping import csv_rows, export_row

CSV_NAME = "activities.csv"
ROW = "strava_row"  # the kind of this export's own entries: one row of activities.csv


def strava_root(names: list[str]) -> str | None:
    """ "" when activities.csv is at the root, "folder/" when it is one folder down."""
    if CSV_NAME in names:
        return ""
    inner = [n for n in names if n.count("/") == 1 and n.endswith("/" + CSV_NAME)]
    return inner[0][: -len(CSV_NAME)] if len(inner) == 1 else None


def strava_plan(reader: ArchiveReader) -> list[Entry]:
    root = strava_root(reader.names()) or ""
    by_name = {m.path[0].replace("\\", "/"): m for m in reader.members if len(m.path) == 1}
    listing = by_name[root + CSV_NAME]
    try:
        rows = csv_rows(reader.read(listing))
    except MemberRefused as refused:
        return [Entry(listing.name, EntryKind.BROKEN, listing, reason=refused.reason)]
    entries = []
    for row in rows:
        filename = row.get("Filename", "")
        name = filename or _("Strava activity %(id)s") % {"id": row.get("Activity ID", "?")}
        entries.append(Entry(name, ROW, by_name.get(root + filename), data=row))
    return entries


def strava_row_import(*, athlete: Athlete, reader: ArchiveReader, entry: Entry) -> FileResult:
    """Import the row's file, then attach the row to its activity as a Strava source."""
    row = export_row(entry.data)
    if not row.filename:
        return FileResult(entry.name, Outcome.SKIPPED, _("no file in the export (entered by hand)"))
    if entry.member is None:
        return FileResult(entry.name, Outcome.FAILED, _("listed in activities.csv but missing"))
    result, sha256 = file_entry_import(athlete=athlete, reader=reader, entry=entry)
    if result.outcome is Outcome.FAILED or not sha256 or not row.activity_id:
        return result
    source = SourceRef(Provider.STRAVA, external_id=row.activity_id, raw=dict(entry.data))
    outcomes: list[Outcome] = [result.outcome]
    for index, activity in activities_of_file(athlete=athlete, sha256=sha256):
        attached, outcome = source_attach(
            activity=activity,
            source=source,
            name=row.name,
            description=row.description,
            session_index=index,
            sport=row.sport,
        )
        outcomes.append(outcome)
        if attached.id not in result.activity_ids:
            result.activity_ids.append(attached.id)
    result.outcome = Outcome.combined(outcomes)
    result.reason = _("already imported") if result.outcome is Outcome.SKIPPED else ""
    return result


class StravaExport:
    """The `ArchiveFormat` of Strava exports: activities.csv at the root or one folder down."""

    kind: str = ImportJob.Kind.STRAVA_EXPORT

    def detect(self, names: list[str]) -> bool:
        return strava_root(names) is not None

    def plan(self, reader: ArchiveReader) -> list[Entry]:
        return strava_plan(reader)

    def import_entry(self, *, athlete: Athlete, reader: ArchiveReader, entry: Entry) -> FileResult:
        if entry.kind != ROW:
            raise ValueError(f"not an entry of a Strava export: {entry.kind!r}")
        return strava_row_import(athlete=athlete, reader=reader, entry=entry)


STRAVA_EXPORT = StravaExport()
