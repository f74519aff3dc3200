"""Planned vs actual pages: the viewer's athletes (all, or one group with `?group=`) and one
athlete (`?athlete=` or the athlete's own address), as bars and a table, or the same table as
CSV (`?format=csv`). Athletes come through the one door (404 outside the viewer's scope); the
query string is validated by `PlannedActualForm` (400 with the reason when unreadable)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from athletes.models import Athlete, Group, User
from athletes.selectors.athletes import athlete_get
from coaching.display.planned_actual import (
    METRIC_LABELS,
    Table,
    bars,
    table_csv,
    table_many,
    table_one,
    unit_of,
)
from coaching.forms.planned_actual import PlannedActualForm
from coaching.selectors.planned_actual import planned_actual

TEMPLATE = "coaching/planned_actual.html"


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # every view is behind login_required


def _id(text: str) -> int:
    if not text.isdigit() or len(text) > 12:
        raise Http404
    return int(text)


@login_required
@require_GET
def planned_actual_roster(request: HttpRequest) -> HttpResponse:
    """Every athlete the viewer sees, or one group of theirs, or one athlete (`?athlete=`)."""
    user = _user(request)
    if request.GET.get("athlete"):
        athlete = athlete_get(viewer=user, athlete_id=_id(request.GET["athlete"]))
        return _page(request, [athlete], scope=f"athlete-{athlete.id}", athlete=athlete)
    group = None
    athletes = Athlete.objects.visible_to(user)
    if request.GET.get("group"):
        group = get_object_or_404(Group.objects.visible_to(user), id=_id(request.GET["group"]))
        athletes = athletes.filter(id__in=group.athletes.values("id"))
    athletes = athletes.select_related("user").order_by(
        "user__first_name", "user__last_name", "user__email", "id"
    )
    scope = f"group-{group.id}" if group else "athletes"
    return _page(request, list(athletes), scope=scope, group=group)


@login_required
@require_GET
def planned_actual_athlete(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """One athlete's planned vs actual (their own page, or their coach's view of it)."""
    athlete = athlete_get(viewer=_user(request), athlete_id=athlete_id)
    return _page(request, [athlete], scope=f"athlete-{athlete.id}", athlete=athlete)


def _page(
    request: HttpRequest,
    athletes: list[Athlete],
    *,
    scope: str,
    athlete: Athlete | None = None,
    group: Group | None = None,
) -> HttpResponse:
    today = athlete.local_today() if athlete else timezone.localdate()
    form = PlannedActualForm(request.GET, today=today)
    context: dict[str, Any] = {"form": form, "athlete": athlete, "group": group}
    context["groups"] = [] if athlete else list(Group.objects.visible_to(_user(request)))
    if not form.is_valid():
        return render(request, TEMPLATE, context, status=400)
    options = {k: form.cleaned_data[k] for k in ("first", "last", "metric", "bucket", "sport")}
    data = planned_actual(viewer=request.user, athletes=athletes, **options)
    units = athlete.units if athlete else "metric"
    table = table_one(data, units=units) if athlete else table_many(data, units=units)
    if request.GET.get("format") == "csv":
        return _csv(table, scope=scope, options=options)
    context |= {
        "data": data,
        "table": table,
        "bars": bars(data, units=units, one=athlete is not None),
        "metric_label": METRIC_LABELS[data.metric],
        "unit": unit_of(data.metric, units),
        "csv_query": _csv_query(request),
        **options,
    }
    return render(request, TEMPLATE, context)


def _csv_query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query["format"] = "csv"
    return query.urlencode()


def _csv(table: Table, *, scope: str, options: dict[str, Any]) -> HttpResponse:
    first: dt.date = options["first"]
    last: dt.date = options["last"]
    sport = f"-{options['sport']}" if options["sport"] else ""
    name = (
        f"planned-vs-actual-{scope}-{options['metric']}{sport}-per-{options['bucket']}-"
        f"{first.isoformat()}-to-{last.isoformat()}.csv"
    )
    response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
