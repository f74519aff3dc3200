"""What follows a change of the plan, of activities or of thresholds: the automatic links of
the days touched and the plan's estimates. `plan_changed` publishes the event (in the
transaction of the change); the subscribers below run in tasks (coaching/tasks.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from activities.models import Activity
from athletes.models import Athlete
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


def plan_relink(event: PlanChanged) -> None:
    """Relink the days whose sessions changed."""
    autolink_days(athlete_id=event.athlete_id, days=set(event.days))


def plan_reestimate(event: ThresholdsChanged) -> None:
    """Re-estimate the plan from `since` with the new thresholds; the days whose estimates
    changed are announced as a plan change (their planned load is stale)."""
    athlete = Athlete.objects.filter(id=event.athlete_id).first()
    if athlete is None:
        return
    days = planned_estimates_refresh(athlete=athlete, sport=event.sport, since=event.since)
    if days:
        plan_changed(athlete_id=athlete.id, days=days)
