"""The demo in a real browser: a coach's roster, an athlete's day and profile, French, no console
errors.

Screenshots land in var/screenshots/. Needs Debian's Chromium (see tests/browser.py).
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from tests.browser import log_in, page_text, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "paceline-demo"
COACH = "coach.alice@demo.paceline.test"
ENGLISH_ATHLETE = "daniel.okafor@demo.paceline.test"


@pytest.fixture
def demo(transactional_db: None) -> dict[str, Any]:
    call_command("seed_demo", "--athletes", "2", stdout=io.StringIO())
    return {"coach": COACH, "athlete": ENGLISH_ATHLETE}


def test_coach_sees_their_athletes_on_the_roster(page: Page, live_server: Any, demo: Any) -> None:
    log_in(page, live_server.url, COACH, PASSWORD)
    page.goto(f"{live_server.url}/roster/")

    body = page_text(page)
    screenshot(page, "coach_roster")
    assert "Camille Durand" in body
    assert "Daniel Okafor" in body


def test_coach_lands_on_the_cockpit_with_their_athletes(
    page: Page, live_server: Any, demo: Any
) -> None:
    log_in(page, live_server.url, COACH, PASSWORD)

    assert page.url.endswith("/cockpit/")
    screenshot(page, "coach_cockpit")
    body = page_text(page)
    assert "Camille Durand" in body
    assert "Daniel Okafor" in body
    assert page.locator("table.cockpit tbody tr").count() >= 2


def test_athlete_lands_on_their_day_and_sees_their_profile(
    page: Page, live_server: Any, demo: Any
) -> None:
    log_in(page, live_server.url, ENGLISH_ATHLETE, PASSWORD)
    assert page.url == f"{live_server.url}/today/"
    assert page.locator("h1").first.inner_text().strip() == "Today"
    screenshot(page, "athlete_home")

    page.goto(f"{live_server.url}/me/")
    screenshot(page, "athlete_profile")
    assert page.locator("h1").first.inner_text().strip() == "Daniel Okafor"
    assert "Valencia" not in page_text(page)  # a runner's race belongs to Camille, not Daniel
    assert "Ironman 70.3" in page_text(page)


def test_language_switch_shows_the_page_in_french(page: Page, live_server: Any, demo: Any) -> None:
    log_in(page, live_server.url, ENGLISH_ATHLETE, PASSWORD)
    page.goto(f"{live_server.url}/me/")
    profile_url = page.url

    page.locator("button[name=language][value=fr] >> visible=true").first.click()
    page.wait_for_load_state("domcontentloaded")

    screenshot(page, "athlete_profile_fr")
    assert page.url == profile_url
    assert page.locator("html").get_attribute("lang") == "fr"
    nav = page.locator("nav.nav-links >> visible=true").first.inner_text()
    assert "My profile" not in nav, (
        "The page is marked French but the navigation is still English "
        f"({nav!r}): the French catalogue is missing or incomplete — translate "
        "locale/fr/LC_MESSAGES/django.po and run `make messages`."
    )


def test_deleting_a_goal_asks_first_and_keeps_it_when_dismissed(
    page: Page, live_server: Any, demo: Any
) -> None:
    log_in(page, live_server.url, ENGLISH_ATHLETE, PASSWORD)
    page.goto(f"{live_server.url}/me/")
    page.goto(page.url.rstrip("/") + "/goals/")
    goals_before = page.locator("form[data-confirm] button").count()
    assert goals_before > 0

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator("form[data-confirm] button").first.click()
    page.wait_for_timeout(300)
    assert page.locator("form[data-confirm] button").count() == goals_before

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator("form[data-confirm] button").first.click()
    assert page.locator("form[data-confirm] button").count() == goals_before - 1
