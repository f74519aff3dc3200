"""Garmin "Export Your Data" archives (see corpus garmin/EXPORT_ZIP_LAYOUT.md).

Order of work: wellness files, then every activity file (nested UploadedFiles zips included,
newer `DI-Connect-Uploaded-Files` and older `DI-Connect-Fitness-Uploaded-Files` alike), then
every activity summary. A summary is linked to its recording **by content** — its start
(startTimeGmt) within ±60 s of the activity a file created — and merged into it as a Garmin
source (name and activityId come along, the file's values stay); a summary with no recording
becomes an activity of its own; multisport parents are skipped (their legs are imported).
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from activities.services.archive_limits import MemberRefused
from activities.services.archive_link import recorded_activity_near, source_attach
from activities.services.archive_plan import Entry, EntryKind, is_activity_name
from activities.services.archive_reader import ArchiveReader, Member
from activities.services.garmin_summary import (
    Units,
    activity_type,
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
from activities.services.ingest import activity_ingest
from activities.services.wellness import wellness_upsert
from activities.types import FileResult, NormalizedActivity, Outcome, Provider, SourceRef, Streams
from athletes.models import Athlete

ROOT = "DI_CONNECT/"
SUMMARY_SUFFIX = "summarizedactivities.json"
SLEEP_SUFFIX = "_sleepdata.json"
HEALTH_SUFFIX = "_healthstatusdata.json"


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
        return Entry(member.name, EntryKind.GARMIN_SLEEP, member)
    if name.endswith(HEALTH_SUFFIX):
        return Entry(member.name, EntryKind.GARMIN_HEALTH, member)
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
            EntryKind.GARMIN_SUMMARY,
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
    values = garmin_summary_values(summary, Units(duration=duration, distance=distance))
    source = SourceRef(Provider.GARMIN, external_id=external_id, raw=dict(summary))
    name = str(summary.get("name") or "")
    recorded = recorded_activity_near(athlete=athlete, started_at=started_at)
    if recorded is not None:
        activity, outcome = source_attach(
            activity=recorded, source=source, summary=values, name=name, sport=garmin_sport(summary)
        )
    else:
        normalized = NormalizedActivity(
            sport=garmin_sport(summary),
            sub_sport=activity_type(summary),
            started_at=started_at,
            streams=Streams.empty(),
            summary=values,
            name=name,
            description=str(summary.get("description") or ""),
        )
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
    parse = sleep_days if entry.kind == EntryKind.GARMIN_SLEEP else health_days
    outcomes = [
        wellness_upsert(athlete=athlete, day=day, **values)[1]
        for day, values in sorted(parse(document).items())
    ]
    outcome = next((o for o in (Outcome.CREATED, Outcome.MERGED) if o in outcomes), Outcome.SKIPPED)
    reason = ngettext(
        "%(count)d day of wellness data", "%(count)d days of wellness data", len(outcomes)
    ) % {"count": len(outcomes)}
    return FileResult(entry.name, outcome, reason)
