"""The athlete's home page prompt: recent activities (14 days) without an RPE, each with an
inline RPE/feel form that makes it disappear once logged, and an empty state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from activities.models import Activity
from activities.services.journal import activity_journal_update
from athletes.models import Athlete, User
from tests.coaching.journal_world import client_for, htmx, recorded

NOW = dt.datetime(2026, 3, 20, 10, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _prompt(user: User, athlete: Athlete) -> str:
    return client_for(user).get(reverse("rpe_prompt", args=[athlete.id])).content.decode()


def _log_url(activity: Activity) -> str:
    return reverse("rpe_prompt_log", args=[activity.athlete_id, activity.id])


def test_the_prompt_lists_the_last_fourteen_days_without_rpe_newest_first(
    athlete: Athlete, other_athlete: Athlete
) -> None:
    newest = recorded(athlete, TODAY, sport="ride")
    oldest = recorded(athlete, TODAY - dt.timedelta(days=13))
    too_old = recorded(athlete, TODAY - dt.timedelta(days=14))
    rated = recorded(athlete, TODAY - dt.timedelta(days=2))
    activity_journal_update(activity=rated, by=athlete.user, rpe=4, feel=None, notes="")
    someone_else = recorded(other_athlete, TODAY)

    html = _prompt(athlete.user, athlete)

    assert _log_url(newest) in html and _log_url(oldest) in html
    assert html.index(_log_url(newest)) < html.index(_log_url(oldest))
    for hidden in (too_old, rated):
        assert _log_url(hidden) not in html
    assert f"rpe-item-{someone_else.id}" not in html
    assert "2 recent sessions have no effort rating yet." in html


def test_logging_from_the_prompt_makes_the_activity_disappear_then_shows_the_empty_state(
    athlete: Athlete,
) -> None:
    first, second = recorded(athlete, TODAY), recorded(athlete, TODAY - dt.timedelta(days=1))
    client = client_for(athlete.user)

    html = htmx(client, _log_url(first), {"rpe": "7", "feel": "4"}).content.decode()
    assert _log_url(first) not in html and _log_url(second) in html
    assert "Logged:" in html
    assert Activity.objects.values_list("rpe", "feel").get(id=first.id) == (7, 4)

    html = htmx(client, _log_url(second), {"rpe": "2"}).content.decode()
    assert "rpe-item" not in html
    assert "Every session of the last two weeks has an effort rating." in html


def test_the_quick_log_needs_an_rpe(athlete: Athlete) -> None:
    activity = recorded(athlete, TODAY)

    html = htmx(client_for(athlete.user), _log_url(activity), {"feel": "3"}).content.decode()

    assert "Choose how hard the session was." in html
    assert Activity.objects.get(id=activity.id).feel is None


@pytest.mark.parametrize("who", ["coach", "view_coach"])
def test_a_coach_sees_the_prompt_without_forms_and_cannot_log(
    athlete: Athlete, who: str, request: pytest.FixtureRequest
) -> None:
    reader: User = request.getfixturevalue(who)
    activity = recorded(athlete, TODAY)

    assert _log_url(activity) not in _prompt(reader, athlete)
    assert htmx(client_for(reader), _log_url(activity), {"rpe": "3"}).status_code == 403
    assert Activity.objects.get(id=activity.id).rpe is None


def test_the_athletes_home_page_loads_the_prompt_for_the_athlete_only(
    athlete: Athlete, coach: User
) -> None:
    home = reverse("athlete_detail", args=[athlete.id])
    prompt_url = reverse("rpe_prompt", args=[athlete.id])

    assert f'hx-get="{prompt_url}"' in client_for(athlete.user).get(home).content.decode()
    assert prompt_url not in client_for(coach).get(home).content.decode()


@pytest.mark.parametrize("count", [2, 12])
def test_the_prompt_needs_a_fixed_number_of_queries(
    athlete: Athlete, count: int, django_assert_max_num_queries: Any
) -> None:
    for day in range(count):
        recorded(athlete, TODAY - dt.timedelta(days=day % 14), hour=5 + day // 14)
    client = client_for(athlete.user)

    with django_assert_max_num_queries(7):
        response = client.get(reverse("rpe_prompt", args=[athlete.id]))
    assert response.content.decode().count("rpe-item-") == min(count, 5)


def test_the_prompt_shows_the_five_newest_and_counts_the_others(athlete: Athlete) -> None:
    for day in range(7):
        recorded(athlete, TODAY - dt.timedelta(days=day))

    html = _prompt(athlete.user, athlete)

    assert html.count("rpe-item-") == 5
    assert "7 recent sessions have no effort rating yet." in html
    assert "And 2 older sessions." in html
