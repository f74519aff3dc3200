"""Reads of comment threads and unread counts, scoped through the one door.

A comment is unread for a user when someone else wrote it after the user's read mark of its
thread (`CommentRead.read_at`), or the user has no read mark there. Comments on draft sessions
count only for those who may see drafts (`PlannedSession.objects.visible_to`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from activities.models import Activity
from athletes.models import Athlete, User
from coaching.models import Comment, CommentRead, PlannedSession

ThreadKind = Literal["session", "activity"]
THREAD_KINDS: tuple[ThreadKind, ...] = ("session", "activity")
INBOX_LIMIT = 30


@dataclass(frozen=True, slots=True)
class ThreadComment:
    """One comment as the viewer sees it: unread (by someone else, after their read mark) and
    whether it is theirs (only the author may delete)."""

    comment: Comment
    unread: bool
    mine: bool


@dataclass(frozen=True, slots=True)
class Thread:
    """A session's or an activity's comments, oldest first, for one viewer. `last_at` is the
    newest comment's time (the viewer has read up to it once the thread is shown)."""

    kind: ThreadKind
    object_id: int
    athlete_id: int
    comments: list[ThreadComment]
    can_comment: bool
    unread: int
    last_at: dt.datetime | None


def thread_target(
    *, viewer: User, athlete: Athlete, kind: str, object_id: int
) -> PlannedSession | Activity:
    """The session (shown to the viewer: no drafts for the athlete) or activity of the
    athlete whose thread this is; 404 when out of the viewer's scope or an unknown kind."""
    if kind == "session":
        sessions = PlannedSession.objects.visible_to(viewer).filter(athlete=athlete)
        return get_object_or_404(sessions, id=object_id)
    if kind == "activity":
        activities = Activity.objects.visible_to(viewer).filter(athlete=athlete)
        return get_object_or_404(activities, id=object_id)
    raise Http404


def _thread_filter(target: PlannedSession | Activity) -> dict[str, PlannedSession | Activity]:
    return {"session": target} if isinstance(target, PlannedSession) else {"activity": target}


def comment_thread(
    *, viewer: User, target: PlannedSession | Activity, can_comment: bool | None = None
) -> Thread:
    """The thread of `target` for `viewer` (who may see it: the caller checked). Two queries,
    three when `can_comment` is not given."""
    lookup = _thread_filter(target)
    comments = list(Comment.objects.filter(**lookup).select_related("author"))
    mark = CommentRead.objects.filter(user=viewer, **lookup).values_list("read_at", flat=True)
    read_at = mark.first()
    if can_comment is None:
        can_comment = Athlete.objects.editable_by(viewer).filter(id=target.athlete_id).exists()
    rows = [
        ThreadComment(
            comment=c,
            unread=c.author_id != viewer.id and (read_at is None or c.created_at > read_at),
            mine=c.author_id == viewer.id,
        )
        for c in comments
    ]
    return Thread(
        kind="session" if isinstance(target, PlannedSession) else "activity",
        object_id=target.id,
        athlete_id=target.athlete_id,
        comments=rows,
        can_comment=can_comment,
        unread=sum(row.unread for row in rows),
        last_at=comments[-1].created_at if comments else None,
    )


def unread_comments(*, user: User) -> QuerySet[Comment]:
    """Every comment the user has not read yet, in threads they may see."""
    session_mark = CommentRead.objects.filter(user=user, session=OuterRef("session_id"))
    activity_mark = CommentRead.objects.filter(user=user, activity=OuterRef("activity_id"))
    shown_sessions = PlannedSession.objects.visible_to(user).values("id")
    return (
        Comment.objects.visible_to(user)
        .exclude(author=user)
        .filter(Q(session__isnull=True) | Q(session__in=shown_sessions))
        .annotate(
            read_at=Coalesce(
                Subquery(session_mark.values("read_at")[:1]),
                Subquery(activity_mark.values("read_at")[:1]),
            )
        )
        .filter(Q(read_at__isnull=True) | Q(created_at__gt=F("read_at")))
    )


def unread_comment_count(*, user: User) -> int:
    """How many comments the user has not read, over every thread they may see (one query)."""
    if not user.is_authenticated:
        return 0
    return unread_comments(user=user).count()


def unread_counts(
    *, user: User, session_ids: Iterable[int] = (), activity_ids: Iterable[int] = ()
) -> dict[tuple[ThreadKind, int], int]:
    """Unread comments per thread among these sessions and activities, keyed by
    ("session" | "activity", id); threads without unread comments are left out. One query."""
    sessions, activities = list(session_ids), list(activity_ids)
    if not sessions and not activities:
        return {}
    rows = (
        unread_comments(user=user)
        .filter(Q(session_id__in=sessions) | Q(activity_id__in=activities))
        .values_list("session_id", "activity_id")
    )
    return dict(Counter(_key(session_id, activity_id) for session_id, activity_id in rows))


def _key(session_id: int | None, activity_id: int | None) -> tuple[ThreadKind, int]:
    if session_id is not None:
        return ("session", session_id)
    assert activity_id is not None
    return ("activity", activity_id)


@dataclass(frozen=True, slots=True)
class UnreadThread:
    """A thread with comments the user has not read: its session or activity, the count,
    and when the newest of them was written."""

    athlete: Athlete
    target: PlannedSession | Activity
    kind: ThreadKind
    unread: int
    last_at: dt.datetime


def unread_threads(*, user: User, limit: int = INBOX_LIMIT) -> list[UnreadThread]:
    """The threads with unread comments, the most recent first (at most `limit`). Three
    queries whatever the number of threads."""
    rows = list(unread_comments(user=user).values_list("session_id", "activity_id", "created_at"))
    counts: Counter[tuple[ThreadKind, int]] = Counter()
    latest: dict[tuple[ThreadKind, int], dt.datetime] = {}
    for session_id, activity_id, created_at in rows:
        key = _key(session_id, activity_id)
        counts[key] += 1
        latest[key] = max(latest.get(key, created_at), created_at)
    keys = sorted(latest, key=lambda k: latest[k], reverse=True)[:limit]
    targets = _targets(keys)
    return [
        UnreadThread(targets[key].athlete, targets[key], key[0], counts[key], latest[key])
        for key in keys
        if key in targets
    ]


def _targets(
    keys: list[tuple[ThreadKind, int]],
) -> dict[tuple[ThreadKind, int], PlannedSession | Activity]:
    ids = {kind: [i for k, i in keys if k == kind] for kind in THREAD_KINDS}
    found: dict[tuple[ThreadKind, int], PlannedSession | Activity] = {}
    sessions = PlannedSession.objects.filter(id__in=ids["session"])
    for session in sessions.select_related("athlete__user"):
        found[("session", session.id)] = session
    activities = Activity.objects.filter(id__in=ids["activity"])
    for activity in activities.select_related("athlete__user"):
        found[("activity", activity.id)] = activity
    return found
