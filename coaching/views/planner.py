"""Pages of the weekly planner: the week grid, the month view, a day opened, and the writes
(add from a template or from scratch, edit, delete, move, paste, copy a week, publish drafts).

Reads look the athlete up through the one door (404 outside the viewer's scope); writes also
need planning rights (`athlete_get_for_plan`: 403 for a view-only coach and for the athlete of
a coach). Under htmx a write answers with the week grid re-rendered (and the dialog closes);
without JavaScript it redirects back to the week.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from athletes.models import SPORT_CHOICES, Athlete, User
from athletes.selectors.athletes import athlete_get
from coaching.forms.library import PlannedSessionForm, steps_text, workout_error_message
from coaching.forms.planner import (
    SessionMoveForm,
    SessionPasteForm,
    TemplateApplyForm,
    WeekCopyForm,
)
from coaching.models import PlannedSession, WeekCopy, WorkoutTemplate
from coaching.selectors.planner import (
    athlete_get_for_plan,
    parse_month,
    parse_week,
    plan_month,
    plan_week,
    planned_session_for_copy,
    planned_session_get,
    planner_athletes,
    planner_groups,
)
from coaching.selectors.planner_detail import plan_day, template_pick_list
from coaching.selectors.week_copy import undo_open, week_copy_for_undo, week_copy_preview
from coaching.services.sessions import (
    planned_session_copy,
    planned_session_create,
    planned_session_delete,
    planned_session_move,
    planned_session_update,
    template_apply,
    week_publish,
)
from coaching.services.week_copy import UndoUnavailableError, week_copy_apply, week_copy_undo
from coaching.workouts.tree import WorkoutError
from core.http import is_partial
from core.l10n import format_day
from core.units import format_duration, metres_per_distance_unit

WEEK_PARTIAL = "coaching/partials/_planner_week.html"

# --- helpers ----------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # every view is behind login_required


def _week(request: HttpRequest, athlete: Athlete) -> dt.date:
    """The Monday of the week the page shows (`week`, any day of it; default this week)."""
    data = request.POST if request.method == "POST" else request.GET
    return parse_week(data.get("week"), today=athlete.local_today())


def _week_url(athlete: Athlete, week_start: dt.date) -> str:
    return f"{reverse('planner', args=[athlete.id])}?week={week_start.isoformat()}"


def _week_response(
    request: HttpRequest,
    athlete: Athlete,
    week_start: dt.date,
    notice: str = "",
    undo: WeekCopy | None = None,
) -> HttpResponse:
    """After a write: the week grid for htmx (retargeted, the dialog closes), else back
    (with the undo of a week copy offered on the page)."""
    if not is_partial(request):
        query = f"&undo={undo.id}" if undo else ""
        return redirect(_week_url(athlete, week_start) + query)
    today = athlete.local_today()
    week = plan_week(viewer=request.user, athlete=athlete, week_start=week_start, today=today)
    context = {"athlete": athlete, "week": week, "units": athlete.units, "notice": notice}
    response = render(request, WEEK_PARTIAL, context | {"undo": undo})
    response["HX-Retarget"] = "#planner-week"
    response["HX-Reswap"] = "outerHTML"
    response["HX-Trigger"] = "planner-saved"
    return response


def _week_page(
    request: HttpRequest, athlete: Athlete, week_start: dt.date, notice: str, status: int
) -> HttpResponse:
    """A refusal on the week: its grid with the reason (htmx), else the planner page."""
    today = athlete.local_today()
    week = plan_week(viewer=request.user, athlete=athlete, week_start=week_start, today=today)
    context = {"athlete": athlete, "week": week, "units": athlete.units, "error": notice}
    template = WEEK_PARTIAL if is_partial(request) else "coaching/planner.html"
    return render(request, template, context, status=status)


def _panel(
    request: HttpRequest, partial: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """A dialog's content for htmx, or the same content on a page of its own."""
    context = context | {"dialog": is_partial(request), "partial": partial}
    template = partial if is_partial(request) else "coaching/planner_panel.html"
    return render(request, template, context, status=status)


