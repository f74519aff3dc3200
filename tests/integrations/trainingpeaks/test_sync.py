"""A TrainingPeaks calendar pulled into the plan over real HTTP (a loopback feed server): pull 1
then pull 2 gives exactly pull 2's sessions inside its window, the rest as pull 1 left it, and
never touches a coach's own sessions."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from athletes.models import Athlete
from coaching.models import PlannedSession
from coaching.services.sessions import planned_session_create
from integrations.models import Connection, SyncRun
from integrations.trainingpeaks.sync import calendar_pull
from tests.integrations.trainingpeaks.feed_server import FeedServer, Reply, feed_server

KEYS = ("day", "sport", "title", "planned_duration_s", "planned_distance_m")


@pytest.fixture
def folder(corpus: Path) -> Path:
    return corpus / "ical" / "trainingpeaks_realwording"


@pytest.fixture
def server(settings: Any) -> Iterator[FeedServer]:
    settings.PACELINE_FEED_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    with feed_server() as running:
        yield running


@pytest.fixture
def calendar(athlete: Athlete, server: FeedServer) -> Connection:
    Athlete.objects.filter(id=athlete.id).update(time_zone="America/Toronto")
    connection = Connection(athlete=athlete, provider=Connection.Provider.TRAININGPEAKS)
    connection.set_credentials({"feed_url": f"{server.url}/ical/feed.ics"})
    connection.save()
    return connection


def _serve(server: FeedServer, body: bytes) -> None:
    server.routes["/ical/feed.ics"] = Reply(body=body, headers={"Content-Type": "text/calendar"})


def _plan(athlete: Athlete) -> list[dict[str, Any]]:
    rows = PlannedSession.objects.filter(athlete=athlete, source="trainingpeaks").order_by(
        "day", "order", "id"
    )
    return [
        {
            "day": s.day.isoformat(),
            "sport": "rest" if s.session_type == "rest" else s.sport,
            "title": s.title,
            "planned_duration_s": int(s.duration_s) if s.duration_s else None,
            "planned_distance_m": s.distance_m,
        }
        for s in rows
    ]


def _expected(sessions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(
        ({key: s[key] for key in KEYS} for s in sessions),
        key=lambda s: (
            s["day"],
            sessions.index(
                next(x for x in sessions if x["title"] == s["title"] and x["day"] == s["day"])
            ),
        ),
    )


def test_pull_one_then_two_gives_exactly_the_expected_plan(
    folder: Path, server: FeedServer, calendar: Connection, athlete: Athlete, coach: Any
) -> None:
    expected = json.loads((folder / "expected.json").read_text())
    mine = planned_session_create(
        athlete=athlete, by=coach, day=dt.date(2027, 1, 21), sport="run", title="Coach's own"
    )
    _serve(server, (folder / "pull1.ics").read_bytes())
    first = calendar_pull(calendar.id)
    assert first.state == SyncRun.State.DONE, first.error
    assert _plan(athlete) == _expected(expected["pulls"][0]["sessions"])

    _serve(server, (folder / "pull2.ics").read_bytes())
    second = calendar_pull(calendar.id)
    assert second.state == SyncRun.State.DONE, second.error
    assert _plan(athlete) == _expected(expected["state_after_pull2"]["sessions"])
    assert second.counts["removed"] == 1  # "Vitesse 10 x 100 m"
    assert PlannedSession.objects.filter(id=mine.id, title="Coach's own").exists()
    evening = PlannedSession.objects.get(athlete=athlete, title="Footing du soir")
    assert evening.day == dt.date(2027, 1, 13)  # 01:35 UTC on the 14th, 20:35 in Montréal

    again = calendar_pull(calendar.id)  # the same body: nothing parsed, nothing changed
    assert again.counts["skipped"] == 1 and again.counts["created"] == 0
    assert _plan(athlete) == _expected(expected["state_after_pull2"]["sessions"])


def test_a_hostile_feed_changes_nothing_and_says_why(
    folder: Path, server: FeedServer, calendar: Connection, athlete: Athlete
) -> None:
    _serve(server, (folder / "pull1.ics").read_bytes())
    calendar_pull(calendar.id)
    before = _plan(athlete)
    _serve(server, b"BEGIN:VCALENDAR\r\n" * 50)
    run = calendar_pull(calendar.id)
    assert run.state == SyncRun.State.FAILED and "could not be read" in run.error
    assert _plan(athlete) == before
    calendar.refresh_from_db()
    assert calendar.status == Connection.Status.NEEDS_USER


def test_an_address_inside_our_network_is_never_fetched(
    calendar: Connection, athlete: Athlete, settings: Any, server: FeedServer
) -> None:
    settings.PACELINE_FEED_ALLOWED_NETWORKS = []
    run = calendar_pull(calendar.id)
    assert run.state == SyncRun.State.FAILED and "private network" in run.error
    assert server.connections == 0
