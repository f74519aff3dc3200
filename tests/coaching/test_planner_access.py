"""Who may change a plan: the view-only coach and the athlete of a coach see the planner
without edit controls and get 403 on every write (pages and API); a coach of someone else
gets 404; nothing changes either way."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from athletes.models import Athlete, User
from coaching.models import PlannedSession, WeekCopy, WorkoutTemplate
from coaching.urls import planner as planner_urls
from tests.coaching.planner_world import NOW, client_for, day, planned
from tests.factories import AthleteFactory, CoachAthleteFactory

pytestmark = pytest.mark.django_db

READ_ROUTES = {"planner", "planner_month", "planner_day"}
EDIT_CONTROLS = ("is-editable", "plan-handle", "plan-add", "Copy week", "js-copy", "plan-paste")


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass(frozen=True)
class Write:
    name: str
    method: str
    session: bool = False
    data: dict[str, Any] | None = None
    json: bool = False


def _writes(session: PlannedSession, template: WorkoutTemplate) -> list[Write]:
    move = {"day": day(3).isoformat(), "position": 0}
    fields = {"day": day(2).isoformat(), "sport": "run", "session_type": "tempo", "title": "X"}
    return [
        Write("planner_templates", "get"),
        Write("planner_session_create", "get"),
        Write("planner_session_create", "post", data=fields),
        Write("planner_session_edit", "get", session=True),
        Write("planner_session_edit", "post", session=True, data=fields),
        Write("planner_session_delete", "post", session=True),
        Write("planner_session_move", "post", session=True, data=move),
        Write("planner_session_paste", "post", data={"session": session.id, "day": day(4)}),
        Write("planner_template_apply", "post", data={"template": template.id, "day": day(4)}),
        Write("planner_week_copy", "get"),
        Write("planner_week_copy", "post", data={"to_week": day(7), "athletes": []}),
        Write("planner_week_publish", "post", data={"week": day(0)}),
        Write("planner_week_copy_undo", "post"),
        Write(
            "api-athlete-plan",
            "post",
            data={"day": day(2).isoformat(), "sport": "run", "title": "API"},
            json=True,
        ),
        Write("api-athlete-plan-session", "patch", session=True, data={"title": "Y"}, json=True),
        Write("api-athlete-plan-session", "delete", session=True),
    ]


def _call(client: Client, write: Write, athlete: Athlete, session: PlannedSession) -> int:
    kwargs: dict[str, Any] = {"athlete_id": athlete.id}
    if write.session:
        kwargs["session_id"] = session.id
    if write.name == "planner_week_copy_undo":
        kwargs["copy_id"] = WeekCopy.objects.get(athlete=athlete).id
    url = reverse(write.name, kwargs=kwargs)
    method = getattr(client, write.method)
    if write.json:
        return int(
            method(url, json.dumps(write.data or {}), content_type="application/json").status_code
        )
    return int(method(url, write.data or {}, HTTP_HX_REQUEST="true").status_code)


@pytest.fixture
def plan(coach: User, athlete: Athlete) -> tuple[PlannedSession, WorkoutTemplate]:
    session = planned(athlete, day(1), "Secret draft", duration_s=3600, hidden=True)
    template = WorkoutTemplate.objects.create(owner=coach, name="Hills", sport="run")
    WeekCopy.objects.create(
        coach=coach, athlete=athlete, week_start=day(0), to_week_start=day(7), mode="merge"
    )
    return session, template


def _snapshot(athlete: Athlete) -> list[tuple[Any, ...]]:
    return list(
        PlannedSession.objects.filter(athlete=athlete)
        .order_by("id")
        .values_list("id", "day", "order", "title", "hidden")
    )


def test_every_write_route_of_the_planner_is_in_this_test(
    plan: tuple[PlannedSession, WorkoutTemplate],
) -> None:
    routes = {pattern.name for pattern in planner_urls.urlpatterns} - READ_ROUTES
    tested = {write.name for write in _writes(*plan)}

    assert routes <= tested
    assert {"api-athlete-plan", "api-athlete-plan-session"} <= tested


def test_a_view_only_coach_sees_the_planner_without_any_edit_control(
    view_coach: User, athlete: Athlete, plan: tuple[PlannedSession, WorkoutTemplate]
) -> None:
    planned(athlete, day(2), "Published tempo", duration_s=3600)
    client = client_for(view_coach)

    week = client.get(f"/athletes/{athlete.id}/plan/?week=2026-03-02")
    day_card = client.get(f"/athletes/{athlete.id}/plan/days/2026-03-04/", HTTP_HX_REQUEST="true")

    body = week.content.decode() + day_card.content.decode()
    assert week.status_code == 200
    assert "Published tempo" in body
    for control in EDIT_CONTROLS:
        assert control not in body, control
    assert "Secret draft" not in body
    assert "/edit/" not in body


@pytest.mark.parametrize("role", ["view_coach", "athlete"])
def test_every_write_is_forbidden_to_those_who_only_see_the_plan(
    role: str,
    view_coach: User,
    athlete: Athlete,
    plan: tuple[PlannedSession, WorkoutTemplate],
) -> None:
    session, _template = plan
    user = view_coach if role == "view_coach" else athlete.user
    client = client_for(user)
    before = _snapshot(athlete)

    statuses = {f"{w.method} {w.name}": _call(client, w, athlete, session) for w in _writes(*plan)}

    assert set(statuses.values()) == {403}, statuses
    assert _snapshot(athlete) == before


def test_every_write_is_not_found_for_a_coach_of_someone_else(
    other_coach: User, athlete: Athlete, plan: tuple[PlannedSession, WorkoutTemplate]
) -> None:
    session, _template = plan
    client = client_for(other_coach)
    before = _snapshot(athlete)

    statuses = {f"{w.method} {w.name}": _call(client, w, athlete, session) for w in _writes(*plan)}

    assert set(statuses.values()) == {404}, statuses
    assert _snapshot(athlete) == before


def test_a_view_only_coach_cannot_copy_a_week_onto_an_athlete_they_only_view(
    coach: User, view_coach: User, athlete: Athlete
) -> None:
    own = AthleteFactory(user__email="own@example.test")
    CoachAthleteFactory(coach=view_coach, athlete=own)
    planned(own, day(1), "Own tempo")

    response = client_for(view_coach).post(
        f"/athletes/{own.id}/plan/week/copy/",
        {
            "week": day(0),
            "to_week": day(0) + dt.timedelta(days=7),
            "athletes": [athlete.id],
            "mode": "merge",
            "confirm": "on",
        },
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200  # the form again: the athlete is not a choice
    assert "HX-Retarget" not in response
    assert not PlannedSession.objects.filter(athlete=athlete).exists()
