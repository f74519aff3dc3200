"""Tenancy rows of the Wellness page (analytics/urls.py) and its sharing switch
(athletes/urls/pages.py). Wellness is the athlete's: coaches who see the athlete get 403 until
the athlete shares it (the world does not: consent is off by default; the shared case is in
tests/analytics/test_wellness_page.py); only the athlete flips the switch; everyone else 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from athletes.models import WellnessDay
from tests.tenancy.base import READ, Row, _athlete

PRIVATE = READ | {"coach": 403, "view_coach": 403}

ROWS: list[Row] = [
    Row("wellness", PRIVATE, _athlete),
    Row("wellness_sharing", PRIVATE | {"athlete": 302}, _athlete, method="post"),
]


def world(w: dict[str, Any]) -> dict[str, Any]:
    """One night of the athlete's wellness, not shared with coaches."""
    WellnessDay.objects.create(athlete=w["athlete"], day=dt.date(2026, 3, 1), hrv_ms=58.0)
    return {}
