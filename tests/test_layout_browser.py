"""Layout in headless Chromium at a laptop's 1366 px and a phone's 390 px: the top navigation
keeps one row in English and in French, the Fitness charts fill their card and follow it when
the window is resized. Screenshots of the pages touched land in var/screenshots/layout-*.png."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page

from athletes.models import Athlete, User
from tests.analytics import builders
from tests.browser import ConsoleErrors, logged_in_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP, PHONE = 1366, 390


def _open(
    browser: Browser, errors: ConsoleErrors, live_server: Any, user: User, width: int, lang: str
) -> Page:
    page = logged_in_page(browser, errors, live_server, user, width)
    cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": live_server.url}
    page.context.add_cookies([cookie])
    return page


def _rows(page: Page) -> int:
    """How many rows the desktop navigation's items take (their distinct tops)."""
    tops = page.locator(".nav-desktop .nav-links > *").evaluate_all(
        "items => items.map(item => Math.round(item.getBoundingClientRect().top))"
    )
    return len(set(tops))


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("who", ["athlete", "coach"])
def test_the_top_navigation_keeps_one_row_at_1366_px_in_english_and_french(
    browser: Browser,
    console_errors: ConsoleErrors,
    live_server: Any,
    athlete: Athlete,
    coach: User,
    who: str,
    lang: str,
) -> None:
    user = athlete.user if who == "athlete" else coach
    page = _open(browser, console_errors, live_server, user, LAPTOP, lang)
    page.goto(f"{live_server.url}/athletes/{athlete.id}/")

    box = page.locator(".topbar").bounding_box()
    assert box is not None
    assert _rows(page) == 1
    assert box["height"] < 70, f"the top bar is {box['height']} px high"
    screenshot(page, f"layout-nav-{who}-{lang}-{LAPTOP}")


def test_the_more_menu_holds_the_rest_of_the_athletes_pages(
    browser: Browser, console_errors: ConsoleErrors, live_server: Any, athlete: Athlete
) -> None:
    page = _open(browser, console_errors, live_server, athlete.user, LAPTOP, "fr")
    page.goto(f"{live_server.url}/athletes/{athlete.id}/")

    more = page.locator(".nav-more > summary")
    more.click()
    goals = page.locator(".nav-more .dropdown-panel a", has_text="Objectifs")
    assert goals.is_visible()
    page.locator("h1").click()  # a click elsewhere closes it
    assert not goals.is_visible()
    more.click()
    goals.click()
    page.wait_for_url(f"**/athletes/{athlete.id}/goals/")
    assert "is-current" in (more.get_attribute("class") or "")  # the page is under More


def _chart_and_card(page: Page) -> tuple[float, float]:
    """The visible Fitness chart's width and its card's content width (px)."""
    return page.locator("#pmc-chart-wide-title").evaluate(
        """title => {
            const chart = title.closest("svg"), card = title.closest(".card");
            const style = getComputedStyle(card);
            const inner = card.clientWidth - parseFloat(style.paddingLeft)
                - parseFloat(style.paddingRight);
            return [chart.getBoundingClientRect().width, inner];
        }"""
    )


def test_the_fitness_charts_fill_their_card_and_follow_a_resize(
    browser: Browser, console_errors: ConsoleErrors, live_server: Any, athlete: Athlete
) -> None:
    first = athlete.local_today() - dt.timedelta(days=59)
    builders.days(athlete, first, [50.0 if n % 2 else 0.0 for n in range(60)])
    page = _open(browser, console_errors, live_server, athlete.user, LAPTOP, "en")
    page.goto(f"{live_server.url}/athletes/{athlete.id}/fitness/")

    chart, card = _chart_and_card(page)
    assert chart == pytest.approx(card, abs=2)
    screenshot(page, f"layout-fitness-{LAPTOP}")

    page.set_viewport_size({"width": 1000, "height": 900})
    narrower, card = _chart_and_card(page)
    assert narrower == pytest.approx(card, abs=2) and narrower < chart
    page.set_viewport_size({"width": PHONE, "height": 900})
    screenshot(page, f"layout-fitness-{PHONE}")


@pytest.fixture
def touched(athlete: Athlete, coach: User) -> dict[str, str]:
    """The pages this layout work touched, with something on each."""
    from activities.models import ImportJob
    from activities.services.manual import manual_activity_log
    from coaching.services.comments import comment_add
    from tests.coaching.journal_world import planned

    today = athlete.local_today()
    run = manual_activity_log(
        athlete=athlete, by=athlete.user, day=today, sport="run", duration_s=2700.0, rpe=6
    )
    session = planned(athlete, coach, today, "Easy hour")
    comment_add(author=coach, body="How did the legs feel?", activity=run)
    comment_add(author=coach, body="Keep it easy.", session=session)
    result = {"name": "Garmin/Fit/2026-03-02_123.fit", "outcome": "created", "reason": ""}
    job = ImportJob.objects.create(
        athlete=athlete,
        kind=ImportJob.Kind.GARMIN_EXPORT,
        state=ImportJob.State.DONE,
        original_name="export.zip",
        total=1,
        cursor=1,
        created=1,
        results=[{**result, "activity_ids": [run.id]}],
    )
    base = f"/athletes/{athlete.id}"
    return {
        "home": f"{base}/",
        "activities": f"{base}/activities/",
        "log": f"{base}/activities/log/",
        "plan": f"{base}/plan/",
        "day": f"{base}/plan/days/{today.isoformat()}/",
        "activity": f"{base}/activities/{run.id}/",
        "import": f"{base}/imports/{job.id}/",
        "inbox": "/comments/",
    }


@pytest.mark.parametrize("width", [LAPTOP, PHONE])
def test_the_pages_touched_fit_the_screen_without_sideways_scrolling(
    browser: Browser,
    console_errors: ConsoleErrors,
    live_server: Any,
    athlete: Athlete,
    touched: dict[str, str],
    width: int,
) -> None:
    page = _open(browser, console_errors, live_server, athlete.user, width, "fr")
    for name, path in touched.items():
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow} px at {width} px"
        screenshot(page, f"layout-{name}-{width}")
