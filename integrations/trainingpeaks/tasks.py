"""Background task of the TrainingPeaks calendar: thin, named, retry policy only (queue `sync`)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from core.leases import LeaseHeld
from integrations.models import SyncRun
from integrations.trainingpeaks.sync import calendar_pull

__all__ = ["calendar_pull_task"]


@shared_task(
    bind=True,
    name="integrations.calendar_pull",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=None,
)
def calendar_pull_task(self: Any, run_id: int) -> None:
    """Do a queued pull; a run no longer queued or running (done by an earlier delivery) is
    left alone. While another pull holds the connection, retry when its lease ends."""
    run = SyncRun.objects.filter(id=run_id, state__in=SyncRun.BUSY).first()
    if run is None:
        return
    try:
        calendar_pull(run.connection_id, run=run)
    except LeaseHeld as held:
        if self.request.is_eager:  # in-process: the sweep sends it again
            return
        raise self.retry(countdown=held.retry_in_s + 1, exc=held) from held
