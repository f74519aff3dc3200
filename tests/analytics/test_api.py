"""The analytics REST endpoints as a mobile client calls them: daily load with Fitness / Fatigue /
Form by date range, and one activity's metrics with their registry units."""

from __future__ import annotations

from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from analytics.metrics.registry import METRICS
from athletes.models import Athlete, User
from tests.analytics import builders as b
from tests.analytics.builders import DAY, TODAY

pytestmark = pytest.mark.django_db


def bearer(user: User) -> APIClient:
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.key}")
    return client


def _daily(athlete: Athlete, query: str = "") -> str:
    return reverse("api-athlete-daily-load", args=(athlete.id,)) + query


def test_documented_urls() -> None:
    assert _daily(Athlete(id=3)) == "/api/v1/athletes/3/daily-load/"
    url = reverse("api-activity-metrics", args=(3, 7))
    assert url == "/api/v1/athletes/3/activities/7/metrics/"


def test_daily_load_lists_the_stored_days_in_si_oldest_first(athlete: Athlete) -> None:
    b.days(athlete, TODAY - 2 * DAY, [40.0, 0.0, 55.5], fitness=[10.0, 9.5, 11.25])
    b.planned(athlete, {TODAY + DAY: 80.0})  # the plan ahead is not a stored day

    body = bearer(athlete.user).get(_daily(athlete)).json()

    assert body["count"] == 3
    first, rest, today = body["results"]
    assert first == {
        "day": str(TODAY - 2 * DAY),
        "load": 40.0,
        "load_by_source": {"tss": 40.0},
        "planned_load": 0.0,
        "fitness": 10.0,
        "fatigue": 0.0,
        "form": 0.0,
    }
    assert rest["load_by_source"] == {}
    assert today["fitness"] == 11.25


def test_daily_load_since_and_until_are_inclusive_local_days(athlete: Athlete) -> None:
    b.days(athlete, TODAY - 9 * DAY, [float(n) for n in range(10)])
    query = f"?since={TODAY - 5 * DAY}&until={TODAY - 3 * DAY}"

    body = bearer(athlete.user).get(_daily(athlete, query)).json()

    assert [row["load"] for row in body["results"]] == [4.0, 5.0, 6.0]


@pytest.mark.parametrize("query", ["?since=2026-03-10&until=2026-03-01", "?since=yesterday"])
def test_a_bad_range_is_a_400_with_the_field_named(athlete: Athlete, query: str) -> None:
    response = bearer(athlete.user).get(_daily(athlete, query))

    assert response.status_code == 400
    assert set(response.json()) <= {"since", "until"}


def test_daily_load_of_an_athlete_out_of_scope_is_404_even_with_a_bad_range(
    athlete: Athlete, other_coach: User
) -> None:
    response = bearer(other_coach).get(_daily(athlete, "?since=nonsense"))

    assert response.status_code == 404


def test_a_coach_reads_the_athletes_daily_load(athlete: Athlete, view_coach: User) -> None:
    b.days(athlete, TODAY, [30.0])

    response = bearer(view_coach).get(_daily(athlete))

    assert response.status_code == 200
    assert response.json()["results"][0]["load"] == 30.0


def _metrics_url(athlete: Athlete, activity_id: int) -> str:
    return reverse("api-activity-metrics", args=(athlete.id, activity_id))


def test_activity_metrics_returns_the_stored_values_with_registry_units(athlete: Athlete) -> None:
    ride = b.activity(athlete, TODAY - DAY, sport="ride")
    zones = {"hr": [60.0, 120.0], "power": [30.0, 150.0], "source": "streams"}
    stored = b.metrics(
        ride,
        np_w=245.4,
        tss=87.6,
        load=87.6,
        load_source="tss",
        time_in_zone_s=zones,
        mean_max={"power_w": b.curve({1: 500.0, 5: 400.0})},
        best_efforts_s={},
    )

    body = bearer(athlete.user).get(_metrics_url(athlete, ride.id)).json()

    assert body["activity_id"] == ride.id
    assert (body["sport"], body["day"], body["computed"]) == ("ride", str(TODAY - DAY), True)
    assert body["algorithm_version"] == stored.algorithm_version
    assert (body["np_w"], body["tss"], body["load_source"]) == (245.4, 87.6, "tss")
    assert body["trimp"] is None
    assert body["time_in_zone_s"] == zones
    assert body["mean_max"] == {"power_w": {"1": 500.0, "5": 400.0}}
    assert body["units"]["np_w"] == METRICS["np_w"].unit == "W"
    assert body["units"]["mean_max_speed_mps"] == "m/s"
    assert body["units"]["intensity_factor"] == ""


def test_metrics_not_computed_yet_say_so_with_null_values(athlete: Athlete) -> None:
    run = b.activity(athlete, TODAY)

    body = bearer(athlete.user).get(_metrics_url(athlete, run.id)).json()

    assert body["computed"] is False
    assert body["computed_at"] is None
    assert body["tss"] is None
    assert body["mean_max"] == {}


def test_metrics_of_another_athletes_activity_are_404_under_ones_own_id(
    athlete: Athlete, other_athlete: Athlete
) -> None:
    theirs = b.activity(other_athlete, TODAY)
    b.metrics(theirs, tss=50.0)

    response = bearer(athlete.user).get(_metrics_url(athlete, theirs.id))

    assert response.status_code == 404


def test_the_schema_documents_both_endpoints() -> None:
    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    paths = yaml.safe_load(out.getvalue())["paths"]

    daily = paths["/api/v1/athletes/{athlete_id}/daily-load/"]["get"]
    assert {p["name"] for p in daily["parameters"]} >= {"athlete_id", "since", "until", "page"}
    metrics = paths["/api/v1/athletes/{athlete_id}/activities/{activity_id}/metrics/"]["get"]
    assert metrics["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ActivityMetrics"
    )


def test_the_stored_metric_columns_are_the_registrys_and_the_api_serves_each() -> None:
    from analytics.api import ActivityMetricsSerializer
    from analytics.metrics.registry import CURVE_KEYS, STORED_KEYS
    from analytics.models import ActivityMetrics

    floats = [
        f.name
        for f in ActivityMetrics._meta.concrete_fields
        if f.get_internal_type() == "FloatField"
    ]
    assert floats == list(STORED_KEYS)
    served = set(ActivityMetricsSerializer().fields)
    assert set(STORED_KEYS) <= served
    assert {"time_in_zone_s", "best_efforts_s", "mean_max"} <= served
    assert "mean_max_power_w" in CURVE_KEYS  # units are given per channel
