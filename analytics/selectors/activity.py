"""Reads of one activity's stored metrics and of an athlete's daily load rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import QuerySet
from django.http import Http404

from activities.models import Activity
from analytics.models import ActivityMetrics, DailyLoad
from athletes.models import Athlete, User
from athletes.selectors.thresholds import zones_on
from athletes.zones import Zone


def activity_metrics_get(*, viewer: User, activity: Activity) -> ActivityMetrics | None:
    """The stored metrics of `activity` if the viewer may see it; None when not computed yet."""
    return ActivityMetrics.objects.visible_to(viewer).filter(activity=activity).first()


def activity_with_metrics_get(
    *, viewer: User, athlete: Athlete, activity_id: int
) -> tuple[Activity, ActivityMetrics | None]:
    """An activity of `athlete` in the viewer's scope and its metrics (None: not computed yet);
    404 when out of scope. One query."""
    activity = (
        Activity.objects.visible_to(viewer)
        .filter(athlete=athlete, id=activity_id)
        .select_related("athlete", "metrics")
        .first()
    )
    if activity is None:
        raise Http404
    try:
        return activity, activity.metrics
    except ActivityMetrics.DoesNotExist:
        return activity, None


def activity_zones(
    *, athlete: Athlete, activity: Activity, kinds: Sequence[str]
) -> dict[str, list[Zone]]:
    """The athlete's zones of each kind in force on the activity's day (those its time in zone
    was computed with); two queries per kind."""
    return {
        kind: zones_on(athlete=athlete, sport=activity.sport, kind=kind, day=activity.day)
        for kind in kinds
    }


def activities_exist(*, viewer: User, athlete: Athlete) -> bool:
    """Whether the athlete has any activity the viewer may see. One query."""
    return Activity.objects.visible_to(viewer).filter(athlete=athlete).exists()


def daily_load_list(
    *,
    viewer: User,
    athlete: Athlete,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[DailyLoad]:
    """The athlete's DailyLoad rows from `since` to `until` (athlete-local days, inclusive;
    None: unbounded), oldest first."""
    rows = DailyLoad.objects.visible_to(viewer).filter(athlete=athlete)
    if since is not None:
        rows = rows.filter(day__gte=since)
    if until is not None:
        rows = rows.filter(day__lte=until)
    return rows.order_by("day")
