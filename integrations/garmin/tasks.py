"""Background tasks of the Garmin connection: thin, named, retry policy only (queue `sync`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import shared_task
from django.conf import settings

from core.leases import LeaseHeld
from integrations.garmin.auth import login_attempt_run, login_attempt_send
from integrations.garmin.sync import garmin_run
from integrations.models import LoginAttempt

__all__ = ["garmin_login_task", "garmin_sync_task", "login_attempts_resend_sweep"]


@shared_task(
    bind=True,
    name="integrations.garmin_login",
    acks_late=True,
    ignore_result=True,
    max_retries=None,
)
def garmin_login_task(self: Any, attempt_id: int) -> None:
    """Run a sign-in or an MFA code check (`login_attempt_run`). Never retried for Garmin's
    own answers (a refused or blocked sign-in is the athlete's to retry); only while a sync
    holds the connection, until its lease ends."""
    try:
        login_attempt_run(attempt_id)
    except LeaseHeld as held:
        if self.request.is_eager:  # in-process: the sweep sends it again
            return
        raise self.retry(countdown=held.retry_in_s + 1, exc=held) from held


def login_attempts_resend_sweep(*, now: dt.datetime) -> int:
    """Send again the attempts waiting for a worker whose message was lost (broker away);
    returns how many were sent."""
    grace = dt.timedelta(seconds=float(getattr(settings, "PACELINE_LOGIN_RESEND_S", 30)))
    ids = LoginAttempt.objects.filter(
        state__in=LoginAttempt.WAITING_FOR_A_WORKER,
        updated_at__lt=now - grace,
        expires_at__gt=now,
    ).values_list("id", flat=True)
    return sum(login_attempt_send(attempt_id) for attempt_id in list(ids))


@shared_task(
    bind=True,
    name="integrations.garmin_sync",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=None,
)
def garmin_sync_task(self: Any, run_id: int) -> None:
    """Do a queued Garmin run (`garmin_run`). While another run holds the connection, retry
    when its lease ends; Garmin's 429s pause the connection instead of waiting here."""
    try:
        garmin_run(run_id)
    except LeaseHeld as held:
        if self.request.is_eager:  # in-process: the sweep sends it again
            return
        raise self.retry(countdown=held.retry_in_s + 1, exc=held) from held
