"""Reads of goals and races."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404

from athletes.models import Athlete, Goal


def goal_list(*, athlete: Athlete, upcoming_from: dt.date | None = None) -> list[Goal]:
    """The athlete's goals by date; only those on or after `upcoming_from` when given."""
    goals = Goal.objects.filter(athlete=athlete)
    if upcoming_from is not None:
        goals = goals.filter(race_on__gte=upcoming_from)
    return list(goals.order_by("race_on", "priority", "id"))


def goal_past_list(*, athlete: Athlete, before: dt.date) -> list[Goal]:
    """The athlete's goals dated before `before`, most recent first."""
    return list(Goal.objects.filter(athlete=athlete, race_on__lt=before).order_by("-race_on"))


def goal_get(*, athlete: Athlete, goal_id: int) -> Goal:
    """One goal of this athlete; 404 when it belongs to someone else or does not exist."""
    return get_object_or_404(Goal.objects.filter(athlete=athlete), id=goal_id)
