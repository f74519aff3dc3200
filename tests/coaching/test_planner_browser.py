"""The planner in headless Chromium (issue 5 acceptance): a coach adds a session from a
template, drags it to another day, copies and pastes it, copies the week to the next week and
to a second athlete, opens the day card; a view-only coach sees no edit control and every
write endpoint refuses them. No console errors; screenshots in tmp_path and in var/screenshots/
(planner-*.png, for people to look at)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from athletes.models import Athlete, CoachAthlete, Group, User
from athletes.services.groups import group_create, group_set_members
from coaching.models import PlannedSession, WeekCopy, WorkoutTemplate
from tests.browser import SCREENSHOTS, ConsoleErrors, log_in
from tests.coaching.planner_world import done, linked, planned, power_steps
from tests.factories import (
    PASSWORD,
    AthleteFactory,
    CoachAthleteFactory,
    CoachFactory,
    GoalFactory,
    ThresholdsFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser: Browser, console_errors: ConsoleErrors) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="en-GB")
    page = context.new_page()
    console_errors.watch(page)
    yield page
    context.close()
    assert list(console_errors) == [], f"console errors: {list(console_errors)}"


def shot(page: Page, tmp_path: Path, name: str, *, full_page: bool = True) -> Path:
    path = tmp_path / f"planner-{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SCREENSHOTS / path.name)
    return path


def _athlete(coach: User, email: str, first_name: str, ftp_w: float) -> Athlete:
    athlete = AthleteFactory(user__email=email, user__first_name=first_name, user__last_name="Test")
    CoachAthleteFactory(coach=coach, athlete=athlete)
    ThresholdsFactory(athlete=athlete, sport="ride", ftp_w=ftp_w, threshold_speed_mps=None)
    ThresholdsFactory(athlete=athlete, sport="run", valid_from=dt.date(2025, 1, 1))
    return athlete


def _history(athlete: Athlete, monday: dt.date) -> None:
    """This week: two sessions done (one on plan, one short), one missed, an extra ride,
    a race on Sunday."""
    easy = planned(athlete, monday, "Easy run", session_type="endurance", duration_s=2700)
    linked(easy, done(athlete, monday, moving_s=2760, distance_m=8200, name="Easy loop"))
    tempo = planned(
        athlete, monday + dt.timedelta(days=2), "Tempo 3x10", session_type="tempo", duration_s=3600
    )
    linked(
        tempo,
        done(
            athlete,
            monday + dt.timedelta(days=2),
            moving_s=2400,
            distance_m=7000,
            name="Tempo cut short",
        ),
    )
    planned(
        athlete,
        monday + dt.timedelta(days=3),
        "Sweet spot ride",
        sport="ride",
        steps=power_steps(210),
    )
    done(
        athlete,
        monday + dt.timedelta(days=4),
        sport="ride",
        moving_s=3600,
        distance_m=28000,
        name="Commute ride",
    )
    GoalFactory(
        athlete=athlete,
        race_on=monday + dt.timedelta(days=6),
        name="Autumn 10K",
        priority="B",
        distance_m=10000,
    )


@pytest.fixture
def world(transactional_db: None) -> dict[str, Any]:
    coach = CoachFactory(email="coach.planner@example.test", first_name="Claire", last_name="Coach")
    ada = _athlete(coach, "ada.planner@example.test", "Ada", ftp_w=250)
    ben = _athlete(coach, "ben.planner@example.test", "Ben", ftp_w=200)
    viewer = CoachFactory(email="viewer.planner@example.test", first_name="Victor")
    CoachAthleteFactory(coach=viewer, athlete=ada, permission=CoachAthlete.Permission.VIEW)
    WorkoutTemplate.objects.create(
        owner=coach,
        name="Sweet spot 2x20",
        sport="ride",
        session_type="tempo",
        steps=power_steps(215, 40),
        tags=["bike", "threshold"],
    )
    WorkoutTemplate.objects.create(owner=coach, name="Long run", sport="run", duration_s=6000)
    group_set_members(group=group_create(coach=coach, name="Squad"), athletes=[ada, ben])
    monday = ada.local_today() - dt.timedelta(days=ada.local_today().weekday())
    _history(ada, monday)
    return {"coach": coach, "ada": ada, "ben": ben, "viewer": viewer, "monday": monday}


def _drag(page: Page, handle: str, target: str) -> None:
    """Drag with the mouse, as SortableJS's pointer fallback expects."""
    source = page.locator(handle).bounding_box()
    goal = page.locator(target).bounding_box()
    assert source is not None and goal is not None
    page.mouse.move(source["x"] + source["width"] / 2, source["y"] + source["height"] / 2)
    page.mouse.down()
    for step in range(1, 16):
        x = source["x"] + (goal["x"] + goal["width"] / 2 - source["x"]) * step / 15
        y = source["y"] + (goal["y"] + 10 - source["y"]) * step / 15
        page.mouse.move(x, y)
        page.wait_for_timeout(20)
    page.mouse.up()


