"""Writes of goals and races."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from athletes.models import Athlete, Goal
from core.ranges import GOAL_ASCENT_M, GOAL_DISTANCE_M, GOAL_TIME_S

# A goal's fields, in the order the API shows them.
GOAL_FIELDS = (
    "race_on",
    "name",
    "priority",
    "sport",
    "distance_m",
    "ascent_m",
    "target_time_s",
    "weekly_distance_m",
    "weekly_duration_s",
    "notes",
)


def _positive_errors(goal: Goal) -> dict[str, str]:
    """Distance, ascent and target time within their plausible ranges (core.ranges)."""
    errors: dict[str, str] = {}
    if goal.distance_m is not None and not GOAL_DISTANCE_M.contains(goal.distance_m):
        errors["distance_m"] = _("Enter a distance from 1 m to %(km)s km.") % {
            "km": f"{GOAL_DISTANCE_M.high / 1000:.0f}"
        }
    if goal.ascent_m is not None and not GOAL_ASCENT_M.contains(goal.ascent_m):
        errors["ascent_m"] = _("Enter an ascent from 0 to %(m)s m.") % {
            "m": f"{GOAL_ASCENT_M.high:.0f}"
        }
    if goal.target_time_s is not None and not GOAL_TIME_S.contains(goal.target_time_s):
        errors["target_time_s"] = _("Enter a target time of at most %(days)s days.") % {
            "days": f"{GOAL_TIME_S.high / 86400:.0f}"
        }
    return errors


def _apply(goal: Goal, fields: dict[str, Any]) -> Goal:
    unknown = set(fields).difference(GOAL_FIELDS)
    if unknown:
        raise TypeError(f"unknown goal fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(goal, name, value)
    errors = _positive_errors(goal)
    if errors:
        raise ValidationError(errors)
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def goal_create(*, athlete: Athlete, **fields: Any) -> Goal:
    """Add a goal (race date, name, priority A/B/C, sport, distance m, ascent m, target time s).

    Raises ValidationError on a missing name or date, an unknown choice, or a distance, ascent
    or target time outside its plausible range (core.ranges).
    """
    return _apply(Goal(athlete=athlete), fields)


@transaction.atomic
def goal_update(*, goal: Goal, **fields: Any) -> Goal:
    """Change some fields of a goal; validated as in `goal_create`."""
    return _apply(goal, fields)


def goal_delete(*, goal: Goal) -> None:
    """Delete a goal."""
    goal.delete()
