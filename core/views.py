"""The site's icon, for every page that asks for it: ours link it (components/favicon.html, the
admin's base_site.html too) and browsers, feed readers and API clients fetch /favicon.ico by
convention. One SVG, served from here so that no page gets a 404 for it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

FAVICON_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<rect width="32" height="32" rx="7" fill="#085454"/>'
    '<path d="M6 22h8l4-12 4 12h4" fill="none" stroke="#fff" stroke-width="3" '
    'stroke-linecap="round" stroke-linejoin="round"/></svg>'
)


@require_GET
@cache_control(public=True, max_age=86400)
def favicon(request: HttpRequest) -> HttpResponse:
    """The Paceline icon (SVG), public and cached for a day."""
    return HttpResponse(FAVICON_SVG, content_type="image/svg+xml")
