"""Reads of a week copy: what the target weeks hold, which of their sessions a "replace" may
remove, the totals before → after shown before confirming, and the copy an undo refers to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from athletes.models import Athlete
from coaching.models import Comment, Link, PlannedSession, WeekCopy
from coaching.selectors.planner import WEEK_DAYS, Totals, sessions_totals
from coaching.services.estimates import planned_estimates_apply
from coaching.services.sessions import COPIED_FIELDS

UNDO_WINDOW = dt.timedelta(hours=1)


def week_sessions(*, athlete: Athlete, week_start: dt.date) -> QuerySet[PlannedSession]:
    """Every session of the week starting `week_start` (drafts included), in plan order."""
    last = week_start + dt.timedelta(days=WEEK_DAYS - 1)
    return PlannedSession.objects.filter(athlete=athlete, day__range=(week_start, last)).order_by(
        "day", "order", "id"
    )


def with_removable(sessions: QuerySet[PlannedSession]) -> QuerySet[PlannedSession]:
    """Annotate `removable`: a "replace" may remove a session (draft or published) unless it
    is linked to an activity or carries comments — those are kept."""
    linked = Link.objects.filter(session_id=OuterRef("pk"))
    discussed = Comment.objects.filter(session_id=OuterRef("pk"))
    return sessions.annotate(removable=~Q(Exists(linked)) & ~Q(Exists(discussed)))


@dataclass(frozen=True, slots=True)
class CopyPreview:
    """One target athlete's week before and after the copy (estimates: time, distance,
    load), and how many sessions a replace removes or keeps."""

    athlete: Athlete
    before: Totals
    after: Totals
    before_count: int
    after_count: int
    removed: int
    kept: int


def _copies(
    sources: list[PlannedSession], athlete: Athlete, shift: dt.timedelta
) -> list[PlannedSession]:
    """Unsaved copies for `athlete`, estimated with their thresholds (as the copy will be)."""
    copies = []
    for source in sources:
        copy = PlannedSession(athlete=athlete, day=source.day + shift)
        for name in COPIED_FIELDS:
            setattr(copy, name, getattr(source, name))
        planned_estimates_apply(session=copy)
        copies.append(copy)
    return copies


def week_copy_preview(
    *,
    athlete: Athlete,
    week_start: dt.date,
    to_week_start: dt.date,
    to_athletes: Iterable[Athlete],
    mode: str,
) -> list[CopyPreview]:
    """For each target athlete, the target week's totals before → after the copy."""
    sources = list(week_sessions(athlete=athlete, week_start=week_start))
    shift = to_week_start - week_start
    previews = []
    for target in to_athletes:
        existing = list(with_removable(week_sessions(athlete=target, week_start=to_week_start)))
        replace = mode == WeekCopy.Mode.REPLACE
        staying = [s for s in existing if not (replace and s.removable)]  # type: ignore[attr-defined]
        after = staying + _copies(sources, target, shift)
        previews.append(
            CopyPreview(
                athlete=target,
                before=sessions_totals(existing),
                after=sessions_totals(after),
                before_count=len(existing),
                after_count=len(after),
                removed=len(existing) - len(staying),
                kept=len(staying) if replace else 0,
            )
        )
    return previews


def week_copy_for_undo(*, viewer: Any, athlete: Athlete, copy_id: int) -> WeekCopy | None:
    """The copy `viewer` made from this athlete's plan (undone or not, any age); None when
    it is someone else's or does not exist."""
    return WeekCopy.objects.filter(id=copy_id, coach=viewer, athlete=athlete).first()


def undo_open(copy: WeekCopy, *, now: dt.datetime) -> bool:
    """Whether the copy can still be undone: not undone yet and within UNDO_WINDOW."""
    return copy.undone_at is None and now - copy.created_at <= UNDO_WINDOW
