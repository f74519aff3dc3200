"""Issue #9 acceptance: headless Chromium walks every GET page of the app — found by walking the
URL resolver with the demo data (tests/site_pages.py) — as anonymous, coach, athlete and staff
(the admin, two-factor login included), uses a few htmx interactions, and sees 0
Content-Security-Policy violations, 0 console errors and 0 requests to another host.

Each page is opened once, by the first role it opens for (anonymous, coach, athlete, staff), in
a fresh copy of that role's login. Screenshots: var/screenshots/csp-<role>-<route>.png. The
fast walk of the same pages with the test client is tests/test_csp.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Request, expect

from tests.browser import SCREENSHOTS, log_in
from tests.site_pages import (
    PASSWORD,
    REDIRECTS_ONLY,
    Route,
    SiteWorld,
    client_with,
    page_routes,
    session_copy,
    site_world,
    totp_code,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ("anon", "coach", "athlete", "staff")
API_DOCS = {"api-docs", "api-redoc"}
# Reports every violation to the test, whatever the page does with the event.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile || document.location.href}:${event.lineNumber}`
  );
}, true);
"""


@dataclass
class Findings:
    """What went wrong anywhere in the walk: one line each."""

    origin: str
    violations: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    elsewhere: list[str] = field(default_factory=list)

    def watch(self, context: BrowserContext) -> None:
        context.expose_binding(
            "reportCspViolation", lambda source, text: self.violations.append(_where(source, text))
        )
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("request", self._on_request)
        context.on("console", self._on_console)
        context.on("weberror", lambda error: self.console.append(f"uncaught: {error.error}"))

    def _on_request(self, request: Request) -> None:
        if not request.url.startswith((self.origin, "data:", "blob:", "about:")):
            self.elsewhere.append(request.url)

    def _on_console(self, message: ConsoleMessage) -> None:
        where = f"{message.text} ({message.location.get('url', '')})"
        if message.type == "error":
            self.console.append(where)


def _where(source: dict[str, Any], text: str) -> str:
    return f"{source['page'].url}: {text}"


@dataclass
class Walker:
    """One browser context per role; every visit in a fresh copy of the role's login."""

    world: SiteWorld
    findings: Findings
    base: str
    contexts: dict[str, BrowserContext] = field(default_factory=dict)
    sessions: dict[str, str | None] = field(default_factory=dict)
    visited: dict[str, str] = field(default_factory=dict)  # route → role
    refused: dict[str, set[int]] = field(default_factory=dict)  # route → statuses seen

    def page(self, role: str) -> Page:
        return self.contexts[role].pages[0]

    def is_page_for(self, role: str, route: Route) -> bool:
        """Whether the route answers `role` with an HTML page (asked with the test client, in a
        copy of the role's login, while no browser page is open)."""
        response = client_with(self.sessions[role]).get(self.world.url(route))
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            return True
        self.refused.setdefault(route.name, set()).add(response.status_code)
        return False

    def open(self, role: str, url: str) -> Page:
        """The role's page at `url`, in a fresh copy of the role's login."""
        page, context = self.page(role), self.contexts[role]
        context.clear_cookies()
        session_key = self.sessions[role]
        if session_key is not None:
            cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session_copy(session_key)}
            context.add_cookies([{**cookie, "url": self.base}])
        page.goto(self.base + url)
        return page

    def visit(self, role: str, route: Route) -> None:
        """Open the route as `role`, wait for its htmx parts, take a picture, leave it."""
        page = self.open(role, self.world.url(route))
        settle(page, network=route.name in API_DOCS)
        self.visited[route.name] = role
        if not route.is_admin or route.name.endswith(("index", "_changelist", "user_change")):
            name = route.name.replace(":", "-")
            page.screenshot(path=str(SCREENSHOTS / f"csp-{role}-{name}.png"), full_page=True)
        page.goto("about:blank")  # no poll of the page reaches the database meanwhile


def settle(page: Page, *, network: bool = False) -> None:
    """Wait until the page's own requests are done: htmx's (they mark their element with
    .htmx-request), or with `network`, every request (the API docs fetch their schema)."""
    if network:
        page.wait_for_load_state("networkidle")
    else:
        page.wait_for_load_state("load")
        page.wait_for_function("() => !document.querySelector('.htmx-request')")
    page.wait_for_timeout(50)  # violation events are delivered asynchronously


def _log_in(walker: Walker, role: str) -> str | None:
    """A real login in the role's context through allauth's pages — the second factor for
    staff — then the password once more, which the two-factor settings ask for."""
    user = walker.world.users()[role]
    if user is None:
        return None
    page = walker.page(role)
    log_in(page, walker.base, user.email, PASSWORD)
    if user == walker.world.staff:
        page.fill("input[name=code]", totp_code(walker.world.totp_secret))
        page.press("input[name=code]", "Enter")
        page.wait_for_url(f"{walker.base}/**")
    page.goto(f"{walker.base}/accounts/reauthenticate/")
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state("domcontentloaded")
    settle(page)
    cookies = walker.contexts[role].cookies()
    cookie = next(c for c in cookies if c["name"] == settings.SESSION_COOKIE_NAME)
    return cookie["value"]


