"""Background tasks of the activities app: thin, named, retry policy only.

An import job is sent here once its upload is stored (`uploads.import_job_create`), again for
each time slice, and again by `import_jobs_sweep` when nobody works on it; the job row is the
durable intent, `sent_at` says when it was last sent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from activities.models import ImportJob
from activities.services.archives import import_job_run
from activities.services.storage import stored_files_sweep
from core.leases import LeaseHeld
from core.outbox import send

__all__ = ["import_job_run_task", "import_job_send", "import_jobs_sweep", "stored_files_sweep"]


@shared_task(
    bind=True,
    name="activities.import_job_run",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=None,
)
def import_job_run_task(self: Any, job_id: int) -> None:
    """Run one time slice of an import job (PACELINE_IMPORT_SLICE_S, well within the task time
    limit); queue the next slice while entries remain.

    Redelivered after a lost worker (acks_late): while the dead run's lease lives, retry when
    it expires, then take the job over from its cursor. A finished or gone job is done.
    """
    try:
        job = import_job_run(job_id=job_id)
    except LeaseHeld as held:
        if self.request.is_eager:  # in-process: nobody else runs it; the sweep sends it later
            return
        raise self.retry(countdown=held.retry_in_s + 1, exc=held) from held
    if job is not None and job.state == ImportJob.State.RUNNING:
        import_job_send(job_id)


def import_job_send(job_id: int) -> bool:
    """Queue (a slice of) the job; False when the broker is away (the sweep sends it later)."""
    ImportJob.objects.filter(id=job_id).update(sent_at=timezone.now())
    return send(import_job_run_task, job_id)


def import_jobs_sweep(*, now: dt.datetime) -> int:
    """Send again the jobs nobody works on: queued ones never sent or whose message was lost,
    running ones whose worker died (lease expired) or whose next slice was never queued.
    Returns how many were sent."""
    grace = dt.timedelta(seconds=float(getattr(settings, "PACELINE_IMPORT_RESEND_S", 120)))
    not_sent = Q(sent_at__isnull=True) | Q(sent_at__lt=now - grace)
    queued = Q(state=ImportJob.State.QUEUED, created_at__lt=now - grace) & not_sent
    orphaned = (
        Q(state=ImportJob.State.RUNNING)
        & (Q(lease_until__lt=now) | Q(lease_until__isnull=True))
        & not_sent
    )
    ids = list(ImportJob.objects.filter(queued | orphaned).values_list("id", flat=True))
    return sum(import_job_send(job_id) for job_id in ids)
