"""Comment threads on planned sessions and activities (coach ↔ athlete), and read marks.

Who may write: the athlete and their current coaches with edit rights (`editable_by`);
view-only coaches read. A thread is one session's or one activity's comments; a user's
`CommentRead.read_at` tells which comments of others they have not seen yet.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from activities.models import Activity
from athletes.models import Athlete, User
from coaching.models import Comment, CommentRead, PlannedSession

BODY_MAX_CHARS = 4000


def _target_athlete_id(session: PlannedSession | None, activity: Activity | None) -> int:
    if (session is None) == (activity is None):
        raise ValueError("a thread is a session's or an activity's, exactly one")
    owner = session if session is not None else activity
    assert owner is not None
    return owner.athlete_id


def comment_add(
    *,
    author: User,
    body: str,
    session: PlannedSession | None = None,
    activity: Activity | None = None,
) -> Comment:
    """Add a comment to a session's or an activity's thread; the author has read the thread
    up to their own comment. Raises PermissionDenied for someone who may not comment, and
    ValueError for an empty or too long body."""
    athlete_id = _target_athlete_id(session, activity)
    text = body.strip()
    if not text or len(text) > BODY_MAX_CHARS:
        raise ValueError(f"a comment has 1 to {BODY_MAX_CHARS} characters")
    if not Athlete.objects.editable_by(author).filter(id=athlete_id).exists():
        raise PermissionDenied
    with transaction.atomic():
        comment = Comment.objects.create(
            athlete_id=athlete_id, author=author, session=session, activity=activity, body=text
        )
        thread_mark_read(user=author, session=session, activity=activity, until=comment.created_at)
    return comment


def comment_delete(*, comment: Comment, by: User) -> None:
    """Delete a comment: only its author may (PermissionDenied otherwise)."""
    if comment.author_id is None or comment.author_id != by.id:
        raise PermissionDenied
    comment.delete()


def thread_mark_read(
    *,
    user: User,
    session: PlannedSession | None = None,
    activity: Activity | None = None,
    until: dt.datetime | None = None,
) -> None:
    """The user has read the thread up to `until` (default: now). A read mark only moves
    forward, so a late request never marks newer comments unread again."""
    _target_athlete_id(session, activity)
    until = until or timezone.now()
    lookup = {"session": session} if session is not None else {"activity": activity}
    with transaction.atomic():
        mark, created = CommentRead.objects.select_for_update().get_or_create(
            user=user, **lookup, defaults={"read_at": until}
        )
        if not created and mark.read_at < until:
            mark.read_at = until
            mark.save(update_fields=["read_at"])
