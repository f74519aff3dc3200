"""Planned load per day, as coaching handed it over (`analytics.planned`)."""

from __future__ import annotations

import datetime as dt

from analytics.models import PlannedLoad
from athletes.models import Athlete


def planned_loads(*, athlete: Athlete, since: dt.date, until: dt.date) -> dict[dt.date, float]:
    """{day: planned load} of the athlete's days in [since, until] with a published plan
    (drafts are not the plan yet); days without a plan are absent. One query."""
    rows = PlannedLoad.objects.filter(athlete=athlete, day__range=(since, until))
    return {day: float(load) for day, load in rows.values_list("day", "load")}
