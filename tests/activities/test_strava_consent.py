"""Strava's terms: what an athlete's Strava account gave (activity values, streams, Strava's
payload) is shown to the athlete alone until they share it with their coaches
(`Athlete.strava_shared_at`). Enforced at the door (`visible_to` and the other three names),
so every page, list, calendar and API reading through it hides the activity; strangers see
nothing either way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from activities.models import Activity, ActivitySource
from activities.selectors import activity_get, activity_list
from activities.services.ingest import activity_ingest
from activities.types import NormalizedActivity, Provider, SourceRef, Streams, Summary
from analytics.models import ActivityMetrics
from athletes.models import Athlete, CoachAthlete, User
from athletes.services.strava import strava_sharing_set
from coaching.models import Comment, Link
from coaching.selectors.comments import unread_comments
from coaching.services.comments import comment_add
from core.sports import Sport
from tests.coaching.planner_world import MONDAY, NOW, done, linked, planned
from tests.coaching.test_planner_queries import WEEK_API_QUERIES
from tests.factories import CoachAthleteFactory, CoachFactory

pytestmark = pytest.mark.django_db

RAW_MARK = "strava-raw-payload-mark"
COACHES = ("coach", "full_coach", "view_coach")
STRANGERS = ("other_coach", "former_coach", "other_athlete", "staff")


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def full_coach(athlete: Athlete) -> User:
    coach = CoachFactory(email="fullcoach@example.test", first_name="Fanny")
    CoachAthleteFactory(coach=coach, athlete=athlete, permission=CoachAthlete.Permission.FULL)
    return coach


def _recording(hour: int, name: str, *, samples: bool = True) -> NormalizedActivity:
    time_s = np.arange(0.0, 600.0)
    streams = Streams(time_s=time_s, hr_bpm=np.full(600, 140.0)) if samples else Streams.empty()
    return NormalizedActivity(
        sport=Sport.RUN,
        sub_sport="generic",
        started_at=dt.datetime(MONDAY.year, MONDAY.month, MONDAY.day, hour, tzinfo=dt.UTC),
        streams=streams,
        summary=Summary(elapsed_s=600.0, moving_s=600.0, distance_m=2000.0),
        name=name,
    )


def _ingest(athlete: Athlete, recording: NormalizedActivity, source: SourceRef) -> Activity:
    activity, _outcome = activity_ingest(athlete=athlete, normalized=recording, source=source)
    return activity


def _strava(external_id: str) -> SourceRef:
    return SourceRef(Provider.STRAVA, external_id, raw={"id": external_id, "mark": RAW_MARK})


@pytest.fixture
def world(
    athlete: Athlete,
    coach: User,
    full_coach: User,
    view_coach: User,
    other_coach: User,
    former_coach: User,
    other_athlete: Athlete,
    staff: User,
) -> dict[str, Any]:
    """Three activities of `athlete` on Monday: one from Strava alone (values and streams),
    one from Garmin without samples whose streams came from Strava, and one from a FIT file
    that Strava also sent (values and streams from the file). The Strava one is linked to a
    planned session, has metrics and a comment."""
    from_strava = _ingest(athlete, _recording(6, "Strava run"), _strava("111"))
    garmin = _recording(9, "Garmin run", samples=False)  # named by Strava, which came first
    strava_streams = _ingest(athlete, _recording(9, "Strava streams"), _strava("222"))
    _ingest(athlete, garmin, SourceRef(Provider.GARMIN, "g-222"))
    fit = _ingest(athlete, _recording(12, "FIT run"), SourceRef(Provider.DEVICE_FILE, "sha-333"))
    _ingest(athlete, _recording(12, "Strava copy of FIT"), _strava("333"))
    ActivityMetrics.objects.create(
        activity=from_strava, load=40.0, algorithm_version=1, computed_at=timezone.now()
    )
    session = planned(athlete, MONDAY, "Easy hour", duration_s=600)
    linked(session, from_strava)
    comment_add(author=athlete.user, body="Felt slow", activity=from_strava)
    users = {
        "athlete": athlete.user,
        "coach": coach,
        "full_coach": full_coach,
        "view_coach": view_coach,
        "other_coach": other_coach,
        "former_coach": former_coach,
        "other_athlete": other_athlete.user,
        "staff": staff,
    }
    strava_streams.refresh_from_db()
    fit.refresh_from_db()
    return {
        "athlete": athlete,
        "from_strava": from_strava,
        "strava_streams": strava_streams,
        "fit": fit,
        "session": session,
        "users": users,
    }


def _hidden(w: dict[str, Any]) -> set[int]:
    return {w["from_strava"].id, w["strava_streams"].id}


def _all_ids(w: dict[str, Any]) -> set[int]:
    return _hidden(w) | {w["fit"].id}


def _share(w: dict[str, Any], shared: bool) -> None:
    strava_sharing_set(by=w["athlete"].user, athlete=w["athlete"], shared=shared)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _detail(w: dict[str, Any], activity: Activity) -> str:
    return reverse(
        "activity_detail", kwargs={"athlete_id": w["athlete"].id, "activity_id": activity.id}
    )


def _metrics_api(w: dict[str, Any], activity: Activity) -> str:
    return reverse(
        "api-activity-metrics",
        kwargs={"athlete_id": w["athlete"].id, "activity_id": activity.id},
    )


def test_the_world_has_what_the_rule_reads(world: dict[str, Any]) -> None:
    assert world["from_strava"].primary_provider == Provider.STRAVA
    assert world["from_strava"].streams.provider == Provider.STRAVA
    assert world["strava_streams"].primary_provider == Provider.GARMIN
    assert world["strava_streams"].streams.provider == Provider.STRAVA
    assert world["fit"].primary_provider == Provider.DEVICE_FILE
    assert world["fit"].streams.provider == Provider.DEVICE_FILE
    assert world["fit"].sources.filter(provider=Provider.STRAVA).exists()


def test_every_name_of_the_door_hides_strava_sourced_activities_from_coaches(
    world: dict[str, Any],
) -> None:
    users, fit = world["users"], world["fit"].id
    assert set(Activity.objects.visible_to(users["athlete"]).values_list("id", flat=True)) == (
        _all_ids(world)
    )
    for role in COACHES:
        assert set(Activity.objects.visible_to(users[role]).values_list("id", flat=True)) == {fit}
    for role, name in [
        ("coach", "editable_by"),
        ("coach", "plannable_by"),
        ("full_coach", "editable_by"),
        ("full_coach", "plannable_by"),
        ("full_coach", "manageable_by"),
    ]:
        rows = getattr(Activity.objects, name)(users[role])
        assert set(rows.values_list("id", flat=True)) == {fit}, (role, name)
    assert set(Activity.objects.manageable_by(users["athlete"]).values_list("id", flat=True)) == (
        _all_ids(world)
    )
    for role in STRANGERS:
        assert not Activity.objects.visible_to(users[role]).exists()


def test_rows_about_a_hidden_activity_are_hidden_with_it(world: dict[str, Any]) -> None:
    users = world["users"]
    for role in COACHES:
        assert not ActivityMetrics.objects.visible_to(users[role]).exists()
        assert not Link.objects.visible_to(users[role]).exists()
        assert not Comment.objects.visible_to(users[role]).exists()
    assert not Link.objects.editable_by(users["coach"]).exists()
    assert ActivityMetrics.objects.visible_to(users["athlete"]).count() == 1
    assert Link.objects.visible_to(users["athlete"]).count() == 1
    assert Comment.objects.visible_to(users["athlete"]).count() == 1


def test_a_session_comment_is_not_concerned(world: dict[str, Any]) -> None:
    comment_add(author=world["athlete"].user, body="Tired legs", session=world["session"])

    bodies = {c.body for c in unread_comments(user=world["users"]["coach"])}

    assert bodies == {"Tired legs"}


@pytest.mark.parametrize("role", COACHES)
def test_a_coach_gets_404_on_the_page_and_api_of_a_strava_sourced_activity(
    world: dict[str, Any], role: str
) -> None:
    user = world["users"][role]
    for key in ("from_strava", "strava_streams"):
        assert _client(user).get(_detail(world, world[key])).status_code == 404
        assert _api(user).get(_metrics_api(world, world[key])).status_code == 404
    assert _client(user).get(_detail(world, world["fit"])).status_code == 200
    assert _api(user).get(_metrics_api(world, world["fit"])).status_code == 200


@pytest.mark.parametrize("role", STRANGERS)
def test_strangers_get_404_whatever_the_consent(world: dict[str, Any], role: str) -> None:
    _share(world, True)
    user = world["users"][role]
    for key in ("from_strava", "strava_streams", "fit"):
        assert _client(user).get(_detail(world, world[key])).status_code == 404
        assert _api(user).get(_metrics_api(world, world[key])).status_code == 404


def test_the_athlete_sees_all_their_activities_without_sharing(world: dict[str, Any]) -> None:
    user = world["users"]["athlete"]
    for key in ("from_strava", "strava_streams", "fit"):
        assert _client(user).get(_detail(world, world[key])).status_code == 200
        assert _api(user).get(_metrics_api(world, world[key])).status_code == 200
    listed = {a.id for a in activity_list(viewer=user, athlete=world["athlete"])}
    assert listed == _all_ids(world)


def test_the_list_page_shows_coaches_only_what_they_may_see(world: dict[str, Any]) -> None:
    url = reverse("activity_list", kwargs={"athlete_id": world["athlete"].id})
    body = _client(world["users"]["coach"]).get(url).content.decode()
    assert "FIT run" in body
    assert "Strava run" not in body and "Strava streams" not in body

    mine = _client(world["users"]["athlete"]).get(url).content.decode()
    assert "Strava run" in mine and "Strava streams" in mine and "FIT run" in mine


def test_the_provider_filter_tells_a_coach_nothing_of_strava_sources(
    world: dict[str, Any],
) -> None:
    coach, athlete = world["users"]["coach"], world["athlete"]
    assert not activity_list(viewer=coach, athlete=athlete, provider=Provider.STRAVA).exists()
    listed = activity_list(viewer=athlete.user, athlete=athlete, provider=Provider.STRAVA)
    assert {a.id for a in listed} == _all_ids(world)


def test_a_coach_sees_a_fit_activity_without_its_strava_source(world: dict[str, Any]) -> None:
    athlete, fit = world["athlete"], world["fit"]
    for role in COACHES:
        shown = activity_get(viewer=world["users"][role], athlete=athlete, activity_id=fit.id)
        assert shown is not None
        assert [s.provider for s in shown.sources.all()] == [Provider.DEVICE_FILE]
        assert not ActivitySource.objects.visible_to(world["users"][role]).filter(
            provider=Provider.STRAVA
        )
    mine = activity_get(viewer=athlete.user, athlete=athlete, activity_id=fit.id)
    assert mine is not None
    assert {s.provider for s in mine.sources.all()} == {Provider.DEVICE_FILE, Provider.STRAVA}
    page = _client(world["users"]["coach"]).get(_detail(world, fit)).content.decode()
    assert "Strava" not in page and RAW_MARK not in page


def _week(w: dict[str, Any], user: User) -> dict[str, Any]:
    url = reverse("api-athlete-plan", kwargs={"athlete_id": w["athlete"].id})
    response = _api(user).get(url, {"week": MONDAY.isoformat()})
    assert response.status_code == 200
    monday: dict[str, Any] = response.json()["days"][0]
    return monday


def test_the_plan_shows_a_coach_the_session_but_not_its_strava_activity(
    world: dict[str, Any],
) -> None:
    monday = _week(world, world["users"]["coach"])
    (session,) = monday["sessions"]
    assert session["session"]["id"] == world["session"].id
    assert session["link"] is None and session["compliance"] is None  # not judged, not missed
    assert [a["id"] for a in monday["activities"]] == [world["fit"].id]

    url = reverse("planner", kwargs={"athlete_id": world["athlete"].id})
    page = _client(world["users"]["coach"]).get(url, {"week": MONDAY.isoformat()})
    body = page.content.decode()
    assert "Easy hour" in body and "FIT run" in body
    assert "Strava run" not in body and "Strava streams" not in body

    day = reverse(
        "planner_day", kwargs={"athlete_id": world["athlete"].id, "day": MONDAY.isoformat()}
    )
    body = _client(world["users"]["coach"]).get(day).content.decode()
    assert "Easy hour" in body and "Strava run" not in body


def test_the_plan_shows_the_athlete_the_link(world: dict[str, Any]) -> None:
    monday = _week(world, world["users"]["athlete"])
    (session,) = monday["sessions"]
    assert session["link"]["activity"] == world["from_strava"].id
    assert {a["id"] for a in monday["activities"]} == _all_ids(world)


def test_sharing_shows_the_activities_to_coaches_and_revoking_hides_them_again(
    world: dict[str, Any],
) -> None:
    coach = world["users"]["coach"]
    _share(world, True)
    assert set(Activity.objects.visible_to(coach).values_list("id", flat=True)) == _all_ids(world)
    assert _client(coach).get(_detail(world, world["from_strava"])).status_code == 200
    assert _api(coach).get(_metrics_api(world, world["from_strava"])).status_code == 200
    assert _week(world, coach)["sessions"][0]["link"]["activity"] == world["from_strava"].id
    fit = activity_get(viewer=coach, athlete=world["athlete"], activity_id=world["fit"].id)
    assert fit is not None and len(fit.sources.all()) == 2

    _share(world, False)
    assert set(Activity.objects.visible_to(coach).values_list("id", flat=True)) == {world["fit"].id}
    assert _client(coach).get(_detail(world, world["from_strava"])).status_code == 404
    assert _week(world, coach)["sessions"][0]["link"] is None


def _hide_more(athlete: Athlete, count: int) -> None:
    """`count` more Strava-sourced activities on Monday, with metrics, each linked to a
    session."""
    for index in range(count):
        activity = done(athlete, MONDAY, name=f"Hidden {index}", load=30.0)
        Activity.objects.filter(id=activity.id).update(primary_provider=Provider.STRAVA)
        linked(planned(athlete, MONDAY, f"Planned {index}"), activity)


def _queries(client: Client | APIClient, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"week": MONDAY.isoformat()})
    assert response.status_code == 200
    assert "Hidden" not in response.content.decode()
    return len(queries)


def test_hidden_activities_cost_no_query_per_row(world: dict[str, Any]) -> None:
    """The activity list, the week page and the week API run as many queries for a coach
    whether the rule drops one Strava-sourced activity or many (each linked to a session)."""
    athlete, coach = world["athlete"], world["users"]["coach"]
    urls = [
        (_client(coach), reverse("activity_list", kwargs={"athlete_id": athlete.id})),
        (_client(coach), reverse("planner", kwargs={"athlete_id": athlete.id})),
        (_api(coach), reverse("api-athlete-plan", kwargs={"athlete_id": athlete.id})),
    ]
    _hide_more(athlete, 1)
    few = [_queries(client, url) for client, url in urls]
    _hide_more(athlete, 8)
    many = [_queries(client, url) for client, url in urls]

    assert few == many
    assert many[2] <= WEEK_API_QUERIES
