"""The upload page in Chromium: files chosen one after the other come back as their import jobs'
results; a file over the limit is refused before it is sent. No console error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from activities.models import Activity, ImportJob
from athletes.models import Athlete
from tests.activities.test_pages import gpx
from tests.browser import ConsoleErrors, logged_in_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_athlete_uploads_a_track_and_sees_a_refusal_before_sending_a_huge_file(
    browser: Browser,
    console_errors: ConsoleErrors,
    live_server: Any,
    athlete: Athlete,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PACELINE_MAX_UPLOAD_BYTES = 64 * 1024
    track = tmp_path / "morning-run.gpx"
    track.write_bytes(gpx())
    huge = tmp_path / "huge.gpx"
    huge.write_bytes(b"<gpx>" + b" " * (128 * 1024))
    page = logged_in_page(browser, console_errors, live_server, athlete.user, 1280)

    page.goto(f"{live_server.url}/athletes/{athlete.id}/activities/upload/")
    page.locator('input[type="file"]').set_input_files([str(track), str(huge)])
    page.locator("#upload-form button[type=submit]").click()

    rows = page.locator("#upload-results li.upload-result")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("created")
    expect(rows.nth(0).locator("a", has_text="View activity")).to_be_visible()
    expect(rows.nth(1)).to_contain_text("Too large: activity files may be up to 64.0")
    screenshot(page, "upload-results")
    assert Activity.objects.filter(athlete=athlete).count() == 1
    assert [job.original_name for job in ImportJob.objects.all()] == ["morning-run.gpx"]
