"""Bulk imports of archives: providers' data exports, zips of files, CSV logs.

`archive_import` is the synchronous entry (the `import_files` command); import jobs
(`archive_jobs`) import the same entries, in chunks, with the batch and entry functions here.
Entries of the generic kinds are imported here; a provider export's own entries by its
`ArchiveFormat` (config/wiring.py ARCHIVE_FORMATS).
"""

from __future__ import annotations

import hashlib
import logging
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from activities.parsers.fit_type import is_activity_fit
from activities.services.archive_limits import ArchiveLimits, ArchiveRefused, MemberRefused
from activities.services.archive_plan import (
    ArchiveFormat,
    Entry,
    EntryKind,
    archive_format,
    archive_plan,
    member_bytes,
    reader_kind,
)
from activities.services.archive_reader import ArchiveReader
from activities.services.files import ParsedFile, file_parse, parsed_file_import
from activities.services.manual import csv_import
from activities.types import FileResult, ImportReport, Outcome, RejectedFile
from athletes.models import Athlete
from core.magic import is_zip
from core.outbox import batched

logger = logging.getLogger(__name__)

__all__ = ["ArchiveRefused", "archive_import", "batch_import", "file_entry_import"]


def setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def archive_import(*, athlete: Athlete, path: Path) -> ImportReport:
    """Import every entry of an archive, in batches, with one announcement at the end.

    A broken limit refuses the archive before anything is written: that is one FAILED result
    named after the archive (callers import batches of files and never see an exception).
    """
    report = ImportReport()
    try:
        with (
            batched(),  # one announcement for the archive
            ArchiveReader(path, limits=ArchiveLimits.from_settings(), name=path.name) as reader,
        ):
            kind = reader_kind(reader)
            entries, export, index = archive_plan(reader, kind), archive_format(kind), 0
            while index < len(entries):
                with transaction.atomic():
                    results, index = batch_import(athlete, reader, export, entries, index)
                report.results += results
    except ArchiveRefused as refused:
        report.add(FileResult(path.name, Outcome.FAILED, refused.reason))
    return report


def batch_import(
    athlete: Athlete,
    reader: ArchiveReader,
    export: ArchiveFormat | None,
    entries: list[Entry],
    start: int,
    end: int | None = None,
) -> tuple[list[FileResult], int]:
    """Import entries from `start` (to `end` at most) until the batch's size, reading time or
    bytes is reached (PACELINE_IMPORT_BATCH_ENTRIES, _S, _BYTES).

    The batch's activity files are read and parsed first, then stored: the athlete's lock,
    taken by the first store and held until the batch commits, covers the storing only, so
    another worker importing the same athlete parses meanwhile instead of waiting."""
    size = int(setting("PACELINE_IMPORT_BATCH_ENTRIES", 25))
    budget = int(setting("PACELINE_IMPORT_BATCH_BYTES", 16 * 2**20))
    deadline = time.monotonic() + float(setting("PACELINE_IMPORT_BATCH_S", 1.0))
    read: list[tuple[Entry, ParsedFile | FileResult | None]] = []
    index, end = start, len(entries) if end is None else end
    while index < end and index - start < size and time.monotonic() < deadline and budget > 0:
        parsed = _entry_parse_safely(athlete, reader, entries[index])
        budget -= len(parsed.data) if isinstance(parsed, ParsedFile) else 0
        read.append((entries[index], parsed))
        index += 1
    results: list[FileResult] = []
    for entry, parsed in read:
        results += _entry_import_safely(athlete, reader, export, entry, parsed)
    return results, index


def _entry_parse_safely(
    athlete: Athlete, reader: ArchiveReader, entry: Entry
) -> ParsedFile | FileResult | None:
    """An activity file entry read and parsed (`file_entry_parse`); None for other kinds."""
    if entry.kind != EntryKind.FILE:
        return None
    try:
        return file_entry_parse(athlete=athlete, reader=reader, entry=entry)[0]
    except ArchiveRefused:
        raise
    except Exception:
        logger.exception("archive entry %r could not be read", entry.name)
        return FileResult(entry.name, Outcome.FAILED, _("could not import this entry"))


def _entry_import_safely(
    athlete: Athlete,
    reader: ArchiveReader,
    export: ArchiveFormat | None,
    entry: Entry,
    parsed: ParsedFile | FileResult | None,
) -> list[FileResult]:
    """One entry's results; an unexpected error fails this entry only (its writes undone)."""
    try:
        with transaction.atomic():
            if parsed is not None:
                return [_named(parsed_file_import(athlete=athlete, parsed=parsed), entry)]
            return _entry_import(athlete, reader, export, entry)
    except ArchiveRefused:
        raise
    except Exception:
        logger.exception("archive entry %r could not be imported", entry.name)
        return [FileResult(entry.name, Outcome.FAILED, _("could not import this entry"))]


def _entry_import(
    athlete: Athlete, reader: ArchiveReader, export: ArchiveFormat | None, entry: Entry
) -> list[FileResult]:
    """An entry that is not an activity file (`file_entry_parse` read those)."""
    match entry.kind:
        case EntryKind.CSV:
            return _csv_entry_import(athlete, reader, entry)
        case EntryKind.BROKEN:
            return [FileResult(entry.name, Outcome.FAILED, entry.reason)]
        case EntryKind.OTHER:
            return [other_entry_result(entry)]
    if export is not None:
        return [export.import_entry(athlete=athlete, reader=reader, entry=entry)]
    return [other_entry_result(entry)]


def _csv_entry_import(athlete: Athlete, reader: ArchiveReader, entry: Entry) -> list[FileResult]:
    assert entry.member is not None
    try:
        return csv_import(athlete=athlete, data=reader.read(entry.member)).results
    except RejectedFile as rejected:
        return [FileResult(entry.name, Outcome.FAILED, rejected.reason)]


def file_entry_parse(
    *, athlete: Athlete, reader: ArchiveReader, entry: Entry
) -> tuple[ParsedFile | FileResult, str]:
    """Read and parse one activity file of the archive, storing nothing (`files.file_parse`);
    returns it, or the result that settles it, and the content's sha256 ("" when unread).

    FIT files that are not activities (monitoring, sleep, settings) are SKIPPED, not failed.
    A member whose bytes are a zip under another name is FAILED: nested zips are read by the
    archive reader itself, within the archive's depth and size budget, never on their own.
    """
    assert entry.member is not None
    try:
        name, data = member_bytes(reader, entry.member)
    except MemberRefused as refused:
        return FileResult(entry.name, Outcome.FAILED, refused.reason), ""
    if is_zip(data):
        reason = _("a zip archive under another name: not read (name it .zip)")
        return FileResult(entry.name, Outcome.FAILED, reason), ""
    if not is_activity_fit(data):
        reason = _("not an activity recording (monitoring, sleep or settings file)")
        return FileResult(entry.name, Outcome.SKIPPED, reason), ""
    return file_parse(athlete=athlete, name=name, data=data), hashlib.sha256(data).hexdigest()


def file_entry_import(
    *, athlete: Athlete, reader: ArchiveReader, entry: Entry
) -> tuple[FileResult, str]:
    """`file_entry_parse`, then store it; returns its result and the content's sha256."""
    parsed, sha256 = file_entry_parse(athlete=athlete, reader=reader, entry=entry)
    return _named(parsed_file_import(athlete=athlete, parsed=parsed), entry), sha256


def _named(result: FileResult, entry: Entry) -> FileResult:
    result.name = entry.name
    return result


def other_entry_result(entry: Entry) -> FileResult:
    return FileResult(entry.name, Outcome.SKIPPED, _("not an activity file"))
