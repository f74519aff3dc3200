"""The Connections page: connect Garmin with a code, sync now, backfill, disconnect — as the
athlete would in a browser (htmx requests), the real library against the fake Garmin."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from activities.models import Activity
from athletes.models import Athlete, CoachAthlete, User
from integrations.models import Connection, LoginAttempt, SyncRun
from tests.integrations.garmin.fake import (
    CODE,
    EMAIL,
    PASSWORD,
    FakeGarmin,
    installed,
    recorded_account,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def garmin(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGarmin]:
    activities, files = recorded_account(corpus)
    with installed(FakeGarmin(corpus, activities=activities, files=files), monkeypatch) as fake:
        yield fake


@pytest.fixture
def browser(athlete: Athlete) -> Client:
    client = Client()
    client.force_login(athlete.user)
    return client


@pytest.fixture
def post(
    browser: Client, athlete: Athlete, django_capture_on_commit_callbacks: Callable[..., Any]
) -> Callable[..., Any]:
    """An htmx POST whose after-commit work (the sign-in and sync tasks) runs in-process."""

    def run(name: str, data: dict[str, str] | None = None, **kwargs: Any) -> Any:
        url = reverse(name, kwargs={"athlete_id": athlete.id, **kwargs})
        with django_capture_on_commit_callbacks(execute=True):
            return browser.post(url, data or {}, **HTMX)

    return run


def test_an_athlete_connects_garmin_with_a_code_and_activities_arrive(
    garmin: FakeGarmin, browser: Client, post: Callable[..., Any], athlete: Athlete
) -> None:
    page = browser.get(reverse("connections", args=[athlete.id]))
    assert page.status_code == 200
    assert "Connect Garmin" in page.content.decode()
    garmin.mfa = True

    started = post("garmin_connect", {"email": EMAIL, "password": PASSWORD})
    assert started.status_code == 200
    assert "Signing in to Garmin" in started.content.decode()  # the card polls from here
    assert 'hx-trigger="every 2s"' in started.content.decode()
    card = browser.get(reverse("garmin_card", args=[athlete.id]), **HTMX)
    html = card.content.decode()
    assert "Garmin sent you a code" in html
    assert 'hx-trigger="every 2s"' not in html  # nothing to wait for: the athlete types
    assert PASSWORD not in html
    attempt = LoginAttempt.objects.get(connection__athlete=athlete)

    post("garmin_code", {"code": "000000"}, attempt_id=attempt.id)
    wrong = browser.get(reverse("garmin_card", args=[athlete.id]), **HTMX)
    assert "did not accept this code" in wrong.content.decode()

    post("garmin_code", {"code": CODE}, attempt_id=attempt.id)
    done = browser.get(reverse("garmin_card", args=[athlete.id]), **HTMX)
    html = done.content.decode()
    assert "Sync now" in html and "mtamizi" in html
    connection = Connection.objects.get(athlete=athlete, provider="garmin")
    assert connection.status == Connection.Status.ACTIVE
    # Connecting fetched the history by itself: the runs are listed, done.
    kinds = set(connection.runs.values_list("kind", "state"))
    assert kinds == {("backfill", "done"), ("wellness", "done")}
    assert "Last syncs" in html


def test_sync_now_shows_its_run_and_refuses_a_second_within_five_minutes(
    garmin: FakeGarmin, post: Callable[..., Any], athlete: Athlete, browser: Client
) -> None:
    post("garmin_connect", {"email": EMAIL, "password": PASSWORD})
    SyncRun.objects.all().delete()
    first = post("garmin_sync_now")
    assert first.status_code == 200
    second = post("garmin_sync_now")
    assert second.status_code == 429
    page = browser.get(reverse("connections", args=[athlete.id])).content.decode()
    assert "less than five minutes ago" in page or "five minutes" in second.content.decode()


def test_a_backfill_brings_older_activities_and_refuses_beyond_two_years(
    garmin: FakeGarmin, post: Callable[..., Any], athlete: Athlete
) -> None:
    post("garmin_connect", {"email": EMAIL, "password": PASSWORD})
    too_old = post("garmin_backfill", {"since": "2020-01-01"})
    assert too_old.status_code == 400
    assert "two years" in too_old.content.decode()
    bad = post("garmin_backfill", {"since": "not a date"})
    assert bad.status_code == 400
    since = athlete.local_today() - dt.timedelta(days=700)
    ok = post("garmin_backfill", {"since": since.isoformat()})
    assert ok.status_code == 200
    assert SyncRun.objects.filter(kind="backfill", since=since, state="done").exists()


def test_a_bad_sign_in_form_says_why_and_starts_nothing(
    garmin: FakeGarmin, post: Callable[..., Any]
) -> None:
    response = post("garmin_connect", {"email": "not-an-email", "password": ""})
    assert response.status_code == 400
    assert not LoginAttempt.objects.exists()
    assert garmin.log == []


def test_sign_ins_are_limited_per_hour(garmin: FakeGarmin, post: Callable[..., Any]) -> None:
    garmin.login_status = 200
    for _ in range(5):
        assert post("garmin_connect", {"email": EMAIL, "password": "wrong"}).status_code == 200
    refused = post("garmin_connect", {"email": EMAIL, "password": "wrong"})
    assert refused.status_code == 429
    assert "Too many sign-ins" in refused.content.decode()


def test_disconnect_deletes_the_tokens_and_keeps_the_activities(
    garmin: FakeGarmin, post: Callable[..., Any], athlete: Athlete, browser: Client
) -> None:
    post("garmin_connect", {"email": EMAIL, "password": PASSWORD})
    post("garmin_backfill", {"since": "2025-12-20"})
    kept = Activity.objects.filter(athlete=athlete).count()
    assert kept == 3
    response = browser.post(reverse("garmin_disconnect", args=[athlete.id]), follow=True)
    connection = Connection.objects.get(athlete=athlete, provider="garmin")
    assert connection.status == Connection.Status.DISCONNECTED
    assert connection.credentials_dict == {}
    assert Activity.objects.filter(athlete=athlete).count() == kept
    assert "deleted its tokens" in response.content.decode()
    assert "Connect Garmin" in response.content.decode()


def test_a_coach_with_full_rights_manages_the_connection(
    garmin: FakeGarmin, athlete: Athlete, coach: User
) -> None:
    client = Client()
    client.force_login(coach)
    url = reverse("connections", args=[athlete.id])
    assert client.get(url).status_code == 403
    CoachAthlete.objects.filter(coach=coach, athlete=athlete).update(
        permission=CoachAthlete.Permission.FULL
    )
    assert client.get(url).status_code == 200


def test_a_problem_shows_on_the_athletes_home(
    garmin: FakeGarmin, athlete: Athlete, browser: Client
) -> None:
    Connection.objects.create(
        athlete=athlete,
        provider=Connection.Provider.GARMIN,
        status=Connection.Status.NEEDS_USER,
        status_reason="Garmin asks you to sign in again.",
    )
    html = browser.get(reverse("athlete_detail", args=[athlete.id])).content.decode()
    assert "Garmin Connect needs you" in html
    assert "Garmin asks you to sign in again." in html
    assert reverse("connections", args=[athlete.id]) in html
