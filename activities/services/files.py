"""Original activity files: store them once per athlete, and import batches of plain files.

A file is parsed before it is stored, so bytes that are not an activity at all (a photo, a
truncated download) are reported and never kept; every file that gave at least one session is
kept under `activity-files/` so everything can be recomputed later. One file's failure is a
`FileResult`, never an exception: a bad file never aborts a batch. Archives (.zip) belong to
`activities.services.archives`, which imports their members here: this module never opens a
zip (`core.magic.is_zip` tells callers which bytes to send there).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import logging
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from activities.models import ActivityFile, ActivitySource
from activities.parsers import parse_file
from activities.services.ingest import activity_ingest, athlete_lock
from activities.types import (
    FileResult,
    ImportReport,
    NormalizedActivity,
    Outcome,
    Provider,
    RejectedFile,
    SourceRef,
)
from athletes.models import Athlete
from core.fit import is_fit
from core.magic import is_gzip, is_zip
from core.outbox import batched
from core.uploads import max_file_bytes

logger = logging.getLogger(__name__)

FORMAT_PROVIDERS = {"fit": Provider.DEVICE_FILE, "tcx": Provider.TCX, "gpx": Provider.GPX}
SNIFF_BYTES = 4096


max_upload_bytes = max_file_bytes  # the largest single activity file (not an archive)


def is_delimited_text(head: bytes) -> bool:
    """Text whose first line has a comma or a semicolon (a CSV log), by content: not a zip,
    gzip or FIT file, not XML, and valid UTF-8 without NUL bytes."""
    if not head or b"\x00" in head or is_zip(head) or is_gzip(head) or is_fit(head):
        return False
    try:
        text = head[: head.rfind(b"\n") + 1 or len(head)].decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    lines = text.strip().splitlines()
    first = lines[0] if lines else ""
    return not first.startswith("<") and ("," in first or ";" in first)


def file_format(data: bytes, filename: str = "") -> str:
    """The format, "fit", "tcx" or "gpx", from the content (inside a .gz too), else the name."""
    head = data[:SNIFF_BYTES]
    if is_gzip(head):
        try:
            head = gzip.GzipFile(fileobj=io.BytesIO(data)).read(SNIFF_BYTES)
        except (OSError, EOFError, zlib.error):
            head = b""
    if is_fit(head):
        return "fit"
    if b"<TrainingCenterDatabase" in head:
        return "tcx"
    if b"<gpx" in head:
        return "gpx"
    suffixes = [s.lstrip(".").lower() for s in Path(filename).suffixes]
    return next((s for s in reversed(suffixes) if s in FORMAT_PROVIDERS), "")


def activity_file_store(
    *, athlete: Athlete, data: bytes, filename: str
) -> tuple[ActivityFile, bool]:
    """Keep the original bytes in default storage; the same content again returns the stored row.

    Returns (row, created). Unique per athlete by sha256, also under concurrent uploads: the
    athlete row is locked for the transaction (`athlete_lock`, as every ingest does).
    """
    with transaction.atomic():
        athlete_lock(athlete)
        return _file_store_locked(athlete, data, filename)


def _file_store_locked(athlete: Athlete, data: bytes, filename: str) -> tuple[ActivityFile, bool]:
    """`activity_file_store` inside a transaction that holds the athlete's lock: the row
    looked for cannot appear before it commits, so it is inserted without a savepoint."""
    sha256 = hashlib.sha256(data).hexdigest()
    existing = ActivityFile.objects.filter(athlete=athlete, sha256=sha256).first()
    if existing is not None:
        return existing, False
    row = ActivityFile(
        athlete=athlete,
        sha256=sha256,
        original_name=Path(filename).name[:255] or sha256,
        size_bytes=len(data),
        format=file_format(data, filename),
    )
    row.file.save(_storage_name(sha256, filename), ContentFile(data), save=False)
    row.save(force_insert=True)
    return row, True


def _storage_name(sha256: str, filename: str) -> str:
    """A short, safe storage name: the content hash and the file's known extensions."""
    suffixes = [s.lower() for s in Path(filename).suffixes[-2:]]
    known = "".join(s for s in suffixes if s in (".fit", ".tcx", ".gpx", ".gz"))
    return f"{sha256[:32]}{known}"


