"""When Garmin syncs run: after connecting (a backfill), on the schedule, and on request.

Every run is first a queued `SyncRun` row, then a task (`integrations.garmin_sync`, queue
`sync`): the row is the durable intent, so a run whose message Redis lost is sent again by
the sweep. The schedule itself is a sweeper (`garmin_syncs_sweep`, every PACELINE_SWEEP_S):
it queues what is due for each connection — activities hourly in the athlete's daytime,
wellness after 07:00, 12:00 and 22:00 athlete-local — so a beat missed while workers were down
is caught up, never doubled. Runs are spread over a few minutes (jitter) and never queued for
a connection that Garmin asked to wait.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from athletes.models import User
from integrations.models import Connection, SyncRun
from integrations.services.connections import (
    connections_manage_check,
    sync_run_queue,
    sync_runs_interrupted_close,
    sync_runs_lost,
)
from integrations.services.connections import sync_run_send as runs_send

ACTIVITY_EVERY = dt.timedelta(hours=1)
DAYTIME_HOURS = range(5, 23)  # athlete-local hours in which activities are fetched
WELLNESS_HOURS = (7, 12, 22)
SYNC_NOW_EVERY = dt.timedelta(minutes=5)
JITTER_S = 120.0
BACKFILL_DAYS = 90
BACKFILL_MAX_DAYS = 730
WELLNESS_BACKFILL_DAYS = 30


class SyncRefused(Exception):  # noqa: N818 — a request refused with a reason for the person
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def sync_run_send(run_id: int, *, jitter_s: float = 0.0) -> bool:
    """Queue the run's task; False when the broker is away (the sweep sends it later)."""
    from integrations.garmin.tasks import garmin_sync_task  # tasks import this module

    return runs_send(garmin_sync_task, run_id, jitter_s=jitter_s)


def _queue(
    connection: Connection, kind: str, *, since: dt.date | None = None, by: User | None = None
) -> SyncRun | None:
    """Queue a run asked for now, sent once the request's transaction commits."""
    return sync_run_queue(connection, kind, since=since, by=by, send=sync_run_send)


def queue_after_connect(connection: Connection, *, today: dt.date | None = None) -> None:
    """A first connection fetches its history (90 days of activities, 30 of wellness); a
    reconnection picks up from where its cursor stopped."""
    today = today or connection.athlete.local_today()
    if connection.cursor.get("activities_from"):
        _queue(connection, SyncRun.Kind.ACTIVITIES)
    else:
        _queue(connection, SyncRun.Kind.BACKFILL, since=today - dt.timedelta(days=BACKFILL_DAYS))
    had_wellness = connection.runs.filter(kind=SyncRun.Kind.WELLNESS).exists()
    since = None if had_wellness else today - dt.timedelta(days=WELLNESS_BACKFILL_DAYS)
    _queue(connection, SyncRun.Kind.WELLNESS, since=since)


def _usable(connection: Connection, now: dt.datetime) -> None:
    if connection.status != Connection.Status.ACTIVE:
        raise SyncRefused(_("Connect Garmin first (or sign in again)."))
    if connection.retry_after is not None and connection.retry_after > now:
        when = formats.time_format(timezone.localtime(connection.retry_after), "TIME_FORMAT")
        raise SyncRefused(
            _("Garmin asked Paceline to wait: try again after %(time)s.") % {"time": when}
        )


def operator_sync(connection: Connection) -> list[SyncRun]:
    """An operator's re-sync (the admin): activities and wellness, whenever no run of that kind
    is queued or running; Garmin's pauses still apply inside the run."""
    with transaction.atomic():
        runs = [
            _queue(connection, SyncRun.Kind.ACTIVITIES),
            _queue(connection, SyncRun.Kind.WELLNESS),
        ]
    return [run for run in runs if run is not None]


