"""Strava's webhook as Strava calls it: the subscription check, events answered at once and done
by a task (in-process here), repeats done once, unsigned claims checked with Strava before
anything is deleted, hostile bodies refused with a 4xx."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, ActivitySource
from activities.types import Provider
from integrations.models import Connection, RawPayload, WebhookEvent
from integrations.strava.schedule import events_waiting_send, strava_syncs_sweep
from integrations.strava.webhooks import verify_token
from tests.integrations.strava.conftest import STRAVA_ATHLETE
from tests.integrations.strava.fake_server import FakeStrava

WEBHOOK = "/strava/webhook/"


@pytest.fixture
def deliver(client: Client, request: pytest.FixtureRequest) -> Callable[..., Any]:
    """POST an event body as Strava does; then the sweep does it (tasks run in-process, so
    the webhook leaves its events to the sweep: it answers without reading from Strava)."""

    fake = request.getfixturevalue("strava") if "strava" in request.fixturenames else None

    def post(body: Any, **extra: Any) -> Any:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        reads = len(fake.requests) if fake else 0
        answer = client.post(WEBHOOK, data, content_type="application/json", **extra)
        assert (len(fake.requests) if fake else 0) == reads  # answered before any read
        events_waiting_send(now=timezone.now())
        return answer

    return post


def _query(corpus: Path, name: str) -> dict[str, str]:
    return dict(json.loads((corpus / "strava" / "webhooks" / name).read_text()))


def test_the_route_is_the_one_given_to_strava() -> None:
    assert reverse("strava_webhook") == WEBHOOK


def test_the_subscription_check_answers_the_challenge_only_with_our_token(
    client: Client, corpus: Path
) -> None:
    query = _query(corpus, "callback_validation_query.json")
    expected = json.loads(
        (corpus / "strava" / "webhooks" / "callback_validation_response.json").read_text()
    )
    refused = client.get(WEBHOOK, query)  # the recorded token is stravalib's default "STRAVA"
    assert refused.status_code == 403 and "hub.challenge" not in refused.content.decode()

    answered = client.get(WEBHOOK, {**query, "hub.verify_token": verify_token()})
    assert answered.status_code == 200 and answered.json() == expected
    assert verify_token() != "STRAVA"

    wrong = _query(corpus, "callback_validation_wrong_token_query.json")
    assert client.get(WEBHOOK, wrong).status_code == 403
    assert client.get(WEBHOOK, {**wrong, "hub.verify_token": ""}).status_code == 403


def test_create_update_delete_and_a_repeat_leave_exactly_the_expected_rows(
    strava: FakeStrava, connected: Connection, deliver: Callable[..., Any]
) -> None:
    [ride] = strava.corpus_activities(
        STRAVA_ATHLETE, 1, start=timezone.now() - timezone.timedelta(hours=3), kinds=("app_ride",)
    )
    create = strava.event("activity_create", STRAVA_ATHLETE, ride)
    assert deliver(create).status_code == 200
    assert deliver(create).status_code == 200  # Strava delivers again: done once
    activity = Activity.objects.get(athlete=connected.athlete)
    assert WebhookEvent.objects.count() == 1
    assert ActivitySource.objects.filter(provider=Provider.STRAVA).count() == 1
    assert len(strava.seen(f"/activities/{ride}/streams")) == 1

    strava.update_activity(ride, name="Morning hills")
    deliver(strava.event("activity_update_title", STRAVA_ATHLETE, ride, title="Morning hills"))
    deliver(
        strava.event(
            "activity_update_type_private", STRAVA_ATHLETE, ride, type="Run", private="true"
        )
    )
    activity.refresh_from_db()
    assert activity.name == "Morning hills"
    assert activity.sport == "run"
    source = ActivitySource.objects.get(provider=Provider.STRAVA)
    assert source.raw["private"] is True

    strava.delete_activity(ride)
    deliver(strava.event("activity_delete", STRAVA_ATHLETE, ride))
    assert not Activity.objects.filter(athlete=connected.athlete).exists()
    assert not ActivitySource.objects.exists()
    states = sorted(WebhookEvent.objects.values_list("aspect_type", "state"))
    assert states == [
        ("create", "done"),
        ("delete", "done"),
        ("update", "done"),
        ("update", "done"),
    ]


def test_unsigned_claims_are_checked_with_strava_before_anything_is_deleted(
    strava: FakeStrava, connected: Connection, deliver: Callable[..., Any]
) -> None:
    [ride] = strava.corpus_activities(
        STRAVA_ATHLETE, 1, start=timezone.now() - timezone.timedelta(hours=2), kinds=("run",)
    )
    deliver(strava.event("activity_create", STRAVA_ATHLETE, ride))
    assert Activity.objects.filter(athlete=connected.athlete).count() == 1

    # A stranger posts a deletion and a deauthorization Strava never sent.
    deliver(strava.event("activity_delete", STRAVA_ATHLETE, ride))
    deliver(strava.event("athlete_deauthorize", STRAVA_ATHLETE))
    connected.refresh_from_db()
    assert Activity.objects.filter(athlete=connected.athlete).count() == 1
    assert connected.status == Connection.Status.ACTIVE and connected.credentials_dict
    ignored = WebhookEvent.objects.filter(state=WebhookEvent.State.IGNORED)
    assert ignored.count() == 2


def test_a_deauthorization_deletes_what_strava_brought_and_the_tokens(
    strava: FakeStrava, connected: Connection, deliver: Callable[..., Any]
) -> None:
    ids = strava.corpus_activities(
        STRAVA_ATHLETE, 2, start=timezone.now() - timezone.timedelta(days=2), kinds=("run",)
    )
    for strava_id in ids:
        deliver(strava.event("activity_create", STRAVA_ATHLETE, strava_id))
    assert Activity.objects.filter(athlete=connected.athlete).count() == 2

    strava.deauthorize(STRAVA_ATHLETE)  # the athlete removed Paceline on strava.com
    deliver(strava.event("athlete_deauthorize", STRAVA_ATHLETE))

    connected.refresh_from_db()
    assert connected.status == Connection.Status.DISCONNECTED
    assert connected.credentials_dict == {} and connected.external_user_id == ""
    assert not Activity.objects.filter(athlete=connected.athlete).exists()
    assert not ActivitySource.objects.filter(provider=Provider.STRAVA).exists()
    assert not RawPayload.objects.filter(connection=connected).exists()


def test_an_event_for_an_unknown_account_is_acknowledged_and_ignored(
    strava: FakeStrava, connected: Connection, deliver: Callable[..., Any]
) -> None:
    answer = deliver(strava.event("activity_create", 999, 123))
    assert answer.status_code == 200
    assert WebhookEvent.objects.get().state == WebhookEvent.State.IGNORED
    assert strava.api_calls == 0


def _event(**fields: Any) -> bytes:
    base = {"owner_id": 1, "object_id": 1, "object_type": "activity", "aspect_type": "create"}
    return json.dumps({**base, "event_time": 1, **fields}).encode()


NOT_EVENTS = [
    b"",
    b"not json",
    b"[]",
    b'"a string"',
    b"{}",
    json.dumps({"object_type": "activity", "aspect_type": "create"}).encode(),
    _event(owner_id=-1),
    _event(object_type="club"),
    _event(aspect_type="rename"),
    _event(updates={"x": ["y"] * 5}),
    _event(updates={f"k{i}": "v" for i in range(50)}),
    _event(owner_id="1e400", event_time="soon"),
    _event(object_id=2**70),
]


@pytest.mark.parametrize("body", NOT_EVENTS)
def test_a_body_that_is_no_strava_event_gets_a_400_and_keeps_nothing(
    deliver: Callable[..., Any], db: None, body: bytes
) -> None:
    answer = deliver(body)
    assert answer.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_a_large_body_is_refused_before_it_is_read(deliver: Callable[..., Any], db: None) -> None:
    assert deliver(b"{" + b" " * 10_000 + b"}").status_code == 413
    assert not WebhookEvent.objects.exists()


def test_a_flood_from_one_address_is_refused(client: Client, db: None) -> None:
    statuses = [client.get(WEBHOOK, {"hub.mode": "subscribe"}).status_code for _ in range(125)]
    assert statuses[:120] == [403] * 120
    assert statuses[120:] == [429] * 5


def test_a_deauthorization_after_a_sync_met_the_refused_tokens_still_forgets(
    strava: FakeStrava, connected: Connection, deliver: Callable[..., Any]
) -> None:
    [run] = strava.corpus_activities(
        STRAVA_ATHLETE, 1, start=timezone.now() - timezone.timedelta(hours=5), kinds=("run",)
    )
    deliver(strava.event("activity_create", STRAVA_ATHLETE, run))
    strava.deauthorize(STRAVA_ATHLETE)
    Connection.objects.filter(id=connected.id).update(status=Connection.Status.NEEDS_USER)

    deliver(strava.event("athlete_deauthorize", STRAVA_ATHLETE))

    connected.refresh_from_db()
    assert connected.status == Connection.Status.DISCONNECTED
    assert not Activity.objects.filter(athlete=connected.athlete).exists()


def test_events_done_a_month_ago_are_forgotten_by_the_sweep(
    strava: FakeStrava, connected: Connection, deliver: Callable[..., Any]
) -> None:
    deliver(strava.event("activity_create", 999, 123))  # ignored at once
    assert WebhookEvent.objects.count() == 1
    strava_syncs_sweep(now=timezone.now() + timezone.timedelta(days=29))
    assert WebhookEvent.objects.count() == 1
    strava_syncs_sweep(now=timezone.now() + timezone.timedelta(days=31))
    assert not WebhookEvent.objects.exists()
