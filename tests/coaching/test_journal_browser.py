"""The journal in headless Chromium: the athlete logs RPE from the home prompt (rows disappear,
then the empty state), saves the journal and comments on the activity page; the coach sees the
unread badge, reads the thread from the inbox and the badge goes; the unlinked and calendar
pages. No console errors. Screenshots in /tmp/shots/journal-*.png (see tests/browser.py)."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from activities.models import Activity
from athletes.models import Athlete, User
from athletes.services.thresholds import thresholds_set
from coaching.services.comments import comment_add
from coaching.services.linking import link_manual
from coaching.workouts.tree import to_data
from tests.browser import ConsoleErrors, logged_in_page
from tests.coaching.journal_world import planned, recorded
from tests.coaching.test_journal_steps import FTP_W, PLAN, ride

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "shots"  # /tmp/shots
PHONE, LAPTOP = 390, 1280


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"journal-{name}.png"), full_page=True)


@pytest.fixture
def intervals(athlete: Athlete, coach: User) -> Activity:
    """Yesterday's interval ride with a weak rep 4, linked to its planned session."""
    day = athlete.local_today() - dt.timedelta(days=1)
    thresholds_set(
        athlete=athlete, sport="ride", valid_from=day - dt.timedelta(days=60), by=None, ftp_w=FTP_W
    )
    session = planned(
        athlete,
        coach,
        day,
        "5 × 3 min at 105 % FTP",
        minutes=None,
        sport="ride",
        steps=to_data(PLAN),
    )
    activity = ride(athlete, {4: 0.85}, day=day)
    link_manual(session=session, activity=activity, by=coach)
    return activity


def test_the_athlete_logs_rpe_from_the_home_prompt_until_all_are_logged(
    browser: Browser,
    console_errors: ConsoleErrors,
    live_server: Any,
    athlete: Athlete,
    intervals: Activity,
) -> None:
    recorded(athlete, athlete.local_today(), minutes=45, distance_m=8000.0)
    page = logged_in_page(browser, console_errors, live_server, athlete.user, PHONE)
    page.goto(f"{live_server.url}/athletes/{athlete.id}/")
    items = page.locator(".rpe-item")
    expect(items).to_have_count(2)
    _shot(page, "home-prompt-phone")

    for remaining in (1, 0):
        row = items.first
        row.locator("select[name=rpe]").select_option("6")
        row.locator("select[name=feel]").select_option("4")
        row.get_by_role("button", name="Log").click()
        expect(items).to_have_count(remaining)
    expect(page.locator(".rpe-prompt .empty-state")).to_be_visible()
    _shot(page, "home-prompt-done")
    assert set(Activity.objects.values_list("rpe", flat=True)) == {6}

    desktop = logged_in_page(browser, console_errors, live_server, athlete.user, LAPTOP)
    recorded(athlete, athlete.local_today() - dt.timedelta(days=4), sport="swim", minutes=40)
    desktop.goto(f"{live_server.url}/athletes/{athlete.id}/")
    expect(desktop.locator(".rpe-item")).to_have_count(1)
    _shot(desktop, "home-prompt-desktop")


def test_the_activity_page_shows_the_plan_steps_journal_and_thread(
    browser: Browser,
    console_errors: ConsoleErrors,
    live_server: Any,
    athlete: Athlete,
    coach: User,
    intervals: Activity,
) -> None:
    page = logged_in_page(browser, console_errors, live_server, athlete.user, LAPTOP)
    page.goto(f"{live_server.url}/athletes/{athlete.id}/activities/{intervals.id}/")
    expect(page.locator(".step-table tbody tr")).to_have_count(5)
    expect(page.locator(".step-table tr.step-miss")).to_have_count(1)

    page.select_option("#activity-journal select[name=rpe]", "8")
    page.fill("#activity-journal textarea[name=notes]", "Rep 4 fell apart: headwind.")
    page.locator("#activity-journal").get_by_role("button", name="Save").click()
    expect(page.locator("#activity-journal .saved-note")).to_be_visible()

    page.fill(".comment-thread textarea[name=body]", "Rep 4 was a struggle, sorry coach.")
    page.locator(".comment-thread").get_by_role("button", name="Send").click()
    expect(page.locator(".comment-thread .comment")).to_have_count(1)
    _shot(page, "activity")
    intervals.refresh_from_db()
    assert (intervals.rpe, intervals.notes) == (8, "Rep 4 fell apart: headwind.")

    phone = logged_in_page(browser, console_errors, live_server, athlete.user, PHONE)
    phone.goto(page.url)
    expect(phone.locator(".step-table")).to_be_visible()
    _shot(phone, "activity-phone")
    for part in ("activity-journal", "planned-session"):
        phone.locator(f"#{part}").screenshot(path=str(SHOTS / f"journal-phone-{part}.png"))
    phone.locator(".comment-thread").screenshot(path=str(SHOTS / "journal-phone-thread.png"))


