"""Bulk imports of archives: providers' data exports, zips of files, CSV logs.

`archive_import` is the synchronous entry (the `import_files` command, and the jobs below);
`import_job_run` runs an import job (created by `uploads.import_job_create`, queued by
`activities.tasks`) one time slice at a time.

Resumable and idempotent: the archive becomes a deterministic list of entries
(`archive_plan`); entries are imported in small batches, and each batch's rows are committed in
the **same transaction** as the job's counts, results and cursor (one compare-and-set UPDATE on
the cursor). A killed worker therefore leaves either the whole batch with its counts or none of
it; a rerun continues from the cursor, so final rows *and* counts equal an uninterrupted run's.
(Original files already written to storage by a rolled-back batch stay as unreferenced files.)
Entries of the generic kinds are imported here; a provider export's own entries by its
`ArchiveFormat` (config/wiring.py ARCHIVE_FORMATS).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import ImportJob
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
from activities.services.files import files_import
from activities.services.manual import csv_import
from activities.types import FileResult, ImportReport, Outcome, RejectedFile
from athletes.models import Athlete
from core.leases import LeaseHeld
from core.magic import is_zip
from core.outbox import batched

logger = logging.getLogger(__name__)

__all__ = ["ArchiveRefused", "archive_import", "file_entry_import", "import_job_run"]


class LeaseLost(Exception):  # noqa: N818
    """Another worker advanced this job: stop without writing anything more."""


def setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def archive_import(
    *, athlete: Athlete, path: Path, job: ImportJob | None = None, until: float | None = None
) -> ImportReport:
    """Import every entry of an archive (from `job.cursor` when resuming a job).

    A broken limit refuses the archive before anything is written: without a job that is one
    FAILED result named after the archive (callers import batches of files and never see an
    exception); under a job ArchiveRefused propagates and the job fails with its reason.
    With `until` (a time.monotonic() deadline) it stops after the batch that passes it (one
    batch at least); the job's cursor says where to continue.
    """
    report = ImportReport()
    try:
        with batched():  # one announcement for the archive (or this slice of a job)
            _archive_import(athlete, path, job, until, report)
    except ArchiveRefused as refused:
        if job is not None:
            raise
        report.add(FileResult(path.name, Outcome.FAILED, refused.reason))
    return report


def _archive_import(
    athlete: Athlete, path: Path, job: ImportJob | None, until: float | None, report: ImportReport
) -> None:
    name = job.original_name if job is not None else path.name
    with ArchiveReader(path, limits=ArchiveLimits.from_settings(), name=name) as reader:
        kind = job.kind if job is not None and job.kind else reader_kind(reader)
        entries = archive_plan(reader, kind)
        export = archive_format(kind)
        if job is not None:
            _job_planned(job, kind=kind, total=len(entries))
        index = first = job.cursor if job is not None else 0
        while index < len(entries) and (
            index == first or until is None or time.monotonic() < until
        ):
            with transaction.atomic():
                results, index_after = _batch(athlete, reader, export, entries, index)
                if job is not None:
                    _job_advance(job, to_cursor=index_after, results=results)
            report.results += results
            index = index_after


def _batch(
    athlete: Athlete,
    reader: ArchiveReader,
    export: ArchiveFormat | None,
    entries: list[Entry],
    start: int,
) -> tuple[list[FileResult], int]:
    """Import entries from `start` until the batch size or time is reached."""
    size = int(setting("PACELINE_IMPORT_BATCH_ENTRIES", 25))
    deadline = time.monotonic() + float(setting("PACELINE_IMPORT_BATCH_S", 1.0))
    results: list[FileResult] = []
    index = start
    while index < len(entries) and index - start < size and time.monotonic() < deadline:
        results += _entry_import_safely(athlete, reader, export, entries[index])
        index += 1
    return results, index


def _entry_import_safely(
    athlete: Athlete, reader: ArchiveReader, export: ArchiveFormat | None, entry: Entry
) -> list[FileResult]:
    """One entry's results; an unexpected error fails this entry only (its writes undone)."""
    try:
        with transaction.atomic():
            return _entry_import(athlete, reader, export, entry)
    except ArchiveRefused:
        raise
    except Exception:
        logger.exception("archive entry %r could not be imported", entry.name)
        return [FileResult(entry.name, Outcome.FAILED, _("could not import this entry"))]


def _entry_import(
    athlete: Athlete, reader: ArchiveReader, export: ArchiveFormat | None, entry: Entry
) -> list[FileResult]:
    """A generic entry here; any other kind by the export format that planned it."""
    match entry.kind:
        case EntryKind.FILE:
            return [file_entry_import(athlete=athlete, reader=reader, entry=entry)[0]]
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


