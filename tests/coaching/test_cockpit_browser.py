"""The coach's cockpit in headless Chromium: the attention queue above a table at a laptop's
1366 px, one card per athlete at a phone's 390 px, no sideways scrolling, no console error.
Screenshots land in var/screenshots/cockpit-*.png."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Browser

from analytics.models import DailyLoad
from athletes.models import Athlete, CoachAthlete, Goal, User
from integrations.models import Connection
from tests.analytics.builders import days as daily_loads
from tests.browser import ConsoleErrors, logged_in_page, screenshot
from tests.coaching.planner_world import done, linked, planned
from tests.factories import AthleteFactory, CoachAthleteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP, PHONE = 1366, 390


def _week_of(athlete: Athlete) -> None:
    today = athlete.local_today()
    monday = today - dt.timedelta(days=today.weekday())
    for offset in range(0, 7, 2):
        on = monday + dt.timedelta(days=offset)
        session = planned(athlete, on, "Endurance run", duration_s=3600)
        if on <= today:
            linked(session, done(athlete, on, moving_s=3300, load=50, dist_eq_km=10.2))
    first = today - dt.timedelta(days=40)
    DailyLoad.objects.filter(athlete=athlete).delete()  # the links' recompute wrote some
    daily_loads(athlete, first, [45.0 + (n % 7) * 5 for n in range(41)])
    Goal.objects.create(
        athlete=athlete, name="Spring marathon", race_on=today + dt.timedelta(days=47), priority="A"
    )


@pytest.fixture
def squad(coach: User, athlete: Athlete) -> list[Athlete]:
    second = AthleteFactory(user__first_name="Bernadette", user__last_name="Longname-Martin")
    CoachAthleteFactory(coach=coach, athlete=second, permission=CoachAthlete.Permission.EDIT)
    third = AthleteFactory(user__first_name="Chen")
    CoachAthleteFactory(coach=coach, athlete=third, permission=CoachAthlete.Permission.EDIT)
    _week_of(athlete)
    _week_of(second)
    Connection.objects.create(athlete=second, provider="garmin", status="needs_user")
    return [athlete, second, third]


@pytest.mark.parametrize("width", [LAPTOP, PHONE])
def test_the_cockpit_fits_the_screen_as_a_table_or_as_cards(
    browser: Browser,
    console_errors: ConsoleErrors,
    live_server: Any,
    coach: User,
    squad: list[Athlete],
    width: int,
) -> None:
    page = logged_in_page(browser, console_errors, live_server, coach, width)
    page.goto(f"{live_server.url}/")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/cockpit/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    screenshot(page, f"cockpit-{width}")
    rows = page.locator("table.cockpit tbody tr")
    assert rows.count() == 3
    header_visible = page.locator("table.cockpit thead").bounding_box()
    if width == PHONE:
        assert overflow <= 0, f"the cockpit scrolls sideways by {overflow} px at {width} px"
        first, second = rows.nth(0).bounding_box(), rows.nth(1).bounding_box()
        assert first is not None and second is not None
        assert second["y"] >= first["y"] + first["height"]  # cards stacked
        assert first["width"] <= width
        assert header_visible is None or header_visible["height"] <= 1
    else:
        assert header_visible is not None and header_visible["height"] > 10
    items = page.locator(".attention-item")
    assert items.count() >= 2  # Bernadette's connection, the plans running out next week
    for n in range(items.count()):
        box = items.nth(n).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    assert not console_errors
