"""Comment threads on planned sessions and activities, their read marks, the inbox and the
unread badge. Access through the one door first (404 out of scope); commenting needs edit
rights (403 for a view-only coach)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from activities.models import Activity
from athletes.models import Athlete, User
from athletes.selectors.athletes import athlete_get, athlete_get_for_edit
from coaching.forms.journal import CommentForm
from coaching.models import Comment, PlannedSession
from coaching.selectors.comments import (
    comment_thread,
    thread_target,
    unread_comment_count,
    unread_threads,
)
from coaching.services.comments import comment_add, comment_delete, thread_mark_read
from core.http import Request

THREAD = "coaching/partials/_comment_thread.html"


def _thread_page(
    request: Request[User], athlete: Athlete, target: PlannedSession | Activity, **extra: Any
) -> HttpResponse:
    thread = comment_thread(viewer=request.user, target=target)
    context = {"athlete": athlete, "thread": thread, "comment_form": CommentForm(), **extra}
    key = "session" if isinstance(target, PlannedSession) else "activity"
    return render(request, THREAD, context | {key: target})


def _sides(target: PlannedSession | Activity) -> tuple[PlannedSession | None, Activity | None]:
    if isinstance(target, PlannedSession):
        return target, None
    return None, target


@login_required
@require_http_methods(["GET", "POST"])
def comment_thread_view(
    request: Request[User], athlete_id: int, kind: str, object_id: int
) -> HttpResponse:
    """A thread as a partial (GET); POST adds a comment (the athlete and edit coaches)."""
    user = request.user
    athlete = athlete_get(viewer=user, athlete_id=athlete_id)
    target = thread_target(viewer=user, athlete=athlete, kind=kind, object_id=object_id)
    if request.method != "POST":
        return _thread_page(request, athlete, target)
    athlete_get_for_edit(viewer=user, athlete_id=athlete_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _thread_page(request, athlete, target, comment_form=form)
    session, activity = _sides(target)
    comment_add(author=user, body=form.cleaned_data["body"], session=session, activity=activity)
    return _thread_page(request, athlete, target)


@login_required
@require_POST
def comment_thread_read(
    request: Request[User], athlete_id: int, kind: str, object_id: int
) -> HttpResponse:
    """Mark the thread read up to the newest comment the viewer was shown (`until`, ISO)."""
    user = request.user
    athlete = athlete_get(viewer=user, athlete_id=athlete_id)
    target = thread_target(viewer=user, athlete=athlete, kind=kind, object_id=object_id)
    shown = parse_datetime(request.POST.get("until", "")) if request.POST.get("until") else None
    until = min(shown, timezone.now()) if shown is not None and shown.tzinfo else None
    session, activity = _sides(target)
    thread_mark_read(user=user, session=session, activity=activity, until=until)
    return HttpResponse(status=204)


@login_required
@require_POST
def comment_delete_view(request: Request[User], athlete_id: int, comment_id: int) -> HttpResponse:
    """Delete one's own comment; the thread comes back."""
    user = request.user
    athlete = athlete_get(viewer=user, athlete_id=athlete_id)
    comment = get_object_or_404(
        Comment.objects.visible_to(user).filter(athlete=athlete), id=comment_id
    )
    target = comment.session or comment.activity
    assert target is not None
    comment_delete(comment=comment, by=user)
    return _thread_page(request, athlete, target)


@login_required
@require_GET
def comment_inbox(request: Request[User]) -> HttpResponse:
    """The threads with comments the user has not read, newest first, each shown inline."""
    threads = unread_threads(user=request.user)
    return render(request, "coaching/comment_inbox.html", {"threads": threads})


@login_required
@require_GET
def comment_unread_badge(request: Request[User]) -> HttpResponse:
    """The navigation's unread-comments link (empty without unread comments)."""
    count = unread_comment_count(user=request.user)
    return render(request, "coaching/partials/_comment_badge.html", {"unread_count": count})
