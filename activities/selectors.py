"""Reads of activities, always scoped through the one door (`visible_to`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from activities.models import Activity, ActivityFile, ActivitySource, Lap, Streams
from athletes.models import Athlete, User


def activity_list(
    *,
    viewer: User,
    athlete: Athlete,
    sport: str = "",
    first: dt.date | None = None,
    last: dt.date | None = None,
    provider: str = "",
) -> QuerySet[Activity]:
    """An athlete's activities, newest first, filtered by sport, local days and source provider.

    No related rows are loaded per activity: the list costs the same queries for any length.
    """
    activities = Activity.objects.visible_to(viewer).filter(athlete=athlete)
    if sport:
        activities = activities.filter(sport=sport)
    if first is not None:
        activities = activities.filter(day__gte=first)
    if last is not None:
        activities = activities.filter(day__lte=last)
    if provider:
        sources = ActivitySource.objects.visible_to(viewer).filter(
            activity=OuterRef("pk"), provider=provider
        )
        activities = activities.filter(Exists(sources))
    return activities.order_by("-started_at", "-id")


def activity_get(*, viewer: User, athlete: Athlete, activity_id: int) -> Activity | None:
    """One activity with its laps and the sources the viewer may see (and their files: a
    coach without consent sees no Strava source), or None outside scope."""
    sources = (
        ActivitySource.objects.visible_to(viewer)
        .select_related("file")
        .order_by("fetched_at", "id")
    )
    activities = (
        Activity.objects.visible_to(viewer)
        .filter(athlete=athlete, id=activity_id)
        .prefetch_related(Prefetch("laps", queryset=Lap.objects.order_by("index")))
        .prefetch_related(Prefetch("sources", queryset=sources))
    )
    return activities.first()


def activity_of(*, viewer: User, athlete: Athlete, activity_id: int) -> Activity:
    """One activity of `athlete` the viewer may see (nothing prefetched); Http404 otherwise."""
    return get_object_or_404(
        Activity.objects.visible_to(viewer).filter(athlete=athlete), id=activity_id
    )


def activity_streams_info(*, activity: Activity) -> Mapping[str, object] | None:
    """Sample count, channels and provider of the activity's streams (never the blob)."""
    return (
        Streams.objects.filter(activity=activity)
        .values("sample_count", "channels", "provider")
        .first()
    )


def activity_file_get(*, viewer: User, athlete: Athlete, file_id: int) -> ActivityFile | None:
    """An original file of this athlete, or None outside the viewer's scope."""
    return ActivityFile.objects.visible_to(viewer).filter(athlete=athlete, id=file_id).first()


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One entry of an import job's results as people read it: the activities it made or
    found (date, sport, title; several for a multisport file), its outcome and reason, and
    the file's name in the archive, secondary."""

    name: str
    outcome: str
    reason: str
    activities: list[Activity]


def import_rows(
    *, viewer: User, athlete: Athlete, results: Sequence[Mapping[str, Any]]
) -> list[ImportRow]:
    """The rows of a job's `results` with their activities (those still there and visible to
    the viewer), in the results' order. One query whatever the number of rows."""
    ids = {i for result in results for i in result.get("activity_ids") or ()}
    found = Activity.objects.visible_to(viewer).filter(athlete=athlete, id__in=ids)
    by_id = {activity.id: activity for activity in found.only("id", "day", "sport", "name")}
    return [
        ImportRow(
            name=str(result.get("name", "")),
            outcome=str(result.get("outcome", "")),
            reason=str(result.get("reason", "")),
            activities=[by_id[i] for i in result.get("activity_ids") or () if i in by_id],
        )
        for result in results
    ]
