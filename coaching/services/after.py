"""What follows a change of the plan or of activities, once the transaction commits: the
automatic links of the days touched (in process: a few queries per day)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from activities.models import Activity
from coaching.services.linking import autolink_days


def plan_changed(*, athlete_id: int, days: Iterable[dt.date]) -> None:
    """Sessions of these days changed: relink them after commit."""
    touched = set(days)
    transaction.on_commit(lambda: autolink_days(athlete_id=athlete_id, days=touched))


def on_activities_changed(
    sender: Any, *, athlete_id: int, activity_ids: Iterable[int], since: dt.date, **kwargs: Any
) -> None:
    """Receiver of `activities.services.changes.activities_changed`: relink the days of the
    changed activities (a moved or deleted activity's old day is `since` at the latest)."""
    days = set(Activity.objects.filter(id__in=list(activity_ids)).values_list("day", flat=True))
    days.add(since)
    autolink_days(athlete_id=athlete_id, days=days)
