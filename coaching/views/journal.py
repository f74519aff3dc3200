"""Pages and partials of the athlete's journal: RPE/feel/notes, the home page's RPE prompt,
comment threads, links between activities and planned sessions, the unlinked list and the
private calendar feed.

Access (DESIGN §5): the athlete is looked up through the one door first (404 out of scope);
writes need edit rights (the athlete, or a coach with edit or full rights: 403 for a view-only
coach). The calendar feed page is the athlete's alone: their coaches get 403 (the private URL
is the athlete's secret; coaches see the plan in the planner), everyone else 404. The feed
itself (`calendar/<token>.ics`) is public to whoever holds the token.
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from activities.models import Activity
from activities.services.journal import activity_journal_update
from athletes.models import Athlete, User
from athletes.selectors.athletes import athlete_can_edit, athlete_get, athlete_get_for_edit
from coaching.forms_journal import CommentForm, QuickLogForm
from coaching.models import Comment, Link, PlannedSession
from coaching.panels import JOURNAL, journal_form, journal_labels
from coaching.selectors.comments import (
    comment_thread,
    thread_target,
    unread_comment_count,
    unread_threads,
)
from coaching.selectors.journal import (
    calendar_feed_find,
    calendar_feed_token,
    rpe_prompt_list,
)
from coaching.selectors.unlinked import unlinked_list
from coaching.services.comments import comment_add, comment_delete, thread_mark_read
from coaching.services.feeds import calendar_feed_events, calendar_feed_regenerate
from coaching.services.linking import link_manual, link_remove
from core.http import is_partial, redirect_back

PROMPT = "coaching/partials/_rpe_prompt.html"
THREAD = "coaching/partials/_comment_thread.html"
PROMPT_ROWS = 5  # the newest ones; the next shows up as each is logged


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # logged in: @login_required


def _activity(viewer: User, athlete: Athlete, activity_id: int) -> Activity:
    return get_object_or_404(
        Activity.objects.visible_to(viewer).filter(athlete=athlete), id=activity_id
    )


# --- the journal card of the activity page ------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def activity_journal(request: HttpRequest, athlete_id: int, activity_id: int) -> HttpResponse:
    """The journal card of an activity (GET); its htmx form saves RPE, feel and notes (POST)."""
    user = _user(request)
    if request.method == "POST":
        athlete = athlete_get_for_edit(viewer=user, athlete_id=athlete_id)
    else:
        athlete = athlete_get(viewer=user, athlete_id=athlete_id)
    activity = _activity(user, athlete, activity_id)
    can_log = athlete_can_edit(viewer=user, athlete=athlete)
    data = request.POST if request.method == "POST" else None
    form = journal_form(activity, data) if can_log else None
    saved = False
    if form is not None and form.is_bound and form.is_valid():
        activity_journal_update(activity=activity, by=user, **form.cleaned_data)
        if not is_partial(request):
            return redirect("activity_detail", athlete.id, activity.id)
        form, saved = journal_form(activity), True
    context = {"athlete": athlete, "activity": activity, "can_log": can_log, "saved": saved}
    context |= {"journal_form": form, "journal_labels": journal_labels(activity)}
    return render(request, JOURNAL, context)


# --- the home page's RPE prompt ------------------------------------------------------------------


def _prompt(request: HttpRequest, athlete: Athlete, **extra: Any) -> HttpResponse:
    user = _user(request)
    waiting = list(rpe_prompt_list(athlete=athlete, today=athlete.local_today()))
    context = {
        "athlete": athlete,
        "prompt": waiting[:PROMPT_ROWS],
        "prompt_total": len(waiting),
        "prompt_more": max(0, len(waiting) - PROMPT_ROWS),
        "can_log": athlete_can_edit(viewer=user, athlete=athlete),
        "quick_form": QuickLogForm(),
        **extra,
    }
    return render(request, PROMPT, context)


@login_required
@require_GET
def rpe_prompt(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """Recent activities (14 days) still without an RPE, each with a quick RPE/feel form."""
    return _prompt(request, athlete_get(viewer=_user(request), athlete_id=athlete_id))


@login_required
@require_POST
def rpe_prompt_log(request: HttpRequest, athlete_id: int, activity_id: int) -> HttpResponse:
    """Log RPE and feel from the prompt; the prompt comes back without that activity."""
    user = _user(request)
    athlete = athlete_get_for_edit(viewer=user, athlete_id=athlete_id)
    activity = _activity(user, athlete, activity_id)
    form = QuickLogForm(request.POST)
    if not form.is_valid():
        return _prompt(request, athlete, failed_id=activity.id)
    rpe, feel = form.cleaned_data["rpe"], form.cleaned_data["feel"]
    activity_journal_update(activity=activity, by=user, rpe=rpe, feel=feel, notes=activity.notes)
    return _prompt(request, athlete, logged=activity)


# --- comments ------------------------------------------------------------------------------------


def _thread_page(
    request: HttpRequest, athlete: Athlete, target: PlannedSession | Activity, **extra: Any
) -> HttpResponse:
    thread = comment_thread(viewer=_user(request), target=target)
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
    request: HttpRequest, athlete_id: int, kind: str, object_id: int
) -> HttpResponse:
    """A thread as a partial (GET); POST adds a comment (the athlete and edit coaches)."""
    user = _user(request)
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
    request: HttpRequest, athlete_id: int, kind: str, object_id: int
) -> HttpResponse:
    """Mark the thread read up to the newest comment the viewer was shown (`until`, ISO)."""
    user = _user(request)
    athlete = athlete_get(viewer=user, athlete_id=athlete_id)
    target = thread_target(viewer=user, athlete=athlete, kind=kind, object_id=object_id)
    shown = parse_datetime(request.POST.get("until", "")) if request.POST.get("until") else None
    until = min(shown, timezone.now()) if shown is not None and shown.tzinfo else None
    session, activity = _sides(target)
    thread_mark_read(user=user, session=session, activity=activity, until=until)
    return HttpResponse(status=204)


@login_required
@require_POST
def comment_delete_view(request: HttpRequest, athlete_id: int, comment_id: int) -> HttpResponse:
    """Delete one's own comment; the thread comes back."""
    user = _user(request)
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
def comment_inbox(request: HttpRequest) -> HttpResponse:
    """The threads with comments the user has not read, newest first, each shown inline."""
    threads = unread_threads(user=_user(request))
    return render(request, "coaching/comment_inbox.html", {"threads": threads})


