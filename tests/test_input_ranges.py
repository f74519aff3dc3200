"""Every way a number gets in, attacked as a stranger would: huge, negative, -0, NaN and
infinity spelled out, 1e308, words where numbers belong, very long strings. Each is refused
with a form error (pages) or a 400 naming the field (API) — never a 500 — and nothing is
stored."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from activities.models import Activity
from athletes.models import Athlete, Goal, Thresholds, User, ZoneSet
from coaching.models import PlannedSession, WorkoutTemplate
from tests.coaching.planner_world import NOW, day, done, planned
from tests.factories import ThresholdsFactory

pytestmark = pytest.mark.django_db

HUGE = "1" + "0" * 400
ATTACKS = ["1e308", "-1e308", "nan", "NaN", "inf", "-Infinity", HUGE, "-5", "abc", "9" * 5000]


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _refused(response: Any) -> None:
    """A form shown again with its errors (200), or a 4xx — never a server error."""
    assert response.status_code < 500
    assert response.status_code != 302, "the attack was accepted"


# --- pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["duration_text", "distance_value", "ascent_m"])
@pytest.mark.parametrize("value", [*ATTACKS, "4000"])
def test_the_planner_refuses_implausible_session_numbers(
    coach: User, athlete: Athlete, field: str, value: str
) -> None:
    data = {"day": day(3).isoformat(), "sport": "run", "session_type": "other", "title": "X"}
    url = reverse("planner_session_create", args=[athlete.id])
    response = _client(coach).post(
        url, {**data, field: value + ("0" * 6 if value == "4000" else "")}
    )
    _refused(response)
    assert not PlannedSession.objects.filter(athlete=athlete).exists()


@pytest.mark.parametrize("value", ["-0", "0", "0:00"])
def test_the_planner_refuses_a_session_of_no_duration(
    coach: User, athlete: Athlete, value: str
) -> None:
    data = {"day": day(3).isoformat(), "sport": "run", "session_type": "other", "title": "X"}
    url = reverse("planner_session_create", args=[athlete.id])
    _refused(_client(coach).post(url, {**data, "duration_text": value}))
    assert not PlannedSession.objects.filter(athlete=athlete).exists()


@pytest.mark.parametrize(
    "steps",
    ["25h", "10m 5000W", "10m 400% FTP", "10m Z99", "100x 10m", "10m RPE 1e308", HUGE + "s"],
)
def test_the_library_refuses_implausible_steps_and_durations(coach: User, steps: str) -> None:
    data = {"name": "T", "sport": "ride", "session_type": "other", "steps_text": steps}
    response = _client(coach).post(reverse("template_create"), data)
    _refused(response)
    response = _client(coach).post(
        reverse("template_create"), {**data, "steps_text": "", "duration_text": "1e308"}
    )
    _refused(response)
    assert not WorkoutTemplate.objects.exists()


@pytest.mark.parametrize("field", ["duration", "distance", "ascent", "load", "rpe"])
@pytest.mark.parametrize("value", [*ATTACKS, "99999"])
def test_the_manual_log_refuses_implausible_numbers(
    athlete: Athlete, field: str, value: str
) -> None:
    data = {"day": "2026-03-04", "sport": "run", "duration": "1:00:00", field: value}
    response = _client(athlete.user).post(reverse("activity_log_manual", args=[athlete.id]), data)
    _refused(response)
    assert not Activity.objects.filter(athlete=athlete).exists()


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("distance_km", "1e308"),
        ("distance_km", "nan"),
        ("distance_km", "inf"),
        ("distance_km", "3000"),
        ("distance_km", HUGE),
        ("duration_min", "1e308"),
        ("duration_min", "99999:00"),
        ("duration_min", "nan:00"),
        ("training_load", "1e308"),
        ("training_load", "-0.5"),
        ("training_load", "x" * 5000),
    ],
)
def test_the_csv_import_fails_the_row_with_an_implausible_number(
    athlete: Athlete, cell: str, value: str
) -> None:
    row = {
        "activity_date": "2026-03-04",
        "activity_type": "run",
        "distance_km": "10",
        "duration_min": "60",
        "training_load": "",
        "notes": "",
    } | {cell: value}
    text = ",".join(row) + "\n" + ",".join(row.values()) + "\n"
    upload = SimpleUploadedFile("log.csv", text.encode(), "text/csv")
    url = reverse("activity_csv_import", args=[athlete.id])
    response = _client(athlete.user).post(url, {"file": upload})
    assert response.status_code < 500
    assert not Activity.objects.filter(athlete=athlete).exists()


@pytest.mark.parametrize("field", ["hr_max_bpm", "lthr_bpm", "ftp_w", "threshold_pace", "css_pace"])
@pytest.mark.parametrize("value", [*ATTACKS, "99999:00", "0:00"])
def test_thresholds_refuse_implausible_values(
    coach: User, athlete: Athlete, field: str, value: str
) -> None:
    data = {"sport": "run", "valid_from": "2026-03-01", "hr_max_bpm": "190", field: value}
    response = _client(coach).post(reverse("thresholds_add", args=[athlete.id]), data)
    _refused(response)
    assert not Thresholds.objects.filter(athlete=athlete).exists()


@pytest.mark.parametrize("bound", ATTACKS)
def test_custom_zones_refuse_implausible_bounds(coach: User, athlete: Athlete, bound: str) -> None:
    data = {"valid_from": "2026-03-01", "name_0": "Easy", "name_1": "Hard", "bound_1": bound}
    url = reverse("zones_edit", args=[athlete.id, "run", "power"])
    _refused(_client(coach).post(url, data))
    assert not ZoneSet.objects.filter(athlete=athlete).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        *[("distance", v) for v in ATTACKS],
        *[("ascent_m", v) for v in ATTACKS],
        ("target_time", "99999999:00:00"),
        ("target_time", "nan"),
        ("distance", "-0"),
    ],
)
def test_goals_refuse_implausible_values(
    coach: User, athlete: Athlete, field: str, value: str
) -> None:
    data = {"name": "Race", "race_on": "2026-10-04", "priority": "A", "sport": "run", field: value}
    _refused(_client(coach).post(reverse("goal_create", args=[athlete.id]), data))
    assert not Goal.objects.filter(athlete=athlete).exists()


@pytest.mark.parametrize("field", ["rpe", "feel"])
@pytest.mark.parametrize("value", [*ATTACKS, "11", "-0"])
def test_the_journal_refuses_ratings_off_their_scales(
    athlete: Athlete, field: str, value: str
) -> None:
    activity = done(athlete, day(1))
    url = reverse("activity_journal", args=[athlete.id, activity.id])
    response = _client(athlete.user).post(url, {field: value})
    assert response.status_code < 500
    activity.refresh_from_db()
    assert (activity.rpe, activity.feel) == (None, None)


# --- REST API ---------------------------------------------------------------------------------


def _api(user: User) -> APIClient:
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.key}")
    return client


API_ATTACKS: list[Any] = [
    1e308,
    -1e308,
    -1,
    10**400,
    "nan",
    "Infinity",
    "600",
    True,
    [600],
    "9" * 5000,
]


def test_a_planned_duration_of_1e308_is_refused_and_the_week_still_reads(
    coach: User, athlete: Athlete
) -> None:
    """The attack from issue #9: it used to be stored and break the week for coach and athlete."""
    ThresholdsFactory(athlete=athlete)
    url = f"/api/v1/athletes/{athlete.id}/plan/"
    body = {"day": day(3).isoformat(), "sport": "run", "title": "x", "duration_s": 1e308}

    response = _api(coach).post(url, body, format="json")

    assert response.status_code == 400
    assert "duration_s" in response.json()
    assert not PlannedSession.objects.exists()
    assert _api(coach).get(url).status_code == 200
    assert _api(athlete.user).get(url).status_code == 200


