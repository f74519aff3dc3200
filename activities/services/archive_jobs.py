"""Import jobs: an uploaded archive imported in the background, in chunks any worker may run.

`import_job_run` (the job's task, from `uploads.import_job_create`) plans the archive once into
a deterministic list of entries (`archive_plan`) cut into `ImportChunk`s of
PACELINE_IMPORT_CHUNK_ENTRIES entries, hands the chunks it was given a sender for to other
workers, and imports the rest itself. `import_chunk_run` (a chunk's task) imports one chunk.
Each chunk's run publishes its activities when it ends (`batched`), so metrics are computed
while the other chunks still import; the job is done when its last chunk is.

Resumable and idempotent: entries are imported in small batches, and each batch's rows are
committed in the **same transaction** as the chunk's cursor and results (a compare-and-set on
the cursor, under the chunk's lease) and the job's counts. A killed worker therefore leaves the
whole batch with its counts or none of it; a rerun continues from the chunk's cursor, so final
rows *and* counts equal an uninterrupted run's. (Original files already written to storage by a
rolled-back batch stay as unreferenced files.) A job that ended (failed) stops its chunks at
their next batch.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import ImportChunk, ImportJob
from activities.services.archive_limits import ArchiveLimits, ArchiveRefused
from activities.services.archive_plan import archive_format, archive_plan, reader_kind
from activities.services.archive_reader import ArchiveReader
from activities.services.archives import batch_import, setting
from activities.types import FileResult, ImportReport, Outcome
from core.leases import LeaseHeld
from core.outbox import batched

logger = logging.getLogger(__name__)

__all__ = ["import_chunk_run", "import_job_run"]

COUNTS = ("created", "merged", "skipped", "failed")
Sender = Callable[[int], object]


class LeaseLost(Exception):  # noqa: N818
    """Another worker advanced this chunk, or the job ended: stop without writing more."""


def import_job_run(*, job_id: int, send: Sender | None = None) -> ImportJob | None:
    """Plan the job into chunks (once), `send` each chunk not sent yet but the first to other
    workers, then import the chunks never sent here, until the time slice
    (PACELINE_IMPORT_SLICE_S) ends. None when the job is finished or gone.

    Raises LeaseHeld when a live lease holds the job or the chunk to run here (a redelivered
    message while its first run goes on, a worker that died moments ago): the caller retries
    once the lease expires. The job returned is still RUNNING while chunks remain.
    """
    job = _job_lease_take(job_id)
    if job is None:
        return None
    until = time.monotonic() + float(setting("PACELINE_IMPORT_SLICE_S", 600))
    with _job_guard(job), _local_archive(job) as path, _reader(job, path) as reader:
        _job_plan(job, reader)
        unsent = list(job.chunks.filter(done=False, sent_at__isnull=True).order_by("start"))
        if send is not None:
            for chunk in unsent[1:]:
                send(chunk.id)
            unsent = unsent[:1]
        for chunk in unsent:
            _chunk_run(chunk.id, job, reader, until)
            if time.monotonic() >= until:
                break
    return _job_complete(job)


def import_chunk_run(*, chunk_id: int) -> ImportChunk | None:
    """Import one chunk from its cursor until the time slice ends; None when it is done, gone,
    or its job ended. Raises LeaseHeld while another worker's lease holds it."""
    chunk = ImportChunk.objects.select_related("job__athlete").filter(id=chunk_id).first()
    if chunk is None or chunk.done or chunk.job.state != ImportJob.State.RUNNING:
        return None
    job = chunk.job
    until = time.monotonic() + float(setting("PACELINE_IMPORT_SLICE_S", 600))
    with _job_guard(job), _local_archive(job) as path, _reader(job, path) as reader:
        _chunk_run(chunk_id, job, reader, until)
    _job_complete(job)
    chunk.refresh_from_db()
    return None if chunk.done or job.state in ImportJob.FINISHED else chunk


@contextmanager
def _job_guard(job: ImportJob) -> Iterator[None]:
    """A refused archive or an unexpected error fails the job; a lost lease stops quietly."""
    try:
        yield
    except LeaseLost:
        return
    except LeaseHeld:
        raise
    except ArchiveRefused as refused:
        _job_finish(job, ImportJob.State.FAILED, refused.reason)
    except Exception:
        logger.exception("import job %s stopped", job.id)
        _job_finish(job, ImportJob.State.FAILED, _("The import stopped on an error."))


# --- Planning ------------------------------------------------------------------------------------


def _reader(job: ImportJob, path: Path) -> ArchiveReader:
    return ArchiveReader(path, limits=ArchiveLimits.from_settings(), name=job.original_name)


