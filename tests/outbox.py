"""What the outbox delivered, as tests read it: the events subscribers ran, in order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any, overload

from django.utils import timezone

from core.events import Event
from core.models import OutboxMessage

METRICS = "analytics.activities_changed"


class Delivered(Sequence[dict[str, Any]]):
    """The events one subscriber has run so far (outbox rows done), read from the database at
    each use: compares equal to a list of the events' fields as dicts (tuples as lists, days
    as dates)."""

    def __init__(self, subscriber: str = METRICS) -> None:
        self.subscriber = subscriber

    def _rows(self) -> list[dict[str, Any]]:
        rows = OutboxMessage.objects.filter(subscriber=self.subscriber, state="done")
        return [
            _fields(payload) for payload in rows.order_by("id").values_list("payload", flat=True)
        ]

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[dict[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> Any:
        return self._rows()[index]

    def __len__(self) -> int:
        return len(self._rows())

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self._rows())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and self._rows() == list(other)

    def __repr__(self) -> str:
        return repr(self._rows())


def _fields(payload: dict[str, Any]) -> dict[str, Any]:
    fields = dict(payload)
    if "since" in fields:
        fields["since"] = dt.date.fromisoformat(fields["since"])
    return fields


def outbox_message(task: Any, event: Event) -> OutboxMessage:
    """The outbox row `publish` would write for one subscriber task of `event`."""
    return OutboxMessage.objects.create(
        subscriber=task.name,
        topic=type(event).__name__,
        payload=event.to_json(),
        key=event.key,
        available_at=timezone.now(),
    )


def run_subscriber(task: Any, event: Event) -> str:
    """Deliver `event` to one subscriber task (in-process in tests) as the outbox would: a
    message row for that subscriber only, then the task with its id. Returns the row's state."""
    message = outbox_message(task, event)
    task.delay(message.id)
    return str(OutboxMessage.objects.get(id=message.id).state)
