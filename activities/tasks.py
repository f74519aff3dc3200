"""Background tasks of the activities app: thin, named, retry policy only."""

from __future__ import annotations

from celery import shared_task

from activities.models import ImportJob
from activities.services.archives import import_job_run


@shared_task(
    name="activities.import_job_run",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def import_job_run_task(job_id: int) -> None:
    """Run one time slice of an import job (PACELINE_IMPORT_SLICE_S, well within the task time
    limit); queue the next slice while entries remain.

    Redelivered after a lost worker (acks_late); a job that is finished, gone or leased by a
    live worker is left alone.
    """
    job = import_job_run(job_id=job_id)
    if job is not None and job.state == ImportJob.State.RUNNING:
        import_job_run_task.delay(job_id)
