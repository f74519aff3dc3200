"""The tenancy matrix's vocabulary: roles, expected statuses, the Row of one route."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLES = (
    "anon",
    "athlete",
    "other_athlete",
    "coach",
    "view_coach",
    "other_coach",
    "former_coach",
    "staff",
)
LOGIN = "login"  # a redirect to the login page (pages) — APIs answer 401 instead

# Route names that are not ours: third-party views with their own tests, or public by design.
NOT_OURS_PREFIXES = ("account_", "mfa_", "admin:", "socialaccount_", "headless")
PUBLIC = {"set_language", "api-schema", "api-docs", "api-redoc", "favicon", "favicon-ico"}


@dataclass(frozen=True)
class Row:
    """One route: how to build its URL, how to call it, and the status each role gets."""

    name: str
    expect: dict[str, int | str]
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] = field(default=lambda w: {})
    method: str = "get"
    data: Callable[[dict[str, Any]], dict[str, Any]] = field(default=lambda w: {})


def _statuses(**kw: int | str) -> dict[str, int | str]:
    missing = set(ROLES) - set(kw)
    assert not missing, f"row lacks roles {missing}"
    return kw


def _all(
    status: int | str, anon: int | str = LOGIN, **overrides: int | str
) -> dict[str, int | str]:
    """Every logged-in role gets `status`, anonymous gets `anon`, except the overrides."""
    return _statuses(**{role: status for role in ROLES[1:]}, anon=anon) | overrides


# The athlete's own data: the athlete and their current coaches read; others get 404.
READ = _statuses(
    anon=LOGIN,
    athlete=200,
    other_athlete=404,
    coach=200,
    view_coach=200,
    other_coach=404,
    former_coach=404,
    staff=404,
)
WRITE = READ | {"view_coach": 403}
ACTED = {"athlete": 302, "coach": 302}
API_READ = READ | {"anon": 401}
COACH_ONLY = _all(200, athlete=403, other_athlete=403, staff=403)
ONLY_COACH_ACTS = _all(404, coach=302)


def _athlete(w: dict[str, Any]) -> dict[str, Any]:
    return {"athlete_id": w["athlete"].id}
