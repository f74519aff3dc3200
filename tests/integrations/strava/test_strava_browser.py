"""Connecting Strava in Chromium: the athlete presses Connect, approves at "Strava" (the fake's
approval page answers with Strava's redirect), comes back to the card, watches the history
arrive, sets the choices; the coach sees the activities only once the athlete shares them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, expect

from athletes.models import Athlete, User
from tests.browser import ConsoleErrors, logged_in_page, screenshot
from tests.integrations.strava.conftest import SCOPE, STRAVA_ATHLETE
from tests.integrations.strava.fake_server import FakeStrava

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_an_athlete_connects_strava_and_decides_what_the_coach_sees(
    browser: Browser,
    console_errors: ConsoleErrors,
    live_server: Any,
    athlete: Athlete,
    coach: User,
    strava: FakeStrava,
    settings: Any,
    width: int,
) -> None:
    settings.PACELINE_BASE_URL = live_server.url  # where Strava sends the athlete back
    ids = strava.corpus_activities(
        STRAVA_ATHLETE, 3, start=timezone.now() - dt.timedelta(days=8),
        step=dt.timedelta(days=2), kinds=("app_ride", "run"),
    )  # fmt: skip
    strava.approve_in_browser("browser-code", STRAVA_ATHLETE, scope=SCOPE)

    page = logged_in_page(browser, console_errors, live_server, athlete.user, width)
    page.goto(live_server.url + reverse("connections", args=[athlete.id]))
    card = page.locator("#strava-card")
    expect(card).to_contain_text("Connect Strava")
    screenshot(page, f"strava-{width}-1-connect")

    page.get_by_role("button", name="Connect Strava").click()
    expect(page.locator("body")).to_contain_text("Strava connected", timeout=15_000)
    expect(card.get_by_role("button", name="Sync now")).to_be_visible()
    expect(card.locator("table")).to_contain_text("Backfill", timeout=15_000)
    screenshot(page, f"strava-{width}-2-connected")

    coach_page = logged_in_page(browser, console_errors, live_server, coach, width)
    coach_page.goto(live_server.url + reverse("activity_list", args=[athlete.id]))
    names = {strava.activity(strava_id)["name"] for strava_id in ids}
    assert names and all(names)
    for name in names:
        expect(coach_page.locator("main")).not_to_contain_text(name)
    screenshot(coach_page, f"strava-{width}-3-coach-without-consent")

    card.get_by_text("Your Strava choices").click()
    card.get_by_label("Show my Strava activities to my coaches").check()
    card.get_by_role("button", name="Save").click()
    expect(page.locator("#strava-card")).to_contain_text("saved")
    expect(page.locator("#strava-card")).to_contain_text("yes, since")
    screenshot(page, f"strava-{width}-4-shared")

    coach_page.reload()
    for name in names:
        expect(coach_page.locator("main")).to_contain_text(name)
    screenshot(coach_page, f"strava-{width}-5-coach-with-consent")
    assert console_errors == []
