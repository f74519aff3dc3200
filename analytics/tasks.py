"""Background tasks of the metrics pipeline: thin, named, retry policy only ("metrics" queue).

Announcements (analytics/receivers.py) queue `activities_changed` or `athlete_refresh`; each
computes activity metrics, marks the athlete's daily load stale from a day (`PendingLoad`) and
schedules one `athlete_load` a little later (PACELINE_LOAD_DELAY_S, default 2 s) unless one is
already scheduled, so a burst of changes leads to one recompute of the athlete's chart. Without
a broker (eager mode) every task runs at once, in-process; the countdown is then ignored.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from analytics.pipeline import (
    AthleteBusy,
    activities_metrics_compute,
    load_mark_dirty,
    pending_load_run,
    sport_metrics_refresh,
)
from athletes.models import Athlete

DEFAULT_LOAD_DELAY_S = 2.0
# A schedule mark whose task was lost expires; the next change then schedules again.
LOAD_SCHEDULED_S = 5 * 60
LOAD_RETRY_S = 5
LOAD_MAX_RETRIES = 120  # ten minutes of a busy athlete; the PendingLoad row outlives them anyway


def _scheduled_key(athlete_id: int) -> str:
    return f"analytics:load-scheduled:{athlete_id}"


def athlete_load_schedule(athlete_id: int) -> None:
    """Queue `athlete_load` for the athlete once this transaction commits, unless a run is
    already queued and not yet started (a cache mark the task clears when it starts)."""
    transaction.on_commit(partial(_schedule, athlete_id))


def _schedule(athlete_id: int) -> None:
    key = _scheduled_key(athlete_id)
    if not cache.add(key, True, timeout=LOAD_SCHEDULED_S):
        return
    delay_s = float(getattr(settings, "PACELINE_LOAD_DELAY_S", DEFAULT_LOAD_DELAY_S))
    try:
        athlete_load_task.apply_async((athlete_id,), countdown=delay_s)
    except Exception:
        cache.delete(key)  # not queued: let the next change try again
        raise


def _load_due(athlete_id: int, since_iso: str) -> None:
    load_mark_dirty(athlete_id=athlete_id, day=dt.date.fromisoformat(since_iso))
    athlete_load_schedule(athlete_id)


@shared_task(
    name="analytics.activities_changed",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def activities_changed_task(athlete_id: int, activity_ids: list[int], since_iso: str) -> None:
    """Compute the metrics of the listed activities that still exist, then mark the athlete's
    daily load stale from `since_iso` and schedule its recompute. A deleted athlete is done."""
    athlete = Athlete.objects.filter(id=athlete_id).first()
    if athlete is None:
        return
    activities_metrics_compute(athlete=athlete, activity_ids=activity_ids)
    _load_due(athlete.id, since_iso)


@shared_task(
    name="analytics.athlete_refresh",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def athlete_refresh_task(athlete_id: int, sport: str, since_iso: str) -> None:
    """After a thresholds or zones change of `sport` from `since_iso`: recompute the metrics of
    the activities using them from that day, then the daily load. A deleted athlete is done."""
    athlete = Athlete.objects.filter(id=athlete_id).first()
    if athlete is None:
        return
    sport_metrics_refresh(athlete=athlete, sport=sport, since=dt.date.fromisoformat(since_iso))
    _load_due(athlete.id, since_iso)


@shared_task(
    bind=True,
    name="analytics.athlete_load",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=LOAD_MAX_RETRIES,
)
def athlete_load_task(self: Any, athlete_id: int) -> None:
    """Rewrite the athlete's DailyLoad rows from the earliest stale day to today; nothing when
    nothing is pending (an earlier run took it). While another run holds the athlete, retry."""
    cache.delete(_scheduled_key(athlete_id))  # a change from now on schedules another run
    try:
        pending_load_run(athlete_id=athlete_id)
    except AthleteBusy as busy:
        raise self.retry(countdown=LOAD_RETRY_S, exc=busy) from busy
