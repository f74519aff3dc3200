"""The TrainingPeaks calendar in Chromium: the athlete pastes the address, the card reads it,
and the coach's sessions appear on the planner marked as coming from TrainingPeaks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from athletes.models import Athlete
from tests.browser import ConsoleErrors, logged_in_page, screenshot
from tests.integrations.trainingpeaks.feed_server import FeedServer, Reply, feed_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server(settings: Any, corpus: Path) -> Iterator[FeedServer]:
    settings.PACELINE_FEED_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    body = (corpus / "ical" / "trainingpeaks_realwording" / "pull1.ics").read_bytes()
    with feed_server() as running:
        running.routes["/ical/SECRET.ics"] = Reply(body=body)
        yield running


@pytest.mark.parametrize("width", [1366, 390])
def test_an_athlete_pastes_the_calendar_and_sees_the_plan(
    browser: Browser,
    console_errors: ConsoleErrors,
    live_server: Any,
    athlete: Athlete,
    server: FeedServer,
    width: int,
) -> None:
    Athlete.objects.filter(id=athlete.id).update(time_zone="America/Toronto")
    page = logged_in_page(browser, console_errors, live_server, athlete.user, width)
    page.goto(live_server.url + reverse("connections", args=[athlete.id]))
    card = page.locator("#calendar-card")
    card.locator('input[name="url"]').fill(f"{server.url}/ical/SECRET.ics")
    card.get_by_role("button", name="Read this calendar").click()
    expect(card).to_contain_text("Last read: 22 sessions", timeout=15_000)
    screenshot(page, f"calendar-{width}-1-read")

    page.goto(live_server.url + reverse("planner", args=[athlete.id]) + "?week=2027-01-11")
    expect(page.locator("main")).to_contain_text("Fractionné 6 x 800 m")
    expect(page.locator(".badge", has_text="TP").first).to_be_visible()
    screenshot(page, f"calendar-{width}-2-planner")
    assert console_errors == []