@login_required
@require_GET
def comment_unread_badge(request: HttpRequest) -> HttpResponse:
    """The navigation's unread-comments link (empty without unread comments)."""
    count = unread_comment_count(user=_user(request))
    return render(request, "coaching/partials/_comment_badge.html", {"unread_count": count})


# --- links ---------------------------------------------------------------------------------------


@login_required
@require_POST
def link_create(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """Link an activity to a planned session by hand (locked against the auto-linker)."""
    user = _user(request)
    athlete = athlete_get_for_edit(viewer=user, athlete_id=athlete_id)
    activity = _activity(user, athlete, _int(request.POST.get("activity")))
    sessions = PlannedSession.objects.visible_to(user).filter(athlete=athlete)
    session = get_object_or_404(sessions, id=_int(request.POST.get("session")))
    link_manual(session=session, activity=activity, by=user)
    return redirect_back(request, reverse("activity_detail", args=[athlete.id, activity.id]))


@login_required
@require_POST
def link_remove_view(request: HttpRequest, athlete_id: int, link_id: int) -> HttpResponse:
    """Unlink an activity from its session (the pair is refused to the auto-linker)."""
    user = _user(request)
    athlete = athlete_get_for_edit(viewer=user, athlete_id=athlete_id)
    link = get_object_or_404(Link.objects.editable_by(user).filter(athlete=athlete), id=link_id)
    activity_id = link.activity_id
    link_remove(link=link, by=user)
    return redirect_back(request, reverse("activity_detail", args=[athlete.id, activity_id]))


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Http404 from None


@login_required
@require_GET
def unlinked(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """Activities without a session and missed sessions of the last 8 weeks."""
    user = _user(request)
    athlete = athlete_get(viewer=user, athlete_id=athlete_id)
    context = {
        "athlete": athlete,
        "unlinked": unlinked_list(viewer=user, athlete=athlete, today=athlete.local_today()),
        "can_edit": athlete_can_edit(viewer=user, athlete=athlete),
        "units": athlete.units,
    }
    return render(request, "coaching/unlinked.html", context)


# --- the calendar feed ---------------------------------------------------------------------------


def _own_athlete(user: User, athlete_id: int) -> Athlete:
    """The athlete when it is the user themself; 403 for their coaches, 404 for others."""
    athlete = athlete_get(viewer=user, athlete_id=athlete_id)
    if athlete.user_id != user.id:
        raise PermissionDenied
    return athlete


def feed_url(request: HttpRequest, token: str) -> str:
    """The absolute feed URL; https unless the site runs in DEBUG over plain http."""
    url = request.build_absolute_uri(reverse("calendar_feed_ics", args=[token]))
    if url.startswith("http://") and not settings.DEBUG:
        url = "https://" + url.removeprefix("http://")
    return url


@login_required
@require_GET
def calendar_feed(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """The athlete's private calendar URL, to copy into a calendar app, and "regenerate"."""
    athlete = _own_athlete(_user(request), athlete_id)
    token = calendar_feed_token(athlete=athlete)
    url = feed_url(request, token) if token else None
    context = {"athlete": athlete, "feed_url": url}
    if url:
        context["webcal_url"] = "webcal://" + url.split("://", 1)[1]
    return render(request, "coaching/calendar_feed.html", context)


@login_required
@require_POST
def calendar_feed_regenerate_view(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """A new private URL; the previous one stops working."""
    user = _user(request)
    athlete = _own_athlete(user, athlete_id)
    had_one = calendar_feed_token(athlete=athlete) is not None
    calendar_feed_regenerate(athlete=athlete)
    if had_one:
        messages.success(request, _("New calendar URL created. The previous one no longer works."))
    else:
        messages.success(request, _("Your calendar URL is ready: add it to your calendar app."))
    return redirect("calendar_feed", athlete.id)


@require_GET
def calendar_feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The feed (text/calendar) for whoever holds the token; 404 for an unknown token."""
    feed = calendar_feed_find(token=token)
    if feed is None:
        raise Http404
    body = calendar_feed_events(athlete=feed.athlete, today=feed.athlete.local_today())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="paceline.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
