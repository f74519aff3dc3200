"""The athlete's consent to show their Strava-sourced activities to their coaches."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from athletes.models import Athlete, User


def strava_sharing_set(*, by: User, athlete: Athlete, shared: bool) -> Athlete:
    """Show the athlete's Strava-sourced activities to their coaches, or stop showing them
    (revocable at any time); only the athlete decides (Strava's terms: data a user gives is
    shown to that user). Idempotent: sharing again keeps the moment consent was first given."""
    if athlete.user_id != by.id:
        raise PermissionDenied(_("Only the athlete decides who sees their Strava activities."))
    if shared == (athlete.strava_shared_at is not None):
        return athlete
    athlete.strava_shared_at = timezone.now() if shared else None
    athlete.save(update_fields=["strava_shared_at"])
    return athlete
