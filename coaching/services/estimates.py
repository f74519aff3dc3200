"""Planned estimates (duration, distance, DistEq, load, TRIMP) of sessions, from their steps and
the athlete's thresholds on the session's day. Rewritten on every change of the session and
when the athlete's thresholds or zones change (`planned_estimates_refresh`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from analytics.metrics.disteq import distance_equivalent_km
from athletes.models import Athlete
from athletes.selectors.thresholds import own_sport
from coaching.models import PlannedSession, SessionType
from coaching.selectors.context import workout_thresholds
from coaching.workouts.estimates import estimate
from coaching.workouts.tree import (
    AthleteThresholds,
    Duration,
    DurationKind,
    Intent,
    Step,
    Workout,
    stored_workout,
)

EASY_TYPES = {SessionType.RECOVERY, SessionType.ENDURANCE, SessionType.LONG}
NO_LOAD_TYPES = {SessionType.REST}


def session_workout(session: PlannedSession | Any) -> Workout:
    """The session's structure; without steps, one step of the entered duration or distance
    (easy for easy session types) so an unstructured session is estimated the same way."""
    workout = stored_workout(session.steps)
    if workout.nodes or session.session_type in NO_LOAD_TYPES:
        return workout
    intent = Intent.RECOVERY if session.session_type in EASY_TYPES else Intent.ACTIVE
    if session.duration_s:
        return Workout((Step(intent, Duration(DurationKind.TIME, session.duration_s)),))
    if session.distance_m:
        return Workout((Step(intent, Duration(DurationKind.DISTANCE, session.distance_m)),))
    return workout


def estimate_fields(
    session: PlannedSession, *, thresholds: AthleteThresholds | None = None
) -> dict[str, float | None]:
    """The `est_*` values of a session (not saved), with `thresholds` or those of the
    session's athlete, sport and day."""
    workout = session_workout(session)
    if not workout.nodes:
        return dict.fromkeys(ESTIMATE_FIELDS, None) | _entered(session)
    if thresholds is None:
        thresholds = workout_thresholds(
            athlete=session.athlete, sport=session.sport, day=session.day
        )
    result = estimate(workout, sport=session.sport, thresholds=thresholds)
    return {
        "est_duration_s": result.duration_s,
        "est_distance_m": result.distance_m,
        "est_ascent_m": session.ascent_m,
        "est_dist_eq_km": _dist_eq(session, result.dist_eq_km, result.distance_m),
        "est_load": result.load,
        "est_trimp": result.trimp,
    }


ESTIMATE_FIELDS = (
    "est_duration_s",
    "est_distance_m",
    "est_ascent_m",
    "est_dist_eq_km",
    "est_load",
    "est_trimp",
)


def _entered(session: PlannedSession) -> dict[str, float | None]:
    return {
        "est_duration_s": session.duration_s,
        "est_distance_m": session.distance_m,
        "est_ascent_m": session.ascent_m,
    }


def _dist_eq(
    session: PlannedSession, flat_km: float | None, distance_m: float | None
) -> float | None:
    """The estimate's flat DistEq, or with the planned ascent's share (DESIGN §6 factors)."""
    if not session.ascent_m or distance_m is None:
        return flat_km
    return distance_equivalent_km(
        sport=session.sport, distance_m=distance_m, ascent_m=session.ascent_m
    )


def planned_estimates_apply(*, session: PlannedSession) -> None:
    """Set the session's `est_*` fields from its steps (caller saves)."""
    for name, value in estimate_fields(session).items():
        setattr(session, name, value)


def planned_estimates_refresh(
    *, athlete: Athlete, sport: str | None, since: dt.date
) -> set[dt.date]:
    """Re-estimate the athlete's sessions on or after `since` whose thresholds are `sport`'s
    (None: all); returns the days of the sessions whose estimates changed."""
    sessions = PlannedSession.objects.filter(athlete=athlete, day__gte=since).select_related(
        "athlete"
    )
    changed: set[dt.date] = set()
    for session in sessions:
        if sport is not None and own_sport(session.sport) != own_sport(sport):
            continue
        before = [getattr(session, name) for name in ESTIMATE_FIELDS]
        planned_estimates_apply(session=session)
        if [getattr(session, name) for name in ESTIMATE_FIELDS] != before:
            session.save(update_fields=[*ESTIMATE_FIELDS, "updated_at"])
            changed.add(session.day)
    return changed
