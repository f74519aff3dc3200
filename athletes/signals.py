"""Signals the athletes app sends; other apps listen (athletes imports no other app).

`thresholds_changed`: the thresholds or zones of one sport changed from a day on, so whatever
was computed with them from that day is stale. Keyword arguments: `athlete_id: int`,
`sport: str` (a threshold sport: run, ride, swim or other), `since: datetime.date` (the
`valid_from` of the row written or deleted). Sent once the transaction commits.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from django.db import transaction
from django.db.models import Model
from django.dispatch import Signal

logger = logging.getLogger(__name__)

thresholds_changed = Signal()


def thresholds_changed_announce(
    *, sender: type[Model], athlete_id: int, sport: str, since: dt.date
) -> None:
    """Send `thresholds_changed` when the current transaction commits (at once outside one);
    nothing when it rolls back."""
    transaction.on_commit(partial(_send, sender, athlete_id, sport, since))


def _send(sender: type[Model], athlete_id: int, sport: str, since: dt.date) -> None:
    """One failing listener (a broker down) does not undo a committed thresholds change."""
    responses = thresholds_changed.send_robust(
        sender=sender, athlete_id=athlete_id, sport=sport, since=since
    )
    for receiver, response in responses:
        if isinstance(response, Exception):
            logger.error(
                "thresholds_changed listener %r failed for athlete %s",
                receiver,
                athlete_id,
                exc_info=response,
            )
