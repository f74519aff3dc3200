"""Background tasks of the Strava connection: thin, named, retry policy only (queue `sync`).

Strava's rate window used up (`Deferred`) reschedules the task to the window's end — a worker
never sleeps waiting for Strava (the library's own limiter is off). In-process (no broker) the
row waits and the sweep sends it again.
"""

from __future__ import annotations

import random
from typing import Any

from celery import shared_task
from django.utils import timezone

from core.leases import LeaseHeld
from integrations.strava.sync import Deferred, event_process, strava_run

__all__ = ["strava_event_task", "strava_sync_task"]

JITTER_S = 30.0


def _countdown(deferred: Deferred) -> float:
    wait = (deferred.until - timezone.now()).total_seconds()
    return max(1.0, wait) + random.uniform(0, JITTER_S)  # noqa: S311 — spreading load


@shared_task(
    bind=True,
    name="integrations.strava_sync",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=None,
)
def strava_sync_task(self: Any, run_id: int) -> None:
    """Do a queued Strava run (`strava_run`)."""
    try:
        strava_run(run_id)
    except LeaseHeld as held:
        if self.request.is_eager:
            return
        raise self.retry(countdown=held.retry_in_s + 1, exc=held) from held
    except Deferred as deferred:
        if self.request.is_eager:
            return
        raise self.retry(countdown=_countdown(deferred), exc=deferred) from deferred


@shared_task(
    bind=True,
    name="integrations.strava_event",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=None,
)
def strava_event_task(self: Any, event_id: int) -> None:
    """Do a received webhook event (`event_process`)."""
    try:
        event_process(event_id)
    except Deferred as deferred:
        if self.request.is_eager:
            return
        raise self.retry(countdown=_countdown(deferred), exc=deferred) from deferred