@pytest.mark.parametrize("field", ["duration_s", "distance_m", "ascent_m", "position", "template"])
@pytest.mark.parametrize("value", API_ATTACKS)
def test_plan_writes_refuse_implausible_numbers_and_store_nothing(
    coach: User, athlete: Athlete, field: str, value: Any
) -> None:
    session = planned(athlete, day(2), "Easy", duration_s=3600)
    before = PlannedSession.objects.values().get()
    body = {"day": day(3).isoformat(), "sport": "run", "title": "x", field: value}
    client = _api(coach)

    created = client.post(f"/api/v1/athletes/{athlete.id}/plan/", body, format="json")
    changed = client.patch(
        f"/api/v1/athletes/{athlete.id}/plan/sessions/{session.id}/",
        {"title": "changed", "day": day(4).isoformat(), field: value},
        format="json",
    )

    assert (created.status_code, changed.status_code) == (400, 400)
    assert field in created.json() and field in changed.json()
    assert list(PlannedSession.objects.values()) == [before]


@pytest.mark.parametrize(
    "value",
    [
        [{"intent": "active", "duration": {"kind": "time", "value": 1e308}}],
        [{"repeat": 10**400, "steps": []}],
        "nan",
        {"a": 1},
    ],
)
def test_plan_writes_refuse_implausible_steps_and_store_nothing(
    coach: User, athlete: Athlete, value: Any
) -> None:
    session = planned(athlete, day(2), "Easy", duration_s=3600)
    before = PlannedSession.objects.values().get()

    changed = _api(coach).patch(
        f"/api/v1/athletes/{athlete.id}/plan/sessions/{session.id}/",
        {"title": "changed", "day": day(4).isoformat(), "steps": value},
        format="json",
    )

    assert changed.status_code == 400
    assert list(PlannedSession.objects.values()) == [before]


@pytest.mark.parametrize("text", ["x" * 200, 5, None])
def test_plan_writes_refuse_titles_that_are_too_long_or_not_text(
    coach: User, athlete: Athlete, text: Any
) -> None:
    body = {"day": day(3).isoformat(), "sport": "run", "title": text}
    response = _api(coach).post(f"/api/v1/athletes/{athlete.id}/plan/", body, format="json")
    assert response.status_code == 400
    assert "title" in response.json()
