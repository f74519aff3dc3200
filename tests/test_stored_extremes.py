"""Nothing stored can make a read fail: rows from before values were checked (written here
straight into the database, bypassing every validation) hold extreme numbers — planned
durations, distances and steps, activity summaries, thresholds — and still every page and API
endpoint of that athlete answers the coach and the athlete without a server error."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from activities.models import Activity, Lap
from analytics.models import ActivityMetrics, DailyLoad
from athletes.models import Thresholds, ZoneSet
from coaching.models import PlannedSession
from tests.tenancy.base import LOGIN
from tests.test_tenancy_matrix import MATRIX
from tests.test_tenancy_matrix import world as world  # the fixture of the matrix

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 5, 12, 0, tzinfo=dt.UTC)
HUGE = 1e308
# Both databases store infinities (SQLite turns NaN into NULL, so NaN is no extreme there).
EXTREMES = [HUGE, -HUGE, float("inf")]
STEPS = [
    {
        "intent": "active",
        "duration": {"kind": "time", "value": HUGE},
        "target": {"kind": "power", "mode": "percent", "low": HUGE, "high": HUGE},
    },
    {
        "repeat": 10**6,
        "steps": [{"intent": "active", "duration": {"kind": "distance", "value": -1}}],
    },
]
SUMMARY = (
    "elapsed_s",
    "moving_s",
    "distance_m",
    "ascent_m",
    "avg_hr_bpm",
    "max_hr_bpm",
    "avg_power_w",
    "max_power_w",
    "avg_speed_mps",
    "max_speed_mps",
    "avg_cadence_spm",
    "calories_kcal",
    "manual_load",
)


def _store_extremes(w: dict[str, Any], value: float) -> None:
    """Extreme values in every number an athlete's pages read, as an old row could hold."""
    athlete, activity = w["athlete"], w["activity"]
    for offset in range(7):
        day = dt.date(2026, 3, 2) + dt.timedelta(days=offset)
        PlannedSession.objects.create(
            athlete=athlete,
            day=day,
            sport="ride",
            title="Old",
            source="coach",
            steps=STEPS,
            duration_s=value,
            distance_m=value,
            ascent_m=value,
            est_duration_s=value,
            est_distance_m=value,
            est_ascent_m=value,
            est_dist_eq_km=value,
            est_load=value,
            est_trimp=value,
        )
    Activity.objects.filter(id=activity.id).update(**dict.fromkeys(SUMMARY, value))
    Activity.objects.create(
        athlete=athlete,
        sport="run",
        started_at=NOW - dt.timedelta(days=1),
        day=NOW.date(),
        **dict.fromkeys(SUMMARY, value),
    )
    Lap.objects.create(
        activity=activity,
        index=0,
        start_s=value,
        elapsed_s=value,
        distance_m=value,
        avg_hr_bpm=value,
        avg_speed_mps=value,
    )
    in_json = value if abs(value) < float("inf") else HUGE  # JSON has no infinity
    ZoneSet.objects.create(
        athlete=athlete,
        sport="run",
        kind="hr",
        valid_from=NOW.date(),
        bounds=[in_json, -in_json],
        names=["A", "B", "C"],
    )
    ActivityMetrics.objects.create(
        activity=activity,
        algorithm_version=1,
        computed_at=NOW,
        load=value,
        tss=value,
        dist_eq_km=value,
        np_w=value,
        time_in_zone_s={"hr": [in_json]},
        mean_max={"power_w": {"5": in_json}},
        best_efforts_s={"1000": in_json},
    )
    DailyLoad.objects.create(
        athlete=athlete,
        day=NOW.date(),
        load=value,
        fitness=value,
        fatigue=value,
        form=value,
        planned_load=value,
    )
    Thresholds.objects.filter(id=w["thresholds"].id).update(
        hr_max_bpm=32767,
        hr_rest_bpm=0,
        lthr_bpm=32767,
        ftp_w=32767,
        threshold_speed_mps=value,
        css_mps=value,
    )


READS = [row for row in MATRIX if row.method == "get" and row.expect["coach"] not in (LOGIN, 404)]


@pytest.mark.parametrize("value", EXTREMES, ids=["1e308", "-1e308", "inf"])
@pytest.mark.parametrize("role", ["coach", "athlete"])
def test_every_read_of_the_athlete_answers_despite_extreme_stored_values(
    world: dict[str, Any],
    role: str,
    value: float,
) -> None:
    _store_extremes(world, value)
    client = Client()
    client.force_login(world["users"][role])
    failures = []
    with time_machine.travel(NOW, tick=False):
        for row in READS:
            url = reverse(row.name, kwargs=row.kwargs(world))
            for extra in ("", "?week=2026-03-02", "?month=2026-03"):
                status = client.get(url + extra, HTTP_HX_REQUEST="").status_code
                if status >= 500:
                    failures.append((url + extra, status))
    assert not failures
