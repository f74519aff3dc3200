"""Announcements that activities changed, for the apps that derive data from them.

`activities` must not import `analytics` (the dependency runs the other way), so the services
here announce on the `activities_changed` signal and analytics listens (analytics/apps.py).
An announcement is sent only once the transaction that made the change commits — never for
rolled-back work — with the keyword arguments:

- `athlete_id: int`;
- `activity_ids: list[int]`: the activities created or changed (may be empty, or name an
  activity deleted since: listeners treat a missing one as done);
- `since: datetime.date`: the earliest athlete-local day whose derived data may have changed.

Inside `changes_batched()` nothing is sent as it happens: every change is collected and ONE
announcement per athlete goes out when the outermost batch ends (on commit), so a history
import of thousands of files leads to one recompute of the athlete's daily load, not one each.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import partial

from django.db import transaction
from django.dispatch import Signal

from activities.models import Activity

logger = logging.getLogger(__name__)

activities_changed = Signal()


@dataclass(slots=True)
class _AthleteChanges:
    since: dt.date
    activity_ids: dict[int, None] = field(default_factory=dict)  # an ordered set


@dataclass(slots=True)
class ChangeBatch:
    """The changes collected by one `changes_batched()` block, per athlete."""

    athletes: dict[int, _AthleteChanges] = field(default_factory=dict)
    sent: bool = False

    def add(self, athlete_id: int, activity_ids: tuple[int, ...], since: dt.date) -> None:
        if self.sent:  # committed after the batch was announced: announce on its own
            _send(athlete_id, activity_ids, since)
            return
        changes = self.athletes.setdefault(athlete_id, _AthleteChanges(since))
        changes.since = min(changes.since, since)
        changes.activity_ids.update(dict.fromkeys(activity_ids))

    def flush(self) -> None:
        """One announcement per athlete (by athlete id), then nothing is collected any more."""
        self.sent = True
        athletes, self.athletes = self.athletes, {}
        for athlete_id, changes in sorted(athletes.items()):
            _send(athlete_id, tuple(changes.activity_ids), changes.since)


_batch: ContextVar[ChangeBatch | None] = ContextVar("activities_change_batch", default=None)


def _send(athlete_id: int, activity_ids: Iterable[int], since: dt.date) -> None:
    """Send to every listener; one failing listener (a broker down) fails no import."""
    responses = activities_changed.send_robust(
        sender=Activity, athlete_id=athlete_id, activity_ids=list(activity_ids), since=since
    )
    for receiver, response in responses:
        if isinstance(response, Exception):
            logger.error(
                "activities_changed listener %r failed for athlete %s",
                receiver,
                athlete_id,
                exc_info=response,
            )


def _announce(athlete_id: int, activity_ids: tuple[int, ...], since: dt.date) -> None:
    """On commit (at once outside a transaction): to the current batch, or sent alone. A
    rolled-back savepoint drops what was registered inside it, so failed work is never sent."""
    batch = _batch.get()
    if batch is not None:
        transaction.on_commit(partial(batch.add, athlete_id, activity_ids, since))
    else:
        transaction.on_commit(partial(_send, athlete_id, activity_ids, since))


def activity_changed(activity: Activity, *, previous_day: dt.date | None = None) -> None:
    """Announce that `activity` was created or changed; `previous_day` is its day before the
    change when the change moved it (the derived data of both days are stale)."""
    since = activity.day if previous_day is None else min(activity.day, previous_day)
    _announce(activity.athlete_id, (activity.id,), since)


def activity_removed(*, athlete_id: int, day: dt.date) -> None:
    """Announce that an activity of `day` (athlete-local) was deleted."""
    _announce(athlete_id, (), day)


@contextmanager
def changes_batched() -> Iterator[ChangeBatch]:
    """Collect the announcements made inside the block; send one per athlete when it ends.

    Nested blocks join the outermost one. The announcements go out when the transaction
    around the block commits (at once in autocommit), also when the block ends on an error:
    what was committed inside it before the error did change.
    """
    current = _batch.get()
    if current is not None:
        yield current
        return
    batch = ChangeBatch()
    token = _batch.set(batch)
    try:
        yield batch
    finally:
        _batch.reset(token)
        # Registered after every `batch.add` of the block, so it runs after them.
        transaction.on_commit(batch.flush)
