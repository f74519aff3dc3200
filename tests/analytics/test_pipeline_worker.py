"""Kill the worker: a real Celery worker rewriting years of an athlete's daily load is
SIGKILLed mid-transaction; the chart keeps its old rows (no half-written day), the stale mark
survives, and a second worker's run gives exactly the rows of one clean recompute. And a burst
of changes on a real worker leads to one recompute of the chart.

Skips unless DATABASE_URL is PostgreSQL and REDIS_URL answers (fails instead with
PACELINE_REQUIRE_SERVICES=1). "Mid-run" is deterministic: the test holds a row lock on one of
the athlete's DailyLoad rows, so the worker's rewrite blocks inside its transaction, and the
test waits until PostgreSQL shows the worker's backend waiting for that lock.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from activities.models import Activity
from analytics.models import ActivityMetrics, DailyLoad, PendingLoad
from analytics.pipeline import ALGORITHM_VERSION, daily_load_recompute, load_mark_dirty
from analytics.tasks import activities_changed_task, athlete_load_task
from athletes.models import Athlete
from core.events import ActivitiesChanged
from core.sports import Sport
from tests.outbox import outbox_message
from tests.test_services_e2e import celery_worker, this_runs_database_url, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

YEARS = 5
EVERY_DAYS = 4  # about 450 activities
RUN_S = 120.0
START_S = 120.0  # a loaded test machine can take a while to start a worker
FIELDS = [f.name for f in DailyLoad._meta.concrete_fields if f.name != "id"]
WAITING_WORKER = """
    SELECT pid, query FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'
"""


@pytest.fixture
def worker_env(services: None, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.analytics.worker_settings",
        DATABASE_URL=this_runs_database_url(),
        REDIS_URL=os.environ["REDIS_URL"],
        PACELINE_VAR_DIR=str(tmp_path / "var"),
    )
    return env


@contextmanager
def worker(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A real worker on the "metrics" queue (tests.test_services_e2e.celery_worker)."""
    with celery_worker("metrics", env, log, startup_s=START_S) as proc:
        yield proc


def history(athlete: Athlete, first_day: dt.date) -> None:
    """Years of activities with stored metrics, written in bulk (no announcements)."""
    activities = Activity.objects.bulk_create(
        Activity(
            athlete=athlete,
            sport=Sport.RUN,
            started_at=dt.datetime.combine(first_day, dt.time(7), tzinfo=dt.UTC)
            + dt.timedelta(days=n * EVERY_DAYS),
            day=first_day + dt.timedelta(days=n * EVERY_DAYS),
            moving_s=3600.0,
        )
        for n in range(YEARS * 365 // EVERY_DAYS)
    )
    ActivityMetrics.objects.bulk_create(
        ActivityMetrics(
            activity=activity,
            load=40.0 + (n * 37 % 61) + 0.1 * (n % 7),
            load_source="tss",
            algorithm_version=ALGORITHM_VERSION,
            computed_at=timezone.now(),
        )
        for n, activity in enumerate(activities)
    )


def chart(athlete: Athlete) -> list[dict[str, Any]]:
    return list(DailyLoad.objects.filter(athlete=athlete).order_by("day").values(*FIELDS))


def waiting_backend() -> tuple[int, str] | None:
    """The pid and statement of a backend of this database waiting for a lock (fresh
    statistics: within a transaction PostgreSQL would show the first ones again)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(WAITING_WORKER)
        row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row else None


def backend_gone(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == 0


def test_a_worker_killed_mid_recompute_leaves_the_old_rows_and_a_rerun_converges(
    athlete: Athlete, worker_env: dict[str, str], broker_tasks: None, tmp_path: Path
) -> None:
    today = athlete.local_today()
    first_day = today - dt.timedelta(days=YEARS * 365)
    history(athlete, first_day)
    daily_load_recompute(athlete=athlete, since=first_day, today=today)
    changed_on = today - dt.timedelta(days=365)
    ActivityMetrics.objects.filter(activity__day__gte=changed_on).update(load=55.5)
    load_mark_dirty(athlete_id=athlete.id, day=changed_on)
    old = chart(athlete)
    log = tmp_path / "worker-1.log"

    with worker(worker_env, log) as first, transaction.atomic():
        locked_day = changed_on + dt.timedelta(days=180)  # the rewrite blocks half-way
        DailyLoad.objects.select_for_update().get(athlete=athlete, day=locked_day)
        athlete_load_task.delay(athlete.id)
        pid, statement = wait_for(waiting_backend, timeout_s=RUN_S, what="no wait", log=log)
        assert statement.startswith('UPDATE "analytics_dailyload"')  # mid-rewrite
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    wait_for(lambda: backend_gone(pid), timeout_s=RUN_S, what="backend stayed", log=log)

    assert chart(athlete) == old
    assert PendingLoad.objects.get(athlete=athlete).since == changed_on

    log = tmp_path / "worker-2.log"
    with worker(worker_env, log):
        athlete_load_task.delay(athlete.id)
        wait_for(
            lambda: not PendingLoad.objects.filter(athlete=athlete).exists(),
            timeout_s=RUN_S,
            what="the second worker did not recompute",
            log=log,
        )
    converged = chart(athlete)
    DailyLoad.objects.filter(athlete=athlete).delete()
    daily_load_recompute(athlete=athlete, since=first_day, today=today)

    assert converged != old
    assert converged == chart(athlete)  # every field of every day, exactly
    assert len(converged) == (today - first_day).days + 1


def test_a_burst_of_changes_on_a_real_worker_recomputes_the_chart_once(
    athlete: Athlete, worker_env: dict[str, str], broker_tasks: None, tmp_path: Path
) -> None:
    today = athlete.local_today()
    sessions = [
        Activity.objects.create(
            athlete=athlete,
            sport=Sport.RUN,
            started_at=timezone.now() - dt.timedelta(days=n),
            day=today - dt.timedelta(days=n),
            moving_s=1800.0,
            rpe=5,
        )
        for n in range(1, 7)
    ]
    log = tmp_path / "worker.log"

    def done() -> bool:
        return (
            succeeded(log, "activities_changed") == 6
            and DailyLoad.objects.filter(athlete=athlete).count() == 7
            and not PendingLoad.objects.filter(athlete=athlete).exists()
        )

    messages = [
        outbox_message(activities_changed_task, ActivitiesChanged(athlete.id, (s.id,), s.day))
        for s in sessions
    ]
    with worker(worker_env, log):
        for message in messages:  # one change at a time, as six separate uploads send them
            activities_changed_task.delay(message.id)
        wait_for(done, timeout_s=RUN_S, what="the chart was not recomputed", log=log)
        time.sleep(1.0)  # a second recompute, had one been queued, would have run by now

    assert succeeded(log, "athlete_load") == 1, log.read_text(errors="replace")[-3000:]
    assert ActivityMetrics.objects.filter(activity__athlete=athlete).count() == 6


def succeeded(log: Path, task: str) -> int:
    """How many runs of `analytics.<task>` the worker logged as succeeded."""
    pattern = rf"Task analytics\.{task}\[[0-9a-f-]+\] succeeded"
    return len(re.findall(pattern, log.read_text(errors="replace")))
