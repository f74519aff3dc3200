"""The week page, the month page and the week API run a fixed number of queries whatever the
number of sessions, links, activities (with metrics) and goals."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from athletes.models import Athlete, User
from tests.coaching.planner_world import NOW, client_for, day, done, linked, planned
from tests.factories import GoalFactory

pytestmark = pytest.mark.django_db

# Measured. Pages: session, user, profile language, athlete, the planning right, sessions,
# activities, goals, the navigation's own athlete; the week page also the rolling 4-week
# compliance (its sessions, its unplanned activities). API: token, athlete, the planning right,
# sessions, activities, goals, and the same two for the rolling compliance.
WEEK_PAGE_QUERIES = 11
MONTH_PAGE_QUERIES = 9
WEEK_API_QUERIES = 8


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _bearer(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {Token.objects.create(user=user).key}")
    return client


def _fill(athlete: Athlete, size: int) -> None:
    """`size` sessions linked to activities with metrics, as many unlinked activities, drafts
    and goals, spread over the week."""
    for index in range(size):
        on = day(index % 7)
        session = planned(athlete, on, f"Session {index}", duration_s=3600)
        linked(session, done(athlete, on, load=50.0, dist_eq_km=10.0, name=f"Done {index}"))
        done(athlete, on, sport="ride", name=f"Extra {index}")
        planned(athlete, on, f"Draft {index}", duration_s=1800, hidden=True)
        GoalFactory(athlete=athlete, race_on=on, name=f"Race {index}")


@pytest.mark.parametrize("size", [1, 15])
def test_the_week_page_runs_a_fixed_number_of_queries(
    coach: User, athlete: Athlete, size: int, django_assert_max_num_queries: Any
) -> None:
    _fill(athlete, size)
    client = client_for(coach)

    with django_assert_max_num_queries(WEEK_PAGE_QUERIES):
        response = client.get(f"/athletes/{athlete.id}/plan/?week=2026-03-02")

    body = response.content.decode()
    assert f"Done {size - 1}" in body
    assert f"Extra {size - 1}" in body
    assert f"Race {size - 1}" in body


@pytest.mark.parametrize("size", [1, 15])
def test_the_month_page_runs_a_fixed_number_of_queries(
    coach: User, athlete: Athlete, size: int, django_assert_max_num_queries: Any
) -> None:
    _fill(athlete, size)
    client = client_for(coach)

    with django_assert_max_num_queries(MONTH_PAGE_QUERIES):
        response = client.get(f"/athletes/{athlete.id}/plan/month/?month=2026-03")

    assert f"Session {size - 1}" in response.content.decode()


@pytest.mark.parametrize("size", [1, 15])
def test_the_week_api_runs_a_fixed_number_of_queries(
    coach: User, athlete: Athlete, size: int, django_assert_max_num_queries: Any
) -> None:
    _fill(athlete, size)
    client = _bearer(coach)

    with django_assert_max_num_queries(WEEK_API_QUERIES):
        response = client.get(f"/api/v1/athletes/{athlete.id}/plan/?week=2026-03-02")

    sessions = [s for d in response.json()["days"] for s in d["sessions"]]
    assert len(sessions) == 2 * size
    assert sum(s["link"] is not None for s in sessions) == size


def test_the_counts_above_are_what_the_pages_need(coach: User, athlete: Athlete) -> None:
    """Keeps the budgets tight: a smaller need means the constant should come down."""
    _fill(athlete, 3)
    client = client_for(coach)
    api = _bearer(coach)

    with CaptureQueriesContext(connection) as week:
        client.get(f"/athletes/{athlete.id}/plan/?week=2026-03-02")
    with CaptureQueriesContext(connection) as month:
        client.get(f"/athletes/{athlete.id}/plan/month/?month=2026-03")
    with CaptureQueriesContext(connection) as api_week:
        api.get(f"/api/v1/athletes/{athlete.id}/plan/?week=2026-03-02")

    assert len(week) == WEEK_PAGE_QUERIES
    assert len(month) == MONTH_PAGE_QUERIES
    assert len(api_week) == WEEK_API_QUERIES
