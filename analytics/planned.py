"""The plan's load per day, handed over by coaching (which sits above analytics and may call it):
stored as `PlannedLoad` rows, read (analytics.selectors.planned) by the daily load's planned
column and the forecast."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction

from analytics.models import PlannedLoad
from analytics.pipeline import load_mark_dirty
from analytics.tasks import athlete_load_schedule


def planned_loads_store(
    *, athlete_id: int, loads: Mapping[dt.date, float | None], today: dt.date
) -> None:
    """Replace the planned load of these athlete-local days (0 or None: nothing planned); the
    daily load of the past ones is then stale (its planned column), future days are read by
    the forecast as they are."""
    days = list(loads)
    with transaction.atomic():
        PlannedLoad.objects.filter(athlete_id=athlete_id, day__in=days).delete()
        PlannedLoad.objects.bulk_create(
            PlannedLoad(athlete_id=athlete_id, day=day, load=float(load))
            for day, load in sorted(loads.items())
            if load
        )
        past = [day for day in days if day <= today]
        if past:
            load_mark_dirty(athlete_id=athlete_id, day=min(past))
            athlete_load_schedule(athlete_id)
