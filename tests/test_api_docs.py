"""The API documentation pages (/api/docs/ Swagger UI, /api/redoc/ Redoc) come from this site's
own static files — no CDN — and run under its Content-Security-Policy without inline code."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

ASSET = re.compile(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"')


def _assets(html: str) -> list[str]:
    return [url for url in ASSET.findall(html) if not url.startswith("data:")]


@pytest.mark.parametrize("name", ["api-docs", "api-redoc"])
def test_the_docs_load_every_script_and_style_sheet_from_our_own_static_files(name: str) -> None:
    response = Client().get(reverse(name))

    assets = _assets(response.content.decode())
    assert response.status_code == 200
    assert assets, "the page names no script or style sheet"
    for url in assets:
        if url.startswith("/api/docs/?"):
            continue  # Swagger UI's start-up script, served by the view itself (next test)
        assert url.startswith("/static/"), f"{url} is not one of our static files"
        assert finders.find(url.removeprefix("/static/")), f"{url} is not shipped"


@pytest.mark.parametrize("name", ["api-docs", "api-redoc"])
def test_the_docs_pages_have_no_inline_script_or_style(name: str) -> None:
    html = Client().get(reverse(name)).content.decode()

    assert "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline <script>"
    assert "style=" not in html


def test_swagger_ui_starts_from_a_script_file_of_its_own() -> None:
    response = Client().get(reverse("api-docs"), {"script": ""})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in response.content.decode()
    assert '"validatorUrl": null' in response.content.decode()  # no badge from swagger.io


def test_redoc_alone_may_start_its_search_worker_from_a_blob() -> None:
    redoc = Client().get(reverse("api-redoc"))["Content-Security-Policy"]
    swagger = Client().get(reverse("api-docs"))["Content-Security-Policy"]

    assert "worker-src 'self' blob:" in redoc
    assert "blob:" not in swagger
