"""Writes for user accounts and athlete profiles."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from athletes.models import Athlete, CoachAthlete, User


def athlete_profile_ensure(*, user: User, language: str = "en") -> Athlete:
    """The user's athlete profile, created with defaults if missing (idempotent)."""
    supported = {code for code, _ in settings.LANGUAGES}
    athlete, _created = Athlete.objects.get_or_create(
        user=user, defaults={"language": language if language in supported else "en"}
    )
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
