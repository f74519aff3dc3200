"""Reads of the planner beyond the week grid: a day card opened (steps as text and in words,
profile chart, estimates) and the templates a planner may plan from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from athletes.models import Athlete
from coaching.display.workout import WorkoutView, workout_view
from coaching.models import WorkoutTemplate
from coaching.selectors.compliance import SessionPlan
from coaching.selectors.context import workout_thresholds
from coaching.selectors.planner import DayPlan, plan_can_edit, plan_days
from coaching.workouts.text import format_workout
from coaching.workouts.tree import stored_workout

# --- one day in detail --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SessionDetail:
    """A session of the opened day card: its steps in the text syntax, in words, its profile
    chart and estimates (`workout` None without steps)."""

    plan: SessionPlan
    steps_text: str
    workout: WorkoutView | None


@dataclass(frozen=True, slots=True)
class DayDetail:
    """One day opened: the sessions in detail, what was done, the goals."""

    athlete: Athlete
    day: DayPlan
    can_edit: bool
    sessions: list[SessionDetail]


def session_detail(plan: SessionPlan, *, units: str) -> SessionDetail:
    """Steps and profile of one session, with the athlete's thresholds on its day (a few
    queries per session: for the day card, not for lists)."""
    session = plan.session
    workout = stored_workout(session.steps)
    if not workout.nodes:
        return SessionDetail(plan, "", None)
    thresholds = workout_thresholds(athlete=session.athlete, sport=session.sport, day=session.day)
    view = workout_view(workout, sport=session.sport, units=units, thresholds=thresholds)
    return SessionDetail(plan, format_workout(workout, sport=session.sport), view)


def plan_day(*, viewer: Any, athlete: Athlete, day: dt.date, today: dt.date) -> DayDetail:
    """The day card opened: sessions with steps and profile, activities, goals."""
    can_edit = plan_can_edit(viewer=viewer, athlete=athlete)
    (day_plan,) = plan_days(
        viewer=viewer, athlete=athlete, first=day, last=day, drafts=can_edit, today=today
    )
    return DayDetail(
        athlete=athlete,
        day=day_plan,
        can_edit=can_edit,
        sessions=[session_detail(plan, units=athlete.units) for plan in day_plan.sessions],
    )


# --- templates to plan from -------------------------------------------------------------------

TEMPLATE_PICK_LIMIT = 40


def template_pick_list(*, viewer: Any, search: str = "") -> list[WorkoutTemplate]:
    """Templates the viewer may plan from, matching `search` in the name, description or
    tags; at most TEMPLATE_PICK_LIMIT, by name. One query."""
    templates = WorkoutTemplate.objects.usable_by(viewer)
    words = search.split()
    for word in words:
        templates = templates.filter(
            Q(name__icontains=word) | Q(description__icontains=word) | Q(tags__icontains=word)
        )
    return list(templates.order_by("name", "id")[:TEMPLATE_PICK_LIMIT])
