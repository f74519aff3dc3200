"""Reads of planning one template for every athlete of a group on a day: per athlete, the
session it would plan (estimated with that athlete's thresholds: zone and % targets scale
to them) or why they are skipped. The service (`coaching.services.group_plan`) writes the
lines this returns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from athletes.models import Athlete, Group
from coaching.models import PlannedSession, WorkoutTemplate
from coaching.selectors.context import workout_thresholds
from coaching.services.estimates import estimate_fields
from coaching.workouts.resolve import unresolved_kinds
from coaching.workouts.tree import TargetKind, stored_workout

MISSING = {
    TargetKind.POWER: gettext_lazy("no FTP or power zones"),
    TargetKind.HR: gettext_lazy("no threshold heart rate or heart-rate zones"),
    TargetKind.PACE: gettext_lazy("no threshold pace or pace zones"),
}


@dataclass(frozen=True, slots=True)
class GroupPlanLine:
    """One athlete: the session planned (saved by the service; unsaved in a preview), or
    the reason they are skipped."""

    athlete: Athlete
    session: PlannedSession | None = None
    skipped: str = ""


def _missing(kinds: list[TargetKind]) -> str:
    reasons = ", ".join(str(MISSING.get(kind, kind)) for kind in kinds)
    return _("No thresholds for these targets on that day (%(missing)s).") % {"missing": reasons}


def _line(
    athlete: Athlete, template: WorkoutTemplate, day: dt.date, planned: set[int]
) -> GroupPlanLine:
    """What planning `template` would give for `athlete` (not saved)."""
    if athlete.id in planned:
        return GroupPlanLine(athlete, skipped=_("Already planned from this template that day."))
    thresholds = workout_thresholds(athlete=athlete, sport=template.sport, day=day)
    workout = stored_workout(template.steps)
    kinds = unresolved_kinds(workout, sport=template.sport, thresholds=thresholds)
    if kinds:
        return GroupPlanLine(athlete, skipped=_missing(kinds))
    session = PlannedSession(
        athlete=athlete,
        day=day,
        sport=template.sport,
        session_type=template.session_type,
        title=template.name,
        steps=template.steps,
        duration_s=template.duration_s,
        distance_m=template.distance_m,
    )
    for name, value in estimate_fields(session, thresholds=thresholds).items():
        setattr(session, name, value)
    return GroupPlanLine(athlete, session=session)


def group_plan_preview(
    *,
    viewer: Any,
    group: Group,
    template: WorkoutTemplate,
    day: dt.date,
    athlete_ids: Iterable[int] | None = None,
) -> list[GroupPlanLine]:
    """One line per athlete of the group (of `athlete_ids` — those the coach saw — when
    given): planned, or skipped because they left the group, the viewer no longer plans for
    them, their thresholds cannot resolve the template's targets, or it is already planned.
    Ids of athletes the viewer does not see are ignored."""
    members = set(group.athletes.values_list("id", flat=True))
    wanted = members if athlete_ids is None else set(athlete_ids)
    athletes = Athlete.objects.visible_to(viewer).filter(id__in=wanted).select_related("user")
    plannable = set(
        Athlete.objects.plannable_by(viewer).filter(id__in=wanted).values_list("id", flat=True)
    )
    planned = set(
        PlannedSession.objects.filter(athlete__in=wanted, day=day, template=template).values_list(
            "athlete_id", flat=True
        )
    )
    lines = []
    for athlete in sorted(athletes, key=str):
        if athlete.id not in members:
            lines.append(GroupPlanLine(athlete, skipped=_("No longer in the group.")))
        elif athlete.id not in plannable:
            lines.append(
                GroupPlanLine(
                    athlete,
                    skipped=_(
                        "You do not plan for this athlete (view-only rights or no longer coached)."
                    ),
                )
            )
        else:
            lines.append(_line(athlete, template, day, planned))
    return lines
