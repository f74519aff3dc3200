"""Tenancy rows of the workout library, the workout editor's endpoints and the FIT downloads.

The world's template belongs to `coach` and is shared with the coach's group, of which
`athlete` is a member: the athlete reads and downloads it but changes nothing (403); every
other role gets 404. Library pages need a coach for writes (403 for others). The editor's
endpoints are open to anyone logged in (pure computation on what is posted).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from coaching.services.sessions import planned_session_create
from coaching.services.templates import template_create
from coaching.workouts.text import parse
from coaching.workouts.tree import to_data
from tests.tenancy.base import COACH_ONLY, READ, Row, _all

STEPS = to_data(parse("wu 10m, 5x (3m 105% FTP, 2m Z1), cd 10m", sport="ride"))


def _template(w: dict[str, Any]) -> dict[str, Any]:
    return {"template_id": w["library_template"].id}


def _session(w: dict[str, Any]) -> dict[str, Any]:
    return {"athlete_id": w["athlete"].id, "session_id": w["library_session"].id}


SHARED_READ = _all(404, coach=200, athlete=200)
OWNER_WRITE = _all(404, coach=302, athlete=403)

ROWS: list[Row] = [
    Row("template_list", _all(200)),
    Row("template_create", COACH_ONLY),
    Row("template_detail", SHARED_READ, _template),
    Row("template_edit", _all(404, coach=200, athlete=403), _template),
    Row("template_delete", OWNER_WRITE, _template, method="post"),
    Row("template_duplicate", OWNER_WRITE, _template, method="post"),
    Row(
        "template_plan",
        OWNER_WRITE,
        _template,
        method="post",
        data=lambda w: {"athlete": w["athlete"].id, "day": "2026-03-02"},
    ),
    Row("template_fit", SHARED_READ, _template),
    Row(
        "workout_preview",
        _all(200),
        method="post",
        data=lambda w: {"steps_text": "10m Z2, 3x (1m Z4, 1m Z1)", "sport": "run"},
    ),
    Row(
        "workout_format",
        _all(200),
        method="post",
        data=lambda w: {"steps": json.dumps(STEPS), "sport": "ride"},
    ),
    Row("planned_session_fit", READ, _session),
]


def world(w: dict[str, Any]) -> dict[str, Any]:
    coach = w["users"]["coach"]
    template = template_create(
        owner=coach,
        name="Sweet spot 5×3",
        sport="ride",
        session_type="intervals",
        steps=STEPS,
        tags=["bike"],
        shared_with=[w["group"]],
    )
    session = planned_session_create(
        athlete=w["athlete"],
        by=coach,
        day=dt.date(2026, 3, 3),
        sport="ride",
        title="Ride",
        steps=STEPS,
    )
    return {"library_template": template, "library_session": session}
