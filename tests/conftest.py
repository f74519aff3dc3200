"""The standing cast (STYLE.md) and switches for services, browser and corpus (DESIGN §2).

`coach` coaches `athlete` (edit) and `former_athlete` (ended); `view_coach` coaches `athlete`
with view rights; `former_coach` coached `athlete` until recently; `other_coach` coaches
`other_athlete`; `staff` is an operator with no relationship.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.test import Client

from athletes.models import Athlete, CoachAthlete, User
from tests.factories import (
    AthleteFactory,
    CoachAthleteFactory,
    CoachFactory,
    UserFactory,
)
from tests.outbox import Delivered


def _required(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0")


def need(condition: bool, what: str, switch: str = "PACELINE_REQUIRE_SERVICES") -> None:
    """Skip when `condition` is false, or fail when the switch says it is required."""
    if condition:
        return
    if _required(switch):
        pytest.fail(f"{what} is required ({switch}=1) but not available")
    pytest.skip(f"{what} not available")


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Throttle counters and used one-time codes live in the cache: no test inherits them."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def announced(db: None) -> Delivered:
    """Every `ActivitiesChanged` the metrics pipeline received (outbox rows done), in order."""
    return Delivered()


@pytest.fixture
def corpus() -> Path:
    """The real-world corpus folder (PACELINE_CORPUS): skip if unset, fail if set but missing."""
    value = os.environ.get("PACELINE_CORPUS", "")
    if not value:
        pytest.skip("PACELINE_CORPUS not set")
    path = Path(value).resolve()  # absolute: tests may link to its files from elsewhere
    if not path.is_dir():
        pytest.fail(f"PACELINE_CORPUS={value} does not exist")
    return path


@pytest.fixture
def coach(db: None) -> User:
    return CoachFactory(email="coach@example.test", first_name="Claire", last_name="Coach")


@pytest.fixture
def athlete(coach: User) -> Athlete:
    athlete = AthleteFactory(user__email="athlete@example.test", user__first_name="Ada")
    CoachAthleteFactory(coach=coach, athlete=athlete, permission=CoachAthlete.Permission.EDIT)
    return athlete


@pytest.fixture
def view_coach(athlete: Athlete) -> User:
    coach = CoachFactory(email="viewcoach@example.test", first_name="Victor")
    CoachAthleteFactory(coach=coach, athlete=athlete, permission=CoachAthlete.Permission.VIEW)
    return coach


@pytest.fixture
def former_coach(athlete: Athlete) -> User:
    coach = CoachFactory(email="formercoach@example.test", first_name="Fiona")
    CoachAthleteFactory(
        coach=coach,
        athlete=athlete,
        status=CoachAthlete.Status.ENDED,
        started_on=dt.date(2025, 1, 6),
        ended_on=dt.date(2025, 12, 31),
    )
    return coach


@pytest.fixture
def former_athlete(coach: User) -> Athlete:
    athlete = AthleteFactory(user__email="formerathlete@example.test", user__first_name="Fred")
    CoachAthleteFactory(
        coach=coach,
        athlete=athlete,
        status=CoachAthlete.Status.ENDED,
        started_on=dt.date(2025, 1, 6),
        ended_on=dt.date(2025, 12, 31),
    )
    return athlete


@pytest.fixture
def other_coach(db: None) -> User:
    return CoachFactory(email="othercoach@example.test", first_name="Otto")


@pytest.fixture
def other_athlete(other_coach: User) -> Athlete:
    athlete = AthleteFactory(user__email="otherathlete@example.test", user__first_name="Olga")
    CoachAthleteFactory(coach=other_coach, athlete=athlete)
    return athlete


@pytest.fixture
def staff(db: None) -> User:
    return UserFactory(email="staff@example.test", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_client(staff: User) -> Client:
    """A test client logged in as the operator."""
    client = Client()
    client.force_login(staff)
    return client


# Browser fixtures for every browser test module (imported last: they use `need` above).
from tests.browser_fixtures import browser, console_errors, page  # noqa: E402, F401

# The private production stack (gunicorn, workers, beat, a stoppable Redis) of the e2e tests.
from tests.stack import private_redis, private_stack, private_web  # noqa: E402, F401
