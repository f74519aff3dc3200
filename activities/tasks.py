"""Background tasks of the activities app: thin, named, retry policy only."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from activities.models import ImportJob
from activities.services.archives import import_job_run, import_job_send, import_jobs_sweep
from activities.services.storage import stored_files_sweep
from core.leases import LeaseHeld

__all__ = ["import_job_run_task", "import_jobs_sweep", "stored_files_sweep"]


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