@pytest.fixture
def walker(browser: Browser, live_server: Any) -> Iterator[Walker]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    walker = Walker(world=site_world(), findings=Findings(origin=base), base=base)
    for role in ROLES:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        walker.findings.watch(context)
        context.new_page()
        walker.contexts[role] = context
        walker.sessions[role] = _log_in(walker, role)
    yield walker
    for context in walker.contexts.values():
        context.close()


def _unopened(walker: Walker) -> list[str]:
    """Page routes the walk never opened, but for actions (405), known redirects and the admin
    add and delete forms it refuses to everyone (403)."""
    return sorted(
        f"{name} {sorted(walker.refused.get(name, ()))}"
        for name in {route.name for route in page_routes()} - set(walker.visited)
        if name not in REDIRECTS_ONLY
        and 405 not in walker.refused.get(name, ())
        and not (name.endswith(("_add", "_delete")) and 403 in walker.refused.get(name, ()))
    )


def test_every_page_and_a_few_htmx_interactions_show_no_csp_violation(walker: Walker) -> None:
    # The app's pages first: the two-factor settings need the logins' password check to be
    # less than five minutes old.
    for route in sorted(page_routes(), key=lambda route: route.is_admin):
        roles = ("anon", "staff") if route.is_admin else ROLES
        role = next((role for role in roles if walker.is_page_for(role, route)), None)
        if role is not None:
            walker.visit(role, route)
    _use_htmx_as_the_coach(walker)
    _use_htmx_as_the_athlete(walker)
    _use_the_api_docs(walker)

    findings = walker.findings
    assert findings.violations == []
    assert findings.console == []
    assert findings.elsewhere == []
    assert _unopened(walker) == []
    assert {"anon", "coach", "athlete", "staff"} == set(walker.visited.values())


def _use_htmx_as_the_coach(walker: Walker) -> None:
    """The workout editor's live preview and step list; the planner's add dialog and template
    search; the library's search, which swaps part of the page and pushes the address."""
    page = walker.open("coach", "/library/new/")
    page.fill("textarea[name=steps_text]", "wu 10m, 4x (3m Z4, 2m Z1), cd 5m")
    expect(page.locator(".workout-preview svg.workout-chart rect.bar")).to_have_count(10)
    expect(page.locator(".workout-list > .wl-nodes > li")).to_have_count(3)
    page.screenshot(path=str(SCREENSHOTS / "csp-coach-htmx-editor.png"), full_page=True)

    values = walker.world.values
    page.goto(f"{walker.base}/athletes/{values['athlete_id']}/plan/")
    page.locator(".plan-add").first.click()
    expect(page.locator("#planner-dialog[open] #planner-template-search")).to_be_visible()
    page.fill("#planner-template-search", "run")
    settle(page)
    page.screenshot(path=str(SCREENSHOTS / "csp-coach-htmx-planner-add.png"))

    page.goto(f"{walker.base}/library/")
    page.fill("input[name=q]", "zzz-nothing-matches")
    page.wait_for_url("**/library/?*q=zzz-nothing-matches*")
    settle(page)
    page.goto("about:blank")


def _use_htmx_as_the_athlete(walker: Walker) -> None:
    """The activity page's panels load by htmx (metrics with the zone bars, the comment
    thread); a comment is sent by htmx and comes back in the thread."""
    values = walker.world.values
    page = walker.open(
        "athlete", f"/athletes/{values['athlete_id']}/activities/{values['activity_id']}/"
    )
    expect(page.locator("#activity-metrics .zone-bars").first).to_be_visible()
    thread = page.locator(".comment-thread").first
    thread.locator("textarea[name=body]").fill("Legs felt fresh today.")
    thread.locator("button[type=submit]", has_text="Send").click()
    expect(page.locator(".comment-thread").first).to_contain_text("Legs felt fresh today.")
    settle(page)
    page.screenshot(path=str(SCREENSHOTS / "csp-athlete-htmx-activity.png"), full_page=True)
    page.goto("about:blank")


def _use_the_api_docs(walker: Walker) -> None:
    """Swagger UI opens an operation; Redoc searches (its worker) and shows the hits."""
    page = walker.open("anon", "/api/docs/")
    page.locator(".opblock-summary").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    settle(page, network=True)
    page.goto(f"{walker.base}/api/redoc/")
    page.fill("input[placeholder='Search...']", "token")
    expect(page.locator("[data-role='search:results'] li").first).to_be_visible()
    settle(page, network=True)
    page.screenshot(path=str(SCREENSHOTS / "csp-anon-redoc-search.png"))
    page.goto("about:blank")
