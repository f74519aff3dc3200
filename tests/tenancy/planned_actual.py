"""Tenancy rows of planned vs actual (coaching/urls/planned_actual.py): the page lists only the
athletes the viewer sees (everyone gets a page, maybe empty); one athlete (`?athlete=` or the
athlete's address) is the athlete's own data; a group is its coach's only."""

from __future__ import annotations

from typing import Any

from tests.tenancy.base import READ, Row, _all, _athlete

ROWS: list[Row] = [
    Row("planned_actual", _all(200)),
    Row("planned_actual", READ, data=lambda w: {"athlete": w["athlete"].id}),
    Row("planned_actual", _all(404, coach=200), data=lambda w: {"group": w["group"].id}),
    Row("planned_actual", READ, data=lambda w: {"athlete": w["athlete"].id, "format": "csv"}),
    Row("planned_actual_athlete", READ, _athlete),
    Row("planned_actual_athlete", READ, _athlete, data=lambda w: {"format": "csv"}),
]


def world(w: dict[str, Any]) -> dict[str, Any]:
    return {}
