"""The athlete's profile language for logged-in users who have not chosen one in this browser.

Goes after AuthenticationMiddleware (it reads `request.user`), and so after LocaleMiddleware,
whose choice from the Accept-Language header it overrides. A language cookie (set by the
language switch or by saving one's own profile) always wins: it is this browser's choice.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from athletes.models import Athlete


class ProfileLanguageMiddleware:
    """Activate `Athlete.language` for a logged-in user when the request has no language cookie."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = profile_language(request)
        if language is not None:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


def profile_language(request: HttpRequest) -> str | None:
    """The requesting user's profile language, unless the browser chose one (or none applies)."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    language = Athlete.objects.filter(user=user).values_list("language", flat=True).first()
    supported = {code for code, _name in settings.LANGUAGES}
    return language if language in supported else None
