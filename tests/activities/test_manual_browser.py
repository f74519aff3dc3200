"""The manual log in Chromium, in French: the date input shows its prefilled day (an ISO
value; a localized one leaves a browser's date input empty) and the form goes through."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from activities.models import Activity
from athletes.models import Athlete
from tests.browser import ConsoleErrors, logged_in_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_french_athlete_sees_today_in_the_manual_log_date_and_logs_a_session(
    browser: Browser, console_errors: ConsoleErrors, live_server: Any, athlete: Athlete
) -> None:
    athlete.language = "fr"
    athlete.save(update_fields=["language"])
    today = athlete.local_today()
    page = logged_in_page(browser, console_errors, live_server, athlete.user, 1280)

    page.goto(f"{live_server.url}/athletes/{athlete.id}/activities/log/")
    date_input = page.locator('input[name="day"]')

    assert page.locator("html").get_attribute("lang") == "fr"
    assert date_input.input_value() == today.isoformat()
    screenshot(page, "manual-log-fr")
    page.locator('input[name="duration"]').fill("0:45")  # h:mm, as everywhere
    page.locator('section.card form button[type="submit"]').click()

    expect(page).to_have_url(re.compile(rf"/athletes/{athlete.id}/activities/\d+/$"))
    activity = Activity.objects.get(athlete=athlete)
    assert activity.day == today
    assert activity.moving_s == 45 * 60 or activity.elapsed_s == 45 * 60


def test_a_french_coach_sees_the_next_week_in_the_copy_week_dialog(
    browser: Browser, console_errors: ConsoleErrors, live_server: Any, coach: Any, athlete: Athlete
) -> None:
    from django.conf import settings
    from django.urls import reverse

    page = logged_in_page(browser, console_errors, live_server, coach, 1280)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "fr", "url": live_server.url}]
    )
    today = athlete.local_today()
    next_monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=7)

    page.goto(live_server.url + reverse("planner", args=[athlete.id]))
    page.locator("a[href*='/plan/week/copy/']").first.click()
    page.wait_for_selector("#planner-dialog[open] .planner-copy-form")

    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("input[name=to_week]").input_value() == next_monday.isoformat()
    screenshot(page, "planner-copy-week-fr")
