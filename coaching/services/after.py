"""What follows a change of the plan, of activities or of thresholds: the automatic links of
the days touched, the plan's estimates and its load per day handed over to analytics.
`plan_changed` publishes the event (in the transaction of the change); the subscribers below
run in tasks (coaching/tasks.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Sum

from activities.models import Activity
from analytics.planned import planned_loads_store
from athletes.models import Athlete
from coaching.models import PlannedSession
from coaching.services.estimates import planned_estimates_refresh
from coaching.services.linking import autolink_days
from core.events import ActivitiesChanged, PlanChanged, ThresholdsChanged
from core.outbox import publish


def plan_changed(*, athlete_id: int, days: Iterable[dt.date]) -> None:
    """Sessions of these days changed: their links and the daily load's planned column
    follow (config/wiring.py)."""
    publish(PlanChanged(athlete_id=athlete_id, days=tuple(sorted(set(days)))))


def activities_relink(event: ActivitiesChanged) -> None:
    """Relink the days of the changed activities (a moved or deleted activity's old day is
    `since` at the latest)."""
    ids = list(event.activity_ids)
    days = set(Activity.objects.filter(id__in=ids).values_list("day", flat=True))
    days.add(event.since)
    autolink_days(athlete_id=event.athlete_id, days=days)


def plan_load_handover(event: PlanChanged) -> None:
    """Hand the planned load of the changed days to analytics (the published sessions'
    estimated load per day; a day left without one has none)."""
    athlete = Athlete.objects.filter(id=event.athlete_id).first()
    if athlete is None:
        return
    totals = published_loads(athlete=athlete, days=event.days)
    planned_loads_store(
        athlete_id=athlete.id,
        loads={day: totals.get(day, 0.0) for day in event.days},
        today=athlete.local_today(),
    )


def published_loads(*, athlete: Athlete, days: Iterable[dt.date]) -> dict[dt.date, float]:
    """{day: summed estimated load} of the athlete's published sessions on these days (drafts
    are not the plan yet). One query."""
    rows = (
        PlannedSession.objects.published()
        .filter(athlete=athlete, day__in=list(days), est_load__isnull=False)
        .values("day")
        .annotate(load=Sum("est_load"))
        .values_list("day", "load")
    )
    return {day: float(load or 0.0) for day, load in rows}


def plan_relink(event: PlanChanged) -> None:
    """Relink the days whose sessions changed."""
    autolink_days(athlete_id=event.athlete_id, days=set(event.days))


def plan_reestimate(event: ThresholdsChanged) -> None:
    """Re-estimate the plan from `since` with the new thresholds; the days whose estimates
    changed are announced as a plan change (their planned load is stale)."""
    athlete = Athlete.objects.filter(id=event.athlete_id).first()
    if athlete is None:
        return
    with transaction.atomic():  # new estimates and their announcement, or neither
        days = planned_estimates_refresh(athlete=athlete, sport=event.sport, since=event.since)
        if days:
            plan_changed(athlete_id=athlete.id, days=days)
