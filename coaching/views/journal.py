"""The athlete's journal: the RPE/feel/notes card of the activity page and the home page's RPE
prompt. The athlete is looked up through the one door first (404 out of scope); the journal is
the athlete's: only they write it, any coach who sees it gets 403 on a write (DESIGN)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from activities.selectors import activity_of
from activities.services.journal import activity_journal_update
from athletes.models import Athlete, User
from athletes.selectors.athletes import athlete_get, athlete_writes_journal
from coaching.forms.journal import QuickLogForm
from coaching.panels import JOURNAL, journal_form, journal_labels
from coaching.selectors.journal import (
    rpe_prompt_list,
)
from core.http import Request, is_partial

PROMPT = "coaching/partials/_rpe_prompt.html"
THREAD = "coaching/partials/_comment_thread.html"
PROMPT_ROWS = 5  # the newest ones; the next shows up as each is logged


# --- the journal card of the activity page ------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def activity_journal(request: Request[User], athlete_id: int, activity_id: int) -> HttpResponse:
    """The journal card of an activity (GET); its htmx form saves RPE, feel and notes (POST)."""
    user = request.user
    athlete = athlete_get(viewer=user, athlete_id=athlete_id)
    can_log = athlete_writes_journal(viewer=user, athlete=athlete)
    if request.method == "POST" and not can_log:
        raise PermissionDenied
    activity = activity_of(viewer=user, athlete=athlete, activity_id=activity_id)
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


def _prompt(request: Request[User], athlete: Athlete, **extra: Any) -> HttpResponse:
    user = request.user
    waiting = list(rpe_prompt_list(viewer=user, athlete=athlete, today=athlete.local_today()))
    context = {
        "athlete": athlete,
        "prompt": waiting[:PROMPT_ROWS],
        "prompt_total": len(waiting),
        "prompt_more": max(0, len(waiting) - PROMPT_ROWS),
        "can_log": athlete_writes_journal(viewer=user, athlete=athlete),
        "quick_form": QuickLogForm(),
        **extra,
    }
    return render(request, PROMPT, context)


@login_required
@require_GET
def rpe_prompt(request: Request[User], athlete_id: int) -> HttpResponse:
    """Recent activities (14 days) still without an RPE, each with a quick RPE/feel form."""
    return _prompt(request, athlete_get(viewer=request.user, athlete_id=athlete_id))


@login_required
@require_POST
def rpe_prompt_log(request: Request[User], athlete_id: int, activity_id: int) -> HttpResponse:
    """Log RPE and feel from the prompt; the prompt comes back without that activity."""
    user = request.user
    athlete = athlete_get(viewer=user, athlete_id=athlete_id)
    if not athlete_writes_journal(viewer=user, athlete=athlete):
        raise PermissionDenied
    activity = activity_of(viewer=user, athlete=athlete, activity_id=activity_id)
    form = QuickLogForm(request.POST)
    if not form.is_valid():
        return _prompt(request, athlete, failed_id=activity.id)
    rpe, feel = form.cleaned_data["rpe"], form.cleaned_data["feel"]
    activity_journal_update(activity=activity, by=user, rpe=rpe, feel=feel, notes=activity.notes)
    return _prompt(request, athlete, logged=activity)
