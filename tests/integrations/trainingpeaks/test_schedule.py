"""When the calendar is read: every 3 hours by the sweep, lost pulls sent again, a pull a dead
worker left running closed so the athlete can read the calendar again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from athletes.models import Athlete
from integrations.models import Connection, SyncRun
from integrations.trainingpeaks.schedule import calendar_pull_now, calendar_pulls_sweep
from tests.integrations.trainingpeaks.feed_server import Reply, feed_server


@pytest.fixture
def calendar(athlete: Athlete, settings: Any, corpus: Path) -> Iterator[Connection]:
    settings.PACELINE_FEED_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    body = (corpus / "ical" / "trainingpeaks_realwording" / "pull1.ics").read_bytes()
    with feed_server() as server:
        server.routes["/feed.ics"] = Reply(body=body)
        connection = Connection(athlete=athlete, provider=Connection.Provider.TRAININGPEAKS)
        connection.set_credentials({"feed_url": f"{server.url}/feed.ics"})
        connection.save()
        yield connection


def _runs(calendar: Connection) -> list[tuple[str, str]]:
    return sorted(calendar.runs.values_list("kind", "state"))


def test_the_sweep_reads_a_calendar_every_three_hours(calendar: Connection) -> None:
    now = timezone.now()
    assert calendar_pulls_sweep(now=now) == 1
    assert _runs(calendar) == [("plan", "done")]
    assert calendar_pulls_sweep(now=now + dt.timedelta(hours=2)) == 0
    assert calendar_pulls_sweep(now=now + dt.timedelta(hours=3, minutes=1)) == 1


def test_a_lost_pull_is_sent_again(calendar: Connection) -> None:
    now = timezone.now()
    run = SyncRun.objects.create(
        connection=calendar, kind=SyncRun.Kind.PLAN, state=SyncRun.State.QUEUED,
        started_at=now - dt.timedelta(minutes=1),
    )  # fmt: skip
    calendar_pulls_sweep(now=now)
    run.refresh_from_db()
    assert run.state == SyncRun.State.DONE


def test_a_pull_a_dead_worker_left_running_is_closed(
    calendar: Connection, athlete: Athlete
) -> None:
    now = timezone.now()
    stuck = SyncRun.objects.create(
        connection=calendar, kind=SyncRun.Kind.PLAN, state=SyncRun.State.RUNNING,
        started_at=now - dt.timedelta(minutes=40),
    )  # fmt: skip
    calendar_pulls_sweep(now=now)
    stuck.refresh_from_db()
    assert stuck.state == SyncRun.State.FAILED and "Interrupted" in stuck.error
    SyncRun.objects.filter(connection=calendar).update(started_at=now - dt.timedelta(hours=1))
    assert calendar_pull_now(by=athlete.user, connection=calendar).state == SyncRun.State.QUEUED