def _job_plan(job: ImportJob, reader: ArchiveReader) -> None:
    """Kind, total and chunks, once; the job's lease ends with it (the chunks hold their own)."""
    if not job.chunks.exists():
        kind = job.kind or reader_kind(reader)
        total = len(archive_plan(reader, kind))
        size = max(1, int(setting("PACELINE_IMPORT_CHUNK_ENTRIES", 100)))
        with transaction.atomic():
            ImportChunk.objects.bulk_create(
                [
                    ImportChunk(job=job, start=start, end=min(total, start + size), cursor=start)
                    for start in range(0, total, size)
                ],
                ignore_conflicts=True,
            )
            ImportJob.objects.filter(id=job.id).update(kind=kind, total=total)
        job.kind, job.total = kind, total
    ImportJob.objects.filter(id=job.id).update(lease_until=None)


def _job_lease_take(job_id: int) -> ImportJob | None:
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


def _lease_until() -> Any:
    return timezone.now() + dt.timedelta(seconds=float(setting("PACELINE_IMPORT_LEASE_S", 120)))


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


# --- Chunks --------------------------------------------------------------------------------------


def _chunk_run(chunk_id: int, job: ImportJob, reader: ArchiveReader, until: float) -> bool:
    """Import a chunk under its lease from its cursor, one batch at least, until `until`;
    announce its activities when it stops. True when the chunk is done."""
    chunk = _chunk_lease_take(chunk_id)
    if chunk is None:
        return True
    entries = archive_plan(reader, job.kind)
    export = archive_format(job.kind)
    with batched():  # one announcement for this run of the chunk
        first = chunk.cursor
        while chunk.cursor < chunk.end and (chunk.cursor == first or time.monotonic() < until):
            with transaction.atomic():
                results, after = batch_import(
                    job.athlete, reader, export, entries, chunk.cursor, chunk.end
                )
                _chunk_advance(job, chunk, to_cursor=after, results=results)
    if not chunk.done:
        ImportChunk.objects.filter(id=chunk.id, cursor=chunk.cursor).update(lease_until=None)
    return chunk.done


def _chunk_lease_take(chunk_id: int) -> ImportChunk | None:
    """Compare-and-set on the chunk's lease; None when it is done; LeaseHeld when held."""
    now = timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    if ImportChunk.objects.filter(free, id=chunk_id, done=False).update(lease_until=_lease_until()):
        return ImportChunk.objects.get(id=chunk_id)
    held = ImportChunk.objects.filter(id=chunk_id, done=False).first()
    if held is not None and held.lease_until is not None:
        raise LeaseHeld(max(0.0, (held.lease_until - now).total_seconds()))
    return None


def _chunk_advance(
    job: ImportJob, chunk: ImportChunk, *, to_cursor: int, results: list[FileResult]
) -> None:
    """The chunk's cursor and results (compare-and-set, lease renewed), then the job's counts,
    cursor and results (its row locked): in the batch's transaction, all or nothing."""
    rows = [_as_json(result) for result in results]
    moved = ImportChunk.objects.filter(id=chunk.id, cursor=chunk.cursor, done=False).update(
        cursor=to_cursor,
        done=to_cursor >= chunk.end,
        results=[*chunk.results, *rows],
        lease_until=_lease_until(),
    )
    running = ImportJob.objects.select_for_update().filter(id=job.id, state=ImportJob.State.RUNNING)
    stored = running.values_list("results", flat=True).first()
    if not moved or stored is None:
        raise LeaseLost
    counts = ImportReport(results).counts()
    running.update(
        cursor=F("cursor") + (to_cursor - chunk.cursor),
        results=_results_kept([*stored, *rows]),
        **{name: F(name) + counts[name] for name in COUNTS},
    )
    chunk.results = [*chunk.results, *rows]
    chunk.cursor, chunk.done = to_cursor, to_cursor >= chunk.end


# --- Results and the end -------------------------------------------------------------------------


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


def _job_complete(job: ImportJob) -> ImportJob:
    """Done once every chunk is, with the results in entry order (the chunks', end to end)."""
    job.refresh_from_db()
    if job.state != ImportJob.State.RUNNING or job.chunks.filter(done=False).exists():
        return job
    chunks = job.chunks.order_by("start").values_list("results", flat=True)
    results = _results_kept([row for rows in chunks for row in rows])
    return _job_finish(job, ImportJob.State.DONE, "", results=results)


def _job_finish(
    job: ImportJob, state: str, error: str, *, results: list[dict[str, Any]] | None = None
) -> ImportJob:
    """Record the end once (the first of concurrent chunks to see it), then delete the
    uploaded file: a finished job needs it no more."""
    extra = {"results": results} if results is not None else {}
    ended = ImportJob.objects.filter(id=job.id, state__in=ImportJob.ACTIVE).update(
        state=state, error=error, lease_until=None, finished_at=timezone.now(), **extra
    )
    job.refresh_from_db()
    if ended and job.archive:
        job.archive.delete(save=False)
        ImportJob.objects.filter(id=job.id).update(archive="")
    return job
