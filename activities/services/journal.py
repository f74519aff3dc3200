"""The athlete's own account of a session: RPE (Foster's CR-10), feel (1–5) and notes.

Written by the athlete alone — the journal is theirs; coaches read it and comment (DESIGN
"Permissions"). A changed RPE changes
the session-RPE load (DESIGN §6 "RPE"), so the change is announced to the metrics pipeline
once the transaction commits (`activities.services.changes.activity_changed`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from activities.models import Activity
from activities.services.changes import activity_changed
from athletes.models import User
from athletes.selectors.athletes import athlete_writes_journal
from core.ranges import FEEL, RPE_CR10, Range

NOTES_MAX_CHARS = 10000


def _check_range(value: int | None, limits: Range, what: str) -> None:
    if value is not None and not (isinstance(value, int) and limits.contains(value)):
        raise ValueError(f"{what} must be a whole number from {limits.low:g} to {limits.high:g}")


def activity_journal_update(
    *, activity: Activity, by: User, rpe: int | None, feel: int | None, notes: str
) -> bool:
    """Set the RPE (CR-10, None = not rated), feel (1–5, None) and notes of `activity`.

    `by` must be the athlete themself (PermissionDenied for anyone else, coaches included); values
    out of range raise ValueError. Returns whether anything changed; a changed RPE is announced
    (`activity_changed`) after commit so the session's load is recomputed.
    """
    _check_range(rpe, RPE_CR10, "RPE")
    _check_range(feel, FEEL, "feel")
    if len(notes) > NOTES_MAX_CHARS:
        raise ValueError(f"notes are at most {NOTES_MAX_CHARS} characters")
    if not athlete_writes_journal(viewer=by, athlete=activity.athlete):
        raise PermissionDenied
    before = (activity.rpe, activity.feel, activity.notes)
    if before == (rpe, feel, notes):
        return False
    with transaction.atomic():
        activity.rpe, activity.feel, activity.notes = rpe, feel, notes
        activity.save(update_fields=["rpe", "feel", "notes", "updated_at"])
        if before[0] != rpe:
            activity_changed(activity)
    return True
