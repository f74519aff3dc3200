"""The athlete overview page: profile, today's thresholds and zones, next goals."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from athletes.models import Athlete, User
from athletes.services.thresholds import (
    thresholds_confirm,
    thresholds_estimate_save,
    thresholds_set,
    zone_set_save,
)
from tests.factories import GoalFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 4, 15, 10, 0, tzinfo=dt.UTC)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(athlete: Athlete) -> str:
    return reverse("athlete_detail", args=[athlete.id])


@time_machine.travel(NOW, tick=False)
def test_athlete_sees_profile_coaches_and_todays_values(athlete: Athlete) -> None:
    thresholds_set(
        athlete=athlete,
        sport="run",
        valid_from=dt.date(2026, 1, 1),
        by=None,
        lthr_bpm=165,
        threshold_speed_mps=4.0,
    )
    thresholds_set(
        athlete=athlete, sport="run", valid_from=dt.date(2026, 4, 1), by=None, lthr_bpm=170
    )
    thresholds_set(
        athlete=athlete, sport="run", valid_from=dt.date(2026, 5, 1), by=None, lthr_bpm=175
    )
    response = _client(athlete.user).get(_url(athlete))
    assert response.status_code == 200
    overview = response.context["overview"]
    assert overview.age == 35  # born 1990-05-17
    assert [c.coach.email for c in overview.coaches] == ["coach@example.test"]
    run = overview.sports[0]
    assert (run.sport, run.values.lthr_bpm, run.values.valid_from) == (
        "run",
        170,
        dt.date(2026, 4, 1),
    )
    content = response.content.decode()
    assert "Europe/Paris" in content
    assert "170 bpm" in content
    assert "4:10 /km" in content
    assert "145\u2013153 bpm" in content  # Friel Z2 for LTHR 170: 144.5 to 153, rounded half up
    assert "Claire Coach" in content
    assert reverse("thresholds", args=[athlete.id]) in content
    assert reverse("goal_list", args=[athlete.id]) in content


@time_machine.travel(dt.datetime(2026, 2, 28, 22, 30, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize(("time_zone", "lthr"), [("Europe/Paris", 160), ("Pacific/Auckland", 170)])
def test_values_follow_the_athletes_local_today(
    athlete: Athlete, time_zone: str, lthr: int
) -> None:
    athlete.time_zone = time_zone
    athlete.save()
    thresholds_set(
        athlete=athlete, sport="run", valid_from=dt.date(2026, 1, 1), by=None, lthr_bpm=160
    )
    thresholds_set(
        athlete=athlete, sport="run", valid_from=dt.date(2026, 3, 1), by=None, lthr_bpm=170
    )
    overview = _client(athlete.user).get(_url(athlete)).context["overview"]
    assert overview.sports[0].values.lthr_bpm == lthr


@time_machine.travel(NOW, tick=False)
def test_custom_zones_are_shown_as_custom(athlete: Athlete) -> None:
    thresholds_set(
        athlete=athlete, sport="ride", valid_from=dt.date(2026, 1, 1), by=None, ftp_w=250
    )
    zone_set_save(
        athlete=athlete,
        sport="ride",
        kind="power",
        valid_from=dt.date(2026, 4, 1),
        bounds=[150, 250],
        names=["Easy", "Hard", "Very hard"],
        by=None,
    )
    content = _client(athlete.user).get(_url(athlete)).content.decode()
    assert "custom since" in content
    assert "150\u2013250 W" in content


@time_machine.travel(NOW, tick=False)
def test_only_the_next_three_goals_are_listed_with_days_to_go(athlete: Athlete) -> None:
    GoalFactory(athlete=athlete, race_on=dt.date(2026, 4, 1), name="Already run")
    for i, name in enumerate(["First", "Second", "Third", "Fourth"]):
        GoalFactory(athlete=athlete, race_on=dt.date(2026, 4, 16 + i), name=name)
    response = _client(athlete.user).get(_url(athlete))
    assert [g.name for g in response.context["overview"].goals] == ["First", "Second", "Third"]
    assert re.search(rb"in 1 day\s*<", response.content)


def test_an_athlete_without_data_sees_empty_states(athlete: Athlete) -> None:
    content = _client(athlete.user).get(_url(athlete)).content.decode()
    assert "No thresholds yet." in content
    assert "No goals yet" in content


def test_coach_sees_the_overview_but_not_the_other_coaches(
    coach: User, view_coach: User, athlete: Athlete
) -> None:
    response = _client(coach).get(_url(athlete))
    assert response.status_code == 200
    assert response.context["overview"].can_edit
    assert response.context["overview"].coaches == []
    assert b"Victor" not in response.content


def test_view_only_coach_sees_the_overview_without_edit_rights(
    view_coach: User, athlete: Athlete
) -> None:
    response = _client(view_coach).get(_url(athlete))
    assert response.status_code == 200
    assert not response.context["overview"].can_edit
    assert b"Edit profile" not in response.content


@pytest.mark.parametrize("role", ["other_coach", "former_coach", "staff"])
def test_users_outside_the_athletes_circle_get_404(
    request: pytest.FixtureRequest, athlete: Athlete, role: str
) -> None:
    assert _client(request.getfixturevalue(role)).get(_url(athlete)).status_code == 404


def test_another_athlete_gets_404(athlete: Athlete, other_athlete: Athlete) -> None:
    assert _client(other_athlete.user).get(_url(athlete)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(athlete: Athlete) -> None:
    assert Client().get(_url(athlete)).status_code == 302


def test_the_overview_needs_a_fixed_number_of_queries(
    athlete: Athlete, django_assert_max_num_queries: object
) -> None:
    for sport in ("run", "ride", "swim", "other"):
        thresholds_set(
            athlete=athlete,
            sport=sport,
            valid_from=dt.date(2026, 1, 1),
            by=None,
            lthr_bpm=160,
            ftp_w=200,
        )
    for i in range(5):
        GoalFactory(athlete=athlete, race_on=dt.date(2099, 1, 1 + i))
    client = _client(athlete.user)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        assert client.get(_url(athlete)).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_estimated_values_are_marked_with_a_way_to_confirm_them_for_who_may(
    athlete: Athlete, view_coach: User
) -> None:
    row = thresholds_estimate_save(
        athlete=athlete,
        sport="ride",
        valid_from=dt.date(2025, 6, 1),
        values={"hr_max_bpm": 185, "hr_rest_bpm": 60, "lthr_bpm": 165, "ftp_w": 230},
        basis={"ftp_w": {"method": "best 20 min", "count": 4}},
    )
    assert row is not None
    confirm = f'href="{reverse("thresholds", args=[athlete.id])}#estimated-thresholds"'
    pages = {
        who: _client(user).get(_url(athlete)).content.decode()
        for who, user in {"athlete": athlete.user, "view coach": view_coach}.items()
    }
    ride = {who: content.split('id="sport-ride"')[1] for who, content in pages.items()}
    assert {who: ">estimated</span>" in part for who, part in ride.items()} == {
        "athlete": True,
        "view coach": True,
    }
    assert {who: confirm in part for who, part in ride.items()} == {
        "athlete": True,
        "view coach": False,
    }

    thresholds_confirm(row=row, by=athlete.user)
    confirmed = _client(athlete.user).get(_url(athlete)).content.decode()
    assert ">estimated</span>" not in confirmed and confirm not in confirmed
