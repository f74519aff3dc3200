"""Plan one template for every athlete of a group on a day, each session estimated with its
athlete's own thresholds (`template_apply`, as for one athlete)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from athletes.models import Group, User
from coaching.models import WorkoutTemplate
from coaching.selectors.group_plan import GroupPlanLine, group_plan_preview
from coaching.services.sessions import template_apply


def group_template_apply(
    *,
    group: Group,
    template: WorkoutTemplate,
    day: dt.date,
    by: User,
    hidden: bool = False,
    athlete_ids: Iterable[int] | None = None,
) -> list[GroupPlanLine]:
    """Plan `template` on `day` for each athlete `group_plan_preview` does not skip; one
    line per athlete with the session created or the reason skipped. One transaction."""
    lines = group_plan_preview(
        viewer=by, group=group, template=template, day=day, athlete_ids=athlete_ids
    )
    with transaction.atomic():
        return [
            GroupPlanLine(
                line.athlete,
                session=template_apply(
                    template=template, athlete=line.athlete, day=day, by=by, hidden=hidden
                ),
            )
            if line.session is not None
            else line
            for line in lines
        ]
