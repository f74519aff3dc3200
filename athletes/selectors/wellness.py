"""Who reads an athlete's wellness: the athlete, and their coaches while the athlete shares it.

House convention (tests/tenancy/base.py): an athlete out of the viewer's scope is 404; a coach
who sees the athlete but has no consent to read their wellness gets 403, as any visible-but-not-
allowed action does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from athletes.models import Athlete, WellnessDay
from athletes.selectors.athletes import athlete_get


def wellness_readable(*, viewer: Any, athlete: Athlete) -> bool:
    """Whether the viewer may read this athlete's wellness."""
    return Athlete.objects.wellness_visible_to(viewer).filter(id=athlete.id).exists()


def athlete_get_for_wellness(*, viewer: Any, athlete_id: int) -> Athlete:
    """The athlete whose wellness the viewer reads: 404 out of scope, 403 without consent."""
    athlete = athlete_get(viewer=viewer, athlete_id=athlete_id)
    if not wellness_readable(viewer=viewer, athlete=athlete):
        raise PermissionDenied(_("This athlete does not share their wellness with coaches."))
    return athlete


def wellness_days(
    *, viewer: Any, athlete: Athlete, since: dt.date | None = None, until: dt.date | None = None
) -> list[WellnessDay]:
    """The athlete's wellness days the viewer may read, oldest first (empty without consent)."""
    rows = WellnessDay.objects.visible_to(viewer).filter(athlete=athlete)
    if since is not None:
        rows = rows.filter(day__gte=since)
    if until is not None:
        rows = rows.filter(day__lte=until)
    return list(rows.order_by("day"))


def wellness_exists(*, viewer: Any, athlete: Athlete) -> bool:
    """Whether the athlete has any wellness day the viewer may read."""
    return WellnessDay.objects.visible_to(viewer).filter(athlete=athlete).exists()
