"""The Wellness page in Chromium at 1366 and 390 px, in English and French: the athlete's charts
and flags, the sharing switch, then the coach who sees the page once it is shared."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from athletes.models import Athlete, User, WellnessDay
from tests.browser import ConsoleErrors, logged_in_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _season(athlete: Athlete) -> None:
    """90 days of plausible wellness up to today: waves, a few gaps, a bad last night."""
    today = athlete.local_today()
    for n in range(90):
        if n % 17 == 5:
            continue  # the watch stayed on the charger
        wave = math.sin(n / 6)
        bad = n == 0
        WellnessDay.objects.create(
            athlete=athlete,
            day=today - dt.timedelta(days=n),
            hrv_ms=round(62 + 6 * wave - (18 if bad else 0), 1),
            hrv_weekly_ms=round(61 + 3 * wave, 1),
            hrv_baseline_low_ms=54.0,
            hrv_baseline_high_ms=70.0,
            resting_hr_bpm=47 + round(2 * wave) + (7 if bad else 0),
            sleep_s=5 * 3600 if bad else 26000 + int(2500 * wave),
            sleep_score=45 if bad else 78 + round(8 * wave),
            sleep_deep_s=5200,
            sleep_light_s=13000 + int(1500 * wave),
            sleep_rem_s=6200,
            sleep_awake_s=1100,
            body_battery=85 + round(8 * wave),
            body_battery_low=20 + round(6 * wave),
            stress=30 - round(6 * wave),
            weight_kg=round(71.4 + 0.4 * math.sin(n / 9), 1) if n % 3 == 0 else None,
            steps=9000 + int(3000 * wave),
        )


def _open(page: Page, live_server: Any, athlete: Athlete, language: str) -> None:
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/athletes/{athlete.id}/wellness/")


def _fits(page: Page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"the page scrolls sideways: {scroll} px in {width}"


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_athlete_reads_wellness_shares_it_and_the_coach_sees_it(
    browser: Browser,
    console_errors: ConsoleErrors,
    live_server: Any,
    athlete: Athlete,
    coach: User,
    width: int,
    language: str,
) -> None:
    _season(athlete)
    page = logged_in_page(browser, console_errors, live_server, athlete.user, width)
    _open(page, live_server, athlete, language)
    variant = "wide" if width > 500 else "narrow"
    expect(page.locator(f"svg.chart-{variant} path.area-baseline").first).to_be_visible()
    expect(page.locator(f"svg.chart-{variant} rect.bar-deep").first).to_be_visible()
    expect(page.locator(".latest, #latest-heading").first).to_be_visible()
    assert page.locator(".badge-flag").count() >= 4  # HRV, resting HR, short and poor sleep
    _fits(page, width)
    screenshot(page, f"wellness-{language}-{width}-1-athlete")

    page.locator(".wellness-sharing button").click()
    expect(page.locator(".wellness-sharing button.btn:not(.btn-primary)")).to_be_visible()
    athlete.refresh_from_db()
    assert athlete.wellness_shared_at is not None

    coach_page = logged_in_page(browser, console_errors, live_server, coach, width)
    _open(coach_page, live_server, athlete, language)
    expect(coach_page.locator(f"svg.chart-{variant}").first).to_be_visible()
    assert coach_page.locator(".wellness-sharing").count() == 0
    _fits(coach_page, width)
    screenshot(coach_page, f"wellness-{language}-{width}-2-coach")
    assert console_errors == []
