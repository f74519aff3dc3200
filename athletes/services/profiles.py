"""Writes for user accounts and athlete profiles."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from athletes.models import Athlete, CoachAthlete, User
from core.events import TimeConstantsChanged
from core.outbox import publish


def athlete_profile_ensure(*, user: User, language: str = "en", sex: str = "") -> Athlete:
    """The user's athlete profile, created with defaults if missing (idempotent); `sex` is
    "M", "F" or "" (not given)."""
    supported = {code for code, _ in settings.LANGUAGES}
    defaults = {
        "language": language if language in supported else "en",
        "sex": sex if sex in Athlete.Sex.values else Athlete.Sex.UNKNOWN,
    }
    athlete, _created = Athlete.objects.get_or_create(user=user, defaults=defaults)
    return athlete


@transaction.atomic
def self_coaching_start(*, user: User) -> CoachAthlete:
    """Make the user their own coach (the self-coached athlete); idempotent."""
    athlete = athlete_profile_ensure(user=user)
    if not user.is_coach:
        user.is_coach = True
        user.save(update_fields=["is_coach"])
    relation, _created = CoachAthlete.objects.get_or_create(
        coach=user,
        athlete=athlete,
        status=CoachAthlete.Status.ACTIVE,
        defaults={
            "permission": CoachAthlete.Permission.FULL,
            "started_on": athlete.local_today(timezone.now()),
        },
    )
    return relation


# The athlete's profile, in the order the form and the API show it.
ATHLETE_PROFILE_FIELDS = (
    "sex",
    "birth_date",
    "time_zone",
    "units",
    "language",
    "load_model",
    "fitness_days",
    "fatigue_days",
)
TIME_CONSTANT_FIELDS = ("fitness_days", "fatigue_days")
USER_NAME_FIELDS = frozenset({"first_name", "last_name"})


@transaction.atomic
def athlete_profile_update(*, athlete: Athlete, by: User, **fields: Any) -> Athlete:
    """Change an athlete's profile fields; the user's names only when athletes edit themselves.

    The caller has checked that `by` may edit this athlete (`Athlete.objects.editable_by`).
    A change of the Fitness/Fatigue time constants publishes `TimeConstantsChanged` (the chart is
    recomputed from its first day).
    """
    unknown = set(fields).difference(ATHLETE_PROFILE_FIELDS, USER_NAME_FIELDS)
    if unknown:
        raise ValueError(f"Not profile fields: {sorted(unknown)}")
    names = {key: value for key, value in fields.items() if key in USER_NAME_FIELDS}
    if names and by.pk != athlete.user_id:
        raise PermissionDenied("Only athletes change their own name.")
    profile = {key: value for key, value in fields.items() if key in ATHLETE_PROFILE_FIELDS}
    if any(getattr(athlete, key) != profile[key] for key in TIME_CONSTANT_FIELDS if key in profile):
        publish(TimeConstantsChanged(athlete_id=athlete.id))
    for key, value in profile.items():
        setattr(athlete, key, value)
    if profile:
        athlete.save(update_fields=list(profile))
    for key, value in names.items():
        setattr(athlete.user, key, value)
    if names:
        athlete.user.save(update_fields=list(names))
    return athlete
