"""The athlete's home in headless Chromium: on a phone (390 px) and a laptop, in English and in
French, nothing scrolls sideways; the RPE form logs yesterday's session in place (htmx) and the
row goes; a brand-new athlete's page is all empty states. No console errors. Screenshots in
var/screenshots/home-*.png (see tests/browser.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, expect

from activities.models import Activity
from analytics.models import DailyLoad
from athletes.models import Athlete, WellnessDay
from athletes.services.thresholds import thresholds_set
from tests.analytics import builders
from tests.browser import ConsoleErrors, logged_in_page, screenshot
from tests.coaching.planner_world import done, linked, planned, power_steps
from tests.factories import GoalFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE, LAPTOP = 390, 1366
DAY = dt.timedelta(days=1)


def _open(
    browser: Browser, errors: ConsoleErrors, live_server: Any, athlete: Athlete, width: int,
    lang: str = "en",
) -> Page:  # fmt: skip
    page = logged_in_page(browser, errors, live_server, athlete.user, width)
    cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": live_server.url}
    page.context.add_cookies([cookie])
    page.goto(f"{live_server.url}/")  # the home sends the athlete to /today/
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/today/")
    return page


@pytest.fixture
def busy(athlete: Athlete) -> Activity:
    """A week in progress: today's structured ride, yesterday's run done without an RPE, the
    week's other sessions, six weeks of load, last night's wellness and an A race. Returns
    yesterday's run."""
    today = athlete.local_today()
    monday = today - dt.timedelta(days=today.weekday())
    thresholds_set(athlete=athlete, sport="ride", valid_from=today - 60 * DAY, by=None, ftp_w=250)
    planned(athlete, today, "Sweet spot 3 × 12 min", sport="ride", steps=power_steps(225, 45))
    session = planned(athlete, today - DAY, "Easy hour with strides", duration_s=3600.0)
    run = done(athlete, today - DAY, moving_s=3300.0, load=48.0, name="Riverside loop")
    linked(session, run)
    for offset in range(7):
        on = monday + offset * DAY
        if on not in (today, today - DAY):
            planned(athlete, on, f"Endurance {offset + 1}", duration_s=2700.0 + 600 * offset)
    WellnessDay.objects.create(
        athlete=athlete, day=today, sleep_s=26100, hrv_ms=58.0, resting_hr_bpm=46
    )
    GoalFactory(athlete=athlete, race_on=today + 47 * DAY, name="Lyon half marathon",
                distance_m=21097.5)  # fmt: skip
    # Six weeks of Fitness in place of what the pipeline computed from the one activity.
    DailyLoad.objects.filter(athlete=athlete).delete()
    builders.days(athlete, today - 41 * DAY, [40.0 + (n % 7) * 8 for n in range(42)],
                  fitness=[30 + n * 0.4 for n in range(42)],
                  fatigue=[35 + (n % 9) for n in range(42)],
                  form=[-5 - (n % 9) + n * 0.4 for n in range(42)])  # fmt: skip
    return run


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("width", [PHONE, LAPTOP])
def test_the_home_fits_the_screen_in_english_and_french(
    browser: Browser,
    console_errors: ConsoleErrors,
    live_server: Any,
    athlete: Athlete,
    busy: Activity,
    width: int,
    lang: str,
) -> None:
    page = _open(browser, console_errors, live_server, athlete, width, lang)

    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the home scrolls sideways by {overflow} px at {width} px ({lang})"
    expect(page.locator(".week-strip-day")).to_have_count(7)
    expect(page.locator(".home-today .workout-steps")).to_be_visible()
    strip = page.locator(".week-strip").bounding_box()
    assert strip is not None and strip["width"] <= width
    screenshot(page, f"home-{lang}-{width}")
    assert console_errors == []


def test_the_athlete_logs_yesterdays_rpe_in_place(
    browser: Browser,
    console_errors: ConsoleErrors,
    live_server: Any,
    athlete: Athlete,
    busy: Activity,
) -> None:
    page = _open(browser, console_errors, live_server, athlete, PHONE)
    row = page.locator(f"#home-rpe-{busy.id}")
    expect(row).to_be_visible()

    row.locator("select[name=rpe]").select_option("6")
    row.locator("select[name=feel]").select_option("4")
    row.get_by_role("button", name="Log").click()

    expect(page.locator("#home-rpe .saved-note")).to_contain_text("Logged: Riverside loop.")
    expect(page.locator(f"#home-rpe-{busy.id}")).to_have_count(0)
    assert page.url.endswith("/today/")  # swapped in place, no reload
    busy.refresh_from_db()
    assert (busy.rpe, busy.feel) == (6, 4)
    screenshot(page, f"home-rpe-logged-{PHONE}")
    assert console_errors == []


def test_a_brand_new_athlete_sees_empty_states_on_a_phone(
    browser: Browser, console_errors: ConsoleErrors, live_server: Any, athlete: Athlete
) -> None:
    page = _open(browser, console_errors, live_server, athlete, PHONE)

    expect(page.locator(".home-today .empty-state")).to_be_visible()
    expect(page.locator("#home-rpe")).to_be_hidden()
    expect(page.locator(".home-race .empty-state")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(page, f"home-empty-{PHONE}")
    assert console_errors == []
