"""Announcements that activities changed, for the apps that derive data from them.

Each is an `ActivitiesChanged` event published in the transaction of the change
(`core.outbox`): nothing for rolled-back work, and never lost once committed. Inside
`core.outbox.batched()` the events of one athlete are merged into one, so a history import of
thousands of files leads to one metrics run and one daily-load recompute, not one each. Who
reacts is listed in config/wiring.py.
"""

from __future__ import annotations

import datetime as dt

from activities.models import Activity
from core.events import ActivitiesChanged
from core.outbox import publish


def activity_changed(activity: Activity, *, previous_day: dt.date | None = None) -> None:
    """Announce that `activity` was created or changed; `previous_day` is its day before the
    change when the change moved it (the derived data of both days are stale)."""
    since = activity.day if previous_day is None else min(activity.day, previous_day)
    publish(
        ActivitiesChanged(athlete_id=activity.athlete_id, activity_ids=(activity.id,), since=since)
    )


def activity_removed(*, athlete_id: int, day: dt.date) -> None:
    """Announce that an activity of `day` (athlete-local) was deleted."""
    publish(ActivitiesChanged(athlete_id=athlete_id, activity_ids=(), since=day))