def sync_now(*, by: User, connection: Connection, now: dt.datetime | None = None) -> list[SyncRun]:
    """Activities and wellness now, at most once every five minutes."""
    connections_manage_check(by, connection.athlete_id)
    now = now or timezone.now()
    _usable(connection, now)
    with transaction.atomic():
        locked = Connection.objects.select_for_update().get(id=connection.id)
        recent = locked.runs.filter(
            Q(started_at__gt=now - SYNC_NOW_EVERY) | Q(state__in=SyncRun.BUSY)
        )
        if recent.filter(kind__in=[SyncRun.Kind.ACTIVITIES, SyncRun.Kind.WELLNESS]).exists():
            raise SyncRefused(_("A sync ran less than five minutes ago: its results are below."))
        runs = [
            _queue(locked, SyncRun.Kind.ACTIVITIES, by=by),
            _queue(locked, SyncRun.Kind.WELLNESS, by=by),
        ]
    return [run for run in runs if run is not None]


def backfill_request(
    *, by: User, connection: Connection, since: dt.date, now: dt.datetime | None = None
) -> SyncRun:
    """Fetch activities from `since` (at most two years back: older history comes with the
    Garmin export archive)."""
    connections_manage_check(by, connection.athlete_id)
    now = now or timezone.now()
    _usable(connection, now)
    today = connection.athlete.local_today(now)
    if since > today:
        raise SyncRefused(_("Choose a day in the past."))
    if since < today - dt.timedelta(days=BACKFILL_MAX_DAYS):
        raise SyncRefused(
            _(
                "Garmin syncs go back two years at most: import older history from your "
                "Garmin export."
            )
        )
    with transaction.atomic():
        run = _queue(connection, SyncRun.Kind.BACKFILL, since=since, by=by)
    if run is None:
        raise SyncRefused(_("A backfill is already on its way."))
    return run


def garmin_syncs_sweep(*, now: dt.datetime) -> int:
    """Queue what is due for every active Garmin connection, and send again queued runs whose
    message was lost. Returns how many runs were sent."""
    garmin = Connection.Provider.GARMIN
    sent = sum(sync_run_send(run_id) for run_id in sync_runs_lost(garmin, now=now))
    sync_runs_interrupted_close(garmin, now=now)
    due = (
        Connection.objects.filter(
            provider=Connection.Provider.GARMIN, status=Connection.Status.ACTIVE
        )
        .exclude(retry_after__gt=now)
        .select_related("athlete")
        .annotate(
            last_activities=Max(
                "runs__started_at",
                filter=Q(runs__kind__in=[SyncRun.Kind.ACTIVITIES, SyncRun.Kind.BACKFILL]),
            ),
            last_wellness=Max("runs__started_at", filter=Q(runs__kind=SyncRun.Kind.WELLNESS)),
        )
    )
    for connection in due:
        last_activities: dt.datetime | None = connection.last_activities  # type: ignore[attr-defined]
        last_wellness: dt.datetime | None = connection.last_wellness  # type: ignore[attr-defined]
        local = now.astimezone(connection.athlete.tz)
        queued = []
        if local.hour in DAYTIME_HOURS and (
            last_activities is None or now - last_activities >= ACTIVITY_EVERY
        ):
            queued.append(sync_run_queue(connection, SyncRun.Kind.ACTIVITIES, now=now))
        slot = _wellness_slot(local)
        if slot is not None and (last_wellness is None or last_wellness < slot):
            queued.append(sync_run_queue(connection, SyncRun.Kind.WELLNESS, now=now))
        for run in queued:
            if run is not None:
                sent += sync_run_send(run.id, jitter_s=JITTER_S)
    return sent


def _wellness_slot(local: dt.datetime) -> dt.datetime | None:
    """The latest wellness time of the athlete's day that has passed (None before 07:00)."""
    passed = [hour for hour in WELLNESS_HOURS if hour <= local.hour]
    if not passed:
        return None
    return local.replace(hour=passed[-1], minute=0, second=0, microsecond=0)