def _mark_week(page: Page) -> None:
    """Mark the week grid: the server's re-rendered grid comes without the mark."""
    page.evaluate("document.getElementById('planner-week').dataset.stale = '1'")


def _wait_week(page: Page) -> None:
    # A function, not an expression: Playwright evaluates expressions with eval, which the
    # page's Content-Security-Policy refuses.
    page.wait_for_function("() => !document.getElementById('planner-week').dataset.stale")


def _iso(day: dt.date) -> str:
    return day.isoformat()


def test_a_coach_plans_a_week_with_templates_drag_and_drop_and_copies(
    page: Page, live_server: Any, world: dict[str, Any], tmp_path: Path
) -> None:
    ada, ben, monday = world["ada"], world["ben"], world["monday"]
    next_monday = monday + dt.timedelta(days=7)
    wednesday, friday = next_monday + dt.timedelta(days=2), next_monday + dt.timedelta(days=4)
    log_in(page, live_server.url, world["coach"].email, PASSWORD)

    page.goto(f"{live_server.url}/athletes/{ada.id}/plan/")
    assert "Tempo cut short" in page.inner_text("#planner-week")
    shot(page, tmp_path, "week")

    page.click("a[rel=next]")
    page.wait_for_selector(f"#day-{_iso(next_monday)}")

    # Add from a template: the "+" of Monday, search, Add.
    page.click(f"#day-{_iso(next_monday)} .plan-add")
    page.wait_for_selector("#planner-dialog[open] #planner-template-search")
    page.fill("#planner-template-search", "sweet")
    page.wait_for_function(
        "() => !document.querySelector('#planner-template-results').innerText.includes('Long run')"
    )
    shot(page, tmp_path, "add-dialog", full_page=False)
    _mark_week(page)
    page.click("#planner-template-results button:has-text('Add')")
    _wait_week(page)
    assert not page.locator("#planner-dialog").evaluate("d => d.open")
    session = PlannedSession.objects.get(athlete=ada, day=next_monday)
    assert session.title == "Sweet spot 2x20"

    # Drag it to Wednesday.
    _mark_week(page)
    _drag(page, f"#day-{_iso(next_monday)} .plan-handle", f"#day-{_iso(wednesday)} .plan-sessions")
    _wait_week(page)
    session.refresh_from_db()
    assert session.day == wednesday
    assert page.locator(f"#day-{_iso(next_monday)} .plan-session").count() == 0
    shot(page, tmp_path, "after-drag")

    # Copy the session, paste it on Friday.
    page.click(f"#day-{_iso(wednesday)} .js-copy")
    page.wait_for_selector(".planner-clipboard:not([hidden])")
    _mark_week(page)
    page.click(f"#day-{_iso(friday)} .plan-paste-button")
    _wait_week(page)
    assert PlannedSession.objects.filter(athlete=ada, day=friday).count() == 1

    # Copy the week to the week after, for Ada and Ben.
    page.click("text=Copy week…")
    page.wait_for_selector("#planner-dialog[open] .planner-copy-form")
    page.click(".js-select-group:has-text('Squad')")
    assert page.is_checked(f"input[name=athletes][value='{ben.id}']")
    shot(page, tmp_path, "copy-dialog", full_page=False)
    page.check(".planner-copy-form input[name=mode][value=replace]")
    page.click(".planner-copy-form button[type=submit]")
    page.wait_for_selector("#planner-dialog[open] .planner-copy-preview")
    preview = page.inner_text(".planner-copy-preview")
    assert "0 → 2" in preview  # the target weeks were empty: two sessions each after
    shot(page, tmp_path, "copy-preview", full_page=False)
    _mark_week(page)
    page.click(".planner-copy-confirm button[type=submit]")
    _wait_week(page)
    assert "4 sessions copied" in page.inner_text(".planner-notice")
    later = next_monday + dt.timedelta(days=7)
    ada_copy = PlannedSession.objects.get(athlete=ada, day=later + dt.timedelta(days=2))
    ben_copy = PlannedSession.objects.get(athlete=ben, day=later + dt.timedelta(days=2))
    assert ada_copy.est_load is not None and ben_copy.est_load is not None
    assert ben_copy.est_load > ada_copy.est_load  # same watts, lower FTP
    shot(page, tmp_path, "copy-undo", full_page=False)

    # Undo the copy: the target weeks are empty again; a second undo is refused with why.
    _mark_week(page)
    page.click(".planner-undo button")
    _wait_week(page)
    assert "Copy undone." in page.inner_text(".planner-notice")
    assert not PlannedSession.objects.filter(day__gte=later).exists()

    # Open Wednesday's day card: steps as text, the profile chart.
    page.click(f"#day-{_iso(wednesday)}-title")
    page.wait_for_selector("#planner-dialog[open] .day-session")
    card = page.inner_text("#planner-dialog-body")
    assert "Sweet spot 2x20" in card
    assert "40m 215W" in card
    assert page.locator("#planner-dialog .workout-chart rect").count() >= 1
    shot(page, tmp_path, "day-card", full_page=False)

    # Edit it from the day card: the form comes with its steps as text.
    page.click("#planner-dialog .day-session a:has-text('Edit')")
    page.wait_for_selector("#planner-dialog[open] .planner-session-form textarea")
    assert page.input_value("#planner-dialog textarea[name=steps_text]") == "40m 215W"
    page.fill("#planner-dialog input[name=title]", "Sweet spot 2x20 (edited)")
    shot(page, tmp_path, "edit-dialog", full_page=False)
    _mark_week(page)
    page.click("#planner-dialog button:has-text('Save')")
    _wait_week(page)
    assert "Sweet spot 2x20 (edited)" in page.inner_text(f"#day-{_iso(wednesday)}")
    assert not page.locator("#planner-dialog").evaluate("d => d.open")

    page.goto(f"{live_server.url}/athletes/{ada.id}/plan/month/")
    assert "Sweet spot 2x20" in page.inner_text(".planner-month")
    shot(page, tmp_path, "month")


