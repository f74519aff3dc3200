"""The workout editor in headless Chromium: type the text, watch the preview, build with the step
list (add a repeat, reorder by drag and by button, change a count), save; no console errors.
Screenshots in /tmp/shots/library-*.png. Needs Debian's Chromium (see tests/browser.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from athletes.models import Athlete, User
from coaching.models import WorkoutTemplate
from coaching.services.templates import template_create
from coaching.workouts.text import parse
from coaching.workouts.tree import to_data
from tests.browser import ConsoleErrors, logged_in_page
from tests.factories import ThresholdsFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDER_THAN_PHONE = """[...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > 391)
    .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)"""
SHOTS = Path("/tmp/shots")  # noqa: S108 - where the project collects screenshots to review


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"library-{name}.png"), full_page=True)


def _top_nodes(page: Page) -> Any:
    return page.locator(".workout-list > .wl-nodes > .wl-node")


def _text(page: Page) -> str:
    return page.locator("textarea[name=steps_text]").input_value()


def _wait_text(page: Page, expected: str) -> None:
    expect(page.locator("textarea[name=steps_text]")).to_have_value(expected)


def _drag(page: Page, handle: Any, onto: Any) -> None:
    """Drag `handle` by the mouse, in small moves, to the top edge of `onto`."""
    start, end = handle.bounding_box(), onto.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + 20, end["y"] + 5, steps=12)
    page.mouse.up()


def test_a_coach_builds_a_template_with_the_text_and_the_step_list(
    browser: Browser, console_errors: ConsoleErrors, live_server: Any, coach: User
) -> None:
    page = logged_in_page(browser, console_errors, live_server, coach, 1280)
    page.goto(f"{live_server.url}/library/")
    _shot(page, "empty")
    page.get_by_role("link", name="New template").first.click()

    page.fill("input[name=name]", "Track session")
    page.select_option("select[name=sport]", "run")
    page.select_option("select[name=session_type]", "intervals")
    page.locator("textarea[name=steps_text]").fill("wu 10m\n3x (3m Z4, 2m Z1)\ncd 5m")
    expect(page.locator(".workout-preview rect.bar")).to_have_count(1 + 6 + 1)
    expect(_top_nodes(page)).to_have_count(3)
    assert page.locator(".wl-repeat [data-f=count]").input_value() == "3"

    page.locator(".workout-list > .actions [data-wl=add-repeat]").click()
    _wait_text(page, "warmup 10m\n3x (3m Z4, 2m Z1)\ncooldown 5m\n2x5m r2m")
    expect(page.locator(".workout-preview rect.bar")).to_have_count(1 + 6 + 1 + 4)
    expect(_top_nodes(page)).to_have_count(4)

    new_repeat = _top_nodes(page).nth(3)
    expect(new_repeat.locator(":scope > .wl-repeat-head [data-wl=up]")).to_be_visible()
    new_repeat.locator(":scope > .wl-repeat-head [data-wl=up]").click()
    _wait_text(page, "warmup 10m\n3x (3m Z4, 2m Z1)\n2x5m r2m\ncooldown 5m")

    _drag(page, _top_nodes(page).nth(3).locator(".wl-handle"), _top_nodes(page).nth(2))
    _wait_text(page, "warmup 10m\n3x (3m Z4, 2m Z1)\ncooldown 5m\n2x5m r2m")

    count = _top_nodes(page).nth(3).locator("[data-f=count]")
    count.fill("4")
    count.press("Tab")
    _wait_text(page, "warmup 10m\n3x (3m Z4, 2m Z1)\ncooldown 5m\n4x5m r2m")

    first = _top_nodes(page).nth(0)
    first.locator("[data-f=tkind]").select_option("power")
    first.locator("[data-f=tmode]").select_option("percent")
    first.locator("[data-f=low]").fill("60")
    first.locator("[data-f=low]").press("Tab")
    _wait_text(page, "warmup 10m 60% FTP\n3x (3m Z4, 2m Z1)\ncooldown 5m\n4x5m r2m")
    _shot(page, "editor")

    page.locator("textarea[name=steps_text]").fill("wu 10m\n5x (3m Z4, 2m Zed)")
    expect(page.locator(".workout-caret")).to_contain_text("^")
    expect(page.locator(".workout-list-status")).to_contain_text("text has an error")
    _shot(page, "editor-error")
    page.locator("textarea[name=steps_text]").fill("wu 10m\n5x (3m Z4, 2m Z1)\ncd 5m")
    expect(_top_nodes(page)).to_have_count(3)

    page.get_by_role("button", name="Save template").click()
    page.wait_for_url("**/library/*/")
    template = WorkoutTemplate.objects.get(owner=coach)
    assert template.steps == to_data(parse("wu 10m\n5x (3m Z4, 2m Z1)\ncd 5m", sport="run"))
    expect(page.locator("svg.workout-chart rect.bar")).to_have_count(12)
    _shot(page, "detail")
    assert list(console_errors) == [], f"console errors: {list(console_errors)}"


def test_the_library_list_and_detail_on_a_phone(
    browser: Browser,
    console_errors: ConsoleErrors,
    live_server: Any,
    coach: User,
    athlete: Athlete,
) -> None:
    ThresholdsFactory(athlete=athlete, sport="run", valid_from=dt.date(2020, 1, 1))
    for name, text, tags in (
        ("Track 6×800", "wu 15m, 6x800m @3:40/km r2m, cd 10m", ["track", "vo2"]),
        ("Long run", "wu 10m, 90m Z2, cd 10m", ["base"]),
        ("Tempo", "wu 15m, 20m 88% LTHR, cd 10m", ["threshold"]),
    ):
        template_create(
            owner=coach, name=name, sport="run", steps=to_data(parse(text, sport="run")), tags=tags
        )
    page = logged_in_page(browser, console_errors, live_server, coach, 390)

    page.goto(f"{live_server.url}/library/")
    expect(page.locator(".library-card")).to_have_count(3)
    _shot(page, "list-phone")
    page.fill("input[name=q]", "tempo")
    expect(page.locator(".library-card")).to_have_count(1)

    page.get_by_role("link", name="Tempo").click()
    page.select_option("#estimate-athlete", str(athlete.id))
    expect(page.locator(".workout-estimates")).to_contain_text("Load")
    _shot(page, "detail-phone")
    page.get_by_role("link", name="Edit").click()
    expect(_top_nodes(page)).to_have_count(3)
    _shot(page, "editor-phone")
    wide = page.evaluate(WIDER_THAN_PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide
    assert list(console_errors) == [], f"console errors: {list(console_errors)}"
