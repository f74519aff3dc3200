"""The "unlinked" list of an athlete: activities of the last 8 weeks without a planned session,
and past planned sessions without an activity (missed), each with what it could be linked to
(the other kind, unlinked, on the same day ±1). Three queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from activities.models import Activity
from athletes.models import Athlete, User
from coaching.models import PlannedSession, SessionType

WINDOW_WEEKS = 8
NEAR_DAYS = 1


@dataclass(frozen=True, slots=True)
class UnlinkedActivity:
    activity: Activity
    candidates: list[PlannedSession]


@dataclass(frozen=True, slots=True)
class MissedSession:
    session: PlannedSession
    candidates: list[Activity]


@dataclass(frozen=True, slots=True)
class Unlinked:
    """Unlinked activities (newest first) and missed sessions (latest first) since `first`."""

    first: dt.date
    activities: list[UnlinkedActivity]
    missed: list[MissedSession]


def unlinked_list(*, viewer: User, athlete: Athlete, today: dt.date) -> Unlinked:
    """What has no link in the last 8 weeks up to `today` (sessions: before `today`, published,
    not rest days). Candidates reach one day beyond the window on each side."""
    first = today - dt.timedelta(weeks=WINDOW_WEEKS)
    near = dt.timedelta(days=NEAR_DAYS)
    activities = list(
        Activity.objects.visible_to(viewer)
        .filter(athlete=athlete, link__isnull=True, day__range=(first - near, today))
        .order_by("-started_at", "-id")
    )
    sessions = list(
        PlannedSession.objects.visible_to(viewer)
        .filter(athlete=athlete, hidden=False, link__isnull=True)
        .filter(day__range=(first - near, today + near))
        .exclude(session_type=SessionType.REST)
        .order_by("-day", "order", "id")
    )
    sessions_by_day = _by_day(sessions)
    activities_by_day = _by_day(activities)
    return Unlinked(
        first=first,
        activities=[
            UnlinkedActivity(a, _near(sessions_by_day, a.day)) for a in activities if a.day >= first
        ],
        missed=[
            MissedSession(s, _near(activities_by_day, s.day))
            for s in sessions
            if first <= s.day < today
        ],
    )


def _by_day[T: (Activity, PlannedSession)](rows: Iterable[T]) -> dict[dt.date, list[T]]:
    grouped: defaultdict[dt.date, list[T]] = defaultdict(list)
    for row in rows:
        grouped[row.day].append(row)
    return grouped


def _near[T: (Activity, PlannedSession)](by_day: dict[dt.date, list[T]], day: dt.date) -> list[T]:
    """The rows of `day` first, then the day before and the day after."""
    offsets = (0, -NEAR_DAYS, NEAR_DAYS)
    return [row for offset in offsets for row in by_day.get(day + dt.timedelta(days=offset), [])]
