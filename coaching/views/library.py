"""Pages of the workout library (list, create, read, edit, delete, duplicate, plan a template),
the workout editor's endpoints (live preview, list → text) and the FIT workout downloads.

Templates: the owner edits and deletes; users a template is shared with (its groups' members)
read, plan and download it (403 on changes); anyone else gets 404.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from athletes.models import SPORT_CHOICES, Athlete, User
from athletes.selectors.athletes import athlete_get
from coaching.display.workout import workout_view
from coaching.forms.library import WorkoutTemplateForm, steps_text, workout_error_message
from coaching.models import SessionType, WorkoutTemplate
from coaching.selectors import library as selectors
from coaching.selectors.context import workout_thresholds
from coaching.selectors.planner import athlete_get_for_plan, planner_athletes
from coaching.services import templates as services
from coaching.services.sessions import template_apply
from coaching.workouts.fit_export import workout_fit
from coaching.workouts.text import format_workout, parse
from coaching.workouts.tree import (
    AthleteThresholds,
    Workout,
    WorkoutError,
    from_data,
    stored_workout,
    to_data,
)
from core.l10n import format_day

SPORTS = {value for value, _label in SPORT_CHOICES}
TEXT_MAX = 4000
QUERY_MAX = 100
FIT_TYPE = "application/vnd.ant.fit"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # behind login_required


def _units(request: HttpRequest) -> str:
    """The viewer's display units (metric without an athlete profile)."""
    units = Athlete.objects.filter(user=_user(request)).values_list("units", flat=True)
    return units.first() or Athlete.Units.METRIC


# --- list --------------------------------------------------------------------------------------


def _filters(request: HttpRequest) -> dict[str, str]:
    """Search and filters from the query string; unknown choices are ignored."""
    get = request.GET
    sport, session_type = get.get("sport", ""), get.get("type", "")
    return {
        "query": get.get("q", "")[:QUERY_MAX],
        "sport": sport if sport in SPORTS else "",
        "session_type": session_type if session_type in SessionType.values else "",
        "tag": get.get("tag", "")[:30],
    }


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    """The user's templates and those shared with their groups, searched and filtered."""
    filters = _filters(request)
    context = {
        "rows": selectors.template_list(viewer=request.user, **filters),
        "tags": selectors.template_tags(viewer=request.user),
        "filters": filters,
        "filtered": any(filters.values()),
        "sports": SPORT_CHOICES,
        "session_types": SessionType.choices,
        "units": _units(request),
    }
    return render(request, "coaching/template_list.html", context)


# --- create, edit, delete, duplicate ----------------------------------------------------------


def _template_fields(form: WorkoutTemplateForm) -> dict[str, Any]:
    data = form.cleaned_data
    names = ("name", "sport", "session_type", "description", "steps", "duration_s", "distance_m")
    return {name: data[name] for name in names} | {
        "tags": data["tags_text"],
        "shared_with": data["shared_with"],
    }


def _save(form: WorkoutTemplateForm, request: HttpRequest, template: Any) -> Any:
    """Create (template None) or update from a valid form; None when the service refuses."""
    try:
        if template is None:
            return services.template_create(owner=_user(request), **_template_fields(form))
        return services.template_update(template=template, **_template_fields(form))
    except WorkoutError as error:
        form.add_error("steps_text", workout_error_message(error, form.data.get("steps_text", "")))
    except services.TemplateError as error:
        form.add_error("shared_with", str(error))
    return None


def _form_page(request: HttpRequest, form: WorkoutTemplateForm, template: Any) -> HttpResponse:
    context = {"form": form, "template": template}
    status = 422 if request.method == "POST" else 200
    return render(request, "coaching/template_form.html", context, status=status)


@login_required
def template_create(request: HttpRequest) -> HttpResponse:
    """A new template in the coach's library."""
    if not getattr(request.user, "is_coach", False):
        raise PermissionDenied
    form = WorkoutTemplateForm(request.POST or None, owner=_user(request), units=_units(request))
    if request.method == "POST" and form.is_valid():
        template = _save(form, request, None)
        if template is not None:
            messages.success(request, _("Template “%(name)s” saved.") % {"name": template.name})
            return redirect("template_detail", template_id=template.id)
    return _form_page(request, form, None)


@login_required
def template_edit(request: HttpRequest, template_id: int) -> HttpResponse:
    """Change one of the owner's templates."""
    template = selectors.template_get_for_edit(viewer=request.user, template_id=template_id)
    form = WorkoutTemplateForm(
        request.POST or None, instance=template, owner=_user(request), units=_units(request)
    )
    if request.method == "POST" and form.is_valid() and _save(form, request, template):
        messages.success(request, _("Template “%(name)s” saved.") % {"name": template.name})
        return redirect("template_detail", template_id=template.id)
    return _form_page(request, form, template)


