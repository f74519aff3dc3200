"""A fake Strava on loopback for the real stravalib (tests/integrations/strava/fake_server.py),
Paceline's settings pointed at it, and a connected athlete."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from athletes.models import Athlete
from integrations.models import Connection
from integrations.strava.schedule import oauth_complete
from tests.integrations.strava.fake_server import FakeStrava

STRAVA_ATHLETE = 1000001  # the athlete's id at (the fake) Strava
SCOPE = "read,activity:read_all"


@pytest.fixture(autouse=True)
def _fresh_budget(settings: Any) -> None:
    """Strava's budget is app-wide (in Redis when configured): each test counts in keys of its
    own (they expire with their windows)."""
    settings.PACELINE_STRAVA_BUDGET_PREFIX = f"test:strava:budget:{uuid.uuid4().hex}"


@pytest.fixture
def strava(corpus: Path, settings: Any) -> Iterator[FakeStrava]:
    with FakeStrava(corpus) as fake:
        settings.STRAVA_CLIENT_ID = str(fake.client_id)
        settings.STRAVA_CLIENT_SECRET = fake.client_secret
        settings.STRAVA_API_URL = fake.url
        yield fake


@pytest.fixture
def connected(strava: FakeStrava, athlete: Athlete) -> Connection:
    """The athlete approved Paceline at Strava (the backfill that queues is not run)."""
    strava.authorize("approved", STRAVA_ATHLETE, scope=SCOPE)
    connection = oauth_complete(by=athlete.user, athlete=athlete, code="approved", scope=SCOPE)
    connection.runs.all().delete()
    connection.refresh_from_db()
    return connection
