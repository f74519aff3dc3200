"""The private calendar feed of the plan. The feed page is the athlete's alone: their coaches
get 403 (the private URL is the athlete's secret; coaches see the plan in the planner),
everyone else 404. The feed itself (`calendar/<token>.ics`) is public to whoever holds the
token."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from athletes.models import Athlete, User
from athletes.selectors.athletes import athlete_get
from coaching.selectors.journal import (
    calendar_feed_find,
    calendar_feed_token,
)
from coaching.services.feeds import calendar_feed_events, calendar_feed_regenerate
from core.http import Request


def _own_athlete(user: User, athlete_id: int) -> Athlete:
    """The athlete when it is the user themself; 403 for their coaches, 404 for others."""
    athlete = athlete_get(viewer=user, athlete_id=athlete_id)
    if athlete.user_id != user.id:
        raise PermissionDenied
    return athlete


def feed_url(request: Request[User], token: str) -> str:
    """The absolute feed URL; https unless the site runs in DEBUG over plain http."""
    url = request.build_absolute_uri(reverse("calendar_feed_ics", args=[token]))
    if url.startswith("http://") and not settings.DEBUG:
        url = "https://" + url.removeprefix("http://")
    return url


@login_required
@require_GET
def calendar_feed(request: Request[User], athlete_id: int) -> HttpResponse:
    """The athlete's private calendar URL, to copy into a calendar app, and "regenerate"."""
    athlete = _own_athlete(request.user, athlete_id)
    token = calendar_feed_token(athlete=athlete)
    url = feed_url(request, token) if token else None
    context = {"athlete": athlete, "feed_url": url}
    if url:
        context["webcal_url"] = "webcal://" + url.split("://", 1)[1]
    return render(request, "coaching/calendar_feed.html", context)


@login_required
@require_POST
def calendar_feed_regenerate_view(request: Request[User], athlete_id: int) -> HttpResponse:
    """A new private URL; the previous one stops working."""
    user = request.user
    athlete = _own_athlete(user, athlete_id)
    had_one = calendar_feed_token(athlete=athlete) is not None
    calendar_feed_regenerate(athlete=athlete)
    if had_one:
        messages.success(request, _("New calendar URL created. The previous one no longer works."))
    else:
        messages.success(request, _("Your calendar URL is ready: add it to your calendar app."))
    return redirect("calendar_feed", athlete.id)


@require_GET
def calendar_feed_ics(request: Request[User], token: str) -> HttpResponse:
    """The feed (text/calendar) for whoever holds the token; 404 for an unknown token."""
    feed = calendar_feed_find(token=token)
    if feed is None:
        raise Http404
    body = calendar_feed_events(athlete=feed.athlete, today=feed.athlete.local_today())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="paceline.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
