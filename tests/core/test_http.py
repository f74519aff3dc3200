"""What every view shares: telling a fragment request from a page request, and going back to
the page a form came from only when that page is ours (no database)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from core.http import is_partial, redirect_back

FALLBACK = "/athletes/1/activities/2/"


@pytest.mark.parametrize(
    ("headers", "partial"),
    [
        ({"HX-Request": "true"}, True),
        ({"X-Requested-With": "XMLHttpRequest"}, True),
        ({}, False),
        ({"HX-Request": "false"}, False),
        ({"X-Requested-With": "Fetch"}, False),
    ],
)
def test_htmx_and_our_fetch_scripts_ask_for_a_fragment(
    rf: RequestFactory, headers: dict[str, str], partial: bool
) -> None:
    assert is_partial(rf.get("/", headers=headers)) is partial
    assert is_partial(rf.post("/", headers=headers)) is partial


def _back(rf: RequestFactory, next_url: str | None, *, secure: bool = False) -> str:
    data = {} if next_url is None else {"next": next_url}
    request = rf.post("/links/", data, secure=secure)
    return str(redirect_back(request, FALLBACK)["Location"])


def test_a_form_goes_back_to_our_own_page(rf: RequestFactory) -> None:
    assert (
        _back(rf, "/athletes/1/planner/?week=2026-03-02") == "/athletes/1/planner/?week=2026-03-02"
    )
    assert _back(rf, "http://testserver/athletes/1/") == "http://testserver/athletes/1/"


@pytest.mark.parametrize(
    "next_url",
    [None, "", "https://evil.example/", "//evil.example/x", "javascript:alert(1)", "http:///x"],
)
def test_a_missing_or_foreign_next_goes_to_the_fallback(
    rf: RequestFactory, next_url: str | None
) -> None:
    assert _back(rf, next_url) == FALLBACK


def test_over_https_a_plain_http_next_is_refused(rf: RequestFactory) -> None:
    assert _back(rf, "http://testserver/athletes/1/", secure=True) == FALLBACK
    assert (
        _back(rf, "https://testserver/athletes/1/", secure=True) == "https://testserver/athletes/1/"
    )
    assert _back(rf, "/athletes/1/", secure=True) == "/athletes/1/"
