"""Template context shared by every page: what the navigation shows to this user."""

from __future__ import annotations

import tomllib
from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from athletes.adapters import SIGNUP_OPEN, signup_mode
from athletes.models import Athlete


@cache
def paceline_version() -> str:
    """The version in pyproject.toml ("" when the file is not shipped)."""
    try:
        with (settings.BASE_DIR / "pyproject.toml").open("rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return ""


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The viewer's own athlete profile (if any) and whether they coach, for the nav bar;
    for visitors, whether anyone may sign up."""
    context: dict[str, Any] = {"paceline_version": paceline_version()}
    user = request.user
    if not user.is_authenticated:
        return {**context, "nav_signup_open": signup_mode() == SIGNUP_OPEN}
    own = Athlete.objects.filter(user=user).first()
    return {
        **context,
        "nav_own_athlete": own,
        "nav_is_coach": bool(getattr(user, "is_coach", False)),
    }