@login_required
@require_POST
def template_delete(request: HttpRequest, template_id: int) -> HttpResponse:
    """Delete one of the owner's templates (sessions planned from it stay)."""
    template = selectors.template_get_for_edit(viewer=request.user, template_id=template_id)
    services.template_delete(template=template)
    messages.success(request, _("Template “%(name)s” deleted.") % {"name": template.name})
    return redirect("template_list")


@login_required
@require_POST
def template_duplicate(request: HttpRequest, template_id: int) -> HttpResponse:
    """Copy a template (own or shared) into the coach's own library, then edit the copy."""
    template = selectors.template_get(viewer=request.user, template_id=template_id)
    if not getattr(request.user, "is_coach", False):
        raise PermissionDenied
    copy = services.template_duplicate(template=template, by=_user(request))
    messages.success(request, _("Copied as “%(name)s”.") % {"name": copy.name})
    return redirect("template_edit", template_id=copy.id)


# --- read and plan ----------------------------------------------------------------------------


def _chosen_athlete(request: HttpRequest, value: str) -> Athlete | None:
    """The athlete picked for estimates: one the viewer may see (404 otherwise), or None."""
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return athlete_get(viewer=request.user, athlete_id=int(value))


def _thresholds(athlete: Athlete | None, sport: str, day: dt.date | None) -> Any:
    if athlete is None:
        return None
    return workout_thresholds(athlete=athlete, sport=sport, day=day or athlete.local_today())


def _detail_context(
    request: HttpRequest, template: WorkoutTemplate, athlete: Athlete | None
) -> dict[str, Any]:
    units = athlete.units if athlete else _units(request)
    workout = stored_workout(template.steps)
    thresholds = _thresholds(athlete, template.sport, None)
    view = workout_view(workout, sport=template.sport, units=units, thresholds=thresholds)
    return {
        "template": template,
        "can_edit": template.owner_id == request.user.pk,
        "text": steps_text(template.steps, template.sport),
        "view": view if workout.nodes else None,
        "athlete": athlete,
        "units": units,
        "groups": selectors.template_groups(template=template),
        "estimate_athletes": selectors.estimate_athletes(viewer=request.user),
        "plan_athletes": list(planner_athletes(viewer=request.user)),
        "today": athlete.local_today() if athlete else timezone.localdate(),
    }


@login_required
def template_detail(request: HttpRequest, template_id: int) -> HttpResponse:
    """A template's steps (text and list), profile and estimates (for a chosen athlete), its
    groups and tags, and the form to plan it."""
    template = selectors.template_get(viewer=request.user, template_id=template_id)
    athlete = _chosen_athlete(request, request.GET.get("athlete", ""))
    context = _detail_context(request, template, athlete)
    return render(request, "coaching/template_detail.html", context)


@login_required
@require_POST
def template_plan(request: HttpRequest, template_id: int) -> HttpResponse:
    """Plan the template for an athlete on a day ("plan it"), then show that week's plan."""
    template = selectors.template_get(viewer=request.user, template_id=template_id)
    athlete_id = request.POST.get("athlete", "")
    if not athlete_id.isdigit():
        raise Http404
    athlete = athlete_get_for_plan(viewer=request.user, athlete_id=int(athlete_id))
    day = parse_date(request.POST.get("day", "") or "")
    if day is None:
        messages.error(request, _("Choose the day to plan this workout on."))
        return redirect("template_detail", template_id=template.id)
    hidden = request.POST.get("hidden") == "on"
    template_apply(template=template, athlete=athlete, day=day, by=_user(request), hidden=hidden)
    messages.success(
        request,
        _("“%(name)s” planned for %(athlete)s on %(day)s.")
        % {"name": template.name, "athlete": athlete, "day": format_day(day, get_language())},
    )
    week = reverse("planner", kwargs={"athlete_id": athlete.id})
    return redirect(f"{week}?week={day.isoformat()}")


# --- the editor's endpoints -------------------------------------------------------------------


def _preview_context(text: str, sport: str, thresholds: Any, units: str) -> dict[str, Any]:
    if len(text) > TEXT_MAX:
        return {"error": _("At most %(count)d characters.") % {"count": TEXT_MAX}}
    try:
        workout = parse(text, sport=sport) if text.strip() else Workout()
    except WorkoutError as error:
        return {"error": workout_error_message(error, text), "caret": _caret(text, error)}
    view = workout_view(workout, sport=sport, units=units, thresholds=thresholds)
    return {"view": view if workout.nodes else None, "tree": to_data(workout)}


