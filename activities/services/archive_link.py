"""Attach what a provider's export says about a recording (an activity summary, a CSV row) to
the activity its file created, through `activity_ingest`, so the file stays the authoritative
values. Used by the export formats of `integrations` (config/wiring.py ARCHIVE_FORMATS).

When the export's provider outranks the activity's (a provider's summary over a GPX upload),
its summary values win; `activity_ingest` keeps the stored streams and laps a summary lacks.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef

from activities.models import Activity, ActivitySource
from activities.services.ingest import activity_ingest
from activities.types import (
    NormalizedActivity,
    Outcome,
    SourceRef,
    Streams,
    Summary,
)
from athletes.models import Athlete
from core.sports import Sport

LINK_WINDOW = dt.timedelta(seconds=60)


def recorded_activity_near(*, athlete: Athlete, started_at: dt.datetime) -> Activity | None:
    """The athlete's file-backed activity starting within ±60 s of `started_at`, nearest first.

    The window first (the athlete/started_at index), then for its few activities whether a
    source has a file: a subquery over every file source of the athlete made linking a
    history's summaries quadratic."""
    with_file = ActivitySource.objects.filter(activity=OuterRef("pk"), file__isnull=False)
    candidates = Activity.objects.filter(
        Exists(with_file),
        athlete=athlete,
        started_at__gte=started_at - LINK_WINDOW,
        started_at__lte=started_at + LINK_WINDOW,
    )
    return min(
        candidates,
        key=lambda a: (abs((a.started_at - started_at).total_seconds()), a.id),
        default=None,
    )


def activities_of_file(*, athlete: Athlete, sha256: str) -> list[tuple[int, Activity]]:
    """(session index, activity) of every session a stored file gave."""
    sources = ActivitySource.objects.filter(athlete=athlete, file__sha256=sha256)
    found = {
        (s.session_index, s.activity_id): s.activity for s in sources.select_related("activity")
    }
    return [(index, activity) for (index, _id), activity in sorted(found.items())]


def source_attach(
    *,
    activity: Activity,
    source: SourceRef,
    summary: Summary | None = None,
    name: str = "",
    description: str = "",
    session_index: int = 0,
    sport: Sport = Sport.OTHER,
) -> tuple[Activity, Outcome]:
    """Describe an existing activity by one more provider (MERGED, or SKIPPED if known).

    The provider's `summary` and `sport` count only when it outranks the activity's values.
    """
    normalized = NormalizedActivity(  # the activity's own sport, so the duplicate search finds it
        sport=sport if activity.sport == Sport.OTHER else Sport(activity.sport),
        sub_sport=activity.sub_sport,
        started_at=activity.started_at,
        streams=Streams.empty(),
        summary=summary or Summary(),
        name=name,
        description=description,
    )
    return activity_ingest(
        athlete=activity.athlete, normalized=normalized, source=source, session_index=session_index
    )
