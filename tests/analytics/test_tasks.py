"""Metrics tasks: gone rows are done; stale days coalesce in PendingLoad; one DailyLoad
recompute per athlete at a time (a row lock on the athlete, not a lease in a cache)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from celery.exceptions import Retry
from django.db import connection, transaction

from activities.models import Activity
from analytics.models import ActivityMetrics, DailyLoad, PendingLoad
from analytics.pipeline import load_mark_dirty, pending_load_run, sports_using
from analytics.tasks import activities_changed_task, athlete_load_task, athlete_refresh_task
from athletes.models import Athlete
from core.events import ActivitiesChanged, ThresholdsChanged
from core.sports import Sport
from tests.conftest import need
from tests.factories import ThresholdsFactory
from tests.outbox import run_subscriber

NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC)
DAY = dt.date(2026, 3, 18)


@pytest.fixture(autouse=True)
def _frozen_now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def session(athlete: Athlete, sport: Sport = Sport.RUN, day: dt.date = DAY) -> Activity:
    """A logged session without samples: 30 min at RPE 5 (its load comes from the RPE)."""
    return Activity.objects.create(
        athlete=athlete,
        sport=sport,
        started_at=dt.datetime.combine(day, dt.time(8), tzinfo=dt.UTC),
        day=day,
        moving_s=1800.0,
        rpe=5,
    )


@pytest.fixture
def activity(athlete: Athlete) -> Activity:
    return session(athlete)


def days(athlete: Athlete) -> list[dt.date]:
    return list(DailyLoad.objects.filter(athlete=athlete).values_list("day", flat=True))


def test_the_activities_task_computes_their_metrics_then_the_athletes_daily_load(
    activity: Activity, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # a worker runs it in autocommit
        run_subscriber(
            activities_changed_task, ActivitiesChanged(activity.athlete_id, (activity.id,), DAY)
        )

    assert ActivityMetrics.objects.get(activity=activity).load_source == "rpe"
    assert days(activity.athlete) == [DAY, dt.date(2026, 3, 19), dt.date(2026, 3, 20)]
    assert not PendingLoad.objects.exists()  # the load run took it


def test_a_deleted_activity_or_athlete_is_done(
    activity: Activity, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    activity_id, athlete_id = activity.id, activity.athlete_id
    activity.delete()

    with django_capture_on_commit_callbacks(execute=True):
        run_subscriber(activities_changed_task, ActivitiesChanged(athlete_id, (activity_id,), DAY))
        run_subscriber(
            activities_changed_task, ActivitiesChanged(athlete_id + 1000, (activity_id,), DAY)
        )
        run_subscriber(athlete_refresh_task, ThresholdsChanged(athlete_id + 1000, "run", DAY))
        athlete_load_task.delay(athlete_id + 1000)

    assert not ActivityMetrics.objects.exists()
    assert not DailyLoad.objects.exists()  # no activity and no row: nothing to write


def test_another_athletes_activity_is_never_computed(
    activity: Activity, other_athlete: Athlete
) -> None:
    run_subscriber(
        activities_changed_task, ActivitiesChanged(other_athlete.id, (activity.id,), DAY)
    )

    assert not ActivityMetrics.objects.exists()


def test_marking_stale_days_keeps_the_earliest_until_a_run_takes_it(athlete: Athlete) -> None:
    for day in (dt.date(2026, 3, 10), dt.date(2026, 3, 5), dt.date(2026, 3, 8)):
        load_mark_dirty(athlete_id=athlete.id, day=day)
    assert PendingLoad.objects.get(athlete=athlete).since == dt.date(2026, 3, 5)

    session(athlete, day=dt.date(2026, 3, 6))
    assert pending_load_run(athlete_id=athlete.id) == 15  # 6 to 20 March
    assert not PendingLoad.objects.exists()
    assert pending_load_run(athlete_id=athlete.id) is None  # nothing pending: nothing done

    load_mark_dirty(athlete_id=athlete.id, day=dt.date(2026, 3, 12))
    assert PendingLoad.objects.get(athlete=athlete).since == dt.date(2026, 3, 12)


def test_a_thresholds_refresh_recomputes_only_the_sports_using_those_thresholds(
    athlete: Athlete,
) -> None:
    ride, swim = session(athlete, Sport.RIDE), session(athlete, Sport.SWIM)
    run_subscriber(
        activities_changed_task,
        ActivitiesChanged(
            athlete.id,
            (
                ride.id,
                swim.id,
            ),
            DAY,
        ),
    )
    before = dict(ActivityMetrics.objects.values_list("activity_id", "computed_at"))
    ThresholdsFactory(athlete=athlete, sport="swim", valid_from=DAY, hr_max_bpm=180)

    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        run_subscriber(athlete_refresh_task, ThresholdsChanged(athlete.id, "swim", DAY))

    after = dict(ActivityMetrics.objects.values_list("activity_id", "computed_at"))
    assert after[ride.id] == before[ride.id]
    assert after[swim.id] == before[swim.id] + dt.timedelta(hours=1)


def test_run_and_other_thresholds_reach_every_sport_through_the_heart_rate_fallback() -> None:
    assert sports_using("ride") == ["ride"]
    assert sports_using("swim") == ["swim"]
    assert sports_using("run") is None
    assert sports_using("other") is None


@pytest.mark.django_db(transaction=True)
def test_a_load_run_retries_while_another_transaction_holds_the_athlete(
    activity: Activity,
) -> None:
    need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL=postgres://…): row locks")
    load_mark_dirty(athlete_id=activity.athlete_id, day=DAY)
    locked, release = threading.Event(), threading.Event()

    def hold_the_athlete() -> None:
        try:
            with transaction.atomic():
                Athlete.objects.select_for_update().get(id=activity.athlete_id)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_athlete)
    holder.start()
    try:
        assert locked.wait(timeout=30)
        with pytest.raises(Retry):
            athlete_load_task.delay(activity.athlete_id)
        assert PendingLoad.objects.filter(athlete_id=activity.athlete_id).exists()
        assert not DailyLoad.objects.exists()
    finally:
        release.set()
        holder.join(timeout=30)

    athlete_load_task.delay(activity.athlete_id)
    assert len(days(activity.athlete)) == 3
    assert not PendingLoad.objects.exists()
