"""The TrainingPeaks card of the Connections page, as the athlete uses it (htmx requests; the
pull runs after commit, in-process, over real HTTP from a loopback feed server)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from athletes.models import Athlete
from coaching.models import PlannedSession
from integrations.models import Connection
from tests.integrations.trainingpeaks.feed_server import FeedServer, Reply, feed_server

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def server(settings: Any, corpus: Path) -> Iterator[FeedServer]:
    settings.PACELINE_FEED_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    body = (corpus / "ical" / "trainingpeaks_realwording" / "pull1.ics").read_bytes()
    with feed_server() as running:
        running.routes["/ical/SECRET.ics"] = Reply(body=body)
        yield running


@pytest.fixture
def browser(athlete: Athlete) -> Client:
    Athlete.objects.filter(id=athlete.id).update(time_zone="America/Toronto")
    client = Client()
    client.force_login(athlete.user)
    return client


@pytest.fixture
def post(
    browser: Client, athlete: Athlete, django_capture_on_commit_callbacks: Callable[..., Any]
) -> Callable[..., Any]:
    def run(name: str, data: dict[str, str] | None = None) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return browser.post(reverse(name, args=[athlete.id]), data or {}, **HTMX)

    return run


def _card(browser: Client, athlete: Athlete) -> str:
    return browser.get(reverse("calendar_card", args=[athlete.id]), **HTMX).content.decode()


def test_a_pasted_address_is_read_and_the_plan_fills(
    server: FeedServer, post: Callable[..., Any], browser: Client, athlete: Athlete
) -> None:
    page = browser.get(reverse("connections", args=[athlete.id])).content.decode()
    assert "TrainingPeaks calendar" in page and "Read this calendar" in page
    webcal = server.url.replace("http://", "webcal://") + "/ical/SECRET.ics"
    assert post("calendar_connect", {"url": webcal}).status_code == 200
    # webcal:// is read as https://, which this test server does not speak: the card says so.
    assert "cannot be reached" in _card(browser, athlete)
    response = post("calendar_connect", {"url": f"{server.url}/ical/SECRET.ics"})
    assert response.status_code == 200
    card = _card(browser, athlete)
    assert "Last read: 22 sessions" in card and "127.0.0.1" in card
    assert "SECRET" not in card  # the address is a secret: only its host is shown
    assert PlannedSession.objects.filter(athlete=athlete, source="trainingpeaks").count() == 22
    planner = browser.get(reverse("planner", args=[athlete.id]) + "?week=2027-01-11")
    assert (
        'title="From the TrainingPeaks calendar: change it there">TP<' in planner.content.decode()
    )


def test_an_address_that_cannot_be_one_is_refused(post: Callable[..., Any]) -> None:
    for bad in ("ftp://example.com/x.ics", "not an address", "javascript:alert(1)"):
        response = post("calendar_connect", {"url": bad})
        assert response.status_code == 400
        assert "webcal:// or https://" in response.content.decode()
    assert not Connection.objects.exists()


def test_read_it_now_at_most_every_five_minutes(
    server: FeedServer, post: Callable[..., Any], browser: Client, athlete: Athlete
) -> None:
    post("calendar_connect", {"url": f"{server.url}/ical/SECRET.ics"})
    refused = post("calendar_pull")
    assert refused.status_code == 429
    assert "less than five minutes ago" in refused.content.decode()


def test_disconnect_forgets_the_address_and_keeps_the_sessions(
    server: FeedServer, post: Callable[..., Any], browser: Client, athlete: Athlete
) -> None:
    post("calendar_connect", {"url": f"{server.url}/ical/SECRET.ics"})
    response = browser.post(reverse("calendar_disconnect", args=[athlete.id]), follow=True)
    assert "forgot its address" in response.content.decode()
    connection = Connection.objects.get(athlete=athlete, provider="trainingpeaks")
    assert connection.credentials_dict == {}
    assert PlannedSession.objects.filter(athlete=athlete, source="trainingpeaks").count() == 22
