"""Planned vs actual in headless Chromium, at 1366 and 390 px: a coach's squad over 8 weeks
(bars and the athlete × week table) and one athlete per day; no console error, no page-wide
sideways scroll on a phone (the table scrolls inside its own box). Screenshots in
var/screenshots/planned-actual-*.png."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from playwright.sync_api import Browser

from athletes.models import Athlete, User
from tests.browser import ConsoleErrors, logged_in_page, page_text, screenshot
from tests.coaching.builders import activity, session
from tests.factories import AthleteFactory, CoachAthleteFactory, GroupFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MONDAY = dt.date(2026, 1, 12)
NAMES = ["Ada Lovelace", "Bruno Martin", "Chloé Dubois", "Dmitri Volkov", "Elena Garcia"]


def _squad(coach: User) -> list[Athlete]:
    athletes = []
    for n, name in enumerate(NAMES):
        first, last = name.split()
        athlete = AthleteFactory(
            user__email=f"pva{n}@example.test", user__first_name=first, user__last_name=last
        )
        CoachAthleteFactory(coach=coach, athlete=athlete)
        for week in range(8):
            for weekday, minutes in ((1, 60), (3, 45), (5, 90 + 10 * n)):
                on = MONDAY + dt.timedelta(weeks=week, days=weekday)
                session(athlete, on, duration_s=minutes * 60, load=minutes)
                if (week + weekday + n) % 4:
                    done_min = minutes * (0.8 + 0.05 * ((week + n) % 6))
                    activity(athlete, on, moving_s=done_min * 60, load=done_min)
        athletes.append(athlete)
    return athletes


@pytest.mark.parametrize("width", [1366, 390])
def test_planned_vs_actual_reads_well_wide_and_on_a_phone(
    browser: Browser, console_errors: ConsoleErrors, live_server: Any, coach: User, width: int
) -> None:
    athletes = _squad(coach)
    group = GroupFactory(coach=coach, name="Marathon squad")
    group.athletes.set(athletes[:3])
    page = logged_in_page(browser, console_errors, live_server, coach, width)
    pages = {
        "roster": "/planned-vs-actual/?first=2026-01-12&last=2026-03-08",
        "group-load": f"/planned-vs-actual/?group={group.id}&weeks=&first=2026-01-12"
        "&last=2026-03-08&metric=load",
        "athlete-daily": f"/athletes/{athletes[0].id}/planned-vs-actual/?first=2026-02-23"
        "&last=2026-03-08&bucket=day",
    }
    with time_machine.travel(dt.datetime(2026, 3, 6, 12, tzinfo=dt.UTC), tick=True):
        for name, path in pages.items():
            page.goto(live_server.url + path)
            assert page.locator(".pva-table").count() == 1, page_text(page, 400)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name} scrolls sideways by {overflow} px at {width} px"
            screenshot(page, f"planned-actual-{name}-{width}")
    text = page_text(page)
    assert "Ada Lovelace" in text and "Total" in text
    assert list(console_errors) == []
