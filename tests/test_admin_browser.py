"""The admin in headless Chromium: one changelist and one change page per app open with the
Paceline header, no console error and no CSP violation; screenshots in var/screenshots/admin-*.
Needs Debian's Chromium (see tests/browser.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import models
from playwright.sync_api import Browser

from activities.models import Activity, ActivitySource
from analytics.models import ActivityMetrics, DailyLoad
from athletes.models import User, WellnessDay
from coaching.models import PlannedSession, WorkoutTemplate
from core.models import OutboxMessage
from integrations.models import Connection
from tests.admin_world import admin_rows
from tests.browser import ConsoleErrors, logged_in_page, page_text, screenshot
from tests.test_admin import _latest, _url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Django admin's pages name no icon, so Chromium asks for /favicon.ico, which is not served.
FAVICON = "/favicon.ico)"

# Per app: the model whose changelist, and the one whose change page, is pictured.
PAGES: list[tuple[type[models.Model], type[models.Model]]] = [
    (OutboxMessage, OutboxMessage),
    (WellnessDay, User),
    (Activity, ActivitySource),
    (DailyLoad, ActivityMetrics),
    (PlannedSession, WorkoutTemplate),
    (Connection, Connection),
]


@pytest.mark.parametrize(
    ("listed", "changed"), PAGES, ids=[listed._meta.app_label for listed, _ in PAGES]
)
def test_each_apps_admin_pages_open_in_chromium(
    browser: Browser,
    live_server: Any,
    staff: User,
    listed: type[models.Model],
    changed: type[models.Model],
) -> None:
    admin_rows(2, children=3)
    errors = ConsoleErrors()  # CSP violations are console errors too
    page = logged_in_page(browser, errors, live_server, staff, 1280)
    app = listed._meta.app_label
    for model, view, args in (
        (listed, "changelist", ()),
        (changed, "change", (_latest(changed).pk,)),
    ):
        page.goto(live_server.url + _url(model, view, *args))
        assert "Paceline administration" in page_text(page, 200)
        screenshot(page, f"admin-{app}-{model._meta.model_name}-{view}")
    page.context.close()
    assert [error for error in errors if FAVICON not in error] == []
