"""Connecting Garmin in Chromium: the athlete signs in, types the code Garmin sent, watches the
history arrive and finds the activities in their list (the real library, a fake Garmin)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, expect

from athletes.models import Athlete
from integrations.models import Connection
from tests.browser import ConsoleErrors, logged_in_page, screenshot
from tests.integrations.garmin.fake import (
    CODE,
    EMAIL,
    PASSWORD,
    FakeGarmin,
    installed,
    recorded_account,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def garmin(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGarmin]:
    activities, files = recorded_account(corpus)
    fake = FakeGarmin(corpus, activities=activities, files=files, mfa=True)
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    fake.wellness[("user_summary", yesterday)] = {
        "calendarDate": yesterday, "restingHeartRate": 47, "totalSteps": 11234,
        "averageStressLevel": 21, "bodyBatteryHighestValue": 88, "bodyBatteryLowestValue": 25,
    }  # fmt: skip
    fake.wellness[("hrv", yesterday)] = {
        "hrvSummary": {"calendarDate": yesterday, "lastNightAvg": 61, "weeklyAvg": 58,
                       "baseline": {"balancedLow": 50, "balancedUpper": 70}},
    }  # fmt: skip
    with installed(fake, monkeypatch):
        yield fake


@pytest.mark.parametrize("width", [1366, 390])
def test_an_athlete_connects_garmin_with_a_code_and_sees_the_activities_arrive(
    browser: Browser,
    console_errors: ConsoleErrors,
    live_server: Any,
    athlete: Athlete,
    garmin: FakeGarmin,
    width: int,
) -> None:
    page = logged_in_page(browser, console_errors, live_server, athlete.user, width)
    page.goto(f"{live_server.url}/athletes/{athlete.id}/connections/")
    screenshot(page, f"garmin-{width}-1-connect")

    page.fill('input[name="email"]', EMAIL)
    page.fill('input[name="password"]', PASSWORD)
    page.get_by_role("button", name="Connect Garmin").click()
    code = page.locator('input[name="code"]')
    expect(code).to_be_visible(timeout=15_000)  # the card polled until Garmin asked for it
    screenshot(page, f"garmin-{width}-2-code")
    code.fill("12ab")  # not a code: refused with the reason, in the card
    page.get_by_role("button", name="Finish connecting").click()
    expect(page.locator("#garmin-card")).to_contain_text("digits only")
    # The browser logs the refused request (400) as an error; that one was expected.
    console_errors[:] = [e for e in console_errors if "status of 400" not in e]
    page.locator('input[name="code"]').fill(CODE)
    page.get_by_role("button", name="Finish connecting").click()
    expect(page.get_by_role("button", name="Sync now")).to_be_visible(timeout=15_000)
    assert Connection.objects.get(athlete=athlete).status == Connection.Status.ACTIVE

    page.get_by_text("Fetch older activities").click()
    page.fill('input[name="since"]', "2025-12-20")
    page.get_by_role("button", name="Fetch", exact=True).click()
    expect(page.locator("#garmin-card table")).to_contain_text("Backfill", timeout=15_000)
    screenshot(page, f"garmin-{width}-3-runs")

    page.goto(f"{live_server.url}/athletes/{athlete.id}/activities/")
    expect(page.locator("body")).to_contain_text("Cuajimalpa de Morelos - Base")
    screenshot(page, f"garmin-{width}-4-activities")
    # On the calendar too: the planner's week of 5 January 2026 shows the three.
    page.goto(f"{live_server.url}{reverse('planner', args=[athlete.id])}?week=2026-01-05")
    expect(page.locator("main")).to_contain_text("Cuajimalpa de Morelos - Base")
    screenshot(page, f"garmin-{width}-5-calendar")
    # And wellness on its page: the 30 days fetched on connecting hold yesterday's values.
    page.goto(live_server.url + reverse("wellness", args=[athlete.id]))
    expect(page.locator("main")).to_contain_text("61")
    expect(page.locator("main")).to_contain_text("47")
    screenshot(page, f"garmin-{width}-6-wellness")
    assert console_errors == []
