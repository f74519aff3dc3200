"""What an archive holds, as an ordered list of entries to import.

The list is deterministic (the same archive always gives the same entries in the same order),
so a job's `cursor` — the number of entries already handled — is enough to resume it.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import IO, Any

from activities.models import ImportJob
from activities.services.archive_limits import gunzip_limited
from activities.services.archive_reader import ArchiveReader, Member
from activities.services.files import SNIFF_BYTES, is_delimited_text

ACTIVITY_SUFFIXES = (".fit", ".tcx", ".gpx", ".fit.gz", ".tcx.gz", ".gpx.gz")


class EntryKind(StrEnum):
    FILE = "file"  # an activity file (FIT, TCX, GPX, maybe gzipped)
    OTHER = "other"  # a member of a plain zip that is not an activity file
    CSV = "csv"  # a manual-log CSV
    GARMIN_SUMMARY = "garmin_summary"  # one activity of a summarizedActivities page
    GARMIN_SLEEP = "garmin_sleep"  # a *_sleepData.json file
    GARMIN_HEALTH = "garmin_health"  # a *_healthStatusData.json file
    STRAVA_ROW = "strava_row"  # one row of a Strava export's activities.csv
    BROKEN = "broken"  # a page that could not be read: reported as failed


@dataclass(frozen=True, slots=True)
class Entry:
    """One unit of work; `data` holds a summary or a CSV row, `reason` a BROKEN entry's cause."""

    name: str
    kind: EntryKind
    member: Member | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    reason: str = ""


def is_activity_name(name: str) -> bool:
    return name.lower().endswith(ACTIVITY_SUFFIXES)


def archive_kind(names: list[str], *, is_zip: bool, head: bytes) -> ImportJob.Kind:
    """Garmin export if a DI_CONNECT/ folder exists, Strava export if activities.csv is at the
    root, a CSV log for a lone file of delimited text (`head`: its first bytes; whatever its
    name), else a batch of files."""
    from activities.services.garmin_export import garmin_root
    from activities.services.strava_export import strava_root

    if is_zip and garmin_root(names) is not None:
        return ImportJob.Kind.GARMIN_EXPORT
    if is_zip and strava_root(names) is not None:
        return ImportJob.Kind.STRAVA_EXPORT
    if not is_zip and is_delimited_text(head):
        return ImportJob.Kind.CSV
    return ImportJob.Kind.FILES


def upload_kind(upload: IO[bytes]) -> ImportJob.Kind:
    """The kind of an uploaded file from its content: the names of a zip's members (no nested
    zip opened), else its first bytes."""
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = [n.replace("\\", "/") for n in archive.namelist()]
    except (zipfile.BadZipFile, OSError, ValueError):
        return archive_kind([], is_zip=False, head=head)
    finally:
        upload.seek(0)
    return archive_kind(names, is_zip=True, head=head)


def reader_kind(reader: ArchiveReader) -> ImportJob.Kind:
    return archive_kind(reader.names(), is_zip=reader.is_zip, head=reader.head())


def archive_plan(reader: ArchiveReader, kind: str) -> list[Entry]:
    """Every entry of the archive in import order."""
    from activities.services.garmin_export import garmin_plan
    from activities.services.strava_export import strava_plan

    if kind == ImportJob.Kind.GARMIN_EXPORT:
        return garmin_plan(reader)
    if kind == ImportJob.Kind.STRAVA_EXPORT:
        return strava_plan(reader)
    if kind == ImportJob.Kind.CSV:
        return [Entry(m.basename, EntryKind.CSV, m) for m in reader.members]
    if not reader.is_zip:  # a lone file: its content says what it is, never its name
        return [Entry(m.name, EntryKind.FILE, m) for m in reader.members]
    return [
        Entry(m.name, EntryKind.FILE if is_activity_name(m.inner) else EntryKind.OTHER, m)
        for m in reader.members
    ]


def member_bytes(reader: ArchiveReader, member: Member) -> tuple[str, bytes]:
    """A member's name and content, gunzipped within the limits if it is a .gz."""
    data = reader.read(member)
    name = member.basename
    if name.lower().endswith(".gz") or data[:2] == b"\x1f\x8b":
        data = gunzip_limited(data, name=name, limits=reader.limits)
        name = name[:-3] if name.lower().endswith(".gz") else name
    return name, data
