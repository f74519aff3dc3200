"""The REST API keeps the promises of its own schema (/api/schema/), whatever a client sends.

Schemathesis reads the schema from the app and calls every operation in-process (WSGI), as a
coach and as an athlete with Bearer tokens obtained from the token endpoint, over seeded data:
valid and invalid inputs, undeclared methods, missing credentials. Every answer must be a
documented status with a documented content type and a body matching its schema — and never a
server error. Deterministic (fixed seed, derandomized Hypothesis) so CI is not flaky; bounded
by MAX_EXAMPLES per operation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
import time_machine
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from athletes.models import Athlete, User
from coaching.models import PlannedSession
from tests.analytics.builders import days
from tests.coaching.planner_world import NOW, day, done, linked, planned, power_steps
from tests.factories import PASSWORD, GoalFactory, ThresholdsFactory

pytestmark = [pytest.mark.django_db, pytest.mark.schema]

MAX_EXAMPLES = 50
SEED = 20260305
TOKEN_PATH = "/api/v1/auth/token/"
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {
            "mode": "all",
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            # the tokens are sent by the tests; schemathesis still checks calls without them
            "with-security-parameters": False,
        },
        "phases": {"stateful": {"enabled": False}},
        # What this test promises: no server error; every answer documented (status, content
        # type, headers, body); undeclared methods are 405; the token is required. Whether a
        # schema-valid body is accepted is not checked: rules across fields (a template or a
        # sport and title; low ≤ high; 200 steps once unrolled) are not expressible in it.
        "checks": {"positive_data_acceptance": {"enabled": False}},
    }
)
# Ids of the seeded objects, filled by the `seeded` fixture before any case is generated.
SEEDED: dict[str, list[int]] = {}


@pytest.fixture
def seeded(coach: User, athlete: Athlete) -> Iterator[dict[str, Any]]:
    """A coached athlete with thresholds, a goal, a planned week, activities with metrics,
    a link and daily loads — what every read and write of the API can reach."""
    with time_machine.travel(NOW, tick=False):
        ThresholdsFactory(athlete=athlete, sport="run")
        ThresholdsFactory(athlete=athlete, sport="ride", ftp_w=250, threshold_speed_mps=None)
        GoalFactory(athlete=athlete, race_on=day(6), name="Spring 10K")
        session = planned(athlete, day(0), "Sweet spot", sport="ride", steps=power_steps(200))
        planned(athlete, day(2), "Easy run", duration_s=3600)
        planned(athlete, day(4), "Draft", duration_s=1800, hidden=True)
        ride = done(athlete, day(0), sport="ride", moving_s=3600, distance_m=30000, load=64.0)
        linked(session, ride)
        done(athlete, day(1), name="Unplanned jog", moving_s=1800, distance_m=5000, load=20.0)
        days(athlete, dt.date(2026, 2, 20), [30.0, 0.0, 45.0, 50.0])
        SEEDED.clear()
        SEEDED.update(
            athlete_id=[athlete.id],
            session_id=list(PlannedSession.objects.values_list("id", flat=True)),
            activity_id=[ride.id],
        )
        yield {"coach": coach, "athlete": athlete}
    SEEDED.clear()


def _seeded_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
    """Half the time, the ids of seeded objects instead of generated whole numbers (which are
    404s); values generated to be invalid (not whole numbers) are kept as they are."""
    ids = {
        name: SEEDED[name]
        for name, value in (path_parameters or {}).items()
        if name in SEEDED and isinstance(value, int) and not isinstance(value, bool)
    }
    if not ids:
        return st.just(path_parameters)
    real = st.fixed_dictionaries({name: st.sampled_from(values) for name, values in ids.items()})
    return st.one_of(st.just(path_parameters), real.map(lambda chosen: path_parameters | chosen))


_seeded_path_parameters.__name__ = "flatmap_path_parameters"


@pytest.fixture
def tokens(seeded: dict[str, Any]) -> dict[str, str]:
    """A token for the coach and one for the athlete, from the token endpoint itself."""
    emails = {"coach": seeded["coach"].email, "athlete": seeded["athlete"].user.email}
    found = {}
    for role, email in emails.items():
        response = APIClient().post(
            TOKEN_PATH, {"email": email, "password": PASSWORD}, format="json"
        )
        assert response.status_code == 200, response.content
        found[role] = str(response.json()["token"])
    return found


schema = schemathesis.openapi.from_wsgi(
    "/api/schema/", get_wsgi_application(), config=CONFIG
).exclude(path=TOKEN_PATH)
schema.hook(_seeded_path_parameters)


HYPOTHESIS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@contextmanager
def _one_connection() -> Iterator[None]:
    """Requests go through the WSGI app, whose request signals would close the database
    connection inside the test's transaction: keep it open, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _call_and_validate(case: Any, token: str) -> None:
    with time_machine.travel(NOW, tick=False), _one_connection():
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"})


