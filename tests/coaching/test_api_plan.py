"""The week API for mobile clients: GET the week (sessions with steps, estimates, link and
compliance; activities; totals), and POST/PATCH/DELETE sessions for those who plan."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from athletes.models import Athlete, User
from coaching.models import PlannedSession, WorkoutTemplate
from tests.coaching.planner_world import NOW, day, done, linked, planned, power_steps
from tests.factories import GoalFactory, ThresholdsFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _api(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        token = Token.objects.create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.key}")
    return client


def _week_url(athlete: Athlete, week: str = "") -> str:
    return f"/api/v1/athletes/{athlete.id}/plan/" + (f"?week={week}" if week else "")


def _session_url(session: PlannedSession) -> str:
    return f"/api/v1/athletes/{session.athlete_id}/plan/sessions/{session.id}/"


def _all_sessions(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [entry for d in data["days"] for entry in d["sessions"]]


# --- reading the week --------------------------------------------------------------------------


def test_the_week_lists_sessions_with_steps_estimates_link_and_compliance(
    coach: User, athlete: Athlete
) -> None:
    ThresholdsFactory(athlete=athlete, sport="ride", ftp_w=250, threshold_speed_mps=None)
    session = planned(athlete, day(0), "Sweet spot", sport="ride", steps=power_steps(200))
    ride = done(athlete, day(0), sport="ride", moving_s=3600, distance_m=30000, load=64.0)
    linked(session, ride)
    planned(athlete, day(1), "Missed run", duration_s=3600)
    done(athlete, day(2), name="Unplanned jog", moving_s=1800, distance_m=5000)
    GoalFactory(athlete=athlete, race_on=day(6), name="Spring 10K")

    response = _api(coach).get(_week_url(athlete, "2026-03-04"))

    data = response.json()
    assert response.status_code == 200
    assert (data["week_start"], data["week_end"], data["today"]) == (
        "2026-03-02",
        "2026-03-08",
        "2026-03-05",
    )
    assert data["can_edit"] is True
    first, missed = _all_sessions(data)
    assert first["session"]["title"] == "Sweet spot"
    assert first["session"]["steps"] == power_steps(200)
    assert first["session"]["est_load"] == pytest.approx(64.0)
    assert first["link"] == {
        "activity": ride.id,
        "kind": "manual",
        "locked": True,
        "confidence": 1.0,
    }
    assert first["compliance"]["basis"] == "load"
    assert first["compliance"]["colour"] == "green"
    assert missed["link"] is None
    assert missed["compliance"] == {
        "basis": "load",
        "actual": None,
        "planned": 56.25,
        "ratio": None,
        "colour": "red",
    }
    wednesday = data["days"][2]["activities"]
    assert [(a["name"], a["session"], a["duration_s"]) for a in wednesday] == [
        ("Unplanned jog", None, 1800.0)
    ]
    assert data["days"][0]["activities"][0]["session"] == session.id
    assert [g["name"] for g in data["days"][6]["goals"]] == ["Spring 10K"]
    assert data["totals"]["planned"]["load"] == pytest.approx(64.0 + 56.25)
    assert data["totals"]["actual"]["duration_s"] == 5400.0
    assert (first["verdict"], first["steps_hit"]) == ("green", None)  # no samples: no step judged
    assert (missed["verdict"], missed["steps_hit"]) == ("missed", None)
    counts = {"green": 1, "yellow": 0, "red": 0, "missed": 1, "unplanned": 1}
    assert data["compliance"] == {"pct": 50.0, "colour": "yellow", "judged": 2, **counts}
    assert data["rolling_compliance"] == data["compliance"]  # nothing in the 3 weeks before


def test_the_athlete_of_a_coach_reads_their_week_without_drafts(
    coach: User, athlete: Athlete
) -> None:
    planned(athlete, day(3), "Published", duration_s=3600)
    planned(athlete, day(3), "Draft", duration_s=3600, hidden=True)

    data = _api(athlete.user).get(_week_url(athlete)).json()

    assert [s["session"]["title"] for s in _all_sessions(data)] == ["Published"]
    assert data["can_edit"] is False
    assert data["week_start"] == "2026-03-02"


def test_a_draft_is_not_found_for_the_athlete(coach: User, athlete: Athlete) -> None:
    draft = planned(athlete, day(3), "Draft", duration_s=3600, hidden=True)

    assert _api(athlete.user).get(_session_url(draft)).status_code == 404
    assert _api(coach).get(_session_url(draft)).json()["title"] == "Draft"


# --- writing -----------------------------------------------------------------------------------


def test_a_coach_adds_a_structured_session_and_gets_its_estimates(
    coach: User, athlete: Athlete
) -> None:
    ThresholdsFactory(athlete=athlete, sport="ride", ftp_w=250, threshold_speed_mps=None)
    payload = {
        "day": "2026-03-06",
        "sport": "ride",
        "title": "Sweet spot",
        "session_type": "tempo",
        "steps": power_steps(200),
        "hidden": True,
    }

    response = _api(coach).post(_week_url(athlete), payload, format="json")

    data = response.json()
    assert response.status_code == 201
    assert (data["title"], data["day"], data["hidden"]) == ("Sweet spot", "2026-03-06", True)
    assert data["est_duration_s"] == 3600.0
    assert data["est_load"] == pytest.approx(64.0)
    assert PlannedSession.objects.get(id=data["id"]).created_by == coach


def test_a_coach_plans_a_template_through_the_api(coach: User, athlete: Athlete) -> None:
    template = WorkoutTemplate.objects.create(owner=coach, name="Hills", sport="run")

    response = _api(coach).post(
        _week_url(athlete), {"day": "2026-03-06", "template": template.id}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["title"] == "Hills"
    assert response.json()["template"] == template.id


def test_bad_steps_are_refused_with_a_message(coach: User, athlete: Athlete) -> None:
    payload = {"day": "2026-03-06", "sport": "run", "title": "Broken", "steps": [{"x": 1}]}

    response = _api(coach).post(_week_url(athlete), payload, format="json")

    assert response.status_code == 400
    assert response.json()["steps"]
    assert not PlannedSession.objects.filter(athlete=athlete).exists()


def test_a_new_session_needs_a_sport_and_a_title(coach: User, athlete: Athlete) -> None:
    response = _api(coach).post(_week_url(athlete), {"day": "2026-03-06"}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"sport", "title"}


def test_patching_changes_fields_and_moves_the_session(coach: User, athlete: Athlete) -> None:
    first = planned(athlete, day(2), "First")
    session = planned(athlete, day(0), "Moving", duration_s=3600)

    response = _api(coach).patch(
        _session_url(session),
        {"title": "Moved", "day": day(2).isoformat(), "position": 0, "duration_s": 1800},
        format="json",
    )

    data = response.json()
    first.refresh_from_db()
    assert response.status_code == 200
    assert (data["title"], data["day"], data["order"], data["est_duration_s"]) == (
        "Moved",
        "2026-03-04",
        0,
        1800.0,
    )
    assert first.order == 1


def test_deleting_a_session(coach: User, athlete: Athlete) -> None:
    session = planned(athlete, day(0), "Gone")

    response = _api(coach).delete(_session_url(session))

    assert response.status_code == 204
    assert not PlannedSession.objects.filter(id=session.id).exists()


# --- who may -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["view_coach", "athlete"])
def test_those_who_only_see_the_plan_cannot_write_through_the_api(
    who: str, view_coach: User, athlete: Athlete
) -> None:
    session = planned(athlete, day(0), "Keep")
    client = _api(view_coach if who == "view_coach" else athlete.user)

    created = client.post(
        _week_url(athlete), {"day": "2026-03-06", "sport": "run", "title": "X"}, format="json"
    )
    patched = client.patch(_session_url(session), {"title": "Y"}, format="json")
    deleted = client.delete(_session_url(session))

    assert (created.status_code, patched.status_code, deleted.status_code) == (403, 403, 403)
    assert client.get(_week_url(athlete)).status_code == 200
    assert PlannedSession.objects.get(id=session.id).title == "Keep"


def test_the_plan_of_someone_else_is_not_found(other_coach: User, athlete: Athlete) -> None:
    session = planned(athlete, day(0), "Keep")
    client = _api(other_coach)

    assert client.get(_week_url(athlete)).status_code == 404
    assert client.patch(_session_url(session), {"title": "Y"}, format="json").status_code == 404
    assert client.delete(_session_url(session)).status_code == 404


def test_an_anonymous_caller_must_authenticate(athlete: Athlete) -> None:
    assert _api(None).get(_week_url(athlete)).status_code == 401


def test_the_schema_with_the_plan_routes_validates() -> None:
    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)

    assert "/api/v1/athletes/{athlete_id}/plan/" in out.getvalue()
    assert "/api/v1/athletes/{athlete_id}/plan/sessions/{session_id}/" in out.getvalue()
