"""Links between activities and planned sessions made or removed by hand, and the list of
activities without a session. Access through the one door first; writes need plan rights."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from activities.selectors import activity_of
from athletes.models import User
from athletes.selectors.athletes import athlete_can_edit, athlete_get, athlete_get_for_edit
from coaching.models import Link, PlannedSession
from coaching.selectors.unlinked import unlinked_list
from coaching.services.linking import link_manual, link_remove
from core.http import Request, redirect_back


@login_required
@require_POST
def link_create(request: Request[User], athlete_id: int) -> HttpResponse:
    """Link an activity to a planned session by hand (locked against the auto-linker)."""
    user = request.user
    athlete = athlete_get_for_edit(viewer=user, athlete_id=athlete_id)
    activity = activity_of(
        viewer=user, athlete=athlete, activity_id=_int(request.POST.get("activity"))
    )
    sessions = PlannedSession.objects.visible_to(user).filter(athlete=athlete)
    session = get_object_or_404(sessions, id=_int(request.POST.get("session")))
    link_manual(session=session, activity=activity, by=user)
    return redirect_back(request, reverse("activity_detail", args=[athlete.id, activity.id]))


@login_required
@require_POST
def link_remove_view(request: Request[User], athlete_id: int, link_id: int) -> HttpResponse:
    """Unlink an activity from its session (the pair is refused to the auto-linker)."""
    user = request.user
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
def unlinked(request: Request[User], athlete_id: int) -> HttpResponse:
    """Activities without a session and missed sessions of the last 8 weeks."""
    user = request.user
    athlete = athlete_get(viewer=user, athlete_id=athlete_id)
    context = {
        "athlete": athlete,
        "unlinked": unlinked_list(viewer=user, athlete=athlete, today=athlete.local_today()),
        "can_edit": athlete_can_edit(viewer=user, athlete=athlete),
        "units": athlete.units,
    }
    return render(request, "coaching/unlinked.html", context)
