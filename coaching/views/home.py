"""The athlete's home: what to do today, how yesterday went, this week, Form and wellness at a
glance, the next race. Only the viewer's own data: the page has no athlete in its address and
is 404 for someone without an athlete profile. Its RPE form logs through the journal's service
(`activity_journal_update`) and answers with the RPE block again under htmx."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from activities.models import Activity
from activities.selectors import activity_of
from activities.services.journal import activity_journal_update
from analytics.display.glance import form_glance, wellness_glance
from athletes.models import Athlete, User
from athletes.selectors.athletes import athlete_own
from coaching.forms.journal import QuickLogForm
from coaching.selectors.home import home_plan, rpe_waiting
from core.http import Request, is_partial

RPE_BLOCK = "coaching/partials/_home_rpe.html"


@login_required
@require_GET
def athlete_home(request: Request[User]) -> HttpResponse:
    """Today's sessions, yesterday, the week strip, Form and wellness, the next race."""
    user = request.user
    athlete = athlete_own(viewer=user)
    today = athlete.local_today()
    context = {
        "athlete": athlete,
        "home": home_plan(viewer=user, athlete=athlete, today=today),
        "glance": form_glance(viewer=user, athlete=athlete, today=today),
        "wellness": wellness_glance(viewer=user, athlete=athlete, today=today),
        "quick_form": QuickLogForm(),
        "units": athlete.units,
    }
    return render(request, "coaching/home.html", context)


@login_required
@require_POST
def athlete_home_rpe(request: Request[User], activity_id: int) -> HttpResponse:
    """Log RPE and feel of one of the viewer's recent activities from the home page."""
    user = request.user
    athlete = athlete_own(viewer=user)
    activity = activity_of(viewer=user, athlete=athlete, activity_id=activity_id)
    logged = _log(QuickLogForm(request.POST), activity=activity, by=user)
    if is_partial(request):
        extra = {"logged": activity} if logged else {"failed_id": activity.id}
        return _rpe_block(request, athlete, **extra)
    if not logged:
        messages.error(request, _("Choose how hard the session was."))
    return redirect("athlete_home")


def _log(form: QuickLogForm, *, activity: Activity, by: User) -> bool:
    """Save the form's RPE and feel through the journal's service; False when invalid."""
    if not form.is_valid():
        return False
    rpe, feel = form.cleaned_data["rpe"], form.cleaned_data["feel"]
    activity_journal_update(activity=activity, by=by, rpe=rpe, feel=feel, notes=activity.notes)
    return True


def _rpe_block(request: Request[User], athlete: Athlete, **extra: Any) -> HttpResponse:
    waiting = rpe_waiting(viewer=request.user, athlete=athlete, today=athlete.local_today())
    context = {"athlete": athlete, "waiting": waiting, "quick_form": QuickLogForm(), **extra}
    return render(request, RPE_BLOCK, context)