def files_import(*, athlete: Athlete, items: Iterable[tuple[str, bytes]]) -> ImportReport:
    """Import plain activity files (FIT, TCX, GPX, gzipped or not), one result per file.

    Zips are not plain files: send them to `archives.archive_import` (`core.magic.is_zip`).
    Idempotent: a file whose content was already imported is SKIPPED ("already imported").
    The whole batch is announced once (`batched`): one metrics pass, one daily-load
    recompute.
    """
    report = ImportReport()
    with batched():
        for name, data in items:
            report.add(_import_one(athlete, name, data))
    return report


def _import_one(athlete: Athlete, name: str, data: bytes) -> FileResult:
    return parsed_file_import(
        athlete=athlete, parsed=file_parse(athlete=athlete, name=name, data=data)
    )


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """A file read and parsed but not stored yet (`parsed_file_import` stores it)."""

    name: str
    data: bytes
    sessions: list[NormalizedActivity]


def file_parse(*, athlete: Athlete, name: str, data: bytes) -> ParsedFile | FileResult:
    """The part of a file's import that takes no lock and writes nothing: the size, whether
    this content is already imported, the parse. A FileResult when that settles the file.
    Batches parse every file first, so that the athlete's lock is held only while storing."""
    if len(data) > max_upload_bytes():
        return _too_large(name)
    if _already_imported(athlete, data):
        return FileResult(name, Outcome.SKIPPED, _("already imported"))
    try:
        return ParsedFile(name, data, _parse(data, name))
    except RejectedFile as rejected:
        return FileResult(name, Outcome.FAILED, rejected.reason)
    except Exception:
        logger.exception("could not read activity file %r", name)
        return FileResult(name, Outcome.FAILED, _("could not read this file"))


def parsed_file_import(*, athlete: Athlete, parsed: ParsedFile | FileResult) -> FileResult:
    """Store a parsed file's sessions (`file_parse`); a settled file's result as it is."""
    if isinstance(parsed, FileResult):
        return parsed
    try:
        return _ingest_sessions(athlete, parsed.name, parsed.data, parsed.sessions)
    except Exception:
        logger.exception("could not store activity file %r", parsed.name)
        return FileResult(parsed.name, Outcome.FAILED, _("could not store this file"))


def _parse(data: bytes, name: str) -> list[NormalizedActivity]:
    sessions = parse_file(data, name, max_bytes=max_upload_bytes())
    if not sessions:
        raise RejectedFile(_("no activity in this file"))
    return sessions


def activity_file_sessions(*, file: ActivityFile) -> list[NormalizedActivity]:
    """Every session of a stored original file, parsed again as at its import.

    Raises RejectedFile (or the parser's error) when the stored bytes no longer parse, and
    OSError when storage has lost them."""
    with file.file.open("rb") as stored:
        data = stored.read()
    return _parse(data, file.original_name)


def _already_imported(athlete: Athlete, data: bytes) -> bool:
    sha256 = hashlib.sha256(data).hexdigest()
    return ActivitySource.objects.filter(
        athlete=athlete, file__athlete=athlete, file__sha256=sha256
    ).exists()


def _ingest_sessions(
    athlete: Athlete, name: str, data: bytes, sessions: list[NormalizedActivity]
) -> FileResult:
    """All sessions of one file or none: a half-imported triathlon would never be completed.
    One transaction under the athlete's lock, no savepoint per session."""
    with transaction.atomic():
        athlete_lock(athlete)
        stored, _created = _file_store_locked(athlete, data, name)
        provider = FORMAT_PROVIDERS.get(stored.format, Provider.DEVICE_FILE)
        source = SourceRef(provider, external_id=stored.sha256, raw={"filename": name})
        outcomes: list[Outcome] = []
        result = FileResult(name, Outcome.SKIPPED)
        for index, normalized in enumerate(sessions):
            activity, outcome = activity_ingest(
                athlete=athlete, normalized=normalized, source=source, file=stored,
                session_index=index, locked=True,
            )  # fmt: skip
            outcomes.append(outcome)
            if activity.id not in result.activity_ids:
                result.activity_ids.append(activity.id)
            result.warnings.extend(normalized.warnings)
    result.outcome = Outcome.combined(outcomes)
    if result.outcome is Outcome.SKIPPED:
        result.reason = _("already imported")
    return result


def _too_large(name: str) -> FileResult:
    limit = filesizeformat(max_upload_bytes())
    return FileResult(name, Outcome.FAILED, _("file too large (max %s)") % limit)