def test_the_coach_reads_one_thread_from_the_inbox_and_only_that_one_is_read(
    browser: Browser,
    console_errors: ConsoleErrors,
    live_server: Any,
    athlete: Athlete,
    coach: User,
    intervals: Activity,
) -> None:
    comment_add(author=athlete.user, body="Rep 4 was a struggle.", activity=intervals)
    session = planned(athlete, coach, athlete.local_today(), "Easy hour")
    comment_add(author=athlete.user, body="Can we move this?", session=session)
    page = logged_in_page(browser, console_errors, live_server, coach, LAPTOP)
    page.goto(f"{live_server.url}/roster/")
    badge = page.locator("a.comment-badge")
    expect(badge).to_contain_text("2")

    badge.click()
    expect(page.locator("details.inbox-thread")).to_have_count(2)
    page.wait_for_timeout(500)  # opening the inbox reads nothing: the threads are collapsed
    page.reload()
    expect(page.locator("a.comment-badge")).to_contain_text("2")
    page.locator(f"#inbox-activity-{intervals.id} summary").click(position={"x": 5, "y": 5})
    expect(page.locator(".comment.is-unread")).to_have_count(1)
    _shot(page, "inbox")
    page.wait_for_timeout(500)  # the expanded thread on screen is marked read
    page.goto(f"{live_server.url}/roster/")
    page.wait_for_load_state("networkidle")
    expect(page.locator("a.comment-badge")).to_contain_text("1")
    page.goto(f"{live_server.url}/comments/")
    link = page.locator(f"#inbox-session-{session.id} summary a")
    expect(link).to_have_attribute("href", re.compile(rf"#thread-session-{session.id}$"))
    link.click()
    expect(page.locator(f"#thread-session-{session.id} .comment.is-unread")).to_have_count(1)
    page.wait_for_timeout(500)  # seen on its day's page: read
    page.goto(f"{live_server.url}/roster/")
    page.wait_for_load_state("networkidle")
    expect(page.locator("a.comment-badge")).to_have_count(0)


def test_the_unlinked_and_calendar_pages(
    browser: Browser,
    console_errors: ConsoleErrors,
    live_server: Any,
    athlete: Athlete,
    coach: User,
    intervals: Activity,
) -> None:
    today = athlete.local_today()
    planned(athlete, coach, today - dt.timedelta(days=3), "Tempo 3 × 10 min")
    recorded(athlete, today - dt.timedelta(days=2), minutes=50, sport="run")
    page = logged_in_page(browser, console_errors, live_server, coach, LAPTOP)
    page.goto(f"{live_server.url}/athletes/{athlete.id}/unlinked/")
    expect(page.locator("#missed-sessions .unlinked-item")).to_have_count(1)
    expect(page.locator("#unlinked-activities .unlinked-item")).to_have_count(1)
    _shot(page, "unlinked")

    page.locator("#missed-sessions").get_by_role("button").first.click()
    page.wait_for_load_state("domcontentloaded")
    expect(page.locator("#missed-sessions .unlinked-item")).to_have_count(0)

    mine = logged_in_page(browser, console_errors, live_server, athlete.user, PHONE)
    mine.goto(f"{live_server.url}/athletes/{athlete.id}/calendar/")
    mine.get_by_role("button", name="Create my calendar URL").click()
    url = mine.locator("#feed-url").input_value()
    assert url.startswith("https://") and url.endswith(".ics")
    mine.get_by_role("button", name="Copy").click()
    _shot(mine, "calendar-phone")
