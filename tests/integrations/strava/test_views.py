"""Connecting Strava as the athlete does (OAuth with the fake Strava answering the code), the
card, its choices and disconnecting."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection as db
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity
from athletes.models import Athlete
from integrations.models import Connection, SyncRun
from tests.integrations.strava.conftest import SCOPE, STRAVA_ATHLETE
from tests.integrations.strava.fake_server import FakeStrava


def raw_credentials(connection: Connection) -> str:
    """The credentials column as stored (encrypted)."""
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT credentials FROM integrations_connection WHERE id = %s", [connection.id]
        )
        return str(cursor.fetchone()[0])


@pytest.fixture
def browser(athlete: Athlete) -> Client:
    client = Client()
    client.force_login(athlete.user)
    return client


def _start(browser: Client, athlete: Athlete) -> dict[str, str]:
    """Press "Connect Strava": the redirect to Strava's approval page, its query."""
    answer = browser.post(reverse("strava_connect", args=[athlete.id]))
    assert answer.status_code == 302
    url = urlsplit(answer["Location"])
    assert url.path == "/oauth/authorize"
    return {key: values[0] for key, values in parse_qs(url.query).items()}


def test_connecting_keeps_encrypted_tokens_and_fetches_the_last_30_days(
    strava: FakeStrava,
    athlete: Athlete,
    browser: Client,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    strava.corpus_activities(
        STRAVA_ATHLETE, 2, start=timezone.now() - timezone.timedelta(days=5), kinds=("run",)
    )
    query = _start(browser, athlete)
    assert query["scope"] == "read,activity:read_all"
    assert query["redirect_uri"].endswith(reverse("strava_callback"))
    strava.authorize("the-code", STRAVA_ATHLETE, scope=SCOPE)

    with django_capture_on_commit_callbacks(execute=True):
        back = browser.get(
            reverse("strava_callback"),
            {"state": query["state"], "code": "the-code", "scope": SCOPE},
        )
    assert back.status_code == 302
    connection = Connection.objects.get(athlete=athlete, provider=Connection.Provider.STRAVA)
    assert connection.status == Connection.Status.ACTIVE
    assert connection.external_user_id == str(STRAVA_ATHLETE)
    _live, refresh = strava.tokens(STRAVA_ATHLETE)
    assert connection.credentials_dict["refresh_token"] == refresh
    assert refresh not in raw_credentials(connection)
    run = SyncRun.objects.get(connection=connection)
    assert run.kind == SyncRun.Kind.BACKFILL and run.state == SyncRun.State.DONE
    assert Activity.objects.filter(athlete=athlete).count() == 2
    page = browser.get(back["Location"]).content.decode()
    assert "Strava connected" in page and "Sync now" in page


def test_a_callback_without_this_sessions_state_connects_nothing(
    strava: FakeStrava, athlete: Athlete, browser: Client
) -> None:
    _start(browser, athlete)
    strava.authorize("the-code", STRAVA_ATHLETE)
    forged = browser.get(
        reverse("strava_callback"), {"state": "forged", "code": "the-code", "scope": SCOPE}
    )
    assert forged.status_code == 302
    assert not Connection.objects.filter(provider=Connection.Provider.STRAVA).exists()
    assert strava.seen("/oauth/token") == []


def test_an_unticked_private_activities_scope_is_explained_and_revoked(
    strava: FakeStrava, athlete: Athlete, browser: Client
) -> None:
    query = _start(browser, athlete)
    strava.authorize("the-code", STRAVA_ATHLETE, scope="read")
    back = browser.get(
        reverse("strava_callback"), {"state": query["state"], "code": "the-code", "scope": "read"}
    )
    page = browser.get(back["Location"]).content.decode()
    assert "private" in page and "Connect Strava" in page
    assert strava.revoke_calls == 1
    assert not Connection.objects.filter(status=Connection.Status.ACTIVE).exists()


def test_a_refused_approval_says_so(strava: FakeStrava, athlete: Athlete, browser: Client) -> None:
    query = _start(browser, athlete)
    back = browser.get(
        reverse("strava_callback"), {"state": query["state"], "error": "access_denied"}
    )
    page = browser.get(back["Location"]).content.decode()
    assert "did not approve" in page


def test_one_strava_account_never_feeds_two_athletes(
    strava: FakeStrava, connected: Connection, other_athlete: Athlete
) -> None:
    other = Client()
    other.force_login(other_athlete.user)
    query = _start(other, other_athlete)
    strava.authorize("again", STRAVA_ATHLETE)
    back = other.get(
        reverse("strava_callback"), {"state": query["state"], "code": "again", "scope": SCOPE}
    )
    page = other.get(back["Location"]).content.decode()
    assert "already connected to another Paceline athlete" in page
    assert not Connection.objects.filter(athlete=other_athlete).exists()


def test_the_choices_save_consent_and_the_garmin_option(
    strava: FakeStrava, connected: Connection, browser: Client
) -> None:
    athlete = connected.athlete
    answer = browser.post(
        reverse("strava_options", args=[athlete.id]),
        {"share_strava": "on", "skip_garmin": "on"},
        HTTP_HX_REQUEST="true",
    )
    assert answer.status_code == 200 and "saved" in answer.content.decode()
    athlete.refresh_from_db()
    connected.refresh_from_db()
    assert athlete.strava_shared_at is not None and connected.options["skip_garmin"] is True
    browser.post(reverse("strava_options", args=[athlete.id]), {})
    athlete.refresh_from_db()
    assert athlete.strava_shared_at is None


def test_disconnecting_revokes_at_strava_and_deletes_strava_data(
    strava: FakeStrava,
    connected: Connection,
    browser: Client,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    athlete = connected.athlete
    strava.corpus_activities(
        STRAVA_ATHLETE, 1, start=timezone.now() - timezone.timedelta(days=1), kinds=("run",)
    )
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(reverse("strava_sync_now", args=[athlete.id]))
    assert Activity.objects.filter(athlete=athlete).count() == 1
    answer = browser.post(reverse("strava_disconnect", args=[athlete.id]), follow=True)
    assert "Strava disconnected" in answer.content.decode()
    assert strava.revoke_calls == 1
    assert strava.tokens(STRAVA_ATHLETE) == ([], None)
    assert not Activity.objects.filter(athlete=athlete).exists()
    connected.refresh_from_db()
    assert connected.status == Connection.Status.DISCONNECTED and not connected.credentials


def test_without_the_operators_app_the_card_says_how_to_get_it(
    athlete: Athlete, browser: Client, settings: Any
) -> None:
    settings.STRAVA_CLIENT_ID = ""
    page = browser.get(reverse("connections", args=[athlete.id])).content.decode()
    assert "Strava is not set up on this server" in page
    refused = browser.post(reverse("strava_connect", args=[athlete.id]), follow=True)
    assert "not set up" in refused.content.decode()


def test_a_long_backfill_shows_when_it_should_be_done(
    strava: FakeStrava, connected: Connection, browser: Client
) -> None:
    SyncRun.objects.create(
        connection=connected,
        kind=SyncRun.Kind.BACKFILL,
        state=SyncRun.State.RUNNING,
        since=timezone.localdate() - timezone.timedelta(days=700),
        total=400,
        done=100,
    )  # 300 activities left: 600 reads at the backfill lane's 40 of 100 per quarter-hour
    card = browser.get(reverse("strava_card", args=[connected.athlete_id])).content.decode()
    assert "History on its way: done around" in card
    assert 'hx-trigger="every 3s"' in card  # the card follows the run
