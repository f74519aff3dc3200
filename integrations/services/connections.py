"""The life of a connection, the same for every provider: lease, tokens, runs, pauses, payloads.

A sync holds the connection's lease for its whole run (`connection_lease`): two syncs of one
connection never overlap, and the token read → refresh → write-back happens inside it, because
Garmin and Strava both rotate refresh tokens (a second writer would store a stale one). A run
that meets a live lease raises `LeaseHeld` and its task retries when the lease ends; a worker
killed mid-run stops renewing, and the next run takes the connection over.

Provider packages call these; their own JSON never comes here except as a `RawPayload` body.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from activities.services.sources import provider_sources_remove
from athletes.models import Athlete, WellnessDay
from core.leases import LeaseHeld
from core.outbox import send
from integrations.models import Connection, LoginAttempt, RawPayload, SyncRun

LEASE = dt.timedelta(minutes=10)  # the default of PACELINE_CONNECTION_LEASE_S
# An API 429 pauses the connection this long, doubling on each new one up to the cap.
PAUSE_FIRST = dt.timedelta(minutes=30)
PAUSE_MAX = dt.timedelta(hours=6)
# A queued run is sent again when its message seems lost: not sent yet this long after it was
# queued, or sent this long ago and still queued.
QUEUED_GRACE = dt.timedelta(seconds=30)
RESEND_AFTER = dt.timedelta(minutes=10)
# A run left running this long with its connection's lease gone died with its worker.
INTERRUPTED_AFTER = dt.timedelta(minutes=30)
INTERRUPTED = gettext_noop("Interrupted (the worker stopped); the next sync goes on.")


def lease_length() -> dt.timedelta:
    """How long a run holds its connection without renewing (PACELINE_CONNECTION_LEASE_S)."""
    seconds = getattr(settings, "PACELINE_CONNECTION_LEASE_S", None)
    return LEASE if seconds is None else dt.timedelta(seconds=float(seconds))


class ConnectionPaused(Exception):  # noqa: N818 — names the situation
    """The connection must not call its provider before `until` (a 429, a refused login)."""

    def __init__(self, until: dt.datetime) -> None:
        super().__init__(f"paused until {until.isoformat()}")
        self.until = until


@contextmanager
def connection_lease(connection_id: int, *, now: dt.datetime | None = None) -> Iterator[Connection]:
    """Hold the connection for one run; yields it fresh from the database.

    Raises LeaseHeld while another run holds it, ConnectionPaused before its `retry_after`,
    Connection.DoesNotExist when it is gone. The lease is released on the way out, whatever
    happens inside; `lease_renew` extends it during a long run.
    """
    now = now or timezone.now()
    owner = uuid.uuid4().hex
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    taken = Connection.objects.filter(free, id=connection_id).update(
        lease_until=now + lease_length(), lease_owner=owner
    )
    connection = Connection.objects.get(id=connection_id)
    if not taken:
        assert connection.lease_until is not None
        raise LeaseHeld(max(0.0, (connection.lease_until - now).total_seconds()))
    try:
        if connection.retry_after is not None and connection.retry_after > now:
            raise ConnectionPaused(connection.retry_after)
        yield connection
    finally:
        Connection.objects.filter(id=connection_id, lease_owner=owner).update(
            lease_until=None, lease_owner=""
        )


def connections_manage_check(user: Any, athlete_id: int) -> None:
    """PermissionDenied unless `user` manages the athlete's connections: the athlete, or a
    coach with `full` rights (`manageable_by`). Every connect, sync and disconnect asks this."""
    if not Athlete.objects.manageable_by(user).filter(id=athlete_id).exists():
        raise PermissionDenied("Only the athlete or a coach with full rights manages connections.")


def lease_renew(connection: Connection) -> None:
    """Extend a held lease (call between long steps of a run); LeaseHeld if it was lost."""
    renewed = Connection.objects.filter(
        id=connection.id, lease_owner=connection.lease_owner
    ).update(lease_until=timezone.now() + lease_length())
    if not renewed:
        raise LeaseHeld(0.0)


def credentials_save(connection: Connection, values: Mapping[str, Any]) -> bool:
    """Write rotated tokens back, inside the lease; True when they changed.

    Called after every run, not only after an explicit refresh: libraries refresh on their
    own (on a 401 or near expiry) and a refresh token that is not written back goes stale.
    """
    if dict(values) == connection.credentials_dict:
        return False
    connection.set_credentials(dict(values))
    saved = Connection.objects.filter(id=connection.id, lease_owner=connection.lease_owner).update(
        credentials=connection.credentials
    )  # encrypted by the field on the way in
    if not saved:
        raise LeaseHeld(0.0)
    return True


def connection_activate(connection: Connection, *, external_user_id: str = "") -> Connection:
    """Mark a connection usable again: status active, no pause, no reason."""
    connection.status = Connection.Status.ACTIVE
    connection.status_reason = ""
    connection.retry_after = None
    connection.backoff_s = 0
    fields = ["status", "status_reason", "retry_after", "backoff_s"]
    if external_user_id:
        connection.external_user_id = external_user_id
        fields.append("external_user_id")
    connection.save(update_fields=fields)
    return connection


def connection_needs_user(
    connection: Connection, reason: str, *, retry_after: dt.datetime | None = None
) -> Connection:
    """The athlete must act (log in again, grant a scope); nothing retries automatically."""
    connection.status = Connection.Status.NEEDS_USER
    connection.status_reason = reason[:255]
    connection.retry_after = retry_after
    connection.save(update_fields=["status", "status_reason", "retry_after"])
    return connection


def connection_pause(
    connection: Connection, reason: str, *, now: dt.datetime | None = None
) -> dt.datetime:
    """An API 429: no call before the returned time; 30 min, doubling on each new one, ≤ 6 h."""
    now = now or timezone.now()
    pause = dt.timedelta(seconds=connection.backoff_s * 2) if connection.backoff_s else PAUSE_FIRST
    pause = min(pause, PAUSE_MAX)
    connection.backoff_s = int(pause.total_seconds())
    connection.retry_after = now + pause
    connection.status_reason = reason[:255]
    connection.save(update_fields=["backoff_s", "retry_after", "status_reason"])
    return connection.retry_after


def connection_calm(connection: Connection) -> None:
    """A run went through: the next 429 starts again from the first pause."""
    if connection.backoff_s or connection.retry_after or connection.status_reason:
        Connection.objects.filter(id=connection.id).update(
            backoff_s=0, retry_after=None, status_reason=""
        )
        connection.backoff_s, connection.retry_after, connection.status_reason = 0, None, ""


def connection_disconnect(connection: Connection) -> Connection:
    """Forget the tokens and any login in progress; the data already imported stays."""
    with transaction.atomic():
        LoginAttempt.objects.filter(connection=connection).delete()
        connection.set_credentials({})
        connection.status = Connection.Status.DISCONNECTED
        connection.status_reason = ""
        connection.retry_after = None
        connection.backoff_s = 0
        connection.cursor = {}
        connection.save(
            update_fields=[
                "credentials",
                "status",
                "status_reason",
                "retry_after",
                "backoff_s",
                "cursor",
            ]
        )
    return connection


def provider_data_purge(connection: Connection) -> dict[str, int]:
    """Delete everything the connection's provider brought for the athlete: its sources (and
    the activities only it described), its wellness days, raw payloads and runs; then forget
    the tokens. Recording files stay (they are the athlete's own). Returns what went."""
    athlete, provider = connection.athlete, connection.provider
    with transaction.atomic():
        removed = provider_sources_remove(athlete=athlete, provider=provider)
        wellness, _ = WellnessDay.objects.filter(athlete=athlete, source=provider).delete()
        payloads, _ = RawPayload.objects.filter(connection=connection).delete()
        runs, _ = SyncRun.objects.filter(connection=connection).delete()
        connection_disconnect(connection)
    return {
        "sources": removed.sources,
        "activities": removed.activities,
        "wellness_days": wellness,
        "payloads": payloads,
        "runs": runs,
    }


def sync_run_start(connection: Connection, kind: str, *, run: SyncRun | None = None) -> SyncRun:
    """A run starting now: `run` when it was queued for this, else a new one."""
    counts = dict.fromkeys(SyncRun.COUNT_KEYS, 0)
    if run is None:
        return SyncRun.objects.create(connection=connection, kind=kind, counts=counts)
    run.state, run.counts = SyncRun.State.RUNNING, counts  # started_at: when it was asked for
    run.save(update_fields=["state", "counts"])
    return run


def sync_run_queue(
    connection: Connection,
    kind: str,
    *,
    since: dt.date | None = None,
    by: Any = None,
    now: dt.datetime | None = None,
    send: Callable[[int], bool] | None = None,
) -> SyncRun | None:
    """A run for a worker to do (the row is the durable intent: the sweep sends it again if
    its message is lost); None when one of that kind is already queued or running. `send`:
    the provider's sender, called with the run's id once the transaction commits."""
    busy = SyncRun.objects.filter(connection=connection, kind=kind, state__in=SyncRun.BUSY)
    if busy.exists():
        return None
    run = SyncRun.objects.create(
        connection=connection,
        kind=kind,
        state=SyncRun.State.QUEUED,
        since=since,
        requested_by=by,
        counts=dict.fromkeys(SyncRun.COUNT_KEYS, 0),
        started_at=now or timezone.now(),
    )
    if send is not None:
        transaction.on_commit(partial(send, run.id), robust=True)
    return run


def sync_run_progress(
    run: SyncRun, *, done: int | None = None, total: int | None = None, **counts: int
) -> SyncRun:
    """Add `counts` to the run's and set its progress; one UPDATE the page can poll."""
    for key, value in counts.items():
        run.counts[key] = run.count(key) + value
    if done is not None:
        run.done = done
    if total is not None:
        run.total = total
    SyncRun.objects.filter(id=run.id).update(counts=run.counts, done=run.done, total=run.total)
    return run


def sync_run_send(task: Any, run_id: int, *, jitter_s: float = 0.0) -> bool:
    """Send a queued run to its provider's task, now or within `jitter_s` seconds; False when
    the broker is away (the run stays queued: `sync_runs_lost` finds it again)."""
    SyncRun.objects.filter(id=run_id).update(sent_at=timezone.now())
    countdown = random.uniform(0, jitter_s) if jitter_s else None  # noqa: S311 — spreading load
    return send(task, run_id, countdown=countdown)


def sync_runs_lost(provider: str, *, now: dt.datetime) -> list[int]:
    """Queued runs of a provider whose message was lost: never sent, or sent long ago."""
    return list(
        SyncRun.objects.filter(
            state=SyncRun.State.QUEUED,
            connection__provider=provider,
            started_at__lt=now - QUEUED_GRACE,
        )
        .filter(Q(sent_at__isnull=True) | Q(sent_at__lt=now - RESEND_AFTER))
        .values_list("id", flat=True)
    )


def sync_runs_interrupted_close(provider: str, *, now: dt.datetime) -> int:
    """Close the provider's runs left running by a worker that died (its connection's lease
    is gone and nobody took the run over in INTERRUPTED_AFTER); returns how many."""
    return SyncRun.objects.filter(
        Q(connection__lease_until__isnull=True) | Q(connection__lease_until__lt=now),
        connection__provider=provider,
        state=SyncRun.State.RUNNING,
        started_at__lt=now - INTERRUPTED_AFTER,
    ).update(state=SyncRun.State.FAILED, error=INTERRUPTED, finished_at=now)


def sync_run_error(run: SyncRun, what: str, message: str) -> SyncRun:
    """An item that failed without failing the run (kept: the last 50)."""
    run.errors = [*run.errors, {"item": what[:120], "error": message[:500]}][-50:]
    run.counts["failed"] = run.count("failed") + 1
    SyncRun.objects.filter(id=run.id).update(errors=run.errors, counts=run.counts)
    return run


def sync_run_finish(run: SyncRun, *, error: str = "") -> SyncRun:
    run.state = SyncRun.State.FAILED if error else SyncRun.State.DONE
    run.error = error[:2000]
    run.finished_at = timezone.now()
    run.save(update_fields=["state", "error", "finished_at"])
    if not error:
        Connection.objects.filter(id=run.connection_id).update(last_synced_at=run.finished_at)
    return run


def raw_payload_keep(
    connection: Connection,
    kind: str,
    body: Any,
    *,
    external_id: str = "",
    day: dt.date | None = None,
    run: SyncRun | None = None,
) -> RawPayload:
    """Keep a provider response; an identical one already kept is returned, not stored again."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    key = {
        "connection": connection,
        "kind": kind,
        "external_id": str(external_id),
        "sha256": digest,
    }
    existing = RawPayload.objects.filter(**key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return RawPayload.objects.create(**key, body=json.loads(canonical), day=day, run=run)
    except IntegrityError:  # kept meanwhile by a concurrent run
        return RawPayload.objects.get(**key)


def login_attempts_sweep(*, now: dt.datetime) -> int:
    """Delete login attempts past their lifetime (a password or a pending MFA state never
    outlives `LoginAttempt.LIFETIME`); a connection left waiting for a code needs its athlete.
    Returns how many were deleted."""
    expired = LoginAttempt.objects.filter(expires_at__lt=now)
    live = LoginAttempt.objects.filter(expires_at__gte=now).values("connection_id")
    waiting = Connection.objects.filter(
        login_attempts__in=expired, status=Connection.Status.MFA_PENDING
    ).exclude(id__in=live)
    waiting.update(
        status=Connection.Status.NEEDS_USER,
        status_reason=gettext_noop("The sign-in was not finished in time: connect again."),
    )
    deleted, _ = expired.delete()
    return deleted
