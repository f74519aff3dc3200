"""Pages: the athlete overview, thresholds history and zones, custom zones, goals and races.

Reads go through `Athlete.objects.visible_to` (out of scope: 404); writes also need
`editable_by` (visible but not editable, e.g. a view-only coach: 403).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from athletes.forms.thresholds import GoalForm, ServiceErrorsMixin, ThresholdsForm, ZoneSetForm
from athletes.models import Athlete, Thresholds, User, ZoneSet
from athletes.selectors.athletes import (
    athlete_can_edit,
    athlete_get,
    athlete_get_for_edit,
    athlete_overview,
)
from athletes.selectors.goals import goal_get, goal_list, goal_past_list
from athletes.selectors.thresholds import (
    ZonesInForce,
    custom_zones,
    thresholds_overview,
    zones_in_force,
)
from athletes.services.goals import goal_create, goal_delete, goal_update
from athletes.services.thresholds import (
    thresholds_confirm,
    thresholds_delete,
    thresholds_set,
    zone_set_confirm,
    zone_set_delete,
    zone_set_save,
)
from core.http import Request, is_partial
from core.sports import THRESHOLD_SPORTS

# --- helpers ----------------------------------------------------------------------------------


def _day(request: HttpRequest, athlete: Athlete) -> tuple[dt.date, bool]:
    """The `?on=YYYY-MM-DD` date (default: the athlete's today) and whether it was unreadable."""
    text = request.GET.get("on", "")
    if not text:
        return athlete.local_today(), False
    try:
        return dt.date.fromisoformat(text), False
    except ValueError:
        return athlete.local_today(), True


def _submit(form: ServiceErrorsMixin, action: Callable[[], object]) -> bool:
    """Validate the form, run the service; service errors land on the form's fields."""
    if not form.is_valid():  # type: ignore[attr-defined]
        return False
    try:
        action()
    except ValidationError as error:
        form.add_service_errors(error)
        return False
    return True


def _invalid_status(request: HttpRequest) -> int:
    return 422 if is_partial(request) else 200


# --- athlete overview ---------------------------------------------------------------------------


@login_required
@require_GET
def athlete_detail(request: Request[User], athlete_id: int) -> HttpResponse:
    athlete = athlete_get(viewer=request.user, athlete_id=athlete_id)
    overview = athlete_overview(viewer=request.user, athlete=athlete, today=athlete.local_today())
    context = {"athlete": athlete, "overview": overview, "units": athlete.units}
    return render(request, "athletes/athlete_detail.html", context)


# --- thresholds ---------------------------------------------------------------------------------


def _thresholds_page(
    request: HttpRequest, athlete: Athlete, form: ThresholdsForm | None = None, status: int = 200
) -> HttpResponse:
    day, bad_day = _day(request, athlete)
    initial = {"valid_from": athlete.local_today(), "sport": request.GET.get("sport", "run")}
    estimated = list(Thresholds.objects.filter(athlete=athlete, source=Thresholds.Source.ESTIMATED))
    editing = next((r for r in estimated if str(r.id) == request.GET.get("edit")), None)
    if editing is not None:
        initial = ThresholdsForm.initial_from(editing, units=athlete.units)
    device_zones = ZoneSet.objects.filter(athlete=athlete, source=ZoneSet.Source.DEVICE)
    context: dict[str, Any] = {
        "estimated": sorted(estimated, key=lambda r: r.sport),
        "device_zones": [
            ZonesInForce(zone_set.sport, zone_set.kind, tuple(zones), zone_set)
            for zone_set in device_zones.order_by("sport", "kind")
            if (zones := custom_zones(zone_set))
        ],
        "editing": editing,
        "athlete": athlete,
        "units": athlete.units,
        "on": day,
        "bad_day": bad_day,
        "can_edit": athlete_can_edit(viewer=request.user, athlete=athlete),
        "sports": thresholds_overview(athlete=athlete, day=day, with_history=True),
        "form": form or ThresholdsForm(units=athlete.units, initial=initial),
    }
    return render(request, "athletes/thresholds.html", context, status=status)


@login_required
@require_GET
def thresholds_page(request: Request[User], athlete_id: int) -> HttpResponse:
    return _thresholds_page(request, athlete_get(viewer=request.user, athlete_id=athlete_id))


@login_required
@require_POST
def thresholds_add(request: Request[User], athlete_id: int) -> HttpResponse:
    athlete = athlete_get_for_edit(viewer=request.user, athlete_id=athlete_id)
    form = ThresholdsForm(request.POST, units=athlete.units)
    if _submit(form, lambda: thresholds_set(athlete=athlete, by=request.user, **form.values())):
        messages.success(request, _("Thresholds saved."))
        return redirect("thresholds", athlete_id=athlete.id)
    return _thresholds_page(request, athlete, form, status=_invalid_status(request))


@login_required
@require_POST
def thresholds_confirm_view(request: Request[User], athlete_id: int, row_id: int) -> HttpResponse:
    athlete = athlete_get_for_edit(viewer=request.user, athlete_id=athlete_id)
    row = get_object_or_404(Thresholds.objects.filter(athlete=athlete), id=row_id)
    thresholds_confirm(row=row, by=request.user)
    messages.success(request, _("Thresholds confirmed."))
    return redirect("thresholds", athlete_id=athlete.id)


@login_required
@require_POST
def thresholds_delete_view(request: Request[User], athlete_id: int, row_id: int) -> HttpResponse:
    athlete = athlete_get_for_edit(viewer=request.user, athlete_id=athlete_id)
    row = get_object_or_404(Thresholds.objects.filter(athlete=athlete), id=row_id)
    thresholds_delete(row=row)
    messages.success(request, _("Thresholds row deleted."))
    return redirect("thresholds", athlete_id=athlete.id)


# --- custom zones -------------------------------------------------------------------------------


@login_required
@require_POST
def zones_confirm_view(request: Request[User], athlete_id: int, zone_set_id: int) -> HttpResponse:
    athlete = athlete_get_for_edit(viewer=request.user, athlete_id=athlete_id)
    zone_set = get_object_or_404(ZoneSet.objects.filter(athlete=athlete), id=zone_set_id)
    zone_set_confirm(zone_set=zone_set, by=request.user)
    messages.success(request, _("Zones kept."))
    return redirect("thresholds", athlete_id=athlete.id)


def _zones_saved(request: Request[User], athlete: Athlete, form: ZoneSetForm) -> bool:
    def save() -> object:
        data = form.cleaned_data
        return zone_set_save(
            athlete=athlete,
            sport=form.sport,
            kind=form.kind,
            valid_from=data["valid_from"],
            bounds=data["bounds"],
            names=data["names"],
            by=request.user,
        )

    return _submit(form, save)


def _thresholds_url(athlete: Athlete, day: dt.date) -> str:
    return f"{reverse('thresholds', args=[athlete.id])}?on={day.isoformat()}"


@login_required
@require_http_methods(["GET", "POST"])
def zones_edit(request: Request[User], athlete_id: int, sport: str, kind: str) -> HttpResponse:
    athlete = athlete_get_for_edit(viewer=request.user, athlete_id=athlete_id)
    if sport not in THRESHOLD_SPORTS or kind not in ZoneSet.Kind.values:
        raise Http404
    day, _bad = _day(request, athlete)
    in_force = zones_in_force(athlete=athlete, sport=sport, kind=kind, day=day)
    if request.method == "POST" and "reset" in request.POST:
        if in_force.zone_set is not None:
            zone_set_delete(zone_set=in_force.zone_set)
        return redirect(_thresholds_url(athlete, day))
    form = ZoneSetForm(request.POST or None, kind=kind, sport=sport, units=athlete.units)
    if request.method == "POST" and _zones_saved(request, athlete, form):
        messages.success(request, _("Custom zones saved."))
        return redirect(_thresholds_url(athlete, form.cleaned_data["valid_from"]))
    if request.method == "GET":
        form.initial["valid_from"] = day
        form.initial_from(list(in_force.zones))
    context = {"athlete": athlete, "form": form, "in_force": in_force, "on": day}
    status = _invalid_status(request) if request.method == "POST" else 200
    return render(request, "athletes/zones_edit.html", context, status=status)


# --- goals --------------------------------------------------------------------------------------


def _goals_page(
    request: HttpRequest, athlete: Athlete, form: GoalForm | None = None, status: int = 200
) -> HttpResponse:
    today = athlete.local_today()
    context: dict[str, Any] = {
        "athlete": athlete,
        "units": athlete.units,
        "today": today,
        "can_edit": athlete_can_edit(viewer=request.user, athlete=athlete),
        "upcoming": goal_list(athlete=athlete, upcoming_from=today),
        "past": goal_past_list(athlete=athlete, before=today),
        "form": form or GoalForm(units=athlete.units),
    }
    return render(request, "athletes/goal_list.html", context, status=status)


@login_required
@require_GET
def goals_page(request: Request[User], athlete_id: int) -> HttpResponse:
    return _goals_page(request, athlete_get(viewer=request.user, athlete_id=athlete_id))


@login_required
@require_POST
def goal_add(request: Request[User], athlete_id: int) -> HttpResponse:
    athlete = athlete_get_for_edit(viewer=request.user, athlete_id=athlete_id)
    form = GoalForm(request.POST, units=athlete.units)
    if _submit(form, lambda: goal_create(athlete=athlete, **form.values())):
        messages.success(request, _("Goal added."))
        return redirect("goal_list", athlete_id=athlete.id)
    return _goals_page(request, athlete, form, status=_invalid_status(request))


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request: Request[User], athlete_id: int, goal_id: int) -> HttpResponse:
    athlete = athlete_get_for_edit(viewer=request.user, athlete_id=athlete_id)
    goal = goal_get(athlete=athlete, goal_id=goal_id)
    initial = GoalForm.initial_for(goal, athlete.units)
    form = GoalForm(request.POST or None, units=athlete.units, initial=initial)
    if request.method == "POST" and _submit(form, lambda: goal_update(goal=goal, **form.values())):
        messages.success(request, _("Goal saved."))
        return redirect("goal_list", athlete_id=athlete.id)
    status = _invalid_status(request) if request.method == "POST" else 200
    context = {"athlete": athlete, "goal": goal, "form": form}
    return render(request, "athletes/goal_edit.html", context, status=status)


@login_required
@require_POST
def goal_delete_view(request: Request[User], athlete_id: int, goal_id: int) -> HttpResponse:
    athlete = athlete_get_for_edit(viewer=request.user, athlete_id=athlete_id)
    goal_delete(goal=goal_get(athlete=athlete, goal_id=goal_id))
    messages.success(request, _("Goal deleted."))
    return redirect("goal_list", athlete_id=athlete.id)
