"""Browser fixtures shared by every browser test (a pytest plugin named in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread
from playwright.sync_api import Browser, Page

from tests.browser import ConsoleErrors, chromium


class SerialWSGIServer(WSGIServer):
    """The live server, one request at a time. Tests on SQLite share one in-memory connection
    with the server thread; pages that load parts of themselves in parallel (badges, prompts)
    must not run two queries on it at once."""

    def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # the server thread itself applies the override


LiveServerThread.server_class = SerialWSGIServer


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium for the module. Playwright's sync API runs an event loop in this
    thread; Django's ORM is still safe there, so its async guard is lifted meanwhile."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with chromium() as browser:
            yield browser


@pytest.fixture
def console_errors() -> Iterator[ConsoleErrors]:
    """Console errors of the pages watched; a test with any fails."""
    errors = ConsoleErrors()
    yield errors
    assert list(errors) == [], f"console errors: {list(errors)}"


@pytest.fixture
def page(browser: Browser, console_errors: ConsoleErrors, live_server: Any) -> Iterator[Page]:
    """A fresh browser context (no cookies) on a laptop-sized screen. It depends on the live
    server so that it closes first: a page left open would keep polling (badges) while the
    test database is flushed."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    console_errors.watch(page)
    yield page
    context.close()