def file_entry_import(
    *, athlete: Athlete, reader: ArchiveReader, entry: Entry
) -> tuple[FileResult, str]:
    """Import one activity file of the archive; returns its result and the content's sha256.

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
    results = files_import(athlete=athlete, items=[(name, data)]).results
    result = results[0] if results else FileResult(entry.name, Outcome.FAILED, _("nothing read"))
    result.name = entry.name
    return result, hashlib.sha256(data).hexdigest()


def other_entry_result(entry: Entry) -> FileResult:
    return FileResult(entry.name, Outcome.SKIPPED, _("not an activity file"))


# --- Jobs ----------------------------------------------------------------------------------------


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Run (or resume) a job under a lease; None when it is finished or gone.

    Raises LeaseHeld when a live lease holds it (a redelivered message while its first run
    goes on, or a worker that died moments ago): the caller retries once the lease expires.
    Returns the job; its state is still RUNNING (lease released) when the time slice
    (PACELINE_IMPORT_SLICE_S) ended first — the caller queues it again.
    """
    job = _lease_take(job_id)
    if job is None:
        return None
    until = time.monotonic() + float(setting("PACELINE_IMPORT_SLICE_S", 600))
    try:
        with _local_archive(job) as path:
            archive_import(athlete=job.athlete, path=path, job=job, until=until)
    except LeaseLost:
        return None
    except ArchiveRefused as refused:
        return _job_finish(job, ImportJob.State.FAILED, refused.reason)
    except Exception:
        logger.exception("import job %s stopped", job_id)
        return _job_finish(job, ImportJob.State.FAILED, _("The import stopped on an error."))
    if job.cursor < job.total:
        ImportJob.objects.filter(id=job.id, cursor=job.cursor).update(lease_until=None)
        job.lease_until = None
        return job
    return _job_finish(job, ImportJob.State.DONE, "")


def _lease_until() -> Any:
    return timezone.now() + dt.timedelta(seconds=float(setting("PACELINE_IMPORT_LEASE_S", 120)))


def _lease_take(job_id: int) -> ImportJob | None:
    """Compare-and-set: queued, or running with no live lease → running under our lease.
    None when the job is finished or gone; LeaseHeld when someone holds it."""
    now = timezone.now()
    free = Q(state=ImportJob.State.QUEUED) | Q(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now), state=ImportJob.State.RUNNING
    )
    taken = ImportJob.objects.filter(free, id=job_id).update(
        state=ImportJob.State.RUNNING, lease_until=_lease_until()
    )
    if not taken:
        held = ImportJob.objects.filter(id=job_id, state=ImportJob.State.RUNNING).first()
        if held is not None and held.lease_until is not None:
            raise LeaseHeld(max(0.0, (held.lease_until - now).total_seconds()))
        return None
    ImportJob.objects.filter(id=job_id, started_at__isnull=True).update(started_at=now)
    return ImportJob.objects.select_related("athlete").get(id=job_id)


@contextmanager
def _local_archive(job: ImportJob) -> Iterator[Path]:
    """A local path to the stored upload (a temporary copy when storage is remote)."""
    try:
        local = Path(job.archive.path)
    except NotImplementedError:
        local = None
    if local is not None:
        yield local
        return
    with tempfile.TemporaryDirectory(prefix="paceline-job-") as folder:
        path = Path(folder) / Path(job.original_name).name
        with job.archive.open("rb") as src, path.open("wb") as out:
            for chunk in src.chunks():
                out.write(chunk)
        yield path


def _job_planned(job: ImportJob, *, kind: str, total: int) -> None:
    ImportJob.objects.filter(id=job.id).update(kind=kind, total=total)
    job.kind, job.total = kind, total


def _job_advance(job: ImportJob, *, to_cursor: int, results: list[FileResult]) -> None:
    """ONE update: counts, results, cursor and a renewed lease, if nobody else moved the cursor."""
    counts = ImportReport(results).counts()
    stored = _results_kept([*job.results, *(_as_json(r) for r in results)])
    updated = ImportJob.objects.filter(
        id=job.id, cursor=job.cursor, state=ImportJob.State.RUNNING
    ).update(
        cursor=to_cursor,
        results=stored,
        lease_until=_lease_until(),
        **{name: F(name) + counts[name] for name in ("created", "merged", "skipped", "failed")},
    )
    if not updated:
        raise LeaseLost
    job.cursor, job.results = to_cursor, stored
    for name in ("created", "merged", "skipped", "failed"):
        setattr(job, name, getattr(job, name) + counts[name])


def _as_json(result: FileResult) -> dict[str, Any]:
    row: dict[str, Any] = {"name": result.name, "outcome": result.outcome.value}
    if result.reason:
        row["reason"] = result.reason
    if result.activity_ids:
        row["activity_ids"] = result.activity_ids
    if result.warnings:
        row["warnings"] = result.warnings
    return row


def _results_kept(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every failure, and the other results up to PACELINE_IMPORT_RESULTS_MAX (the newest go)."""
    limit = int(setting("PACELINE_IMPORT_RESULTS_MAX", 10_000))
    if len(rows) <= limit:
        return rows
    kept, others = [], 0
    for row in rows:
        if row["outcome"] == Outcome.FAILED or others < limit:
            kept.append(row)
            others += row["outcome"] != Outcome.FAILED
    return kept


def _job_finish(job: ImportJob, state: str, error: str) -> ImportJob:
    """Record the end, then delete the uploaded file: a finished job needs it no more."""
    ImportJob.objects.filter(id=job.id).update(
        state=state, error=error, lease_until=None, finished_at=timezone.now()
    )
    job.refresh_from_db()
    if job.archive:
        job.archive.delete(save=False)
        ImportJob.objects.filter(id=job.id).update(archive="")
    return job
