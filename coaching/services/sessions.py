"""Writes of the plan: create, update, move, copy, delete planned sessions; publish drafts (a week's
copy: `coaching.services.week_copy`). Every write re-estimates the session with the
thresholds of its athlete and day, then (on commit) refreshes the planned load and the links
of the days it touched (`coaching.services.after`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from athletes.models import Athlete, User
from coaching.models import PlannedSession, WorkoutTemplate
from coaching.services.after import plan_changed
from coaching.services.estimates import ESTIMATE_FIELDS, planned_estimates_apply
from coaching.workouts.tree import from_data, to_data

EDITABLE_FIELDS = (
    "day",
    "sport",
    "session_type",
    "title",
    "description",
    "steps",
    "duration_s",
    "distance_m",
    "ascent_m",
    "hidden",
)
COPIED_FIELDS = tuple(name for name in EDITABLE_FIELDS if name != "day")


def _next_order(athlete: Athlete, day: dt.date) -> int:
    top = PlannedSession.objects.filter(athlete=athlete, day=day).aggregate(top=Max("order"))["top"]
    return 0 if top is None else top + 1


def _clean_steps(steps: Any) -> list[dict[str, Any]]:
    """Validated, canonical step JSON (raises WorkoutError)."""
    return to_data(from_data(steps))


def planned_session_create(
    *,
    athlete: Athlete,
    by: User | None,
    day: dt.date,
    sport: str,
    title: str,
    source: str = PlannedSession.Source.COACH,
    template: WorkoutTemplate | None = None,
    **fields: Any,
) -> PlannedSession:
    """Add a session at the end of `day`; raises WorkoutError for bad steps."""
    fields["steps"] = _clean_steps(fields.get("steps"))
    session = PlannedSession(
        athlete=athlete,
        day=day,
        sport=sport,
        title=title,
        source=source,
        template=template,
        created_by=by,
        updated_by=by,
        order=_next_order(athlete, day),
        **fields,
    )
    planned_estimates_apply(session=session)
    with transaction.atomic():  # the session and its announcement, or neither
        session.save()
        plan_changed(athlete_id=athlete.id, days={day})
    return session


def planned_session_update(*, session: PlannedSession, by: User | None, **fields: Any) -> None:
    """Change any of EDITABLE_FIELDS; a new day puts the session last on that day."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if "steps" in fields:
        fields["steps"] = _clean_steps(fields["steps"])
    days = {session.day}
    if "day" in fields and fields["day"] != session.day:
        session.order = _next_order(session.athlete, fields["day"])
    for name, value in fields.items():
        setattr(session, name, value)
    session.updated_by = by
    days.add(session.day)
    planned_estimates_apply(session=session)
    written = [*fields, "order", *ESTIMATE_FIELDS, "updated_by", "updated_at"]
    with transaction.atomic():  # only what changed: a sync writing other fields keeps them
        session.save(update_fields=sorted(set(written)))
        plan_changed(athlete_id=session.athlete_id, days=days)


def planned_session_move(
    *, session: PlannedSession, day: dt.date, by: User | None, position: int | None = None
) -> None:
    """Move a session to `day` at `position` among that day's sessions (None: last)."""
    with transaction.atomic():
        old_day = session.day
        others = list(
            PlannedSession.objects.filter(athlete=session.athlete_id, day=day)
            .exclude(id=session.id)
            .order_by("order", "id")
        )
        index = len(others) if position is None else max(0, min(position, len(others)))
        others.insert(index, session)
        for order, item in enumerate(others):
            item.order = order
        session.day = day
        session.updated_by = by
        if day != old_day:
            planned_estimates_apply(session=session)
        PlannedSession.objects.bulk_update(others, ["order"])
        session.save(update_fields=["day", "order", *ESTIMATE_FIELDS, "updated_by", "updated_at"])
        plan_changed(athlete_id=session.athlete_id, days={old_day, day})


def planned_session_delete(*, session: PlannedSession) -> None:
    athlete_id, day = session.athlete_id, session.day
    with transaction.atomic():
        session.delete()
        plan_changed(athlete_id=athlete_id, days={day})


def planned_session_copy(
    *, session: PlannedSession, day: dt.date, by: User | None, athlete: Athlete | None = None
) -> PlannedSession:
    """A copy of `session` on `day` for `athlete` (default: the same athlete), estimated with
    that athlete's thresholds — zone and % targets scale to them by construction."""
    fields = {name: getattr(session, name) for name in COPIED_FIELDS}
    return planned_session_create(
        athlete=athlete or session.athlete,
        by=by,
        day=day,
        source=session.source,
        template=session.template,
        **fields,
    )


def template_apply(
    *,
    template: WorkoutTemplate,
    athlete: Athlete,
    day: dt.date,
    by: User | None,
    hidden: bool = False,
) -> PlannedSession:
    """Plan `template` for `athlete` on `day`."""
    return planned_session_create(
        athlete=athlete,
        by=by,
        day=day,
        sport=template.sport,
        title=template.name,
        source=PlannedSession.Source.TEMPLATE,
        template=template,
        session_type=template.session_type,
        description=template.description,
        steps=template.steps,
        duration_s=template.duration_s,
        distance_m=template.distance_m,
        hidden=hidden,
    )


def week_publish(*, athlete: Athlete, week_start: dt.date, by: User | None) -> int:
    """Publish the drafts of a week; returns how many."""
    days = (week_start, week_start + dt.timedelta(days=6))
    drafts = PlannedSession.objects.filter(athlete=athlete, day__range=days, hidden=True)
    with transaction.atomic():
        published_days = set(drafts.values_list("day", flat=True))
        count = drafts.update(hidden=False, updated_by=by, updated_at=timezone.now())
        if count:
            plan_changed(athlete_id=athlete.id, days=published_days)
    return count
