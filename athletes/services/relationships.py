"""Writes for coach-athlete relationships: ending one, changing the coach's permission."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction

from athletes.models import CoachAthlete, Group, User


def relationship_end(*, relationship: CoachAthlete, by: User, today: dt.date) -> CoachAthlete:
    """End a relationship (either party may); the athlete leaves that coach's groups.

    Idempotent: ending an ended relationship changes nothing. From `today` on the former
    coach sees nothing of the athlete.
    """
    if by.id not in (relationship.coach_id, relationship.athlete.user_id):
        raise PermissionDenied
    with transaction.atomic():
        updated = (
            CoachAthlete.objects.filter(id=relationship.id)
            .exclude(status=CoachAthlete.Status.ENDED)
            .update(status=CoachAthlete.Status.ENDED, ended_on=today, ended_by=by)
        )
        if updated:
            Group.athletes.through.objects.filter(
                group__coach_id=relationship.coach_id, athlete_id=relationship.athlete_id
            ).delete()
    relationship.refresh_from_db()
    return relationship


def relationship_set_permission(
    *, relationship: CoachAthlete, permission: str, by: User
) -> CoachAthlete:
    """Set what a coach may do; only the athlete decides, and only while it is active."""
    if by.id != relationship.athlete.user_id:
        raise PermissionDenied
    if permission not in CoachAthlete.Permission.values:
        raise ValueError(f"unknown permission {permission!r}")
    if relationship.status != CoachAthlete.Status.ACTIVE:
        raise ValueError("only an active relationship has a permission to change")
    relationship.permission = permission
    relationship.save(update_fields=["permission"])
    return relationship
