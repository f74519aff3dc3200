"""The transactional outbox: follow-up work is never lost, never done twice (DESIGN §5).

`publish(event)` writes one `OutboxMessage` per subscriber of the event (`config/wiring.py`)
in the CURRENT transaction — the intent exists exactly when the change does — and sends the
messages to Celery once the transaction commits. If the broker is away (Redis down) the send
fails quietly: the rows stay pending and the periodic sweep (`outbox_sweep`, run by
`core.sweep` every PACELINE_SWEEP_S) sends them again once it is back. A subscriber task
claims its row with a compare-and-set before running, so a message delivered twice (after-
commit send + sweep, a redelivery) runs once; a failing subscriber is retried with backoff.

Inside `batched()` nothing is sent as it happens: the rows of the block are merged per
subscriber and event key (`Event.merge`) when the outermost block's transaction commits, so a
history import of thousands of files is ONE metrics run per athlete, not one per file.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from core.events import EVENT_TYPES, Event
from core.leases import LeaseHeld
from core.models import OutboxMessage
from core.wiring import wired

logger = logging.getLogger(__name__)

PENDING, RUNNING, DONE, FAILED = (
    OutboxMessage.State.PENDING,
    OutboxMessage.State.RUNNING,
    OutboxMessage.State.DONE,
    OutboxMessage.State.FAILED,
)
DEFAULTS: dict[str, float] = {
    # The after-commit send normally delivers; the sweep sends a message this long after it
    # was written (or last sent) when it is still pending.
    "PACELINE_OUTBOX_GRACE_S": 60,
    "PACELINE_OUTBOX_RESEND_S": 300,
    # A subscriber run holds its message this long; a worker killed mid-run frees it then.
    "PACELINE_OUTBOX_LEASE_S": 900,
    "PACELINE_OUTBOX_MAX_ATTEMPTS": 10,
    "PACELINE_OUTBOX_KEEP_DAYS": 7,
}
BROKER_ERRORS = (OperationalError, ConnectionError, OSError)


def setting(name: str) -> float:
    return float(getattr(settings, name, DEFAULTS[name]))


def seconds(name: str) -> dt.timedelta:
    return dt.timedelta(seconds=setting(name))


Sendable = Task[Any, Any]


# --- the wiring ------------------------------------------------------------------------------


def subscribers_of(event_type: type[Event]) -> tuple[Sendable, ...]:
    """The subscriber tasks of an event type, in wiring order."""
    subscribers: dict[type[Event], tuple[Sendable, ...]] = wired("SUBSCRIBERS")
    return subscribers.get(event_type, ())


def _task_named(name: str) -> Sendable | None:
    for tasks in wired("SUBSCRIBERS").values():
        for task in tasks:
            if task.name == name:
                return task  # type: ignore[no-any-return]
    return None


# --- publishing ------------------------------------------------------------------------------

_batch: ContextVar[str | None] = ContextVar("outbox_batch", default=None)


def publish(event: Event) -> None:
    """Record `event` for each subscriber in the current transaction; send it after commit
    (inside `batched()`: merged, when the outermost block's transaction commits)."""
    batch = _batch.get()
    now = timezone.now()
    rows = OutboxMessage.objects.bulk_create(
        OutboxMessage(
            subscriber=task.name,
            topic=type(event).__name__,
            payload=event.to_json(),
            batch=batch or "",
            key=event.key,
            available_at=now + seconds("PACELINE_OUTBOX_GRACE_S"),
        )
        for task in subscribers_of(type(event))
    )
    if batch is None and rows:
        transaction.on_commit(partial(deliver, [row.id for row in rows]), robust=True)


@contextmanager
def batched() -> Iterator[None]:
    """Merge what is published inside the block; send it when the outermost block's
    transaction commits (at once in autocommit), also when the block ends on an error: what
    was committed inside it before the error did change. Nested blocks join the outer one."""
    if _batch.get() is not None:
        yield
        return
    batch = uuid.uuid4().hex
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
        transaction.on_commit(partial(_batch_deliver, batch), robust=True)


def _batch_deliver(batch: str) -> None:
    with transaction.atomic():
        rows = OutboxMessage.objects.select_for_update().filter(batch=batch, state=PENDING)
        survivors = merge_rows(list(rows.order_by("id")))
    deliver([row.id for row in survivors])


def merge_rows(rows: list[OutboxMessage]) -> list[OutboxMessage]:
    """Fold rows of the same subscriber, batch and key into the first (the others are
    deleted); rows without a key stay apart. Call inside a transaction, rows locked."""
    groups: dict[tuple[object, ...], list[OutboxMessage]] = {}
    for row in rows:
        merged_with = (row.subscriber, row.topic, row.batch, row.key)
        groups.setdefault(merged_with if row.batch and row.key else (row.id,), []).append(row)
    survivors = []
    for group in groups.values():
        first, *others = group
        if others:
            event_type = EVENT_TYPES[first.topic]
            merged = event_type.from_json(first.payload)
            for other in others:
                merged = merged.merge(event_type.from_json(other.payload))
            first.payload = merged.to_json()
            first.save(update_fields=["payload"])
            OutboxMessage.objects.filter(id__in=[other.id for other in others]).delete()
        survivors.append(first)
    return survivors


# --- delivery --------------------------------------------------------------------------------


def deliver(message_ids: Iterable[int]) -> int:
    """Send these messages to their subscriber tasks; returns how many were sent. A broker
    error stops the delivery quietly: the messages stay pending for the sweep."""
    rows = OutboxMessage.objects.filter(id__in=list(message_ids), state=PENDING).order_by("id")
    sent = 0
    for message_id, subscriber in rows.values_list("id", "subscriber"):
        task = _task_named(subscriber)
        if task is None:
            logger.error("outbox message %s: no subscriber task %r", message_id, subscriber)
            continue
        if not send(task, message_id):
            break
        OutboxMessage.objects.filter(id=message_id, state=PENDING).update(
            available_at=timezone.now() + seconds("PACELINE_OUTBOX_RESEND_S")
        )
        sent += 1
    return sent


def send(task: Sendable, *args: Any, **options: Any) -> bool:
    """`task.apply_async(args)` that never raises for a broker outage (logged, False): the
    caller's durable row (outbox message, import job, pending load) is picked up again by the
    sweep. Without a broker (embedded mode) the task runs here and now."""
    try:
        task.apply_async(args, retry=False, **options)
    except BROKER_ERRORS as error:
        logger.warning("task %s not queued (%s); the sweep will send it again", task.name, error)
        return False
    return True


# --- running (the subscriber side) ------------------------------------------------------------

Handler = Callable[[Any], None]


def subscriber(name: str) -> Callable[[Handler], Any]:
    """Make `handler(event)` an outbox subscriber: a Celery task called `name` that takes an
    outbox message id, runs the handler once for it and records the outcome. A redelivered
    message whose run is still leased waits for the lease, then takes the message over."""

    def make(handler: Handler) -> Any:
        @shared_task(
            name=name,
            bind=True,
            acks_late=True,
            reject_on_worker_lost=True,
            ignore_result=True,
            max_retries=None,
        )
        def run(self: Any, message_id: int) -> None:
            try:
                message_run(message_id=message_id, handler=handler)
            except LeaseHeld as held:
                if self.request.is_eager:  # in-process: the sweep sends it again later
                    return
                raise self.retry(countdown=held.retry_in_s + 1, exc=held) from held

        run.__doc__ = handler.__doc__
        return run

    return make


def message_run(*, message_id: int, handler: Handler) -> str:
    """Claim the message, run the handler, record done (or the error, retried later).
    Returns the message's state afterwards ("gone" when it does not exist)."""
    now = timezone.now()
    claimable = Q(state=PENDING) | Q(state=RUNNING, lease_until__lt=now)
    claimed = OutboxMessage.objects.filter(claimable, id=message_id).update(
        state=RUNNING,
        lease_until=now + seconds("PACELINE_OUTBOX_LEASE_S"),
        attempts=F("attempts") + 1,
    )
    row = OutboxMessage.objects.filter(id=message_id).first()
    if row is None:
        return "gone"
    if not claimed:
        if row.state == RUNNING and row.lease_until is not None:
            raise LeaseHeld(max(0.0, (row.lease_until - now).total_seconds()))
        return str(row.state)  # done or failed: nothing to do
    try:
        handler(EVENT_TYPES[row.topic].from_json(row.payload))
    except Exception as error:
        logger.exception("outbox message %s (%s) failed", row.id, row.subscriber)
        return _failed(row, error)
    OutboxMessage.objects.filter(id=row.id).update(
        state=DONE, done_at=timezone.now(), lease_until=None, error=""
    )
    return DONE


def _failed(row: OutboxMessage, error: Exception) -> str:
    """Back to pending with an exponential backoff; failed for good after MAX_ATTEMPTS."""
    attempts = OutboxMessage.objects.get(id=row.id).attempts
    final = attempts >= setting("PACELINE_OUTBOX_MAX_ATTEMPTS")
    backoff = dt.timedelta(seconds=min(3600, 30 * 2 ** (attempts - 1)))
    state = FAILED if final else PENDING
    OutboxMessage.objects.filter(id=row.id).update(
        state=state,
        lease_until=None,
        available_at=timezone.now() + backoff,
        error=f"{type(error).__name__}: {error}"[:2000],
    )
    return str(state)


# --- the sweep -------------------------------------------------------------------------------


def outbox_sweep(*, now: dt.datetime) -> int:
    """Send again every message that is due: pending past its `available_at` (never sent, its
    message lost, or backing off after a failure) or running under an expired lease (its
    worker died); forget done messages after PACELINE_OUTBOX_KEEP_DAYS. Returns how many were
    sent."""
    keep = dt.timedelta(days=setting("PACELINE_OUTBOX_KEEP_DAYS"))
    OutboxMessage.objects.filter(state=DONE, done_at__lt=now - keep).delete()
    due = Q(state=PENDING, available_at__lte=now) | Q(state=RUNNING, lease_until__lt=now)
    with transaction.atomic():
        rows = list(OutboxMessage.objects.select_for_update().filter(due).order_by("id"))
        survivors = merge_rows([row for row in rows if row.state == PENDING])
    expired = [row.id for row in rows if row.state == RUNNING]
    OutboxMessage.objects.filter(id__in=expired, lease_until__lt=now).update(
        state=PENDING, lease_until=None
    )
    return deliver(sorted([row.id for row in survivors] + expired))
