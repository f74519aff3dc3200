"""Tenancy rows of the athlete's home (coaching/urls/home.py): the viewer's own data only, so
every athlete gets their own page and everyone without an athlete profile gets 404; the RPE form
logs only on the viewer's own activities."""

from __future__ import annotations

from typing import Any

from tests.tenancy.base import Row, _all

ROWS: list[Row] = [
    Row("athlete_home", _all(404, athlete=200, other_athlete=200)),
    # The activity is `athlete`'s: another athlete reaches it through their own profile: 404.
    Row(
        "athlete_home_rpe",
        _all(404, athlete=302),
        lambda w: {"activity_id": w["activity"].id},
        method="post",
        data=lambda w: {"rpe": "5", "feel": "4"},
    ),
]


def world(w: dict[str, Any]) -> dict[str, Any]:
    return {}
