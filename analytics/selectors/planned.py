"""Planned load per day, from the published planned sessions' estimates (coaching)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Sum

from athletes.models import Athlete
from coaching.models import PlannedSession


def planned_loads(*, athlete: Athlete, since: dt.date, until: dt.date) -> dict[dt.date, float]:
    """{day: summed estimated load} of the athlete's published sessions (drafts are not the
    plan yet); days without a plan are absent. One query."""
    rows = (
        PlannedSession.objects.filter(
            athlete=athlete, day__range=(since, until), hidden=False, est_load__isnull=False
        )
        .values("day")
        .annotate(load=Sum("est_load"))
        .values_list("day", "load")
    )
    loads: defaultdict[dt.date, float] = defaultdict(float)
    for day, load in rows:
        loads[day] += float(load or 0.0)
    return dict(loads)
