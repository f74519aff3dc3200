"""Goals and races: services, selectors and pages."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from athletes.models import Athlete, Goal, User
from athletes.selectors.goals import goal_list, goal_past_list
from athletes.services.goals import goal_create, goal_update
from tests.factories import AthleteFactory, GoalFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 4, 15, 10, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 4, 15)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(name: str, athlete: Athlete, *args: object) -> str:
    return reverse(name, args=[athlete.id, *args])


def _goal_data(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Lyon Marathon",
        "race_on": "2026-10-04",
        "priority": "A",
        "sport": "run",
        "distance": "42.195",
        "ascent_m": "120",
        "target_time": "3:29:00",
        "notes": "",
    }
    return {**data, **overrides}


# --- services and selectors -----------------------------------------------------------------------


def test_goal_create_stores_si_values(athlete: Athlete) -> None:
    goal = goal_create(
        athlete=athlete,
        name="10K",
        race_on=TODAY,
        priority="C",
        sport="run",
        distance_m=10000.0,
        target_time_s=2400,
    )
    assert Goal.objects.get(id=goal.id).distance_m == 10000.0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"distance_m": 0.0}, "distance_m"),
        ({"distance_m": -5.0}, "distance_m"),
        ({"ascent_m": -1.0}, "ascent_m"),
        ({"target_time_s": 0}, "target_time_s"),
        ({"priority": "Z"}, "priority"),
        ({"name": ""}, "name"),
    ],
)
def test_goal_create_refuses_invalid_fields(
    athlete: Athlete, fields: dict[str, object], field: str
) -> None:
    base: dict[str, object] = {"name": "Race", "race_on": TODAY, "priority": "B", "sport": "run"}
    with pytest.raises(ValidationError) as caught:
        goal_create(athlete=athlete, **{**base, **fields})
    assert field in caught.value.message_dict
    assert not Goal.objects.exists()


def test_goal_update_changes_only_the_given_fields(athlete: Athlete) -> None:
    goal = GoalFactory(athlete=athlete)
    goal_update(goal=goal, priority="B")
    goal.refresh_from_db()
    assert (goal.priority, goal.name) == ("B", "Paris Marathon")


def test_goal_list_splits_upcoming_and_past(athlete: Athlete) -> None:
    past = GoalFactory(athlete=athlete, race_on=TODAY - dt.timedelta(days=1), name="Past")
    today = GoalFactory(athlete=athlete, race_on=TODAY, name="Today")
    later = GoalFactory(athlete=athlete, race_on=TODAY + dt.timedelta(days=30), name="Later")
    GoalFactory(race_on=TODAY, name="Someone else's")
    assert goal_list(athlete=athlete, upcoming_from=TODAY) == [today, later]
    assert goal_list(athlete=athlete) == [past, today, later]
    assert goal_past_list(athlete=athlete, before=TODAY) == [past]


# --- pages --------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_goal_list_shows_upcoming_and_past_goals(athlete: Athlete) -> None:
    GoalFactory(athlete=athlete, race_on=dt.date(2026, 4, 25), name="Spring 10K")
    GoalFactory(athlete=athlete, race_on=dt.date(2025, 10, 5), name="Autumn Half")
    response = _client(athlete.user).get(_url("goal_list", athlete))
    assert response.status_code == 200
    assert [g.name for g in response.context["upcoming"]] == ["Spring 10K"]
    assert [g.name for g in response.context["past"]] == ["Autumn Half"]
    assert b"in 10 days" in response.content
    assert b"42.2 km" in response.content


def test_empty_goal_list_invites_to_add_a_race(athlete: Athlete) -> None:
    response = _client(athlete.user).get(_url("goal_list", athlete))
    assert b"No goals yet" in response.content


def test_coach_adds_a_goal_in_km(coach: User, athlete: Athlete) -> None:
    response = _client(coach).post(_url("goal_create", athlete), _goal_data())
    assert response.status_code == 302
    goal = Goal.objects.get(athlete=athlete)
    assert goal.distance_m == pytest.approx(42195)
    assert (goal.target_time_s, goal.ascent_m, goal.priority) == (12540, 120, "A")


def test_imperial_athletes_enter_miles(athlete: Athlete) -> None:
    athlete.units = Athlete.Units.IMPERIAL
    athlete.save()
    _client(athlete.user).post(_url("goal_create", athlete), _goal_data(distance="26.2"))
    assert Goal.objects.get().distance_m == pytest.approx(26.2 * 1609.344)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"distance": "far"}, "distance"),
        ({"distance": "0"}, "distance"),
        ({"distance": "-3"}, "distance"),
        ({"distance": "1e308"}, "distance"),
        ({"race_on": "soon"}, "race_on"),
        ({"target_time": "3:99:00"}, "target_time"),
        ({"ascent_m": "-10"}, "ascent_m"),
        ({"name": ""}, "name"),
        ({"priority": "Q"}, "priority"),
    ],
)
def test_invalid_goals_show_field_errors(
    coach: User, athlete: Athlete, overrides: dict[str, str], field: str
) -> None:
    response = _client(coach).post(_url("goal_create", athlete), _goal_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors.get(field)
    assert not Goal.objects.exists()


def test_coach_edits_a_goal(coach: User, athlete: Athlete) -> None:
    goal = GoalFactory(athlete=athlete)
    client = _client(coach)
    page = client.get(_url("goal_edit", athlete, goal.id))
    assert page.status_code == 200
    assert page.context["form"].initial["distance"] == pytest.approx(42.195)
    response = client.post(_url("goal_edit", athlete, goal.id), _goal_data(name="Lyon"))
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.name == "Lyon"


def test_editing_with_bad_input_keeps_the_goal(coach: User, athlete: Athlete) -> None:
    goal = GoalFactory(athlete=athlete)
    response = _client(coach).post(_url("goal_edit", athlete, goal.id), _goal_data(distance="0"))
    assert response.status_code == 200
    goal.refresh_from_db()
    assert goal.distance_m == 42195.0


def test_athlete_deletes_a_goal(athlete: Athlete) -> None:
    goal = GoalFactory(athlete=athlete)
    response = _client(athlete.user).post(_url("goal_delete", athlete, goal.id))
    assert response.status_code == 302
    assert not Goal.objects.exists()


def test_view_only_coach_sees_goals_without_edit_controls(
    view_coach: User, athlete: Athlete
) -> None:
    goal = GoalFactory(athlete=athlete, race_on=dt.date(2099, 1, 1))
    client = _client(view_coach)
    response = client.get(_url("goal_list", athlete))
    assert response.status_code == 200
    assert b"Paris Marathon" in response.content
    assert _url("goal_create", athlete).encode() not in response.content
    assert _url("goal_edit", athlete, goal.id).encode() not in response.content
    assert client.post(_url("goal_create", athlete), _goal_data()).status_code == 403
    assert client.get(_url("goal_edit", athlete, goal.id)).status_code == 403
    assert client.post(_url("goal_delete", athlete, goal.id)).status_code == 403
    assert Goal.objects.count() == 1


@pytest.mark.parametrize("role", ["other_coach", "former_coach"])
def test_coaches_without_a_current_relationship_cannot_reach_goals(
    request: pytest.FixtureRequest, athlete: Athlete, role: str
) -> None:
    goal = GoalFactory(athlete=athlete)
    client = _client(request.getfixturevalue(role))
    assert client.get(_url("goal_list", athlete)).status_code == 404
    assert client.post(_url("goal_create", athlete), _goal_data()).status_code == 404
    assert client.get(_url("goal_edit", athlete, goal.id)).status_code == 404
    assert client.post(_url("goal_delete", athlete, goal.id)).status_code == 404
    assert Goal.objects.count() == 1


def test_a_goal_of_another_athlete_is_404(coach: User, athlete: Athlete) -> None:
    stranger = GoalFactory(athlete=AthleteFactory())
    client = _client(coach)
    assert client.get(_url("goal_edit", athlete, stranger.id)).status_code == 404
    assert client.post(_url("goal_delete", athlete, stranger.id)).status_code == 404
    assert Goal.objects.filter(id=stranger.id).exists()


def test_a_race_takes_a_weekly_volume_in_km_or_hours_for_the_forecast(
    coach: User, athlete: Athlete
) -> None:
    data = _goal_data(weekly_distance="55", weekly_hours="6.5")
    response = _client(coach).post(_url("goal_create", athlete), data)
    assert response.status_code == 302
    goal = Goal.objects.get(athlete=athlete)
    assert (goal.weekly_distance_m, goal.weekly_duration_s) == (55000.0, 23400)
    page = _client(coach).get(_url("goal_edit", athlete, goal.id))
    assert page.context["form"].initial["weekly_distance"] == 55.0
    assert page.context["form"].initial["weekly_hours"] == 6.5
