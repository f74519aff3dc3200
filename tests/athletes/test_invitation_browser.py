"""The invitation journey in headless Chromium, in English and French, on a laptop and a phone:
logged out, the invitee opens the link, sees who invites them, signs up, confirms the emailed
link and accepts in one click — then has the coach. Screenshots in var/screenshots/invite-*."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import Browser, Page, expect

from athletes.models import CoachAthlete, User
from athletes.services.invitations import invitation_create
from tests.browser import ConsoleErrors, screenshot
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP, PHONE = 1366, 390
LOCALES = {"en": "en-GB", "fr": "fr-FR"}
# What the invitee reads on the login page, in their language.
INVITES = {
    "en": "invites you to be coached on Paceline",
    "fr": "vous propose de devenir votre coach",
}
CONFIRM = re.compile(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/")


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()  # allauth's rate limits
    yield
    cache.clear()


def _page(browser: Browser, errors: ConsoleErrors, language: str, width: int) -> Page:
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale=LOCALES[language]
    )
    page = context.new_page()
    errors.watch(page)
    return page


def _confirmation_link(email: str) -> str:
    message = [m for m in mail.outbox if m.to == [email]][-1]
    match = CONFIRM.search(message.body)
    assert match, message.body
    return match.group(0)


def _no_horizontal_scroll(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px at this width"


@pytest.mark.parametrize("width", [LAPTOP, PHONE])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_invitee_signs_up_confirms_and_accepts_in_one_click(
    browser: Browser,
    console_errors: ConsoleErrors,
    live_server: Any,
    coach: User,
    language: str,
    width: int,
) -> None:
    email = f"nina.{language}.{width}@example.test"
    _invitation, token = invitation_create(
        invited_by=coach, email=email, direction="coach_to_athlete"
    )
    page = _page(browser, console_errors, language, width)
    name = f"invite-{language}-{width}"

    page.goto(f"{live_server.url}/invitations/{token}/")
    banner = page.get_by_test_id("invitation-banner")
    expect(banner).to_contain_text("Claire Coach")
    expect(banner).to_contain_text(INVITES[language])
    assert page.locator("html").get_attribute("lang") == language
    _no_horizontal_scroll(page)
    screenshot(page, f"{name}-1-login")

    page.locator("main a[href^='/accounts/signup/']").first.click()
    expect(page.get_by_test_id("invitation-banner")).to_contain_text("Claire Coach")
    expect(page.locator("input[name=email]")).to_have_value(email)
    page.fill("input[name=first_name]", "Nina")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    _no_horizontal_scroll(page)
    screenshot(page, f"{name}-2-signup")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url("**/accounts/confirm-email/")
    screenshot(page, f"{name}-3-check-your-email")

    page.goto(_confirmation_link(email))
    screenshot(page, f"{name}-4-confirm")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"**/invitations/{token}/")
    expect(page.locator("main")).to_contain_text("Claire Coach")
    _no_horizontal_scroll(page)
    screenshot(page, f"{name}-5-invitation")

    page.locator("button[name=action][value=accept]").click()
    page.wait_for_url("**/invitations/")
    expect(page.locator(".message-success")).to_contain_text("Claire Coach")
    _no_horizontal_scroll(page)
    screenshot(page, f"{name}-6-accepted")
    coaches = CoachAthlete.objects.active().filter(athlete__user__email=email)
    assert list(coaches.values_list("coach__email", flat=True)) == [coach.email]
    page.context.close()
