"""Connecting Strava (OAuth), and when its work runs: a backfill after connecting, a webhook
event as it arrives, the daily reconcile, "sync now", a backfill from a date, disconnecting.

Every run is first a queued `SyncRun` row and every event a `WebhookEvent` row, then a task
(queue `sync`): the rows are the durable intent, so work whose message Redis lost is sent again
by the sweep (`strava_syncs_sweep`, every PACELINE_SWEEP_S), which also queues each connection's
daily reconcile (after 04:00 athlete-local) and applies STRAVA_RETENTION_DAYS.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from athletes.models import Athlete, User
from core.outbox import send
from integrations.models import Connection, SyncRun, WebhookEvent
from integrations.services.connections import (
    RESEND_AFTER,
    connection_activate,
    connections_manage_check,
    sync_run_queue,
    sync_runs_interrupted_close,
    sync_runs_lost,
)
from integrations.services.connections import sync_run_send as runs_send
from integrations.strava import client
from integrations.strava.sync import strava_forget, strava_retention_apply

PROVIDER = Connection.Provider.STRAVA
BACKFILL_DAYS = 30  # on first connecting: two reads per activity come out of a shared budget
BACKFILL_MAX_DAYS = 730  # older history: Strava's bulk export archive, imported as a file
SYNC_NOW_EVERY = dt.timedelta(minutes=5)
RECONCILE_HOUR = 4  # athlete-local: the daily reconcile runs after this hour
JITTER_S = 600.0
EVENT_GRACE = dt.timedelta(seconds=30)
EVENTS_KEPT = dt.timedelta(days=30)  # events done are kept this long, for the admin


class StravaRefused(Exception):  # noqa: N818 — a request refused with a reason for the person
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def run_send(run_id: int, *, jitter_s: float = 0.0) -> bool:
    from integrations.strava.tasks import strava_sync_task  # tasks import this module

    return runs_send(strava_sync_task, run_id, jitter_s=jitter_s)


def event_send(event_id: int) -> bool:
    from integrations.strava.tasks import strava_event_task

    WebhookEvent.objects.filter(id=event_id).update(sent_at=timezone.now())
    return send(strava_event_task, event_id)


def _queue(
    connection: Connection, kind: str, *, since: dt.date | None = None, by: User | None = None
) -> SyncRun | None:
    return sync_run_queue(connection, kind, since=since, by=by, send=run_send)


# --- OAuth -------------------------------------------------------------------------------------


def oauth_state() -> str:
    return secrets.token_urlsafe(32)


def state_matches(expected: str, given: str) -> bool:
    return bool(expected) and hmac.compare_digest(expected.encode(), given.encode())


def oauth_begin(*, by: User, athlete: Athlete, redirect_uri: str, state: str) -> str:
    """Where to send the browser to approve Paceline at Strava."""
    connections_manage_check(by, athlete.id)
    if not client.enabled():
        raise StravaRefused(_("Strava is not set up on this server."))
    return client.authorize_url(redirect_uri=redirect_uri, state=state)


def oauth_complete(
    *, by: User, athlete: Athlete, code: str, scope: str, today: dt.date | None = None
) -> Connection:
    """Keep the athlete's tokens (encrypted) from Strava's redirect and fetch their recent
    history. Refused, with what to do, when a scope Paceline needs was unticked (the tokens
    are revoked at once) or the Strava account feeds another athlete already."""
    connections_manage_check(by, athlete.id)
    if not client.enabled():
        raise StravaRefused(_("Strava is not set up on this server."))
    granted = {item.strip() for item in scope.split(",") if item.strip()}
    try:
        tokens = client.code_exchange(code)
    except client.StravaError as error:
        raise StravaRefused(
            _("Strava did not confirm the connection (%(reason)s): try again.")
            % {"reason": type(error).__name__}
        ) from error
    if client.REQUIRED_SCOPE not in granted:
        _revoke_quietly(tokens.access_token)
        raise StravaRefused(
            _(
                "Paceline needs to read all your activities, private ones included: connect "
                "again and leave “View data about your private activities” ticked."
            )
        )
    taken = (
        Connection.objects.filter(provider=PROVIDER, external_user_id=tokens.athlete_id)
        .exclude(athlete=athlete)
        .exists()
    )
    if taken:
        raise StravaRefused(
            _("This Strava account is already connected to another Paceline athlete.")
        )
    try:
        with transaction.atomic():
            connection, _created = Connection.objects.select_for_update().get_or_create(
                athlete=athlete, provider=PROVIDER
            )
            first = not connection.runs.exists()
            connection.set_credentials(
                {**tokens.as_credentials(), "athlete_name": tokens.athlete_name}
            )
            connection.scopes = ",".join(sorted(granted))[:255]
            connection.save(update_fields=["credentials", "scopes"])
            connection_activate(connection, external_user_id=tokens.athlete_id)
            if first:
                start = (today or athlete.local_today()) - dt.timedelta(days=BACKFILL_DAYS)
                _queue(connection, SyncRun.Kind.BACKFILL, since=start, by=by)
            else:
                _queue(connection, SyncRun.Kind.ACTIVITIES, by=by)
    except IntegrityError as error:  # the same account connected meanwhile elsewhere
        raise StravaRefused(
            _("This Strava account is already connected to another Paceline athlete.")
        ) from error
    return connection


def _revoke_quietly(token: str) -> bool:
    try:
        client.token_revoke(token)
    except client.StravaError:
        return False
    return True


def disconnect(*, by: User, connection: Connection) -> tuple[dict[str, int], bool]:
    """Revoke Paceline's access at Strava and delete what Strava brought; returns what went and
    whether Strava confirmed the revocation (the data goes either way)."""
    connections_manage_check(by, connection.athlete_id)
    token = str(connection.credentials_dict.get("refresh_token", ""))
    revoked = _revoke_quietly(token) if token and client.enabled() else False
    return strava_forget(connection), revoked


# --- Runs asked for ----------------------------------------------------------------------------


def _usable(connection: Connection) -> None:
    if connection.status != Connection.Status.ACTIVE:
        raise StravaRefused(_("Connect Strava first (or connect it again)."))


def sync_now(*, by: User, connection: Connection, now: dt.datetime | None = None) -> SyncRun:
    """The last three days again, at most once every five minutes."""
    connections_manage_check(by, connection.athlete_id)
    now = now or timezone.now()
    _usable(connection)
    with transaction.atomic():
        locked = Connection.objects.select_for_update().get(id=connection.id)
        recent = locked.runs.filter(
            Q(started_at__gt=now - SYNC_NOW_EVERY) | Q(state__in=SyncRun.BUSY),
            kind=SyncRun.Kind.ACTIVITIES,
        )
        if recent.exists():
            raise StravaRefused(_("A sync ran less than five minutes ago: its results are below."))
        run = _queue(locked, SyncRun.Kind.ACTIVITIES, by=by)
    if run is None:
        raise StravaRefused(_("A sync is already on its way."))
    return run


def backfill_request(
    *, by: User, connection: Connection, since: dt.date, now: dt.datetime | None = None
) -> SyncRun:
    connections_manage_check(by, connection.athlete_id)
    _usable(connection)
    today = connection.athlete.local_today(now or timezone.now())
    if since > today:
        raise StravaRefused(_("Choose a day in the past."))
    if since < today - dt.timedelta(days=BACKFILL_MAX_DAYS):
        raise StravaRefused(
            _(
                "Strava syncs go back two years at most: import older history from your "
                "Strava export archive."
            )
        )
    with transaction.atomic():
        run = _queue(connection, SyncRun.Kind.BACKFILL, since=since, by=by)
    if run is None:
        raise StravaRefused(_("A backfill is already on its way."))
    return run


def operator_sync(connection: Connection) -> list[SyncRun]:
    """An operator's re-sync (the admin): the reconcile, unless one is queued or running."""
    with transaction.atomic():
        run = _queue(connection, SyncRun.Kind.ACTIVITIES)
    return [run] if run is not None else []


