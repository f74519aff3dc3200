"""Copy a week onto another week, merging with or replacing what the target weeks hold, and
undo it: the copies deleted, the removed sessions restored with their ids (and the pairs
their athlete had refused to link). What the undo needs is stored in `WeekCopy`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from athletes.models import Athlete, User
from coaching.models import LinkRefusal, PlannedSession, WeekCopy, WorkoutTemplate
from coaching.selectors.week_copy import UNDO_WINDOW, week_sessions, with_removable
from coaching.services.after import plan_changed
from coaching.services.sessions import planned_session_copy


class UndoUnavailableError(ValueError):
    """The copy was already undone, or its undo window is over."""


def _stored(value: Any) -> Any:
    """Dates and times as full ISO text (the JSON encoder would drop microseconds)."""
    return value.isoformat() if isinstance(value, dt.date) else value


def _snapshot(session: PlannedSession) -> dict[str, Any]:
    fields = {
        f.attname: _stored(getattr(session, f.attname))
        for f in PlannedSession._meta.concrete_fields
    }
    refusals = LinkRefusal.objects.filter(session=session).values("activity_id", "created_by_id")
    return {"fields": fields, "refusals": list(refusals)}


def _remove(athletes: list[Athlete], to_week_start: dt.date) -> list[dict[str, Any]]:
    """Delete the removable sessions of the target weeks; their snapshots."""
    removed = []
    for target in athletes:
        sessions = with_removable(week_sessions(athlete=target, week_start=to_week_start))
        gone = [s for s in sessions if s.removable]  # type: ignore[attr-defined]
        removed += [_snapshot(s) for s in gone]
        PlannedSession.objects.filter(id__in=[s.id for s in gone]).delete()
        if gone:
            plan_changed(athlete_id=target.id, days={s.day for s in gone})
    return removed


def week_copy_apply(
    *,
    athlete: Athlete,
    week_start: dt.date,
    to_week_start: dt.date,
    to_athletes: Iterable[Athlete],
    mode: str,
    by: User,
) -> WeekCopy:
    """Copy every session of `athlete`'s week to the week starting `to_week_start` of each
    target athlete (same weekday, estimated with their thresholds). REPLACE first removes the
    target weeks' sessions that are neither linked to an activity nor commented. One
    transaction; the returned `WeekCopy` (its `added` ids) is what `week_copy_undo` takes."""
    targets = list(to_athletes)
    sources = list(week_sessions(athlete=athlete, week_start=week_start))  # before any removal
    shift = to_week_start - week_start
    with transaction.atomic():
        removed = _remove(targets, to_week_start) if mode == WeekCopy.Mode.REPLACE else []
        copies = [
            planned_session_copy(session=s, day=s.day + shift, by=by, athlete=target)
            for target in targets
            for s in sources
        ]
        WeekCopy.objects.filter(coach=by, created_at__lt=timezone.now() - UNDO_WINDOW).delete()
        return WeekCopy.objects.create(
            coach=by,
            athlete=athlete,
            week_start=week_start,
            to_week_start=to_week_start,
            mode=mode,
            removed=removed,
            added=[copy.id for copy in copies],
        )


def _restore(snapshot: dict[str, Any], plannable: set[int]) -> PlannedSession | None:
    values = {
        f.attname: f.to_python(snapshot["fields"][f.attname])
        for f in PlannedSession._meta.concrete_fields
    }
    if values["athlete_id"] not in plannable:
        return None
    if not WorkoutTemplate.objects.filter(id=values["template_id"]).exists():
        values["template_id"] = None
    for name in ("created_by_id", "updated_by_id"):
        if not User.objects.filter(id=values[name]).exists():
            values[name] = None
    session = PlannedSession(**values)
    session.save(force_insert=True)
    PlannedSession.objects.filter(id=session.id).update(
        created_at=values["created_at"], updated_at=values["updated_at"]
    )
    for refusal in snapshot["refusals"]:
        LinkRefusal.objects.get_or_create(
            session=session,
            activity_id=refusal["activity_id"],
            defaults={"created_by_id": refusal["created_by_id"]},
        )
    return session


def week_copy_undo(*, copy: WeekCopy, now: dt.datetime) -> int:
    """Put the target weeks back as they were: delete the copies still there, restore the
    removed sessions with their ids. Only once (a compare-and-set on `undone_at`) and within
    UNDO_WINDOW, else UndoUnavailableError. Athletes the coach no longer plans for are left alone.
    Returns how many sessions were restored."""
    plannable = set(Athlete.objects.plannable_by(copy.coach).values_list("id", flat=True))
    with transaction.atomic():
        claimed = WeekCopy.objects.filter(
            id=copy.id, undone_at__isnull=True, created_at__gte=now - UNDO_WINDOW
        ).update(undone_at=now)
        if not claimed:
            raise UndoUnavailableError
        copies = PlannedSession.objects.filter(id__in=copy.added, athlete_id__in=plannable)
        days = {(s.athlete_id, s.day) for s in copies}
        copies.delete()
        restored = [s for s in (_restore(snap, plannable) for snap in copy.removed) if s]
        days |= {(s.athlete_id, s.day) for s in restored}
        for athlete_id in {athlete_id for athlete_id, _ in days}:
            plan_changed(athlete_id=athlete_id, days={d for a, d in days if a == athlete_id})
    return len(restored)
