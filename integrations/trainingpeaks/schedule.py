"""When the TrainingPeaks calendar is pulled: once its address is given, every 3 hours, and
on request (at most every 5 minutes). Each pull is first a queued `SyncRun` (the durable
intent: the sweep sends it again if its message was lost), then a task on the `sync` queue."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from athletes.models import Athlete, User
from integrations.models import Connection, SyncRun
from integrations.services.connections import (
    connections_manage_check,
    sync_run_queue,
    sync_run_send,
    sync_runs_interrupted_close,
    sync_runs_lost,
)
from integrations.trainingpeaks.client import normalized

PULL_EVERY = dt.timedelta(hours=3)
PULL_NOW_EVERY = dt.timedelta(minutes=5)
JITTER_S = 300.0
MAX_URL = 2000


class CalendarRefused(Exception):  # noqa: N818 — a request refused with a reason for the person
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def pull_send(run_id: int, *, jitter_s: float = 0.0) -> bool:
    from integrations.trainingpeaks.tasks import calendar_pull_task  # tasks import sync

    return sync_run_send(calendar_pull_task, run_id, jitter_s=jitter_s)


def _queue(connection: Connection, *, by: User | None = None) -> SyncRun | None:
    return sync_run_queue(connection, SyncRun.Kind.PLAN, by=by, send=pull_send)


def calendar_connect(*, by: User, athlete: Athlete, url: str) -> Connection:
    """Keep the feed address (encrypted: it is a secret that reads the athlete's calendar) and
    pull it at once; the run says what it found."""
    connections_manage_check(by, athlete.id)
    address = normalized(url)
    if not address.lower().startswith(("https://", "http://")) or len(address) > MAX_URL:
        raise CalendarRefused(_("Paste the calendar's webcal:// or https:// address."))
    with transaction.atomic():
        connection, _created = Connection.objects.select_for_update().get_or_create(
            athlete=athlete, provider=Connection.Provider.TRAININGPEAKS
        )
        connection.set_credentials({"feed_url": address})
        connection.status = Connection.Status.ACTIVE
        connection.status_reason = ""
        connection.cursor = {}
        connection.save(update_fields=["credentials", "status", "status_reason", "cursor"])
        _queue(connection, by=by)
    return connection


def calendar_pull_now(
    *, by: User, connection: Connection, now: dt.datetime | None = None
) -> SyncRun:
    connections_manage_check(by, connection.athlete_id)
    now = now or timezone.now()
    if not connection.credentials_dict.get("feed_url"):
        raise CalendarRefused(_("Paste the calendar's address first."))
    recent = connection.runs.filter(
        Q(started_at__gt=now - PULL_NOW_EVERY) | Q(state__in=SyncRun.BUSY)
    )
    if recent.exists():
        raise CalendarRefused(_("The calendar was read less than five minutes ago."))
    with transaction.atomic():
        run = _queue(connection, by=by)
    if run is None:
        raise CalendarRefused(_("The calendar is being read."))
    return run


def calendar_pulls_sweep(*, now: dt.datetime) -> int:
    """Queue a pull for every calendar last read 3 hours ago or more, send again queued pulls
    whose message was lost, close pulls a dead worker left running. Returns how many were
    sent."""
    calendars = Connection.Provider.TRAININGPEAKS
    sent = sum(pull_send(run_id) for run_id in sync_runs_lost(calendars, now=now))
    sync_runs_interrupted_close(calendars, now=now)
    due = (
        Connection.objects.filter(
            provider=Connection.Provider.TRAININGPEAKS, status=Connection.Status.ACTIVE
        )
        .annotate(last=Max("runs__started_at"))
        .filter(Q(last__isnull=True) | Q(last__lte=now - PULL_EVERY))
    )
    for connection in due:
        run = sync_run_queue(connection, SyncRun.Kind.PLAN, now=now)
        if run is not None:
            sent += pull_send(run.id, jitter_s=JITTER_S)
    return sent
