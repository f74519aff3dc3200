"""The outbox: follow-up work is written with the change, delivered after commit, sent again by
the sweep when the broker was away, run once however often it is delivered, retried when its
subscriber fails, merged inside a batch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from activities.models import Activity
from activities.services.changes import activity_changed
from athletes.models import Athlete, Invitation, User
from athletes.services.invitations import invitation_create
from athletes.tasks import invitation_email_send_task
from core import outbox
from core import wiring as core_wiring
from core.events import (
    EVENT_TYPES,
    ActivitiesChanged,
    InvitationCreated,
    PlanChanged,
    TimeConstantsChanged,
)
from core.models import OutboxMessage
from core.tasks import sweep

Commit = Callable[..., Any]
EMAIL = "athletes.invitation_email_send"
LATER = dt.timedelta(minutes=10)


def invite(coach: User, email: str = "new@example.test") -> Invitation:
    invitation, _token = invitation_create(
        invited_by=coach, email=email, direction="coach_to_athlete"
    )
    return invitation


def messages(subscriber: str = EMAIL) -> list[tuple[str, int]]:
    rows = OutboxMessage.objects.filter(subscriber=subscriber).order_by("id")
    return list(rows.values_list("state", "attempts"))


class RollbackError(Exception):
    pass


def test_the_message_is_written_with_the_change_and_never_for_rolled_back_work(
    coach: User, django_capture_on_commit_callbacks: Commit
) -> None:
    with pytest.raises(RollbackError), transaction.atomic():
        invite(coach, "ghost@example.test")
        raise RollbackError
    assert not OutboxMessage.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(coach)
        assert messages() == [("pending", 0)]  # written, not yet sent
        assert mail.outbox == []

    assert messages() == [("done", 1)]
    assert [m.to for m in mail.outbox] == [[invitation.email]]


def test_a_message_delivered_twice_runs_once(
    coach: User, django_capture_on_commit_callbacks: Commit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invite(coach)
    [message_id] = OutboxMessage.objects.values_list("id", flat=True)

    invitation_email_send_task.delay(message_id)  # a redelivery, or the sweep's second send

    assert len(mail.outbox) == 1
    assert messages() == [("done", 1)]


def test_with_the_broker_away_the_change_commits_and_the_sweep_delivers_it_later(
    coach: User, broker_down: str, django_capture_on_commit_callbacks: Commit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(coach)  # no error for the person inviting

    assert Invitation.objects.filter(id=invitation.id).exists()
    assert messages() == [("pending", 0)]
    assert sweep()["core.outbox.outbox_sweep"] == 0  # not due yet; and the broker is away


def test_the_sweep_sends_what_was_not_delivered_once_it_is_due(coach: User) -> None:
    invitation = invite(coach)  # the test's transaction never commits: nothing was sent

    with time_machine.travel(timezone.now() + LATER):
        sent = sweep()["core.outbox.outbox_sweep"]
        again = sweep()["core.outbox.outbox_sweep"]

    assert (sent, again) == (1, 0)
    assert messages() == [("done", 1)]
    assert [m.to for m in mail.outbox] == [[invitation.email]]
    invitation.refresh_from_db()
    assert invitation.email_token == ""  # the kept token is gone once the email went


def test_a_failing_subscriber_is_retried_with_backoff_then_given_up(
    coach: User, settings: Any
) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},  # nothing listens
        }
    }
    settings.PACELINE_OUTBOX_MAX_ATTEMPTS = 3
    invitation = invite(coach)
    message = OutboxMessage.objects.get(subscriber=EMAIL)

    states = []
    for attempt in range(4):
        with time_machine.travel(timezone.now() + dt.timedelta(hours=2 * attempt + 1)):
            sweep()
        message.refresh_from_db()
        states.append((message.state, message.attempts))

    assert states == [("pending", 1), ("pending", 2), ("failed", 3), ("failed", 3)]
    assert "ConnectionRefusedError" in message.error
    assert Invitation.objects.get(id=invitation.id).email_token != ""  # not sent: kept


def test_a_message_whose_worker_died_is_taken_over_once_its_lease_expired(
    coach: User,
) -> None:
    invite(coach)
    expired = timezone.now() - dt.timedelta(seconds=1)
    OutboxMessage.objects.update(state="running", attempts=1, lease_until=expired)

    assert sweep()["core.outbox.outbox_sweep"] == 1

    assert messages() == [("done", 2)]
    assert len(mail.outbox) == 1


def test_a_live_lease_is_left_alone(coach: User) -> None:
    invite(coach)
    OutboxMessage.objects.update(state="running", lease_until=timezone.now() + LATER)

    assert sweep()["core.outbox.outbox_sweep"] == 0
    [message_id] = OutboxMessage.objects.values_list("id", flat=True)
    invitation_email_send_task.delay(message_id)  # in-process: returns, the sweep retries later

    assert messages()[0] == ("running", 0)
    assert mail.outbox == []


def test_events_of_a_batch_are_merged_per_subscriber_and_key(
    athlete: Athlete, other_athlete: Athlete, django_capture_on_commit_callbacks: Commit
) -> None:
    day = dt.date(2026, 3, 10)
    activities = [
        Activity(id=10 + n, athlete=who, day=day - dt.timedelta(days=n))
        for n, who in enumerate((athlete, other_athlete, athlete, athlete))
    ]
    with django_capture_on_commit_callbacks(execute=True), outbox.batched():
        for activity in activities:
            activity_changed(activity)
        with outbox.batched():  # nested: joins the outer one
            outbox.publish(PlanChanged(athlete.id, (day,)))

    delivered = OutboxMessage.objects.filter(subscriber="analytics.activities_changed")
    assert [(m.state, m.payload) for m in delivered.order_by("id")] == [
        ("done", {"athlete_id": athlete.id, "activity_ids": [10, 12, 13], "since": "2026-03-07"}),
        ("done", {"athlete_id": other_athlete.id, "activity_ids": [11], "since": "2026-03-09"}),
    ]
    assert (
        OutboxMessage.objects.filter(subscriber="coaching.plan_relink", state="done").count() == 1
    )


def test_done_messages_are_forgotten_after_a_week(coach: User) -> None:
    invite(coach)
    with time_machine.travel(timezone.now() + LATER):
        sweep()
    assert messages() == [("done", 1)]

    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        sweep()

    assert messages() == []


@pytest.mark.parametrize("event_type", list(EVENT_TYPES.values()))
def test_every_event_survives_its_trip_through_json(event_type: type[Any]) -> None:
    values = {
        ActivitiesChanged: ActivitiesChanged(3, (5, 4), dt.date(2026, 1, 2)),
        PlanChanged: PlanChanged(3, (dt.date(2026, 1, 2), dt.date(2026, 1, 5))),
        InvitationCreated: InvitationCreated(9),
        TimeConstantsChanged: TimeConstantsChanged(3),
    }
    event = values.get(event_type) or event_type(3, "run", dt.date(2026, 1, 2))

    assert event_type.from_json(event.to_json()) == event


def test_every_event_has_subscribers_and_every_subscriber_a_unique_task_name() -> None:
    wiring = core_wiring.wiring()
    names = [task.name for tasks in wiring.SUBSCRIBERS.values() for task in tasks]

    assert set(wiring.SUBSCRIBERS) == set(EVENT_TYPES.values())
    assert all(wiring.SUBSCRIBERS.values())
    assert len(names) == len(set(names))


def test_the_database_cache_table_exists_whatever_cache_the_migrating_process_used(
    db: None,
) -> None:
    from django.db import connection

    from config.settings import base

    table = base.CACHES["default"]["LOCATION"]
    assert base.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    assert table in connection.introspection.table_names()
