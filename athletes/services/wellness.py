"""The athlete's consent to show their wellness (sleep, HRV, resting HR…) to their coaches."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from athletes.models import Athlete, User


def wellness_sharing_set(*, by: User, athlete: Athlete, shared: bool) -> Athlete:
    """Share the athlete's wellness with their coaches, or stop sharing it (revocable at any
    time); only the athlete decides (a consent, DESIGN §5). Idempotent: sharing again keeps
    the moment consent was first given."""
    if athlete.user_id != by.id:
        raise PermissionDenied(_("Only the athlete decides who sees their wellness."))
    if shared == (athlete.wellness_shared_at is not None):
        return athlete
    athlete.wellness_shared_at = timezone.now() if shared else None
    athlete.save(update_fields=["wellness_shared_at"])
    return athlete
