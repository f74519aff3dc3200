"""What follows a change of the plan, of activities or of thresholds, once the transaction
commits: the automatic links of the days touched (in process: a few queries per day) and the
plan's estimates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from activities.models import Activity
from analytics.pipeline import load_mark_dirty
from analytics.tasks import athlete_load_schedule
from athletes.models import Athlete
from coaching.services.estimates import planned_estimates_refresh
from coaching.services.linking import autolink_days


def plan_changed(*, athlete_id: int, days: Iterable[dt.date]) -> None:
    """Sessions of these days changed: relink them after commit, and recompute the daily load
    (its planned column) from the earliest of them that is not in the future. Future days
    need nothing stored: the forecast reads the plan."""
    touched = set(days)
    transaction.on_commit(lambda: autolink_days(athlete_id=athlete_id, days=touched))
    athlete = Athlete.objects.filter(id=athlete_id).first()
    past = [day for day in touched if athlete is not None and day <= athlete.local_today()]
    if past:
        load_mark_dirty(athlete_id=athlete_id, day=min(past))
        athlete_load_schedule(athlete_id)


def on_activities_changed(
    sender: Any, *, athlete_id: int, activity_ids: Iterable[int], since: dt.date, **kwargs: Any
) -> None:
    """Receiver of `activities.services.changes.activities_changed`: relink the days of the
    changed activities (a moved or deleted activity's old day is `since` at the latest)."""
    days = set(Activity.objects.filter(id__in=list(activity_ids)).values_list("day", flat=True))
    days.add(since)
    autolink_days(athlete_id=athlete_id, days=days)


def on_thresholds_changed(
    sender: Any, *, athlete_id: int, sport: str, since: dt.date, **kwargs: Any
) -> None:
    """Receiver of `athletes.signals.thresholds_changed`: re-estimate the plan from `since`."""
    athlete = Athlete.objects.filter(id=athlete_id).first()
    if athlete is not None:
        planned_estimates_refresh(athlete=athlete, sport=sport, since=since)