def test_the_planner_reads_well_on_a_phone(
    browser: Browser, live_server: Any, world: dict[str, Any], tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page = context.new_page()
    errors = ConsoleErrors()
    errors.watch(page)
    log_in(page, live_server.url, world["coach"].email, PASSWORD)

    page.goto(f"{live_server.url}/athletes/{world['ada'].id}/plan/")
    widths = {"week": page.evaluate("document.documentElement.scrollWidth")}
    shot(page, tmp_path, "mobile")
    page.goto(f"{live_server.url}/athletes/{world['ada'].id}/plan/month/")
    assert "unplanned" in page.inner_text(".planner-month").lower()
    widths["month"] = page.evaluate("document.documentElement.scrollWidth")
    shot(page, tmp_path, "mobile-month")
    group = Group.objects.get(name="Squad")
    page.goto(f"{live_server.url}/groups/{group.id}/plan/")
    page.select_option("select[name=template]", label="Sweet spot 2x20")
    page.fill("input[name=day]", world["monday"].isoformat())
    page.click(".group-plan-form button[type=submit]")
    page.wait_for_selector(".group-plan-table")
    widths["group"] = page.evaluate("document.documentElement.scrollWidth")
    shot(page, tmp_path, "mobile-group-preview")
    page.click(".group-plan-result button[type=submit]")
    page.wait_for_selector(".group-plan-table .is-planned")
    assert page.locator(".group-plan-table .is-planned").count() == 2
    shot(page, tmp_path, "mobile-group-done")

    context.close()
    assert all(width <= 390 for width in widths.values()), widths
    assert list(errors) == []


WRITES = [
    ("get", "plan/templates/"),
    ("get", "plan/sessions/add/"),
    ("post", "plan/sessions/add/"),
    ("get", "plan/sessions/{session}/edit/"),
    ("post", "plan/sessions/{session}/edit/"),
    ("post", "plan/sessions/{session}/delete/"),
    ("post", "plan/sessions/{session}/move/"),
    ("post", "plan/sessions/paste/"),
    ("post", "plan/templates/apply/"),
    ("get", "plan/week/copy/"),
    ("post", "plan/week/copy/"),
    ("post", "plan/week/publish/"),
    ("post", "plan/week/copies/{copy}/undo/"),
]
API_WRITES = [
    ("post", "plan/"),
    ("patch", "plan/sessions/{session}/"),
    ("delete", "plan/sessions/{session}/"),
]


def test_a_view_only_coach_sees_the_planner_without_edit_controls_and_cannot_write(
    page: Page, live_server: Any, world: dict[str, Any], tmp_path: Path
) -> None:
    ada = world["ada"]
    session = PlannedSession.objects.filter(athlete=ada).first()
    assert session is not None
    log_in(page, live_server.url, world["viewer"].email, PASSWORD)

    page.goto(f"{live_server.url}/athletes/{ada.id}/plan/")
    shot(page, tmp_path, "view-only")
    for control in (
        ".plan-add",
        ".plan-handle",
        ".js-copy",
        ".plan-paste",
        ".plan-session-actions",
    ):
        assert page.locator(control).count() == 0, control
    assert "Copy week" not in page.inner_text("main")
    page.click(f"#day-{_iso(world['monday'])}-title")
    page.wait_for_selector("#planner-dialog[open] .day-session")
    assert page.locator("#planner-dialog a:has-text('Edit')").count() == 0

    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    copy = WeekCopy.objects.create(  # the coach's copy: the viewer may not undo it
        coach=world["coach"],
        athlete=ada,
        week_start=world["monday"],
        to_week_start=world["monday"],
        mode=WeekCopy.Mode.MERGE,
    )
    before = list(PlannedSession.objects.order_by("id").values_list("id", "day", "title"))
    data = {
        "day": _iso(world["monday"]),
        "session": str(session.id),
        "sport": "run",
        "title": "X",
        "week": _iso(world["monday"]),
        "position": "0",
    }
    statuses = {}
    for method, path in WRITES:
        url = f"{live_server.url}/athletes/{ada.id}/" + path.format(
            session=session.id, copy=copy.id
        )
        options: dict[str, Any] = {"headers": {"X-CSRFToken": token}, "max_redirects": 0}
        if method == "post":
            options["form"] = data
        response = page.request.fetch(url, method=method.upper(), **options)
        assert "CSRF" not in response.text()
        statuses[f"{method} {path}"] = response.status
    for method, path in API_WRITES:
        url = f"{live_server.url}/api/v1/athletes/{ada.id}/" + path.format(session=session.id)
        response = page.request.fetch(
            url, method=method.upper(), headers={"X-CSRFToken": token}, data={"title": "Y"}
        )
        statuses[f"api {method} {path}"] = response.status

    assert set(statuses.values()) == {403}, statuses
    assert list(PlannedSession.objects.order_by("id").values_list("id", "day", "title")) == before

    response = page.request.get(f"{live_server.url}/athletes/{world['ben'].id}/plan/")
    assert response.status == 404