@schema.parametrize()
@HYPOTHESIS
def test_every_operation_answers_the_coach_as_its_schema_says(
    case: Any, tokens: dict[str, str]
) -> None:
    _call_and_validate(case, tokens["coach"])


@schema.parametrize()
@HYPOTHESIS
def test_every_operation_answers_the_athlete_as_its_schema_says(
    case: Any, tokens: dict[str, str]
) -> None:
    _call_and_validate(case, tokens["athlete"])


# --- the answers schemathesis found wrong, as plain sentences ---------------------------------


def _as(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "", "last", "\uff11"])
def test_a_page_that_is_not_a_whole_number_from_1_is_a_400_naming_it(
    coach: User, page: str
) -> None:
    response = _as(coach).get("/api/v1/athletes/", {"page": page})
    assert response.status_code == 400
    assert "page" in response.json()


def test_a_page_after_the_last_is_a_404(coach: User) -> None:
    assert _as(coach).get("/api/v1/athletes/", {"page": "99999999999999999999"}).status_code == 404


@pytest.mark.parametrize(
    ("path", "parameter", "value"),
    [
        ("plan/", "week", ""),
        ("plan/", "week", "2026-02-30"),
        ("plan/", "week", "9999-12-31"),
        ("daily-load/", "since", ""),
        ("daily-load/", "until", "0001-01-01"),
        ("daily-load/", "until", "not a date"),
    ],
)
def test_an_empty_or_invalid_date_in_the_query_is_a_400_naming_the_parameter(
    coach: User, athlete: Athlete, path: str, parameter: str, value: str
) -> None:
    response = _as(coach).get(f"/api/v1/athletes/{athlete.id}/{path}", {parameter: value})
    assert response.status_code == 400
    assert parameter in response.json()


@pytest.mark.parametrize(
    ("method", "path"),
    [("put", "plan/sessions/1/"), ("delete", "plan/"), ("post", "goals/"), ("patch", "")],
)
def test_an_undeclared_method_is_a_405_with_the_allowed_ones(
    coach: User, athlete: Athlete, method: str, path: str
) -> None:
    response = getattr(_as(coach), method)(f"/api/v1/athletes/{athlete.id}/{path}")
    assert response.status_code == 405
    assert response["Allow"]


def test_an_address_nothing_serves_under_api_is_a_json_404(coach: User) -> None:
    response = _as(coach).get("/api/v1/athletes/not-a-number/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_the_schema_documents_the_error_answers_of_each_operation() -> None:
    document = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    answers = {
        (path, method): set(operation["responses"])
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }
    assert {"400", "401", "404"} <= answers[("/api/v1/athletes/", "get")]
    assert {"400", "401", "403", "404"} <= answers[("/api/v1/athletes/{athlete_id}/plan/", "post")]
    assert {"401", "404"} <= answers[("/api/v1/athletes/{athlete_id}/goals/", "get")]
    assert {"400", "429"} <= answers[(TOKEN_PATH, "post")]
    assert "401" not in answers[(TOKEN_PATH, "post")]
