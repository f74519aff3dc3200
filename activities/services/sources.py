"""Forgetting what one provider said: its sources go, and the activities only it described.

Used when an athlete's data from a provider must go (an operator's purge, a Strava
deauthorization). A recording file the athlete has (a FIT's `device_file` source) stays: it is
the athlete's own. Every affected day is announced, so metrics, daily loads and links are
recomputed (`activities.services.changes`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from activities.models import Activity, ActivitySource
from activities.services.changes import activity_changed, activity_removed
from athletes.models import Athlete
from core.outbox import batched


@dataclass(frozen=True, slots=True)
class Removed:
    sources: int
    activities: int


def provider_sources_remove(*, athlete: Athlete, provider: str) -> Removed:
    """Remove every `provider` source of the athlete's activities; an activity no other source
    describes is deleted with them."""
    with batched(), transaction.atomic():
        sources = ActivitySource.objects.filter(athlete=athlete, provider=provider)
        touched = set(sources.values_list("activity_id", flat=True))
        count, _ = sources.delete()
        activities = Activity.objects.filter(athlete=athlete, id__in=touched)
        orphans = list(activities.filter(sources__isnull=True))
        for activity in orphans:
            day = activity.day
            activity.delete()
            activity_removed(athlete_id=athlete.id, day=day)
        for activity in activities.exclude(id__in=[a.id for a in orphans]):
            activity_changed(activity)
    return Removed(sources=count, activities=len(orphans))
