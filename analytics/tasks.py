"""Background tasks of the metrics pipeline: thin, named, retry policy only ("metrics" queue).

Outbox subscribers (config/wiring.py): `activities_changed` and `athlete_refresh` compute
activity metrics (coaching hands the planned load over through `analytics.planned`); each
then marks the athlete's daily
load stale from a day (`PendingLoad`) and schedules one `athlete_load` a little later
(PACELINE_LOAD_DELAY_S, default 2 s) unless one is already scheduled, so a burst of changes
leads to one recompute of the athlete's chart. The `PendingLoad` row is the durable intent:
`pending_loads_sweep` schedules again what a broker outage or a lost task left behind.
Without a broker (eager mode) every task runs at once, in-process; the countdown is ignored.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from analytics.estimates import thresholds_estimate, zones_from_devices
from analytics.models import PendingLoad
from analytics.pipeline import (
    AthleteBusy,
    activities_metrics_compute,
    changed_metrics_refresh,
    load_mark_dirty,
    pending_load_run,
    sport_metrics_refresh,
)
from athletes.models import Athlete
from core.events import ActivitiesChanged, ThresholdsChanged, TimeConstantsChanged
from core.outbox import batched, send, subscriber

DEFAULT_LOAD_DELAY_S = 2.0
# A schedule mark whose task was lost expires; the sweep (or the next change) schedules again.
LOAD_SCHEDULED_S = 5 * 60
LOAD_RETRY_S = 5
CHART_START = dt.date(1900, 1, 1)  # before any row: the chart restarts at the first activity
LOAD_MAX_RETRIES = 120  # ten minutes of a busy athlete; the PendingLoad row outlives them anyway


def _scheduled_key(athlete_id: int) -> str:
    return f"analytics:load-scheduled:{athlete_id}"


def athlete_load_schedule(athlete_id: int) -> None:
    """Queue `athlete_load` for the athlete once this transaction commits, unless a run is
    already queued and not yet started (a cache mark the task clears when it starts)."""
    transaction.on_commit(partial(_schedule, athlete_id), robust=True)


def _schedule(athlete_id: int) -> bool:
    key = _scheduled_key(athlete_id)
    if not cache.add(key, True, timeout=LOAD_SCHEDULED_S):
        return False
    delay_s = float(getattr(settings, "PACELINE_LOAD_DELAY_S", DEFAULT_LOAD_DELAY_S))
    if not send(athlete_load_task, athlete_id, countdown=delay_s):
        cache.delete(key)  # not queued: the sweep or the next change tries again
        return False
    return True


def pending_loads_sweep(*, now: dt.datetime) -> int:
    """Schedule the recompute of every athlete whose daily load is still stale (its task lost
    or never queued); returns how many were scheduled."""
    athlete_ids = PendingLoad.objects.values_list("athlete_id", flat=True)
    return sum(_schedule(athlete_id) for athlete_id in athlete_ids)


def _load_due(athlete_id: int, since: dt.date) -> None:
    load_mark_dirty(athlete_id=athlete_id, day=since)
    athlete_load_schedule(athlete_id)


@subscriber("analytics.activities_changed")
def activities_changed_task(event: ActivitiesChanged) -> None:
    """Take the zones the devices recorded for sports without entered zones, compute the
    metrics of the listed activities that still exist (with those zones: computed once),
    estimate the thresholds of sports that have none from them (analytics.estimates) and
    refresh the metrics the zones and estimates change, then mark the athlete's daily load
    stale from the earliest day changed and schedule its recompute: once, whatever changed.
    A deleted athlete is done."""
    athlete = Athlete.objects.filter(id=event.athlete_id).first()
    if athlete is None:
        return
    since = event.since
    # Zones and estimates publish ThresholdsChanged, delivered when this block ends: by then
    # their metrics are refreshed here and `athlete_refresh_task` finds nothing left to do.
    with batched():
        from_devices = zones_from_devices(athlete=athlete)  # sports without entered zones
        activities_metrics_compute(athlete=athlete, activity_ids=event.activity_ids)
        estimated = thresholds_estimate(athlete=athlete)  # sports without thresholds
        if estimated or from_devices:
            since = min(since, changed_metrics_refresh(athlete=athlete) or since)
    _load_due(athlete.id, since)


@subscriber("analytics.athlete_refresh")
def athlete_refresh_task(event: ThresholdsChanged) -> None:
    """After a thresholds or zones change of a sport from a day: recompute the metrics of the
    activities using them from that day whose thresholds in force changed, then (when any
    did) the daily load. A deleted athlete is done."""
    athlete = Athlete.objects.filter(id=event.athlete_id).first()
    if athlete is None:
        return
    if sport_metrics_refresh(athlete=athlete, sport=event.sport, since=event.since):
        _load_due(athlete.id, event.since)


@subscriber("analytics.time_constants_changed")
def time_constants_changed_task(event: TimeConstantsChanged) -> None:
    """After a change of the athlete's time constants: the daily load from its first day."""
    if Athlete.objects.filter(id=event.athlete_id).exists():
        _load_due(event.athlete_id, CHART_START)


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