def _submit(form: Form, action: Callable[[], object], field: str | None = None) -> bool:
    """Validate, run the service; a WorkoutError lands on `field` (the steps)."""
    if not form.is_valid():
        return False
    try:
        action()
    except WorkoutError as error:
        form.add_error(field, workout_error_message(error))
        return False
    return True


def _day_param(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Http404 from None


def _session(athlete: Athlete, session_id: int, *, drafts: bool = True) -> PlannedSession:
    try:
        return planned_session_get(athlete=athlete, session_id=session_id, drafts=drafts)
    except ObjectDoesNotExist:
        raise Http404 from None


# --- reads ------------------------------------------------------------------------------------


@login_required
@require_GET
def planner(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """The week grid (Monday to Sunday in the athlete's time zone)."""
    athlete = athlete_get(viewer=request.user, athlete_id=athlete_id)
    today = athlete.local_today()
    week_start = parse_week(request.GET.get("week"), today=today)
    week = plan_week(viewer=request.user, athlete=athlete, week_start=week_start, today=today)
    context = {"athlete": athlete, "week": week, "units": athlete.units}
    context["undo"] = _open_undo(request, athlete)
    return render(request, "coaching/planner.html", context)


def _open_undo(request: HttpRequest, athlete: Athlete) -> WeekCopy | None:
    """The week copy named by `?undo=` when the viewer may still undo it."""
    copy_id = request.GET.get("undo", "")
    if not copy_id.isdigit() or len(copy_id) > 18:
        return None
    copy = week_copy_for_undo(viewer=request.user, athlete=athlete, copy_id=int(copy_id))
    return copy if copy and undo_open(copy, now=timezone.now()) else None


@login_required
@require_GET
def planner_month(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """Calendar weeks of a month with session chips and weekly totals."""
    athlete = athlete_get(viewer=request.user, athlete_id=athlete_id)
    today = athlete.local_today()
    month = parse_month(request.GET.get("month"), today=today)
    plan = plan_month(viewer=request.user, athlete=athlete, month=month, today=today)
    context = {"athlete": athlete, "plan": plan, "units": athlete.units}
    return render(request, "coaching/planner_month.html", context)


@login_required
@require_GET
def planner_day(request: HttpRequest, athlete_id: int, day: str) -> HttpResponse:
    """A day card opened: sessions with their steps and profile, activities, goals."""
    athlete = athlete_get(viewer=request.user, athlete_id=athlete_id)
    detail = plan_day(
        viewer=request.user, athlete=athlete, day=_day_param(day), today=athlete.local_today()
    )
    context = {"athlete": athlete, "detail": detail, "units": athlete.units}
    return _panel(request, "coaching/partials/_day_detail.html", context)


@login_required
@require_GET
def planner_templates(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """Templates to plan from, filtered by the search box."""
    athlete = athlete_get_for_plan(viewer=request.user, athlete_id=athlete_id)
    templates = template_pick_list(viewer=request.user, search=request.GET.get("q", ""))
    context = {
        "athlete": athlete,
        "templates": templates,
        "day": request.GET.get("day", ""),
        "week_start": _week(request, athlete),
        "dialog": is_partial(request),
    }
    return render(request, "coaching/partials/_planner_templates.html", context)


# --- adding and editing -----------------------------------------------------------------------


def _session_form(athlete: Athlete, *args: Any, **kwargs: Any) -> PlannedSessionForm:
    form = PlannedSessionForm(*args, units=athlete.units, **kwargs)
    form.fields["sport"].choices = SPORT_CHOICES  # type: ignore[attr-defined]  # translated
    return form


def _add_panel(
    request: HttpRequest, athlete: Athlete, form: PlannedSessionForm, day: str
) -> HttpResponse:
    context = {
        "athlete": athlete,
        "form": form,
        "day": day,
        "week_start": _week(request, athlete),
        "templates": template_pick_list(viewer=request.user),
    }
    return _panel(request, "coaching/partials/_planner_add.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def planner_session_create(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """Add a session: from a template (the picker) or from scratch (the form)."""
    athlete = athlete_get_for_plan(viewer=request.user, athlete_id=athlete_id)
    if request.method == "GET":
        day = request.GET.get("day") or athlete.local_today().isoformat()
        return _add_panel(request, athlete, _session_form(athlete, initial={"day": day}), day)
    form = _session_form(athlete, request.POST)
    create = lambda: planned_session_create(  # noqa: E731
        athlete=athlete, by=_user(request), day=form.cleaned_data["day"], **form.session_fields()
    )
    if not _submit(form, create, "steps_text"):
        return _add_panel(request, athlete, form, request.POST.get("day", ""))
    return _week_response(request, athlete, _week(request, athlete))


def _edit_initial(session: PlannedSession, units: str) -> dict[str, Any]:
    per_unit = metres_per_distance_unit(units)
    return {
        "steps_text": steps_text(session.steps, session.sport),
        "duration_text": format_duration(session.duration_s) if session.duration_s else "",
        "distance_value": round(session.distance_m / per_unit, 3) if session.distance_m else None,
    }


def _edit_panel(
    request: HttpRequest, athlete: Athlete, session: PlannedSession, form: PlannedSessionForm
) -> HttpResponse:
    context = {
        "athlete": athlete,
        "session": session,
        "form": form,
        "week_start": _week(request, athlete),
    }
    return _panel(request, "coaching/partials/_planner_edit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def planner_session_edit(request: HttpRequest, athlete_id: int, session_id: int) -> HttpResponse:
    athlete = athlete_get_for_plan(viewer=request.user, athlete_id=athlete_id)
    session = _session(athlete, session_id)
    if request.method == "GET":
        initial = _edit_initial(session, athlete.units)
        form = _session_form(athlete, instance=session, initial=initial)
        return _edit_panel(request, athlete, session, form)
    form = _session_form(athlete, request.POST, instance=session)
    update = lambda: planned_session_update(  # noqa: E731
        session=session, by=_user(request), day=form.cleaned_data["day"], **form.session_fields()
    )
    if not _submit(form, update, "steps_text"):
        return _edit_panel(request, athlete, session, form)
    return _week_response(request, athlete, _week(request, athlete))


@login_required
@require_POST
def planner_session_delete(request: HttpRequest, athlete_id: int, session_id: int) -> HttpResponse:
    athlete = athlete_get_for_plan(viewer=request.user, athlete_id=athlete_id)
    planned_session_delete(session=_session(athlete, session_id))
    return _week_response(request, athlete, _week(request, athlete))


@login_required
@require_POST
def planner_session_move(request: HttpRequest, athlete_id: int, session_id: int) -> HttpResponse:
    """Drag and drop: to `day` at `position` among its sessions (none: last)."""
    athlete = athlete_get_for_plan(viewer=request.user, athlete_id=athlete_id)
    session = _session(athlete, session_id)
    form = SessionMoveForm(request.POST)
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400)
    data = form.cleaned_data
    planned_session_move(
        session=session, day=data["day"], position=data["position"], by=_user(request)
    )
    return _week_response(request, athlete, _week(request, athlete))


@login_required
@require_POST
def planner_session_paste(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """Paste a copied session (of any athlete the viewer plans for) onto a day."""
    athlete = athlete_get_for_plan(viewer=request.user, athlete_id=athlete_id)
    form = SessionPasteForm(request.POST)
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400)
    source = planned_session_for_copy(viewer=request.user, session_id=form.cleaned_data["session"])
    if source is None:
        raise Http404
    day = form.cleaned_data["day"]
    planned_session_copy(session=source, day=day, by=_user(request), athlete=athlete)
    return _week_response(request, athlete, _week(request, athlete))


@login_required
@require_POST
def planner_template_apply(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """Plan a template on a day (optionally as a draft)."""
    athlete = athlete_get_for_plan(viewer=request.user, athlete_id=athlete_id)
    templates = WorkoutTemplate.objects.usable_by(request.user)
    form = TemplateApplyForm(request.POST, templates=templates)
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400)
    data = form.cleaned_data
    template_apply(
        template=data["template"],
        athlete=athlete,
        day=data["day"],
        by=_user(request),
        hidden=data["hidden"],
    )
    return _week_response(request, athlete, _week(request, athlete))


# --- the whole week ---------------------------------------------------------------------------


def _copy_panel(
    request: HttpRequest, athlete: Athlete, week_start: dt.date, form: WeekCopyForm
) -> HttpResponse:
    context = {
        "athlete": athlete,
        "form": form,
        "week_start": week_start,
        "groups": planner_groups(viewer=request.user),
    }
    return _panel(request, "coaching/partials/_planner_copy.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def planner_week_copy(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """Copy the week to another week, for this athlete and/or others the viewer plans for:
    the form, then the preview of the target weeks' totals, then the copy (with its undo)."""
    athlete = athlete_get_for_plan(viewer=request.user, athlete_id=athlete_id)
    week_start, targets = _week(request, athlete), planner_athletes(viewer=request.user)
    if request.method == "GET":
        initial = {"to_week": week_start + dt.timedelta(days=7), "athletes": [athlete.id]}
        form = WeekCopyForm(initial=initial, athletes=targets)
        return _copy_panel(request, athlete, week_start, form)
    form = WeekCopyForm(request.POST, athletes=targets)
    if not form.is_valid():
        return _copy_panel(request, athlete, week_start, form)
    data = form.cleaned_data
    choice = {"to_week_start": data["to_week"], "to_athletes": list(data["athletes"])}
    if not data["confirm"]:
        previews = week_copy_preview(
            athlete=athlete, week_start=week_start, mode=data["mode"], **choice
        )
        context = {"athlete": athlete, "week_start": week_start, "data": data}
        context |= {"previews": previews, "units": athlete.units}
        return _panel(request, "coaching/partials/_planner_copy_preview.html", context)
    copy = week_copy_apply(
        athlete=athlete, week_start=week_start, mode=data["mode"], by=_user(request), **choice
    )
    notice = _copied(len(copy.added), data)
    return _week_response(request, athlete, week_start, notice, undo=copy)


def _copied(count: int, data: dict[str, Any]) -> str:
    text = ngettext(
        "%(count)d session copied to the week of %(week)s.",
        "%(count)d sessions copied to the week of %(week)s.",
        count,
    )
    return text % {"count": count, "week": format_day(data["to_week"], get_language())}


@login_required
@require_POST
def planner_week_copy_undo(request: HttpRequest, athlete_id: int, copy_id: int) -> HttpResponse:
    """Undo a week copy: only its coach, once, within the hour (else 409 and why)."""
    athlete = athlete_get_for_plan(viewer=request.user, athlete_id=athlete_id)
    copy = week_copy_for_undo(viewer=request.user, athlete=athlete, copy_id=copy_id)
    if copy is None:
        raise Http404
    try:
        week_copy_undo(copy=copy, now=timezone.now())
    except UndoUnavailableError:
        notice = _("This copy can no longer be undone: it was undone already, or over an hour ago.")
        return _week_page(request, athlete, copy.week_start, notice, status=409)
    return _week_response(request, athlete, copy.week_start, _("Copy undone."))


@login_required
@require_POST
def planner_week_publish(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """Publish the week's drafts: the athlete sees them from now on."""
    athlete = athlete_get_for_plan(viewer=request.user, athlete_id=athlete_id)
    week_start = _week(request, athlete)
    count = week_publish(athlete=athlete, week_start=week_start, by=_user(request))
    notice = ngettext("%(count)d draft published.", "%(count)d drafts published.", count)
    notice = notice % {"count": count} if count else _("Nothing to publish.")
    return _week_response(request, athlete, week_start, notice)
