"""What an archive holds, as an ordered list of entries to import.

The list is deterministic (the same archive always gives the same entries in the same order),
so a job's `cursor` — the number of entries already handled — is enough to resume it.

Providers' export archives (a provider's "download your data" zip) are planned by their own
`ArchiveFormat`, listed in `config/wiring.py` (ARCHIVE_FORMATS) and read from there by name:
`integrations` sits above `activities`, which never imports it. Their entries carry kinds of
their own that only their format reads; the kinds of `EntryKind` are imported here, in
`activities`, whatever format planned them.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import IO, Any, Protocol

from activities.models import ImportJob
from activities.services.archive_limits import gunzip_limited
from activities.services.archive_reader import ArchiveReader, Member
from activities.services.files import SNIFF_BYTES, is_delimited_text
from activities.types import FileResult
from athletes.models import Athlete
from core.wiring import wired

ACTIVITY_SUFFIXES = (".fit", ".tcx", ".gpx", ".fit.gz", ".tcx.gz", ".gpx.gz")


class EntryKind(StrEnum):
    """The entry kinds every archive may hold; a format's own kinds are plain strings."""

    FILE = "file"  # an activity file (FIT, TCX, GPX, maybe gzipped)
    OTHER = "other"  # a member of a plain zip that is not an activity file
    CSV = "csv"  # a manual-log CSV
    BROKEN = "broken"  # a page that could not be read: reported as failed


@dataclass(frozen=True, slots=True)
class Entry:
    """One unit of work; `data` holds what the planner read (a summary, a CSV row), `reason` a
    BROKEN entry's cause. `kind` is an `EntryKind` or a kind of the archive's format."""

    name: str
    kind: str
    member: Member | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    reason: str = ""


class ArchiveFormat(Protocol):
    """A provider's export archive: how to recognise it, plan it and import its own entries."""

    @property
    def kind(self) -> str:
        """The ImportJob kind of such an archive (one of `ImportJob.Kind`)."""
        ...

    def detect(self, names: list[str]) -> bool:
        """Whether a zip whose members have these names (`ArchiveReader.names`) is one."""
        ...

    def plan(self, reader: ArchiveReader) -> list[Entry]:
        """Every entry in import order, the same every time (jobs resume by index)."""
        ...

    def import_entry(self, *, athlete: Athlete, reader: ArchiveReader, entry: Entry) -> FileResult:
        """Import one entry of a kind this format planned (never an `EntryKind`)."""
        ...


def archive_formats() -> tuple[ArchiveFormat, ...]:
    """The providers' export formats in detection order (config/wiring.py ARCHIVE_FORMATS)."""
    formats: tuple[ArchiveFormat, ...] = wired("ARCHIVE_FORMATS")
    return formats


def archive_format(kind: str) -> ArchiveFormat | None:
    """The export format of this ImportJob kind; None for files and CSV logs."""
    return next((f for f in archive_formats() if f.kind == kind), None)


def is_activity_name(name: str) -> bool:
    return name.lower().endswith(ACTIVITY_SUFFIXES)


def archive_kind(names: list[str], *, is_zip: bool, head: bytes) -> str:
    """The first export format (ARCHIVE_FORMATS order) that recognises a zip's member names,
    a CSV log for a lone file of delimited text (`head`: its first bytes; whatever its name),
    else a batch of files."""
    if is_zip:
        recognised = (f.kind for f in archive_formats() if f.detect(names))
        if (kind := next(recognised, None)) is not None:
            return kind
    if not is_zip and is_delimited_text(head):
        return ImportJob.Kind.CSV
    return ImportJob.Kind.FILES


def upload_kind(upload: IO[bytes]) -> str:
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


def reader_kind(reader: ArchiveReader) -> str:
    return archive_kind(reader.names(), is_zip=reader.is_zip, head=reader.head())


def archive_plan(reader: ArchiveReader, kind: str) -> list[Entry]:
    """Every entry of the archive in import order."""
    if (export := archive_format(kind)) is not None:
        return export.plan(reader)
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
