"""The domain events: what changed, as frozen dataclasses of ids and dates (no Django).

An app that changes something other apps derive data from publishes one of these with
`core.outbox.publish`; who reacts is listed in ONE place, `config/wiring.py`. Events carry
only what a subscriber needs to find the current state again (ids, days): subscribers re-read
the database, so delivering an event late, or twice, is harmless.

Events published inside one `core.outbox.batched()` block are merged per subscriber and
`key` before delivery (`merge`): a history import of thousands of files is ONE
`ActivitiesChanged` per athlete.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import typing
from dataclasses import dataclass
from typing import Any, ClassVar, Self


@dataclass(frozen=True, slots=True)
class Event:
    """Base class: JSON round trip, merge key and merge rule (the default never merges)."""

    KEYED: ClassVar[tuple[str, ...]] = ()  # fields whose values must agree to merge

    @property
    def key(self) -> str:
        """Events of one batch with the same key are merged into one delivery."""
        return ":".join(str(getattr(self, name)) for name in self.KEYED)

    def merge(self, later: Self) -> Self:
        """This event and a later one of the same key as one event."""
        raise NotImplementedError(f"{type(self).__name__} events are not merged")

    def to_json(self) -> dict[str, Any]:
        return {field.name: _to_json(getattr(self, field.name)) for field in _fields(self)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        hints = typing.get_type_hints(cls)
        return cls(**{f.name: _from_json(hints[f.name], data[f.name]) for f in _fields(cls)})


def _fields(event: Event | type[Event]) -> tuple[dataclasses.Field[Any], ...]:
    return dataclasses.fields(event)


def _to_json(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_to_json(item) for item in value]
    return value


def _from_json(annotation: Any, value: Any) -> object:
    """A field's value back from JSON, by its type: dates from ISO text, tuples from lists."""
    if annotation is dt.date:
        return dt.date.fromisoformat(value)
    if typing.get_origin(annotation) is tuple:
        item_type = typing.get_args(annotation)[0]
        return tuple(_from_json(item_type, item) for item in value)
    return value


def _ordered_union[T](first: tuple[T, ...], second: tuple[T, ...]) -> tuple[T, ...]:
    return tuple(dict.fromkeys((*first, *second)))


@dataclass(frozen=True, slots=True)
class ActivitiesChanged(Event):
    """Activities of an athlete were created, changed or deleted.

    `activity_ids` may be empty, or name activities deleted since (subscribers treat a
    missing one as done); `since` is the earliest athlete-local day whose derived data may
    have changed (a moved activity's former day, a deleted activity's day).
    """

    KEYED: ClassVar[tuple[str, ...]] = ("athlete_id",)

    athlete_id: int
    activity_ids: tuple[int, ...]
    since: dt.date

    def merge(self, later: ActivitiesChanged) -> ActivitiesChanged:
        return ActivitiesChanged(
            athlete_id=self.athlete_id,
            activity_ids=_ordered_union(self.activity_ids, later.activity_ids),
            since=min(self.since, later.since),
        )


@dataclass(frozen=True, slots=True)
class ThresholdsChanged(Event):
    """The thresholds or zones of one sport (run, ride, swim or other) changed from `since` on:
    whatever was computed with them from that day is stale."""

    KEYED: ClassVar[tuple[str, ...]] = ("athlete_id", "sport")

    athlete_id: int
    sport: str
    since: dt.date

    def merge(self, later: ThresholdsChanged) -> ThresholdsChanged:
        return ThresholdsChanged(self.athlete_id, self.sport, min(self.since, later.since))


@dataclass(frozen=True, slots=True)
class PlanChanged(Event):
    """Planned sessions of these athlete-local days changed (created, edited, moved, deleted,
    published or re-estimated)."""

    KEYED: ClassVar[tuple[str, ...]] = ("athlete_id",)

    athlete_id: int
    days: tuple[dt.date, ...]

    def merge(self, later: PlanChanged) -> PlanChanged:
        return PlanChanged(self.athlete_id, tuple(sorted({*self.days, *later.days})))


@dataclass(frozen=True, slots=True)
class TimeConstantsChanged(Event):
    """The athlete's Fitness/Fatigue time constants changed: their whole chart is stale."""

    KEYED: ClassVar[tuple[str, ...]] = ("athlete_id",)

    athlete_id: int

    def merge(self, later: TimeConstantsChanged) -> TimeConstantsChanged:
        return self


@dataclass(frozen=True, slots=True)
class InvitationCreated(Event):
    """An invitation was created: its email is due."""

    invitation_id: int


EVENT_TYPES: dict[str, type[Event]] = {
    cls.__name__: cls
    for cls in (
        ActivitiesChanged,
        ThresholdsChanged,
        PlanChanged,
        TimeConstantsChanged,
        InvitationCreated,
    )
}
