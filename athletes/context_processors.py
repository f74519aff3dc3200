"""Template context shared by every page: what the navigation shows to this user."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from athletes.models import Athlete


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The viewer's own athlete profile (if any) and whether they coach, for the nav bar."""
    user = request.user
    if not user.is_authenticated:
        return {}
    own = Athlete.objects.filter(user=user).first()
    return {"nav_own_athlete": own, "nav_is_coach": bool(getattr(user, "is_coach", False))}
