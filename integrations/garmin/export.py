"""Garmin "Export Your Data" archives (see corpus garmin/EXPORT_ZIP_LAYOUT.md), for the
archive import of `activities` (registered in config/wiring.py ARCHIVE_FORMATS).

Order of work: wellness files, then every activity file (nested UploadedFiles zips included,
newer `DI-Connect-Uploaded-Files` and older `DI-Connect-Fitness-Uploaded-Files` alike), then
every activity summary. A summary is linked to its recording **by content** — its start
(startTimeGmt) within ±60 s of the activity a file created — and merged into it as a Garmin
source (name and activityId come along, the file's values stay); a summary with no recording
becomes an activity of its own; multisport parents are skipped (their legs are imported).
Activity files are generic entries (`EntryKind.FILE`): `activities` imports them.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from activities.models import ImportJob
from activities.services.archive_limits import MemberRefused
from activities.services.archive_link import recorded_activity_near, source_attach
from activities.services.archive_plan import Entry, EntryKind, is_activity_name
from activities.services.archive_reader import ArchiveReader, Member
from activities.services.ingest import activity_ingest
from activities.services.wellness import wellness_upsert
from activities.types import FileResult, Outcome, Provider, SourceRef
from athletes.models import Athlete
from integrations.garmin.mapping import (
    Units,
    activity_name,
    garmin_activity,
    garmin_sport,
    garmin_started_at,
    garmin_summary_values,
    health_days,
    is_multisport_parent,
    page_units,
    sleep_days,
    summaries_in,
    summary_units,
)

ROOT = "DI_CONNECT/"
SUMMARY_SUFFIX = "summarizedactivities.json"
SLEEP_SUFFIX = "_sleepdata.json"
HEALTH_SUFFIX = "_healthstatusdata.json"
# The kinds of this export's own entries (`Entry.kind`).
SUMMARY = "garmin_summary"  # one activity of a summarizedActivities page
SLEEP = "garmin_sleep"  # a *_sleepData.json file
HEALTH = "garmin_health"  # a *_healthStatusData.json file


def garmin_root(names: list[str]) -> str | None:
    """The folder prefix up to and including DI_CONNECT/, if the archive has one."""
    for name in names:
        if name.startswith(ROOT):
            return ROOT
        if (at := name.find("/" + ROOT)) >= 0:
            return name[: at + 1 + len(ROOT)]
    return None


def garmin_plan(reader: ArchiveReader) -> list[Entry]:
    root = garmin_root(reader.names()) or ROOT
    inside = [m for m in reader.members if m.path[0].replace("\\", "/").startswith(root)]
    wellness = [entry for m in inside if (entry := _wellness_entry(m)) is not None]
    files = [Entry(m.name, EntryKind.FILE, m) for m in inside if is_activity_name(m.inner)]
    pages = [m for m in inside if m.inner.lower().endswith(SUMMARY_SUFFIX)]
    summaries = [entry for page in pages for entry in _summary_entries(reader, page)]
    return wellness + files + summaries


def _wellness_entry(member: Member) -> Entry | None:
    name = member.inner.lower()
    if name.endswith(SLEEP_SUFFIX):
        return Entry(member.name, SLEEP, member)
    if name.endswith(HEALTH_SUFFIX):
        return Entry(member.name, HEALTH, member)
    return None


def _summary_entries(reader: ArchiveReader, page: Member) -> list[Entry]:
    try:
        summaries = summaries_in(json.loads(reader.read(page)))
    except (MemberRefused, ValueError) as exc:
        reason = getattr(exc, "reason", "") or _("not a readable JSON file")
        return [Entry(page.name, EntryKind.BROKEN, page, reason=reason)]
    units = page_units(summaries)
    return [
        Entry(
            f"{page.basename} #{summary.get('activityId', index)}",
            SUMMARY,
            page,
            data={"summary": summary, "units": _units_of(summary, units)},
        )
        for index, summary in enumerate(summaries)
    ]


def _units_of(summary: Any, page: Units) -> list[float]:
    units = summary_units(summary, page)
    return [units.duration, units.distance]


def garmin_summary_import(*, athlete: Athlete, entry: Entry) -> FileResult:
    """Merge a summary into the activity recorded at the same time, or create one from it."""
    summary, (duration, distance) = entry.data["summary"], entry.data["units"]
    external_id = str(summary.get("activityId") or "")
    if is_multisport_parent(summary):
        reason = _("multisport summary: its legs are imported one by one")
        return FileResult(entry.name, Outcome.SKIPPED, reason)
    started_at = garmin_started_at(summary)
    if started_at is None or not external_id:
        return FileResult(entry.name, Outcome.FAILED, _("no start time or activity id"))
    units = Units(duration=duration, distance=distance)
    source = SourceRef(Provider.GARMIN, external_id=external_id, raw=dict(summary))
    recorded = recorded_activity_near(athlete=athlete, started_at=started_at)
    if recorded is not None:
        activity, outcome = source_attach(
            activity=recorded,
            source=source,
            summary=garmin_summary_values(summary, units),
            name=activity_name(summary),
            sport=garmin_sport(summary),
        )
    else:
        normalized = garmin_activity(summary, units, started_at=started_at)
        activity, outcome = activity_ingest(athlete=athlete, normalized=normalized, source=source)
    reason = _("already imported") if outcome is Outcome.SKIPPED else ""
    return FileResult(entry.name, outcome, reason, [activity.id])


def garmin_wellness_import(*, athlete: Athlete, reader: ArchiveReader, entry: Entry) -> FileResult:
    """Sleep (duration, score) or health status (HRV, resting HR) into one row per day."""
    assert entry.member is not None
    try:
        document = json.loads(reader.read(entry.member))
    except (MemberRefused, ValueError) as exc:
        reason = getattr(exc, "reason", "") or _("not a readable JSON file")
        return FileResult(entry.name, Outcome.FAILED, reason)
    parse = sleep_days if entry.kind == SLEEP else health_days
    outcomes = [
        wellness_upsert(athlete=athlete, day=day, source=Provider.GARMIN.value, **values)[1]
        for day, values in sorted(parse(document).items())
    ]
    outcome = Outcome.combined(outcomes)
    reason = ngettext(
        "%(count)d day of wellness data", "%(count)d days of wellness data", len(outcomes)
    ) % {"count": len(outcomes)}
    return FileResult(entry.name, outcome, reason)


class GarminExport:
    """The `ArchiveFormat` of Garmin exports: a DI_CONNECT/ folder, at the root or one down."""

    kind: str = ImportJob.Kind.GARMIN_EXPORT

    def detect(self, names: list[str]) -> bool:
        return garmin_root(names) is not None

    def plan(self, reader: ArchiveReader) -> list[Entry]:
        return garmin_plan(reader)

    def import_entry(self, *, athlete: Athlete, reader: ArchiveReader, entry: Entry) -> FileResult:
        if entry.kind == SUMMARY:
            return garmin_summary_import(athlete=athlete, entry=entry)
        if entry.kind in (SLEEP, HEALTH):
            return garmin_wellness_import(athlete=athlete, reader=reader, entry=entry)
        raise ValueError(f"not an entry of a Garmin export: {entry.kind!r}")


GARMIN_EXPORT = GarminExport()
