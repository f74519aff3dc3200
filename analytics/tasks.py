"""Background tasks of the metrics pipeline: thin, named, retry policy only ("metrics" queue)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import shared_task

from activities.models import Activity
from analytics.pipeline import LOAD_LEASE_S, activity_metrics_compute, athlete_load_lease
from analytics.pipeline import daily_load_recompute as daily_load_recompute_service
from athletes.models import Athlete

LEASE_RETRY_S = 15
# Enough retries to outwait a lease left by a killed worker (it expires after LOAD_LEASE_S).
LEASE_MAX_RETRIES = 2 * LOAD_LEASE_S // LEASE_RETRY_S


@shared_task(
    name="analytics.activity_metrics",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def activity_metrics_task(activity_id: int) -> None:
    """Compute one activity's metrics, then queue its athlete's DailyLoad from its day.
    A deleted activity is done."""
    activity = Activity.objects.select_related("athlete").filter(id=activity_id).first()
    if activity is None:
        return
    activity_metrics_compute(activity=activity)
    athlete_load_task.delay(activity.athlete_id, activity.day.isoformat())


@shared_task(
    bind=True,
    name="analytics.athlete_load",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=LEASE_MAX_RETRIES,
    time_limit=LOAD_LEASE_S - 60,
    soft_time_limit=LOAD_LEASE_S - 120,
)
def athlete_load_task(self: Any, athlete_id: int, since_iso: str) -> None:
    """Recompute the athlete's DailyLoad from `since_iso` to today, one run per athlete at a
    time: while another run holds the lease, retry later. A deleted athlete is done."""
    athlete = Athlete.objects.filter(id=athlete_id).first()
    if athlete is None:
        return
    with athlete_load_lease(athlete.id) as taken:
        if not taken:
            raise self.retry(countdown=LEASE_RETRY_S)
        since = dt.date.fromisoformat(since_iso)
        daily_load_recompute_service(athlete=athlete, since=since, today=athlete.local_today())
