"""When Garmin syncs run: after connecting, on the schedule (a sweeper), on request; the real
library against the fake Garmin, tasks in-process."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from athletes.models import Athlete, User, WellnessDay
from integrations.garmin import client
from integrations.garmin.auth import signed_in_store
from integrations.garmin.schedule import (
    SyncRefused,
    backfill_request,
    garmin_syncs_sweep,
    sync_now,
)
from integrations.garmin.sync import garmin_run
from integrations.models import Connection, SyncRun
from tests.integrations.garmin.fake import (
    EMAIL,
    PASSWORD,
    FakeGarmin,
    installed,
    recorded_account,
    recorded_wellness,
)

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def paris(hour: int, minute: int = 0, day: int = 7) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def garmin(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGarmin]:
    activities, files = recorded_account(corpus)
    fake = FakeGarmin(
        corpus, activities=activities, files=files, wellness=recorded_wellness(corpus)
    )
    with installed(fake, monkeypatch):
        yield fake


@pytest.fixture
def connection(garmin: FakeGarmin, athlete: Athlete) -> Connection:
    Athlete.objects.filter(id=athlete.id).update(time_zone="Europe/Paris")
    athlete.refresh_from_db()
    connection = signed_in_store(athlete=athlete, signed=client.sign_in(EMAIL, PASSWORD))
    SyncRun.objects.filter(connection=connection).delete()  # start each test with no history
    connection.refresh_from_db()
    return connection


def _runs(connection: Connection) -> list[tuple[str, str]]:
    return sorted(connection.runs.values_list("kind", "state"))


def test_connecting_fetches_the_history_by_itself(
    garmin: FakeGarmin, athlete: Athlete, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        connection = signed_in_store(athlete=athlete, signed=client.sign_in(EMAIL, PASSWORD))
    runs = {run.kind: run for run in connection.runs.all()}
    today = athlete.local_today()
    assert runs[SyncRun.Kind.BACKFILL].since == today - dt.timedelta(days=90)
    assert runs[SyncRun.Kind.WELLNESS].since == today - dt.timedelta(days=30)
    assert {run.state for run in runs.values()} == {SyncRun.State.DONE}
    assert runs[SyncRun.Kind.WELLNESS].counts["fetched"] == 31


def test_the_schedule_fetches_hourly_by_day_and_wellness_three_times(
    garmin: FakeGarmin, connection: Connection
) -> None:
    assert garmin_syncs_sweep(now=paris(4, 30)) == 0  # night: nothing yet
    assert garmin_syncs_sweep(now=paris(9, 0)) == 2  # activities, and wellness after 07:00
    assert _runs(connection) == [("activities", "done"), ("wellness", "done")]
    assert garmin_syncs_sweep(now=paris(9, 20)) == 0
    assert garmin_syncs_sweep(now=paris(10, 5)) == 1  # the next hour's activities
    assert garmin_syncs_sweep(now=paris(12, 1)) == 2  # and the noon wellness
    assert garmin_syncs_sweep(now=paris(23, 30)) == 1  # after 22:00: wellness, no activities
    kinds = [kind for kind, _state in _runs(connection)]
    assert kinds.count("activities") == 3 and kinds.count("wellness") == 3


def test_nothing_is_queued_for_a_paused_or_signed_out_connection(
    garmin: FakeGarmin, connection: Connection
) -> None:
    Connection.objects.filter(id=connection.id).update(retry_after=paris(11))
    assert garmin_syncs_sweep(now=paris(10)) == 0
    Connection.objects.filter(id=connection.id).update(
        retry_after=None, status=Connection.Status.NEEDS_USER
    )
    assert garmin_syncs_sweep(now=paris(10)) == 0
    assert not connection.runs.exists()
    assert garmin.calls(host="connectapi.", path="/activitylist") == []


def test_a_run_whose_message_was_lost_is_sent_again(
    garmin: FakeGarmin, connection: Connection
) -> None:
    run = SyncRun.objects.create(
        connection=connection, kind=SyncRun.Kind.ACTIVITIES, state=SyncRun.State.QUEUED,
        started_at=paris(8), sent_at=paris(8),
    )  # fmt: skip
    garmin_syncs_sweep(now=paris(8, 5))  # within the resend delay: not this one
    run.refresh_from_db()
    assert run.state == SyncRun.State.QUEUED
    garmin_syncs_sweep(now=paris(8, 11))
    run.refresh_from_db()
    assert run.state == SyncRun.State.DONE


def test_a_run_left_running_by_a_killed_worker_is_taken_over_or_closed(
    garmin: FakeGarmin, connection: Connection
) -> None:
    run = SyncRun.objects.create(
        connection=connection, kind=SyncRun.Kind.ACTIVITIES, state=SyncRun.State.RUNNING
    )
    done = garmin_run(run.id)  # a redelivered message: the lease is free, it runs again
    assert done is not None and done.state == SyncRun.State.DONE
    stuck = SyncRun.objects.create(
        connection=connection, kind=SyncRun.Kind.WELLNESS, state=SyncRun.State.RUNNING,
        started_at=paris(8),
    )  # fmt: skip
    garmin_syncs_sweep(now=paris(8, 40))
    stuck.refresh_from_db()
    assert stuck.state == SyncRun.State.FAILED and "Interrupted" in stuck.error


def test_sync_now_at_most_every_five_minutes(
    garmin: FakeGarmin,
    connection: Connection,
    athlete: Athlete,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        runs = sync_now(by=athlete.user, connection=connection)
    assert sorted(run.kind for run in runs) == ["activities", "wellness"]
    assert _runs(connection) == [("activities", "done"), ("wellness", "done")]
    with pytest.raises(SyncRefused, match="five minutes"):
        sync_now(by=athlete.user, connection=connection)


def test_who_may_sync_and_when_not(
    garmin: FakeGarmin, connection: Connection, view_coach: User, other_coach: User
) -> None:
    for stranger in (view_coach, other_coach):
        with pytest.raises(PermissionDenied):
            sync_now(by=stranger, connection=connection)
    owner = connection.athlete.user
    Connection.objects.filter(id=connection.id).update(retry_after=paris(23, day=31))
    connection.refresh_from_db()
    with pytest.raises(SyncRefused, match="wait"):
        sync_now(by=owner, connection=connection)
    Connection.objects.filter(id=connection.id).update(
        retry_after=None, status=Connection.Status.NEEDS_USER
    )
    connection.refresh_from_db()
    with pytest.raises(SyncRefused, match="Connect Garmin first"):
        sync_now(by=owner, connection=connection)
    assert not connection.runs.exists()


def test_a_backfill_reaches_two_years_back_at_most(
    garmin: FakeGarmin,
    connection: Connection,
    athlete: Athlete,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    today = athlete.local_today()
    with pytest.raises(SyncRefused, match="two years"):
        backfill_request(
            by=athlete.user, connection=connection, since=today.replace(year=today.year - 3)
        )
    with pytest.raises(SyncRefused, match="past"):
        backfill_request(by=athlete.user, connection=connection, since=today + dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        run = backfill_request(
            by=athlete.user, connection=connection, since=today - dt.timedelta(days=400)
        )
    run.refresh_from_db()
    assert run.state == SyncRun.State.DONE and run.requested_by == athlete.user
    assert run.total == 14  # 400 days in 30-day chunks


def test_scheduled_wellness_lands_for_today_and_yesterday(
    garmin: FakeGarmin, connection: Connection, athlete: Athlete
) -> None:
    garmin.wellness[("user_summary", "2026-12-06")] = {
        "calendarDate": "2026-12-06", "restingHeartRate": 47, "totalSteps": 9000,
    }  # fmt: skip
    with time_machine.travel(paris(7, 30), tick=False):
        garmin_syncs_sweep(now=paris(7, 30))
    assert WellnessDay.objects.get(athlete=athlete, day=dt.date(2026, 12, 6)).resting_hr_bpm == 47
