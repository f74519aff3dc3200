"""Shared Playwright helpers: Debian's Chromium (never `playwright install`), logins, screenshots.

Browser tests skip when no Chromium is found, and fail instead with PACELINE_REQUIRE_BROWSER=1
(DESIGN §2).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, ConsoleMessage, Error, Page, sync_playwright

from tests.conftest import need

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """Debian's chromium binary, if installed."""
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium; skips (or fails with PACELINE_REQUIRE_BROWSER=1) when missing."""
    path = chromium_path()
    need(path is not None, "Chromium (apt-get install chromium)", "PACELINE_REQUIRE_BROWSER")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class ConsoleErrors(list[str]):
    """Collects console errors and uncaught exceptions of a page."""

    def watch(self, page: Page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.append(f"{message.text} ({message.location.get('url', '')})")

    def _on_page_error(self, error: Error) -> None:
        self.append(f"uncaught: {error.message}")


def log_in(page: Page, base_url: str, email: str, password: str) -> None:
    """Log in through the allauth form; fails with the page's message if it does not work."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state("domcontentloaded")
    assert "/accounts/login/" not in page.url, f"login failed for {email}: {page_text(page, 500)}"


def page_text(page: Page, limit: int | None = None) -> str:
    """The visible text of the page, whitespace collapsed (cut to `limit` characters)."""
    text = " ".join(page.inner_text("body").split())
    return text[:limit] if limit else text


def screenshot(page: Page, name: str) -> Path:
    """A full-page PNG in var/screenshots/ (kept for people to look at)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def logged_in_page(
    browser: Browser, errors: ConsoleErrors, live_server: Any, user: Any, width: int
) -> Page:
    """A page logged in as `user` (the session cookie of a test client), `width` px wide."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page = context.new_page()
    errors.watch(page)
    return page
