"""A TrainingPeaks calendar pulled into the athlete's plan.

Each pull is a snapshot of the feed's window (its first to its last day): TrainingPeaks
issues new UIDs on every pull, so a session is recognised by (day, sport, title), then by
(sport, title) — a session moved to another day —, then by (day, sport) — a renamed one. Inside
the window, sessions the feed no longer holds are removed; days outside it are never touched
(the window slides), nor sessions a coach made in Paceline (only `source=trainingpeaks` ones
are the feed's). A body unchanged since the last pull is not parsed again. Each change goes
through the plan's services, so links and planned load follow.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop

from athletes.models import Athlete
from coaching.models import PlannedSession, SessionType
from coaching.services.sessions import (
    planned_session_create,
    planned_session_delete,
    planned_session_move,
    planned_session_update,
)
from core.sports import Sport
from integrations.models import Connection, SyncRun
from integrations.services.connections import (
    connection_activate,
    connection_lease,
    connection_needs_user,
    raw_payload_keep,
    sync_run_finish,
    sync_run_progress,
    sync_run_start,
)
from integrations.trainingpeaks.client import FeedRefused, fetch_feed
from integrations.trainingpeaks.mapping import FeedError, FeedSession, parse_feed

SOURCE = PlannedSession.Source.TRAININGPEAKS
UNREADABLE = gettext_noop("The calendar could not be read: %(reason)s.")
UNCHANGED = gettext_noop("unchanged since the last pull")


def calendar_pull(
    connection_id: int, *, run: SyncRun | None = None, fetch: Callable[[str], bytes] = fetch_feed
) -> SyncRun:
    """Pull the connection's feed into the plan; the run says what it found and changed.

    A feed that cannot be fetched or read changes nothing and says why (the athlete fixes the
    address: `needs_user`). Raises LeaseHeld while another pull holds the connection.
    """
    with connection_lease(connection_id) as connection:
        run = sync_run_start(connection, SyncRun.Kind.PLAN, run=run)
        try:
            body = fetch(connection.credentials_dict.get("feed_url", ""))
            sessions = (
                None if _unchanged(connection, body) else parse_feed(body, connection.athlete.tz)
            )
        except (FeedRefused, FeedError) as refused:
            connection_needs_user(connection, refused.reason)
            return sync_run_finish(run, error=UNREADABLE % {"reason": refused.reason})
        if sessions is None:
            sync_run_progress(run, skipped=1)
            return sync_run_finish(run)
        raw_payload_keep(connection, "calendar", {"ics": body.decode("utf-8", "replace")}, run=run)
        changes = plan_reconcile(athlete=connection.athlete, sessions=sessions)
        sync_run_progress(run, fetched=len(sessions), **changes.counts())
        _cursor_to(connection, body, sessions)
        if connection.status != Connection.Status.ACTIVE:
            connection_activate(connection)
        return sync_run_finish(run)


def _unchanged(connection: Connection, body: bytes) -> bool:
    return bool(connection.cursor.get("content_sha256") == hashlib.sha256(body).hexdigest())


def _cursor_to(connection: Connection, body: bytes, sessions: list[FeedSession]) -> None:
    days = [s.day for s in sessions]
    connection.cursor = {
        "content_sha256": hashlib.sha256(body).hexdigest(),
        "window": [min(days).isoformat(), max(days).isoformat()] if days else [],
        "sessions": len(sessions),
    }
    Connection.objects.filter(id=connection.id).update(cursor=connection.cursor)


# --- the snapshot ----------------------------------------------------------------------------


@dataclass
class Changes:
    created: int = 0
    updated: int = 0
    moved: int = 0
    removed: int = 0
    kept: int = 0
    log: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "created": self.created,
            "merged": self.updated + self.moved,
            "removed": self.removed,
            "skipped": self.kept,
        }


def _norm(title: str) -> str:
    return re.sub(r"\W+", " ", title.casefold()).strip()


def _values(session: FeedSession) -> dict[str, Any]:
    """The planned session's fields as the feed gives them."""
    rest = session.sport == "rest"
    sport = Sport.OTHER if rest or session.sport not in set(Sport) else Sport(session.sport)
    session_type = (
        SessionType.REST
        if rest
        else (SessionType.STRENGTH if sport == Sport.STRENGTH else SessionType.OTHER)
    )
    return {
        "sport": sport.value,
        "session_type": session_type.value,
        "title": session.title,
        "description": session.description,
        "duration_s": float(session.planned_duration_s) if session.planned_duration_s else None,
        "distance_m": session.planned_distance_m,
    }