def _caret(text: str, error: WorkoutError) -> dict[str, Any] | None:
    """The line holding the error and the column (0-based) to point at."""
    if error.position is None:
        return None
    start = text.rfind("\n", 0, error.position) + 1
    end = text.find("\n", error.position)
    line = text[start : end if end >= 0 else len(text)]
    pad = "".join("\t" if char == "\t" else " " for char in text[start : error.position])
    return {"line": line, "pad": pad}


@login_required
@require_POST
def workout_preview(request: HttpRequest) -> HttpResponse:
    """The text syntax parsed: step list, profile chart and estimates, or the error with a
    caret under its position. With `athlete` (one the viewer sees, else 404), estimated with
    their thresholds on `day` (default: their today)."""
    post = request.POST
    text = post.get(post.get("text_field", "steps_text"), "")
    sport = post.get(post.get("sport_field", "sport"), "")
    sport = sport if sport in SPORTS else "run"
    athlete = _chosen_athlete(request, post.get("athlete", ""))
    day = parse_date(post.get(post.get("day_field", "day"), "") or "")
    units = athlete.units if athlete else _units(request)
    context = _preview_context(text, sport, _thresholds(athlete, sport, day), units)
    context |= {"units": units, "sport": sport, "athlete": athlete}
    return render(request, "coaching/partials/_workout_preview.html", context)


def _format_payload(request: HttpRequest) -> dict[str, Any] | None:
    """`{"steps", "sport"}` from a JSON body, or from form fields (`steps` as JSON)."""
    try:
        if request.content_type == "application/json":
            payload = json.loads(request.body or b"{}")
        else:
            payload = {
                "steps": json.loads(request.POST.get("steps") or "[]"),
                "sport": request.POST.get("sport"),
            }
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


@login_required
@require_POST
def workout_format(request: HttpRequest) -> JsonResponse:
    """The canonical text of a step list sent as JSON `{"steps": [...], "sport": "run"}`:
    `{"text": "..."}`, or `{"error": "..."}` when the list is not a valid workout (400 only
    when the request cannot be read)."""
    payload = _format_payload(request)
    if payload is None:
        return JsonResponse({"error": _("The step list could not be read.")}, status=400)
    sport = str(payload.get("sport")) if payload.get("sport") in SPORTS else "run"
    try:
        text = format_workout(from_data(payload.get("steps")), sport=sport)
    except WorkoutError as error:
        return JsonResponse({"error": workout_error_message(error)})
    return JsonResponse({"text": text})


# --- FIT downloads ----------------------------------------------------------------------------


def _fit_response(
    request: HttpRequest,
    workout: Workout,
    *,
    name: str,
    sport: str,
    thresholds: Any,
    at: dt.datetime,
    back_url: str,
) -> HttpResponse:
    try:
        data = workout_fit(workout, name=name, sport=sport, thresholds=thresholds, created_at=at)
    except WorkoutError as error:
        context = {"error": workout_error_message(error), "name": name, "back_url": back_url}
        return render(request, "coaching/template_fit_error.html", context, status=422)
    response = HttpResponse(data, content_type=FIT_TYPE)
    filename = f"{slugify(name) or 'workout'}.fit"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _steps_or_404(steps: Any) -> Workout:
    workout = stored_workout(steps)
    if not workout.nodes:
        raise Http404(_("This workout has no structured steps to send to a watch."))
    return workout


@login_required
def template_fit(request: HttpRequest, template_id: int) -> HttpResponse:
    """The template as a FIT workout file (targets as the watch's zones or % of threshold)."""
    template = selectors.template_get(viewer=request.user, template_id=template_id)
    workout = _steps_or_404(template.steps)
    return _fit_response(
        request,
        workout,
        name=template.name,
        sport=template.sport,
        thresholds=AthleteThresholds(),
        at=template.updated_at,
        back_url=reverse("template_detail", kwargs={"template_id": template.id}),
    )


@login_required
def planned_session_fit(request: HttpRequest, athlete_id: int, session_id: int) -> HttpResponse:
    """A structured planned session as a FIT workout file, with the athlete's thresholds and
    zones on the session's day (drafts only for those who plan)."""
    athlete = athlete_get(viewer=request.user, athlete_id=athlete_id)
    session = selectors.planned_session_for_viewer(
        viewer=request.user, athlete=athlete, session_id=session_id
    )
    workout = _steps_or_404(session.steps)
    thresholds = workout_thresholds(athlete=athlete, sport=session.sport, day=session.day)
    return _fit_response(
        request,
        workout,
        name=session.title,
        sport=session.sport,
        thresholds=thresholds,
        at=session.updated_at,
        back_url=reverse("planner", kwargs={"athlete_id": athlete.id})
        + f"?week={session.day.isoformat()}",
    )
