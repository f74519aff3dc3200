"""Every page and API route × every role of the standing cast gives the expected status.

The guard test fails when a route of ours has no row here: add one with each new URL.
Roles: anon, athlete, other_athlete, coach (edit), view_coach, other_coach, former_coach, staff.
`athlete` is the subject of every athlete-scoped URL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from activities.models import ImportJob
from activities.services.files import activity_file_store
from activities.services.ingest import activity_ingest
from activities.types import NormalizedActivity, Provider, SourceRef, Streams, Summary
from athletes.models import Athlete, CoachAthlete, User, ZoneSet
from athletes.services.groups import group_create, group_set_members
from athletes.services.invitations import invitation_create
from core.sports import Sport
from tests.factories import GoalFactory, ThresholdsFactory
from tests.tenancy import extra_rows, extra_worlds
from tests.tenancy.base import (
    ACTED,
    API_READ,
    COACH_ONLY,
    LOGIN,
    NOT_OURS_PREFIXES,
    ONLY_COACH_ACTS,
    PUBLIC,
    READ,
    ROLES,
    WRITE,
    Row,
    _all,
    _athlete,
)

MATRIX: list[Row] = [
    # pages of athletes.urls.pages
    Row("home", _all(302, staff=200)),
    Row("me", _all(404, athlete=302, other_athlete=302)),
    Row("profile_edit", WRITE, _athlete),
    # relationships
    Row("roster", COACH_ONLY),
    Row("cockpit", COACH_ONLY),  # coaching.urls.cockpit: the coach's landing page
    Row("attention_settings", COACH_ONLY),  # the coach's own thresholds, no athlete data
    Row(
        "attention_dismiss",
        _all(404, coach=302, view_coach=302),  # a coach hides items of their own athletes
        _athlete,
        method="post",
        data=lambda w: {"kind": "plan", "fingerprint": "2026-01-05", "action": "dismiss"},
    ),
    Row("group_list", COACH_ONLY),
    Row("group_detail", _all(404, coach=200), lambda w: {"group_id": w["group"].id}),
    Row(
        "group_delete",
        ONLY_COACH_ACTS,
        lambda w: {"group_id": w["group"].id},
        method="post",
    ),
    Row("invitation_list", _all(200)),
    Row("invitation_create", _all(200)),
    Row(
        "invitation_revoke",
        ONLY_COACH_ACTS,
        lambda w: {"invitation_id": w["sent_invitation"].id},
        method="post",
    ),
    Row(
        "invitation_answer",
        _all(404, athlete=302),
        lambda w: {"invitation_id": w["received_invitation"].id},
        method="post",
        data=lambda w: {"action": "decline"},
    ),
    Row(
        "invitation_respond",
        _all(403, athlete=200),
        lambda w: {"token": w["received_token"]},
    ),
    Row(
        "relationship_end",
        _all(404) | ACTED,
        lambda w: {"relationship_id": w["relationship"].id},
        method="post",
    ),
    Row(
        "relationship_permission",
        _all(404, athlete=302, coach=403),
        lambda w: {"relationship_id": w["relationship"].id},
        method="post",
        data=lambda w: {"permission": "view"},
    ),
    Row("self_coaching_start", _all(302), method="post"),
    # thresholds, zones, goals
    Row("athlete_detail", READ, _athlete),
    Row("thresholds", READ, _athlete),
    Row("thresholds_add", WRITE, _athlete, method="post"),
    Row(
        "thresholds_confirm",
        WRITE | ACTED,
        lambda w: {"athlete_id": w["athlete"].id, "row_id": w["thresholds"].id},
        method="post",
    ),
    Row(
        "thresholds_delete",
        WRITE | ACTED,
        lambda w: {"athlete_id": w["athlete"].id, "row_id": w["thresholds"].id},
        method="post",
    ),
    Row(
        "zones_confirm",
        WRITE | ACTED,
        lambda w: {"athlete_id": w["athlete"].id, "zone_set_id": w["zone_set"].id},
        method="post",
    ),
    Row(
        "zones_edit",
        WRITE,
        lambda w: {"athlete_id": w["athlete"].id, "sport": "run", "kind": "hr"},
    ),
    Row("goal_list", READ, _athlete),
    Row("goal_create", WRITE, _athlete, method="post"),
    Row("goal_edit", WRITE, lambda w: {"athlete_id": w["athlete"].id, "goal_id": w["goal"].id}),
    Row(
        "goal_delete",
        WRITE | ACTED,
        lambda w: {"athlete_id": w["athlete"].id, "goal_id": w["goal"].id},
        method="post",
    ),
    # activities and imports
    Row("activity_list", READ, _athlete),
    Row(
        "activity_detail",
        READ,
        lambda w: {"athlete_id": w["athlete"].id, "activity_id": w["activity"].id},
    ),
    Row(
        "activity_file_download",
        READ,
        lambda w: {"athlete_id": w["athlete"].id, "file_id": w["file"].id},
    ),
    Row("activity_upload", WRITE, _athlete),
    Row("activity_log_manual", WRITE, _athlete),
    Row("activity_csv_import", WRITE, _athlete),
    Row("import_job_list", READ, _athlete),
    Row(
        "import_job_detail", READ, lambda w: {"athlete_id": w["athlete"].id, "job_id": w["job"].id}
    ),
    Row(
        "import_job_progress",
        READ,
        lambda w: {"athlete_id": w["athlete"].id, "job_id": w["job"].id},
    ),
    # analytics
    Row("metrics_reference", _all(200)),
    Row("fitness", READ, _athlete),
    Row("records", READ, _athlete),
    Row(
        "activity_metrics",
        READ,
        lambda w: {"athlete_id": w["athlete"].id, "activity_id": w["activity"].id},
    ),
    # REST API: 401 instead of a login redirect
    Row("api-token", _all(204, anon=401), method="delete"),
    Row("api-me", _all(200, anon=401)),
    Row("api-athlete-list", _all(200, anon=401)),
    Row("api-athlete-detail", API_READ, _athlete),
    Row("api-athlete-goals", API_READ, _athlete),
    Row("api-athlete-thresholds", API_READ, _athlete),
    Row("api-athlete-daily-load", API_READ, _athlete),
    Row(
        "api-activity-metrics",
        API_READ,
        lambda w: {"athlete_id": w["athlete"].id, "activity_id": w["activity"].id},
    ),
]


def _our_route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(prefix + p.name)

    walk(get_resolver().url_patterns, "")
    return {n for n in names if not n.startswith(NOT_OURS_PREFIXES) and n not in PUBLIC}


def test_every_route_has_a_row_in_the_matrix() -> None:
    covered = {row.name for row in MATRIX}
    missing = sorted(_our_route_names() - covered)
    assert not missing, f"routes without a tenancy row: {missing}"


def _activity_world(athlete: Athlete) -> dict[str, Any]:
    """A recorded activity with its original file, and an import job, all of `athlete`."""
    file, _created = activity_file_store(athlete=athlete, data=b"recording", filename="run.fit")
    normalized = NormalizedActivity(
        sport=Sport.RUN,
        sub_sport="generic",
        started_at=dt.datetime(2026, 3, 1, 7, 30, tzinfo=dt.UTC),
        streams=Streams.empty(),
        summary=Summary(elapsed_s=3600.0, distance_m=10000.0),
    )
    activity, _outcome = activity_ingest(
        athlete=athlete,
        normalized=normalized,
        source=SourceRef(Provider.DEVICE_FILE, file.sha256),
        file=file,
    )
    job = ImportJob.objects.create(
        athlete=athlete, kind=ImportJob.Kind.FILES, archive="imports/x.zip", original_name="x.zip"
    )
    return {"activity": activity, "file": file, "job": job}


@pytest.fixture
def world(
    athlete: Athlete,
    other_athlete: Athlete,
    coach: User,
    view_coach: User,
    other_coach: User,
    former_coach: User,
    staff: User,
) -> dict[str, Any]:
    sent, _token = invitation_create(
        invited_by=coach, email="newathlete@example.test", direction="coach_to_athlete"
    )
    received, received_token = invitation_create(
        invited_by=other_coach, email=athlete.user.email, direction="coach_to_athlete"
    )
    group = group_create(coach=coach, name="Marathon squad")
    group_set_members(group=group, athletes=[athlete])
    base = {
        "athlete": athlete,
        "sent_invitation": sent,
        "received_invitation": received,
        "received_token": received_token,
        "relationship": CoachAthlete.objects.get(coach=coach, athlete=athlete),
        "group": group,
        "thresholds": ThresholdsFactory(athlete=athlete),
        "zone_set": ZoneSet.objects.create(
            athlete=athlete,
            sport="ride",
            kind="hr",
            valid_from=dt.date(2026, 1, 1),
            bounds=[130.0, 150.0],
            names=["Z1", "Z2", "Z3"],
            source=ZoneSet.Source.DEVICE,
        ),
        "goal": GoalFactory(athlete=athlete),
        **_activity_world(athlete),
        "other_athlete": other_athlete,
        "users": {
            "athlete": athlete.user,
            "other_athlete": other_athlete.user,
            "coach": coach,
            "view_coach": view_coach,
            "other_coach": other_coach,
            "former_coach": former_coach,
            "staff": staff,
        },
    }
    for extend in extra_worlds():
        base |= extend(base)
    return base


MATRIX += extra_rows()
CASES = [(row, role) for row in MATRIX for role in ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "role"), CASES, ids=[f"{r.name}-{role}" for r, role in CASES])
def test_route_gives_the_role_the_expected_status(
    row: Row, role: str, world: dict[str, Any]
) -> None:
    client = Client()
    if role != "anon":
        client.force_login(world["users"][role])
    url = reverse(row.name, kwargs=row.kwargs(world))
    if row.method == "get":
        response = client.get(url, row.data(world))  # a query string, when the row has one
    elif row.name.startswith("api-"):  # the API reads JSON bodies only
        response = getattr(client, row.method)(
            url, data=row.data(world), content_type="application/json"
        )
    else:
        response = getattr(client, row.method)(url, data=row.data(world))
    expected = row.expect[role]
    if expected == LOGIN:
        assert response.status_code == 302, response.status_code
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == expected
