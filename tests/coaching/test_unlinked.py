"""The "unlinked" page: activities of the last 8 weeks without a planned session and past
planned sessions without an activity (missed), with quick link actions for editors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from athletes.models import Athlete, User
from coaching.models import Link, SessionType
from coaching.services.linking import link_manual
from tests.coaching.journal_world import client_for, planned, recorded

NOW = dt.datetime(2026, 3, 20, 10, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _days_ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def _page(user: User, athlete: Athlete) -> str:
    return client_for(user).get(reverse("unlinked", args=[athlete.id])).content.decode()


def _section(html: str, anchor: str) -> str:
    return html.split(f'id="{anchor}"')[1].split("</section>")[0]


def test_activities_of_the_last_eight_weeks_without_a_session_are_listed(
    athlete: Athlete, coach: User
) -> None:
    alone = recorded(athlete, _days_ago(3), sport="ride")
    old = recorded(athlete, _days_ago(57))
    linked = recorded(athlete, _days_ago(2))
    link_manual(session=planned(athlete, coach, _days_ago(2)), activity=linked, by=coach)

    section = _section(_page(athlete.user, athlete), "unlinked-activities")

    activity_url = reverse("activity_detail", args=[athlete.id, alone.id])
    assert activity_url in section
    for hidden in (old, linked):
        assert reverse("activity_detail", args=[athlete.id, hidden.id]) not in section


def test_missed_sessions_are_past_published_unlinked_and_not_rest_days(
    athlete: Athlete, coach: User
) -> None:
    planned(athlete, coach, _days_ago(4), "Missed tempo")
    planned(athlete, coach, TODAY, "Later today")
    planned(athlete, coach, _days_ago(5), "Draft", hidden=True)
    planned(athlete, coach, _days_ago(6), "Day off", minutes=None, session_type=SessionType.REST)
    planned(athlete, coach, _days_ago(60), "Long ago")

    section = _section(_page(coach, athlete), "missed-sessions")

    assert "Missed tempo" in section
    for absent in ("Later today", "Draft", "Day off", "Long ago"):
        assert absent not in section


def test_quick_link_pairs_a_missed_session_with_an_activity_of_the_day_before(
    athlete: Athlete, coach: User
) -> None:
    session = planned(athlete, coach, _days_ago(4), "Intervals")
    activity = recorded(athlete, _days_ago(5))
    recorded(athlete, _days_ago(8))  # too far from the session to be offered
    page = reverse("unlinked", args=[athlete.id])

    missed = _section(_page(athlete.user, athlete), "missed-sessions")
    assert missed.count('name="session"') == 1  # one button: the activity of the day before

    response = client_for(athlete.user).post(
        reverse("link_create", args=[athlete.id]),
        {"activity": activity.id, "session": session.id, "next": page},
    )

    assert response.status_code == 302 and response["Location"] == page
    assert Link.objects.filter(session=session, activity=activity, kind="manual").exists()
    html = _page(athlete.user, athlete)
    assert "Intervals" not in _section(html, "missed-sessions")
    assert "No missed session in these weeks." in html


def test_a_view_only_coach_sees_the_lists_without_link_buttons(
    athlete: Athlete, coach: User, view_coach: User
) -> None:
    planned(athlete, coach, _days_ago(1), "Missed run")
    recorded(athlete, _days_ago(1), sport="ride")

    html = _page(view_coach, athlete)

    assert "Missed run" in html
    assert reverse("link_create", args=[athlete.id]) not in html


def test_empty_lists_say_so(athlete: Athlete) -> None:
    html = _page(athlete.user, athlete)

    assert "Every activity of these weeks is linked to its planned session." in html
    assert "No missed session in these weeks." in html


@pytest.mark.parametrize("weeks", [1, 6])
def test_the_page_needs_a_fixed_number_of_queries(
    athlete: Athlete, coach: User, weeks: int, django_assert_max_num_queries: Any
) -> None:
    for week in range(weeks):
        recorded(athlete, _days_ago(7 * week + 1))
        planned(athlete, coach, _days_ago(7 * week + 3), f"Missed {week}")
    client = client_for(coach)

    with django_assert_max_num_queries(8):
        html = client.get(reverse("unlinked", args=[athlete.id])).content.decode()
    assert html.count('class="unlinked-item"') == 2 * weeks
