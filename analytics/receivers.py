"""Listeners that turn announcements of other apps into metrics tasks, queued on commit.

Connected in `AnalyticsConfig.ready()`: `activities_changed` (activities.services.changes)
queues `analytics.activities_changed`; `thresholds_changed` (athletes.signals) queues
`analytics.athlete_refresh`.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.db import transaction

from analytics.tasks import activities_changed_task, athlete_refresh_task


def activities_changed_receive(
    sender: Any, *, athlete_id: int, activity_ids: list[int], since: dt.date, **kwargs: Any
) -> None:
    """Metrics of these activities, then the daily load from `since`."""
    args = (athlete_id, list(activity_ids), since.isoformat())
    transaction.on_commit(partial(activities_changed_task.delay, *args))


def thresholds_changed_receive(
    sender: Any, *, athlete_id: int, sport: str, since: dt.date, **kwargs: Any
) -> None:
    """Metrics of the activities using `sport`'s thresholds from `since`, then the load."""
    args = (athlete_id, sport, since.isoformat())
    transaction.on_commit(partial(athlete_refresh_task.delay, *args))