def plan_reconcile(*, athlete: Athlete, sessions: list[FeedSession]) -> Changes:
    """Make the athlete's TrainingPeaks sessions inside the feed's window equal the feed's."""
    changes = Changes()
    if not sessions:
        return changes  # an empty feed says nothing about any day
    first, last = min(s.day for s in sessions), max(s.day for s in sessions)
    with transaction.atomic():
        stored = list(
            PlannedSession.objects.select_for_update()
            .filter(athlete=athlete, source=SOURCE, day__range=(first, last))
            .order_by("day", "order", "id")
        )
        incoming = [(s, _values(s)) for s in sessions]
        pairs, left_new, left_old = _match(incoming, stored)
        for (session, values), planned in pairs:
            _apply(planned, session.day, values, changes)
        for planned in left_old:
            planned_session_delete(session=planned)
            changes.removed += 1
        for session, values in left_new:
            planned_session_create(
                athlete=athlete, by=None, day=session.day, source=SOURCE, **values
            )
            changes.created += 1
        _feed_order(athlete, incoming, first, last)
    return changes


def _feed_order(athlete: Athlete, incoming: list[Incoming], first: dt.date, last: dt.date) -> None:
    """Within each day, the feed's sessions in the feed's order, then the coach's own."""
    rank = {
        (s.day, values["sport"], _norm(s.title)): index
        for index, (s, values) in enumerate(incoming)
    }
    rows = PlannedSession.objects.filter(athlete=athlete, day__range=(first, last)).order_by(
        "day", "order", "id"
    )
    by_day: dict[dt.date, list[PlannedSession]] = {}
    for row in rows:
        by_day.setdefault(row.day, []).append(row)

    def place(row: PlannedSession) -> tuple[int, int]:
        found = rank.get((row.day, row.sport, _norm(row.title))) if row.source == SOURCE else None
        return (0, found) if found is not None else (1, row.order)

    changed = []
    for day_rows in by_day.values():
        for order, row in enumerate(sorted(day_rows, key=place)):
            if row.order != order:
                row.order = order
                changed.append(row)
    PlannedSession.objects.bulk_update(changed, ["order"])


Incoming = tuple[FeedSession, dict[str, Any]]


def _match(
    incoming: list[Incoming], stored: list[PlannedSession]
) -> tuple[list[tuple[Incoming, PlannedSession]], list[Incoming], list[PlannedSession]]:
    keys: tuple[Callable[[dt.date, str, str], tuple[Any, ...]], ...] = (
        lambda day, sport, title: (day, sport, title),
        lambda day, sport, title: (sport, title),
        lambda day, sport, title: (day, sport),
    )
    pairs: list[tuple[Incoming, PlannedSession]] = []
    new, old = list(incoming), list(stored)
    for key in keys:
        new, old = _pass(new, old, key, pairs)
    return pairs, new, old


def _pass(
    new: Iterable[Incoming],
    old: list[PlannedSession],
    key: Callable[[dt.date, str, str], tuple[Any, ...]],
    pairs: list[tuple[Incoming, PlannedSession]],
) -> tuple[list[Incoming], list[PlannedSession]]:
    waiting: dict[tuple[Any, ...], list[PlannedSession]] = {}
    for planned in old:
        waiting.setdefault(key(planned.day, planned.sport, _norm(planned.title)), []).append(
            planned
        )
    unmatched: list[Incoming] = []
    for item in new:
        session, values = item
        bucket = waiting.get(key(session.day, values["sport"], _norm(session.title)))
        if bucket:
            pairs.append((item, bucket.pop(0)))
        else:
            unmatched.append(item)
    return unmatched, [planned for bucket in waiting.values() for planned in bucket]


def _apply(planned: PlannedSession, day: dt.date, values: dict[str, Any], changes: Changes) -> None:
    if planned.day != day:
        planned_session_move(session=planned, day=day, by=None)
        changes.moved += 1
    different = {name: value for name, value in values.items() if getattr(planned, name) != value}
    if different:
        planned_session_update(session=planned, by=None, **different)
        changes.updated += 1
    elif planned.day == day:
        changes.kept += 1
