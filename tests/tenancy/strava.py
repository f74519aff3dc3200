"""Tenancy rows of a Strava-sourced activity (its values and streams came from Strava): until
the athlete shares Strava with their coaches (`Athlete.strava_shared_at`, off in this world;
sharing is in tests/activities/test_strava_consent.py), their coaches get 404 on its pages,
API, journal, thread and link, like strangers. A FIT activity that Strava also sent stays
readable by them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from activities.services.ingest import activity_ingest
from activities.types import NormalizedActivity, Provider, SourceRef, Streams, Summary
from coaching.services.linking import link_manual
from coaching.services.sessions import planned_session_create
from core.sports import Sport
from tests.tenancy.base import ACTED, API_READ, READ, WRITE, Row

HIDDEN = READ | {"coach": 404, "view_coach": 404}
API_HIDDEN = API_READ | {"coach": 404, "view_coach": 404}


def _recording(hour: int) -> NormalizedActivity:
    return NormalizedActivity(
        sport=Sport.RUN,
        sub_sport="generic",
        started_at=dt.datetime(2026, 3, 3, hour, 0, tzinfo=dt.UTC),
        streams=Streams(time_s=np.arange(0.0, 300.0), hr_bpm=np.full(300, 135.0)),
        summary=Summary(elapsed_s=300.0, moving_s=300.0, distance_m=1000.0),
    )


def world(w: dict[str, Any]) -> dict[str, Any]:
    """A Strava-only activity linked to a session, a free session, and a FIT activity that
    Strava also sent (values and streams from the file)."""
    athlete = w["athlete"]
    strava, _ = activity_ingest(
        athlete=athlete, normalized=_recording(6), source=SourceRef(Provider.STRAVA, "s-1")
    )
    fit, _ = activity_ingest(
        athlete=athlete, normalized=_recording(9), source=SourceRef(Provider.DEVICE_FILE, "f-2")
    )
    activity_ingest(
        athlete=athlete, normalized=_recording(9), source=SourceRef(Provider.STRAVA, "s-2")
    )
    sessions = [
        planned_session_create(
            athlete=athlete, by=None, day=strava.day, sport="run", title=title, duration_s=300.0
        )
        for title in ("Linked jog", "Free jog")
    ]
    return {
        "strava_activity": strava,
        "strava_link": link_manual(session=sessions[0], activity=strava, by=None),
        "strava_free_session": sessions[1],
        "fit_with_strava": fit,
    }


def _strava(w: dict[str, Any]) -> dict[str, Any]:
    return {"athlete_id": w["athlete"].id, "activity_id": w["strava_activity"].id}


def _fit(w: dict[str, Any]) -> dict[str, Any]:
    return {"athlete_id": w["athlete"].id, "activity_id": w["fit_with_strava"].id}


def _thread(w: dict[str, Any]) -> dict[str, Any]:
    return {"athlete_id": w["athlete"].id, "kind": "activity", "object_id": w["strava_activity"].id}


ROWS: list[Row] = [
    Row("activity_detail", HIDDEN, _strava),
    Row("activity_metrics", HIDDEN, _strava),
    Row("api-activity-metrics", API_HIDDEN, _strava),
    Row("activity_journal", HIDDEN, _strava),
    Row("comment_thread", HIDDEN, _thread),
    Row(
        "link_create",
        WRITE | ACTED | {"coach": 404},
        lambda w: {"athlete_id": w["athlete"].id},
        method="post",
        data=lambda w: {
            "activity": w["strava_activity"].id,
            "session": w["strava_free_session"].id,
        },
    ),
    Row(
        "link_remove",
        WRITE | ACTED | {"coach": 404},
        lambda w: {"athlete_id": w["athlete"].id, "link_id": w["strava_link"].id},
        method="post",
    ),
    Row("activity_detail", READ, _fit),
    Row("activity_metrics", READ, _fit),
    Row("api-activity-metrics", API_READ, _fit),
]
