"""Tenancy rows of the weekly planner (coaching/urls/planner.py) and its week API.

Reads: the athlete and their current coaches. Writes (and the editor-only forms): only those
who plan — the coach with edit rights; the athlete of a coach and the view-only coach get 403.
Plain (non-htmx) writes redirect back to the week (302).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from coaching.models import PlannedSession, WeekCopy, WorkoutTemplate
from tests.tenancy.base import API_READ, READ, Row, _all, _athlete

DAY = dt.date(2026, 3, 4)
PLAN = READ | {"athlete": 403, "view_coach": 403}
PLAN_ACTED = PLAN | {"coach": 302}
API_PLAN = PLAN | {"anon": 401}


def world(w: dict[str, Any]) -> dict[str, Any]:
    session = PlannedSession.objects.create(
        athlete=w["athlete"],
        day=DAY,
        sport="run",
        title="Easy run",
        duration_s=3600.0,
        source=PlannedSession.Source.COACH,
    )
    template = WorkoutTemplate.objects.create(
        owner=w["users"]["coach"], name="Threshold 3x10", sport="run", duration_s=3600.0
    )
    copy = WeekCopy.objects.create(
        coach=w["users"]["coach"],
        athlete=w["athlete"],
        week_start=DAY,
        to_week_start=DAY + dt.timedelta(days=7),
        mode=WeekCopy.Mode.MERGE,
    )
    return {"plan_session": session, "plan_template": template, "plan_copy": copy}


def _session(w: dict[str, Any]) -> dict[str, Any]:
    return {"athlete_id": w["athlete"].id, "session_id": w["plan_session"].id}


def _day(w: dict[str, Any]) -> dict[str, Any]:
    return {"athlete_id": w["athlete"].id, "day": DAY.isoformat()}


ROWS: list[Row] = [
    Row("planner", READ, _athlete),
    Row("planner_month", READ, _athlete),
    Row("planner_day", READ, _day),
    Row("planner_templates", PLAN, _athlete),
    Row("planner_session_create", PLAN, _athlete),
    Row(
        "planner_session_create",
        PLAN_ACTED,
        _athlete,
        method="post",
        data=lambda w: {"day": DAY, "sport": "run", "session_type": "endurance", "title": "Jog"},
    ),
    Row("planner_session_edit", PLAN, _session),
    Row(
        "planner_session_edit",
        PLAN_ACTED,
        _session,
        method="post",
        data=lambda w: {"day": DAY, "sport": "run", "session_type": "tempo", "title": "Tempo"},
    ),
    Row("planner_session_delete", PLAN_ACTED, _session, method="post"),
    Row(
        "planner_session_move",
        PLAN_ACTED,
        _session,
        method="post",
        data=lambda w: {"day": DAY + dt.timedelta(days=1), "position": 0},
    ),
    Row(
        "planner_session_paste",
        PLAN_ACTED,
        _athlete,
        method="post",
        data=lambda w: {"session": w["plan_session"].id, "day": DAY},
    ),
    Row(
        "planner_template_apply",
        PLAN_ACTED,
        _athlete,
        method="post",
        data=lambda w: {"template": w["plan_template"].id, "day": DAY},
    ),
    Row("planner_week_copy", PLAN, _athlete),
    Row(
        "planner_week_copy",
        PLAN_ACTED,
        _athlete,
        method="post",
        data=lambda w: {
            "week": DAY,
            "to_week": DAY + dt.timedelta(days=7),
            "athletes": [w["athlete"].id],
            "mode": "replace",
            "confirm": "on",
        },
    ),
    # Only the coach who copied may undo (the other coaches of the athlete get 404).
    Row(
        "planner_week_copy_undo",
        PLAN_ACTED,
        lambda w: {"athlete_id": w["athlete"].id, "copy_id": w["plan_copy"].id},
        method="post",
    ),
    Row("planner_week_publish", PLAN_ACTED, _athlete, method="post", data=lambda w: {"week": DAY}),
    # A template planned for a whole group: only the group's coach (others 404, as the group).
    Row("group_plan", _all(404, coach=200), lambda w: {"group_id": w["group"].id}),
    Row(
        "group_plan",
        _all(404, coach=200),
        lambda w: {"group_id": w["group"].id},
        method="post",
        data=lambda w: {
            "template": w["plan_template"].id,
            "day": DAY + dt.timedelta(days=7),
            "athletes": [w["athlete"].id],
            "confirm": "on",
        },
    ),
    # REST API
    Row("api-athlete-plan", API_READ, _athlete),
    Row(
        "api-athlete-plan",
        API_PLAN | {"coach": 201},
        _athlete,
        method="post",
        data=lambda w: {"day": DAY.isoformat(), "sport": "run", "title": "Jog"},
    ),
    Row("api-athlete-plan-session", API_READ, _session),
    Row("api-athlete-plan-session", API_PLAN | {"coach": 204}, _session, method="delete"),
]