def option_set(*, by: User, connection: Connection, skip_garmin: bool) -> Connection:
    connections_manage_check(by, connection.athlete_id)
    connection.options = {**connection.options, "skip_garmin": skip_garmin}
    Connection.objects.filter(id=connection.id).update(options=connection.options)
    return connection


# --- The sweep ---------------------------------------------------------------------------------


def events_waiting_send(*, now: dt.datetime) -> int:
    """Send the events no task has taken: their message was lost, or none was sent (the
    embedded mode leaves them to the sweep). Returns how many were sent."""
    grace = dt.timedelta(0) if settings.CELERY_TASK_ALWAYS_EAGER else EVENT_GRACE
    waiting = WebhookEvent.objects.filter(
        provider=PROVIDER, state=WebhookEvent.State.QUEUED, received_at__lte=now - grace
    ).filter(Q(sent_at__isnull=True) | Q(sent_at__lt=now - RESEND_AFTER))
    return sum(event_send(event_id) for event_id in list(waiting.values_list("id", flat=True)))


def strava_syncs_sweep(*, now: dt.datetime) -> int:
    """Send again runs and events whose message was lost, close runs a dead worker left,
    queue each connection's daily reconcile, apply the retention setting, forget events done
    a month ago. Returns how many tasks were sent."""
    sent = sum(run_send(run_id) for run_id in sync_runs_lost(PROVIDER, now=now))
    sync_runs_interrupted_close(PROVIDER, now=now)
    sent += events_waiting_send(now=now)
    active = Connection.objects.filter(provider=PROVIDER, status=Connection.Status.ACTIVE)
    for connection in active.select_related("athlete"):
        local = now.astimezone(connection.athlete.tz)
        if local.hour < RECONCILE_HOUR:
            continue
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        if connection.runs.filter(started_at__gte=midnight).exists():
            continue
        run = sync_run_queue(connection, SyncRun.Kind.ACTIVITIES, now=now)
        if run is not None:
            sent += run_send(run.id, jitter_s=JITTER_S)
    strava_retention_apply(now=now)
    WebhookEvent.objects.filter(provider=PROVIDER, received_at__lt=now - EVENTS_KEPT).exclude(
        state=WebhookEvent.State.QUEUED
    ).delete()
    return sent
