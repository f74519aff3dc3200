"""Fitness to race day in Chromium: the race card and the race-day mark on the chart, on a
laptop (1366 px) and a phone (390 px), without console errors or sideways scrolling."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser

from athletes.models import Athlete
from tests.analytics import builders as b
from tests.browser import SCREENSHOTS, ConsoleErrors, logged_in_page, screenshot
from tests.factories import GoalFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DAY = dt.timedelta(days=1)


def _season(athlete: Athlete) -> None:
    """Sixty days of history, runs on Tue/Thu/Sun, two planned weeks and an A race in 26 weeks."""
    today = athlete.local_today()
    loads = [70.0 if (today - (59 - n) * DAY).weekday() in (1, 3, 6) else 0.0 for n in range(60)]
    fitness = [30.0 + n / 3 for n in range(60)]
    b.days(athlete, today - 59 * DAY, loads, fitness=fitness, fatigue=[f + 8 for f in fitness])
    for n, rate in enumerate([6.0, 7.0, 8.0, 8.5, 9.0, 10.0] * 2):
        day = today - (1 + n * 2) * DAY
        b.metrics(b.activity(athlete, day, distance_m=10000.0), load=rate * 10)
    b.planned(athlete, {today + n * DAY: 60.0 + 10 * (n % 3) for n in (1, 3, 5, 8, 10, 12)})
    GoalFactory(
        athlete=athlete, name="Lyon Marathon", priority="A", sport="run",
        race_on=today + 182 * DAY, weekly_distance_m=50000.0,
    )  # fmt: skip


@pytest.mark.parametrize("width", [1366, 390])
def test_the_fitness_page_marks_race_day_with_its_projected_form(
    width: int,
    browser: Browser,
    console_errors: ConsoleErrors,
    live_server: Any,
    athlete: Athlete,
) -> None:
    _season(athlete)
    page = logged_in_page(browser, console_errors, live_server, athlete.user, width)

    page.goto(live_server.url + reverse("fitness", args=[athlete.id]) + "?range=6w")
    variant = "wide" if width > 700 else "narrow"
    dot = page.locator(f"#pmc-chart-{variant}-title").locator("xpath=..").locator(".race-dot")
    card = page.locator(".race-card")

    screenshot(page, f"fitness-race-day-{width}")
    chart_card = page.locator("#fitness-chart").locator("xpath=..")
    chart_card.screenshot(path=str(SCREENSHOTS / f"fitness-race-day-chart-{width}.png"))
    assert card.is_visible()
    assert "Race day: Lyon Marathon" in card.inner_text()
    assert "Projected Form" in card.inner_text()
    assert dot.is_visible()
    assert page.locator(".chart .area-form-band").first.count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
