"""Plan one template for every athlete of a coach's group on a day: the form, the preview
(per athlete: what would be planned, or why skipped), then the report of what was done.
Only the coach's own groups (`Group.objects.visible_to`): any other group is 404."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from athletes.models import Group, User
from coaching.forms.planner import GroupPlanForm
from coaching.models import WorkoutTemplate
from coaching.selectors.group_plan import group_plan_preview
from coaching.services.group_plan import group_template_apply

PAGE = "coaching/group_plan.html"


@login_required
@require_http_methods(["GET", "POST"])
def group_plan(request: HttpRequest, group_id: int) -> HttpResponse:
    """GET: the form. POST: the preview, or (confirmed) plan it and report per athlete."""
    group = get_object_or_404(Group.objects.visible_to(request.user), id=group_id)
    templates = WorkoutTemplate.objects.usable_by(request.user).order_by("name")
    form = GroupPlanForm(request.POST or None, templates=templates)
    context: dict[str, Any] = {"group": group, "form": form}
    if request.method == "GET":
        return render(request, PAGE, context)
    if not form.is_valid():
        return render(request, PAGE, context, status=400)
    data = form.cleaned_data
    choice = {"group": group, "template": data["template"], "day": data["day"]}
    if not data["confirm"]:
        lines = group_plan_preview(viewer=request.user, **choice, athlete_ids=form.athlete_ids())
        return render(request, PAGE, context | {"lines": lines, "data": data, "step": "preview"})
    by = cast(User, request.user)
    lines = group_template_apply(
        **choice, by=by, hidden=data["hidden"], athlete_ids=form.athlete_ids()
    )
    return render(request, PAGE, context | {"lines": lines, "data": data, "step": "done"})
