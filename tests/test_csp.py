"""Every response sends the Content-Security-Policy (DESIGN §5): every page of the app — found
by walking the URL resolver with the demo data as anonymous, athlete, coach and staff — carries
a nonce that every <script> tag has, no inline event handler or style attribute, and loads
nothing from another host; error pages send the policy too. The same walk in Chromium, which
reports actual violations, is tests/test_csp_browser.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns
from tests.site_pages import REDIRECTS_ONLY, Answer, page_routes, site_world, walk

# Every test: pytest-django sets the test database up only for modules that ask for it.
pytestmark = pytest.mark.django_db

# Attributes through which a page makes the browser fetch something.
LOADS = {
    ("script", "src"),
    ("link", "href"),
    ("img", "src"),
    ("img", "srcset"),
    ("source", "src"),
    ("source", "srcset"),
    ("iframe", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("form", "action"),
    ("image", "href"),
    ("use", "href"),
}
OTHER_HOST = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


class Tags(HTMLParser):
    """The start tags of an HTML text, with their attributes."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


@pytest.fixture(scope="module")
def answers(django_db_setup: None, django_db_blocker: object) -> Iterator[list[Answer]]:
    """The walk, done once for the module inside a transaction rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        yield walk(site_world())
        transaction.set_rollback(True)


def _nonce(policy: str | None) -> str | None:
    match = re.search(r"script-src [^;]*'nonce-([^']+)'", policy or "")
    return match.group(1) if match else None


def _html(answers: list[Answer]) -> Iterator[tuple[Answer, list[tuple[str, dict[str, str]]]]]:
    for answer in answers:
        if answer.content_type.startswith("text/html"):
            yield answer, Tags(answer.body).tags


def test_the_walk_opens_every_page_route_or_knows_why_it_only_redirects(
    answers: list[Answer],
) -> None:
    outcomes: dict[str, set[int]] = {}
    for answer in answers:
        outcomes.setdefault(answer.route, set()).add(200 if answer.is_page else answer.status)

    opened = {route for route, statuses in outcomes.items() if statuses & {200, 405}}
    # Models the admin lets nobody add or delete (work in flight, secrets issued elsewhere):
    # their add or delete view refuses.
    opened |= {
        a.route
        for a in answers
        if a.role == "staff"
        and a.route.startswith("admin:")
        and a.route.endswith(("_add", "_delete"))
        and a.status == 403
    }
    assert set(outcomes) == {route.name for route in page_routes()}
    never_opened = sorted(set(outcomes) - opened - set(REDIRECTS_ONLY))
    assert never_opened == [], "\n".join(f"{r} {outcomes[r]}" for r in never_opened)
    assert sorted(opened & set(REDIRECTS_ONLY)) == [], "REDIRECTS_ONLY names a page: drop it"
    assert len(opened) > 150  # the app's pages and the admin's, not a handful


def test_every_response_sends_the_policy_and_every_page_a_nonce(answers: list[Answer]) -> None:
    pages = [a for a in answers if a.is_page and a.is_document]
    without_policy = [f"{a.role} {a.url} {a.status}" for a in answers if not a.policy]
    without_nonce = [f"{a.role} {a.url}" for a in pages if not _nonce(a.policy)]

    assert without_policy == []
    assert without_nonce == []


def test_every_script_tag_carries_the_nonce_of_its_response(answers: list[Answer]) -> None:
    scripts = 0
    wrong = []
    for answer, tags in _html(answers):
        for tag, attrs in tags:
            if tag == "script":
                scripts += 1
                if attrs.get("nonce") != _nonce(answer.policy):
                    wrong.append(f"{answer.role} {answer.url}: <script {attrs}>")

    assert wrong == []
    assert scripts > 300  # every page has htmx and app.js


def test_no_page_has_an_inline_event_handler_a_style_attribute_or_a_javascript_url(
    answers: list[Answer],
) -> None:
    found = [
        f"{answer.role} {answer.url}: <{tag} {name}={value[:60]!r}>"
        for answer, tags in _html(answers)
        for tag, attrs in tags
        for name, value in attrs.items()
        if name.startswith("on")
        or name == "style"
        or value.strip().lower().startswith("javascript:")
    ]

    assert found == []


def test_no_page_loads_anything_from_another_host(answers: list[Answer]) -> None:
    found = [
        f"{answer.role} {answer.url}: <{tag} {name}={value!r}>"
        for answer, tags in _html(answers)
        for tag, attrs in tags
        for name, value in attrs.items()
        if (tag, name) in LOADS and OTHER_HOST.match(value)
    ]

    assert found == []


def test_the_policy_allows_only_this_site_and_the_nonce(answers: list[Answer]) -> None:
    policy = next(a.policy for a in answers if a.route == "account_login" and a.role == "anon")
    directives = dict(part.strip().split(" ", 1) for part in (policy or "").split(";"))
    nonce = f"'nonce-{_nonce(policy)}'"

    assert directives == {
        "default-src": "'self'",
        "script-src": f"'self' {nonce}",
        "style-src": f"'self' {nonce}",
        "img-src": "'self' data:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "frame-ancestors": "'none'",
        "form-action": "'self'",
    }


def test_each_response_gets_a_nonce_of_its_own(answers: list[Answer]) -> None:
    nonces = [_nonce(a.policy) for a in answers if a.is_page and a.is_document]

    assert len(set(nonces)) == len(nonces)


# --- error pages ------------------------------------------------------------------------------


def _fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("fails/", _fails), *site_urlpatterns]


@override_settings(ROOT_URLCONF=__name__)
def test_error_pages_send_the_policy_too() -> None:
    not_found = Client().get("/no-such-page/")
    server_error = Client(raise_request_exception=False).get("/fails/")
    csrf_refused = Client(enforce_csrf_checks=True).post("/accounts/login/", {"login": "x"})

    assert (not_found.status_code, server_error.status_code, csrf_refused.status_code) == (
        404,
        500,
        403,
    )
    for response in (not_found, server_error, csrf_refused):
        assert "default-src 'self'" in response["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
