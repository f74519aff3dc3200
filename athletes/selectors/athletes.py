"""Reads of athlete profiles through the one door, and the athlete overview page's data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from athletes.models import Athlete, CoachAthlete, Goal
from athletes.selectors.goals import goal_list
from athletes.selectors.thresholds import SportThresholds, thresholds_overview

OVERVIEW_GOALS = 3


def athlete_get(*, viewer: Any, athlete_id: int) -> Athlete:
    """An athlete the viewer may see (themself or a current coachee); 404 otherwise."""
    return get_object_or_404(
        Athlete.objects.visible_to(viewer).select_related("user"), id=athlete_id
    )


def athlete_own(*, viewer: Any) -> Athlete:
    """The viewer's own athlete profile; 404 for someone without one (a coach, staff)."""
    return get_object_or_404(
        Athlete.objects.visible_to(viewer).select_related("user"), user_id=viewer.id
    )


def athlete_get_for_edit(*, viewer: Any, athlete_id: int) -> Athlete:
    """An athlete the viewer may change: 404 when not visible, 403 when visible read-only."""
    athlete = athlete_get(viewer=viewer, athlete_id=athlete_id)
    if not athlete_can_edit(viewer=viewer, athlete=athlete):
        raise PermissionDenied
    return athlete


def athlete_can_edit(*, viewer: Any, athlete: Athlete) -> bool:
    """Whether the viewer may change this athlete's thresholds, zones and goals."""
    return Athlete.objects.editable_by(viewer).filter(id=athlete.id).exists()


def athlete_writes_journal(*, viewer: Any, athlete: Athlete) -> bool:
    """Whether the viewer writes this athlete's journal (RPE, feel, notes): the athlete alone;
    coaches read it and comment (DESIGN: the journal is the athlete's)."""
    return bool(getattr(viewer, "is_authenticated", False)) and athlete.user_id == viewer.id


def athlete_age(*, athlete: Athlete, today: dt.date) -> int | None:
    """Age in whole years on `today`, or None without a birth date."""
    born = athlete.birth_date
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def athlete_coaches(*, athlete: Athlete) -> list[CoachAthlete]:
    """The athlete's current coaching relationships, with the coach loaded."""
    return list(CoachAthlete.objects.active().filter(athlete=athlete).select_related("coach"))


@dataclass(frozen=True, slots=True)
class AthleteOverview:
    """What the athlete overview page shows, computed for the athlete's local `today`."""

    athlete: Athlete
    today: dt.date
    age: int | None
    can_edit: bool
    is_self: bool
    coaches: list[CoachAthlete]
    sports: list[SportThresholds]
    goals: list[Goal]


def athlete_overview(*, viewer: Any, athlete: Athlete, today: dt.date) -> AthleteOverview:
    """Profile, thresholds and zones in force on `today`, and the next goals.

    Coaches are listed for the athlete themself only (a coach does not see the other coaches).
    """
    is_self = athlete.user_id == getattr(viewer, "id", None)
    sports = thresholds_overview(athlete=athlete, day=today)
    return AthleteOverview(
        athlete=athlete,
        today=today,
        age=athlete_age(athlete=athlete, today=today),
        can_edit=athlete_can_edit(viewer=viewer, athlete=athlete),
        is_self=is_self,
        coaches=athlete_coaches(athlete=athlete) if is_self else [],
        sports=[s for s in sports if s.values is not None],
        goals=goal_list(athlete=athlete, upcoming_from=today)[:OVERVIEW_GOALS],
    )
