"""Background tasks of the activities app: thin, named, retry policy only.

An import job is sent here once its upload is stored (`uploads.import_job_create`); its run
plans it into chunks and sends them to every worker. A chunk is sent again for each time slice,
and jobs and chunks again by `import_jobs_sweep` when nobody works on them; the rows are the
durable intent, `sent_at` says when each was last sent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from activities.models import ImportChunk, ImportJob
from activities.services.archive_jobs import import_chunk_run, import_job_run
from activities.services.storage import stored_files_sweep
from core.embedded import background
from core.leases import LeaseHeld
from core.outbox import send

__all__ = [
    "import_chunk_run_task",
    "import_job_run_task",
    "import_job_send",
    "import_jobs_sweep",
    "stored_files_sweep",
]


@shared_task(
    bind=True,
    name="activities.import_job_run",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=None,
)
def import_job_run_task(self: Any, job_id: int) -> None:
    """Plan an import job into chunks, send them to the workers but the first, run that one
    for a time slice (PACELINE_IMPORT_SLICE_S); what it left is sent as chunks of its own.

    Redelivered after a lost worker (acks_late): while the dead run's lease lives, retry when
    it expires, then take the job over. A finished or gone job is done.
    """
    try:
        job = import_job_run(job_id=job_id, send=import_chunk_send)
    except LeaseHeld as held:
        if self.request.is_eager:  # in-process: nobody else runs it; the sweep sends it later
            return
        raise self.retry(countdown=held.retry_in_s + 1, exc=held) from held
    if job is not None and job.state == ImportJob.State.RUNNING:
        unsent = job.chunks.filter(done=False, sent_at__isnull=True)
        for chunk_id in unsent.values_list("id", flat=True):
            import_chunk_send(chunk_id)


@shared_task(
    bind=True,
    name="activities.import_chunk_run",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=None,
)
def import_chunk_run_task(self: Any, chunk_id: int) -> None:
    """Run one time slice of a chunk of an import job; queue the next while entries remain.
    Redelivered after a lost worker: retry once the dead run's lease expired."""
    try:
        chunk = import_chunk_run(chunk_id=chunk_id)
    except LeaseHeld as held:
        if self.request.is_eager:
            return
        raise self.retry(countdown=held.retry_in_s + 1, exc=held) from held
    if chunk is not None:
        import_chunk_send(chunk_id)


def import_job_send(job_id: int) -> bool:
    """Queue the job's run; False when the broker is away (the sweep sends it later). In the
    embedded server (no broker) it runs in a thread of its own, not in the upload's request."""
    ImportJob.objects.filter(id=job_id).update(sent_at=timezone.now())
    return background(import_job_run_task, job_id) or send(import_job_run_task, job_id)


def import_chunk_send(chunk_id: int) -> bool:
    """Queue (a slice of) a chunk; False when the broker is away (the sweep sends it later)."""
    ImportChunk.objects.filter(id=chunk_id).update(sent_at=timezone.now())
    return send(import_chunk_run_task, chunk_id)


def import_jobs_sweep(*, now: dt.datetime) -> int:
    """Send again what nobody works on: jobs queued and never sent or whose message was lost,
    running jobs with no chunk left to import (their planning or their end was interrupted);
    chunks never sent, whose message was lost or whose worker died (lease expired).
    Returns how many were sent."""
    grace = dt.timedelta(seconds=float(getattr(settings, "PACELINE_IMPORT_RESEND_S", 120)))
    not_sent = Q(sent_at__isnull=True) | Q(sent_at__lt=now - grace)
    free = Q(lease_until__lt=now) | Q(lease_until__isnull=True)
    queued = Q(state=ImportJob.State.QUEUED, created_at__lt=now - grace) & not_sent
    importing = Exists(ImportChunk.objects.filter(job=OuterRef("pk"), done=False))
    orphaned = Q(state=ImportJob.State.RUNNING) & free & not_sent & ~importing
    jobs = ImportJob.objects.filter(queued | orphaned).values_list("id", flat=True)
    chunks = ImportChunk.objects.filter(
        free, not_sent, done=False, job__state=ImportJob.State.RUNNING,
        job__started_at__lt=now - grace,
    ).values_list("id", flat=True)  # fmt: skip
    return sum(import_job_send(i) for i in list(jobs)) + sum(
        import_chunk_send(i) for i in list(chunks)
    )
