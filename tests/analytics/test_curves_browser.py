"""A French athlete's ride in Chromium: the speed curve reads in km/h like its table, the
efficiency factor in W/bpm, the sub-sport by its name."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser

from athletes.models import Athlete
from tests.analytics import builders as b
from tests.browser import ConsoleErrors, logged_in_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_french_riders_speed_curve_and_efficiency_read_as_a_coach_expects(
    browser: Browser, console_errors: ConsoleErrors, live_server: Any, athlete: Athlete
) -> None:
    athlete.language = "fr"
    athlete.save(update_fields=["language"])
    ride = b.activity(athlete, athlete.local_today() - dt.timedelta(days=1), sport="ride")
    ride.sub_sport = "road"
    ride.save(update_fields=["sub_sport"])
    curve = b.curve({1: 12.5, 5: 12.0, 60: 10.0, 300: 8.5, 1200: 8.0, 3000: 7.8})
    b.metrics(ride, np_w=210.0, efficiency_factor=1.4286, mean_max={"speed_mps": curve})
    page = logged_in_page(browser, console_errors, live_server, athlete.user, 1280)

    page.goto(live_server.url + reverse("activity_detail", args=[athlete.id, ride.id]))
    heading = page.locator("#curve-speed_mps h3").inner_text()
    ticks = page.locator("#curve-speed_mps svg.chart-wide text.tick-y").all_text_contents()
    body = page.locator("main").inner_text()

    page.locator("#curve-speed_mps").scroll_into_view_if_needed()
    screenshot(page, "activity-speed-curve-fr")
    assert "(km/h)" in heading
    assert "m/s" not in body
    assert max(float(t.replace(",", ".").replace("\u2212", "-")) for t in ticks) >= 43
    assert "1,43 W/bpm" in body
    assert "output/bpm" not in body
