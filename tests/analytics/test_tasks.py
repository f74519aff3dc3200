"""Metrics tasks: gone rows are done; one DailyLoad recompute per athlete at a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from celery.exceptions import Retry

from activities.models import Activity
from analytics.models import ActivityMetrics, DailyLoad
from analytics.pipeline import athlete_load_lease
from analytics.tasks import activity_metrics_task, athlete_load_task
from athletes.models import Athlete
from athletes.sports import Sport

NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen_now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def activity(athlete: Athlete) -> Activity:
    return Activity.objects.create(
        athlete=athlete,
        sport=Sport.RUN,
        started_at=NOW - dt.timedelta(days=2),
        day=dt.date(2026, 3, 18),
        moving_s=1800.0,
        rpe=5,
    )


def test_the_activity_task_computes_metrics_then_the_athletes_daily_load(
    activity: Activity,
) -> None:
    activity_metrics_task.delay(activity.id)

    assert ActivityMetrics.objects.get(activity=activity).load_source == "rpe"
    days = DailyLoad.objects.filter(athlete=activity.athlete).values_list("day", flat=True)
    assert list(days) == [dt.date(2026, 3, 18), dt.date(2026, 3, 19), dt.date(2026, 3, 20)]


def test_a_deleted_activity_or_athlete_is_done(activity: Activity) -> None:
    activity_id, athlete_id = activity.id, activity.athlete_id
    activity.delete()

    activity_metrics_task.delay(activity_id)
    athlete_load_task.delay(athlete_id + 1000, "2026-03-18")

    assert not ActivityMetrics.objects.exists()
    assert not DailyLoad.objects.exists()


def test_the_lease_refuses_a_second_holder_until_the_first_lets_go(athlete: Athlete) -> None:
    with athlete_load_lease(athlete.id) as first:
        with athlete_load_lease(athlete.id) as second:
            assert (first, second) == (True, False)
        with athlete_load_lease(athlete.id + 1) as another_athlete:
            assert another_athlete is True
    with athlete_load_lease(athlete.id) as later:
        assert later is True


def test_a_daily_load_recompute_waits_while_another_holds_the_athletes_lease(
    activity: Activity,
) -> None:
    activity_metrics_task.delay(activity.id)
    DailyLoad.objects.all().delete()

    with athlete_load_lease(activity.athlete_id), pytest.raises(Retry):
        athlete_load_task.delay(activity.athlete_id, "2026-03-18")
    assert not DailyLoad.objects.exists()

    athlete_load_task.delay(activity.athlete_id, "2026-03-18")
    assert DailyLoad.objects.filter(athlete=activity.athlete).count() == 3
