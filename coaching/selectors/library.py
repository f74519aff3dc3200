"""Reads of the workout library: the templates a user may use (their own and those shared with
their groups), searched and filtered; one template for reading or for its owner to change; the
athletes a template can be planned for or estimated with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from athletes.models import Athlete
from coaching.display.workout import ProfileChart, profile_chart, reference_thresholds
from coaching.models import PlannedSession, WorkoutTemplate
from coaching.selectors.planner import plan_can_edit, planned_session_get
from coaching.workouts.estimates import estimate, profile
from coaching.workouts.tree import AthleteThresholds, stored_workout


@dataclass(frozen=True, slots=True)
class TemplateRow:
    """A template in the list: its time (s) and distance (m) from the steps alone (else the
    entered values; None when unknown), its profile chart (None without steps) and whether the
    viewer owns it."""

    template: WorkoutTemplate
    duration_s: float | None
    distance_m: float | None
    chart: ProfileChart | None
    own: bool


def template_list(
    *, viewer: Any, query: str = "", sport: str = "", session_type: str = "", tag: str = ""
) -> list[TemplateRow]:
    """The templates `viewer` may use, matching `query` (in name or description), `sport`,
    `session_type` and `tag` (any case). Three queries whatever the number of templates."""
    templates = WorkoutTemplate.objects.usable_by(viewer).select_related("owner")
    if query.strip():
        words = query.strip()
        templates = templates.filter(Q(name__icontains=words) | Q(description__icontains=words))
    if sport:
        templates = templates.filter(sport=sport)
    if session_type:
        templates = templates.filter(session_type=session_type)
    rows = templates.prefetch_related("shared_with").order_by("name", "id")
    wanted = tag.strip().casefold()
    return [
        _row(template, viewer)
        for template in rows
        if not wanted or wanted in (t.casefold() for t in template.tags)
    ]


def _row(template: WorkoutTemplate, viewer: Any) -> TemplateRow:
    workout = stored_workout(template.steps)
    own = template.owner_id == viewer.id
    if not workout.nodes:
        return TemplateRow(template, template.duration_s, template.distance_m, None, own)
    known = estimate(workout, sport=template.sport, thresholds=AthleteThresholds())
    bars = profile(workout, sport=template.sport, thresholds=reference_thresholds(template.sport))
    return TemplateRow(
        template=template,
        duration_s=known.duration_s if known.duration_s is not None else template.duration_s,
        distance_m=known.distance_m if known.distance_m is not None else template.distance_m,
        chart=profile_chart(bars),
        own=own,
    )


def template_tags(*, viewer: Any) -> list[str]:
    """Every tag of the templates `viewer` may use, sorted without regard to case."""
    tags: dict[str, str] = {}
    for template_tags_ in (
        WorkoutTemplate.objects.usable_by(viewer).order_by().values_list("tags", flat=True)
    ):
        for tag in template_tags_ or ():
            tags.setdefault(tag.casefold(), tag)
    return [tags[key] for key in sorted(tags)]


def template_get(*, viewer: Any, template_id: int) -> WorkoutTemplate:
    """A template `viewer` may read and plan (own or shared with their groups); 404 otherwise."""
    return get_object_or_404(
        WorkoutTemplate.objects.usable_by(viewer).select_related("owner"), id=template_id
    )


def template_get_for_edit(*, viewer: Any, template_id: int) -> WorkoutTemplate:
    """A template `viewer` owns: 404 when they cannot see it, 403 when it is only shared."""
    template = template_get(viewer=viewer, template_id=template_id)
    if template.owner_id != viewer.id:
        raise PermissionDenied
    return template


def template_groups(*, template: WorkoutTemplate) -> list[Any]:
    """The groups a template is shared with, by name."""
    return list(template.shared_with.order_by("name"))


def plan_athletes(*, viewer: Any) -> list[Athlete]:
    """Athletes whose plan `viewer` may change (a template can be planned for them)."""
    return list(Athlete.objects.editable_by(viewer).select_related("user"))


def estimate_athletes(*, viewer: Any) -> list[Athlete]:
    """Athletes `viewer` may see (a template can be estimated with their thresholds)."""
    return list(Athlete.objects.visible_to(viewer).select_related("user"))


def planned_session_for_viewer(*, viewer: Any, athlete: Athlete, session_id: int) -> PlannedSession:
    """One session of `athlete` (a visible athlete): drafts only for those who plan for them
    (the planner's rule); 404 otherwise."""
    drafts = plan_can_edit(viewer=viewer, athlete=athlete)
    try:
        return planned_session_get(athlete=athlete, session_id=session_id, drafts=drafts)
    except PlannedSession.DoesNotExist:
        raise Http404 from None
