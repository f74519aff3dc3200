"""The API's documentation pages — Swagger UI at /api/docs/, Redoc at /api/redoc/ — served from
our own static files (drf-spectacular-sidecar, no CDN) under the site's Content-Security-Policy:
their templates (templates/api/) carry no inline script or style, and every script the nonce."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpResponse
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView


def swagger_ui_view() -> Callable[..., HttpResponse]:
    """Swagger UI; the split view serves its start-up script as a file of its own (?script)."""
    return SpectacularSwaggerSplitView.as_view(
        url_name="api-schema", template_name="api/swagger_ui.html"
    )


# What Redoc (drf-spectacular-sidecar's redoc.standalone.js, 2.x) needs beyond the site's policy:
# - its search index is built in a worker started from a blob: URL;
# - two <style> elements it adds before it knows the nonce: perfect-scrollbar's style sheet and
#   one empty element, allowed by the hashes of exactly that content. A sidecar upgrade that
#   changes them shows up as a CSP violation in tests/test_csp_browser.py.
REDOC_WORKER_SRC = [CSP.SELF, "blob:"]
REDOC_STYLE_HASHES = [
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",  # perfect-scrollbar's CSS
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # an empty <style>
]


def redoc_view() -> Callable[..., HttpResponse]:
    """Redoc, under the site's policy plus exactly what Redoc needs (above), on this page only."""
    policy: dict[str, list[str]] = {
        **settings.SECURE_CSP,
        "style-src": [*settings.SECURE_CSP["style-src"], *REDOC_STYLE_HASHES],
        "worker-src": REDOC_WORKER_SRC,
    }
    view = SpectacularRedocView.as_view(url_name="api-schema", template_name="api/redoc.html")
    return csp_override(policy)(view)
