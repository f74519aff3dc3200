"""Writes of goals and races."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from athletes.models import Athlete, Goal, User

GOAL_FIELDS: frozenset[str] = frozenset(
    {"race_on", "name", "priority", "sport", "distance_m", "ascent_m", "target_time_s", "notes"}
)


def _positive_errors(goal: Goal) -> dict[str, str]:
    errors: dict[str, str] = {}
    if goal.distance_m is not None and not goal.distance_m > 0:
        errors["distance_m"] = _("Distance must be greater than zero.")
    if goal.ascent_m is not None and not goal.ascent_m >= 0:
        errors["ascent_m"] = _("Ascent cannot be negative.")
    if goal.target_time_s is not None and goal.target_time_s <= 0:
        errors["target_time_s"] = _("Target time must be greater than zero.")
    return errors


def _apply(goal: Goal, fields: dict[str, Any]) -> Goal:
    unknown = set(fields) - GOAL_FIELDS
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
def goal_create(*, athlete: Athlete, by: User | None, **fields: Any) -> Goal:
    """Add a goal (race date, name, priority A/B/C, sport, distance m, ascent m, target time s).

    Raises ValidationError on a missing name or date, an unknown choice, distance <= 0,
    negative ascent or a target time <= 0.
    """
    return _apply(Goal(athlete=athlete), fields)


@transaction.atomic
def goal_update(*, goal: Goal, by: User | None, **fields: Any) -> Goal:
    """Change some fields of a goal; validated as in `goal_create`."""
    return _apply(goal, fields)


def goal_delete(*, goal: Goal, by: User | None) -> None:
    """Delete a goal."""
    goal.delete()
