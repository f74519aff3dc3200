"""Forgetting what one provider said: its sources go, the activities only it described go, and
the activities it shared with other sources are rebuilt from what those said.

Used when an athlete's data from a provider must go: an operator's purge, a deauthorization,
the provider deleting one activity (`external_id`), a retention limit (`before`). A recording
file the athlete has (a FIT's `device_file` source) stays: it is the athlete's own.

A remaining activity is rebuilt as the ingest merge (`activities.services.ingest`) would have
built it from its remaining sources alone: the values when the provider was its
`primary_provider`, the streams when its samples were the provider's, the laps when the
provider gave them. A source with a stored original file is parsed again; one without gives
the values kept in its `summary` (no samples, no laps). A manual activity's values stay as the
athlete logged them. A name or description the provider gave is replaced by a remaining
source's, or emptied; one the athlete typed stays. Every changed activity is announced from
its earliest affected day, so metrics, daily loads and links are recomputed
(`activities.services.changes`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from activities.models import Activity, ActivitySource
from activities.models import Lap as LapRow
from activities.models import Streams as StreamsRow
from activities.services.changes import activity_changed, activity_removed
from activities.services.files import activity_file_sessions
from activities.services.ingest import (
    SUMMARY_FIELDS,
    as_stored,
    athlete_lock,
    laps_store,
    recording_values,
    streams_store,
    values_take,
)
from activities.types import AUTHORITY, NormalizedActivity, Provider, Streams, Summary
from athletes.models import Athlete
from core.outbox import batched
from core.sports import Sport

logger = logging.getLogger(__name__)

TEXTS = ("name", "description")

type Recording = Callable[[ActivitySource], NormalizedActivity]


@dataclass(frozen=True, slots=True)
class Removed:
    sources: int  # sources deleted
    activities: int  # activities deleted: no other source described them
    rebuilt: int = 0  # activities whose values, samples, laps or texts were taken again


def provider_sources_remove(
    *,
    athlete: Athlete,
    provider: str,
    external_id: str = "",
    before: dt.date | None = None,
) -> Removed:
    """Remove the athlete's `provider` sources — all of them, only those with `external_id`,
    or only those of activities whose day is before `before` — and rebuild what they decided.

    Idempotent: a second call finds nothing to remove. One transaction; the announcements of
    one call are merged into one delivery (`batched`).
    """
    with batched(), transaction.atomic():
        athlete_lock(athlete)  # as ingest does
        gone = list(_selected(athlete, provider, external_id, before))
        ActivitySource.objects.filter(id__in=[s.id for s in gone]).delete()
        deleted = rebuilt = 0
        for activity in Activity.objects.filter(id__in={s.activity_id for s in gone}):
            remaining = list(activity.sources.select_related("file"))
            if not remaining:
                day = activity.day
                activity.delete()
                activity_removed(athlete_id=athlete.id, day=day)
                deleted += 1
                continue
            mine = [s for s in gone if s.activity_id == activity.id]
            rebuilt += activity_rebuild(activity=activity, gone=mine, remaining=remaining)
    return Removed(sources=len(gone), activities=deleted, rebuilt=rebuilt)


def _selected(
    athlete: Athlete, provider: str, external_id: str, before: dt.date | None
) -> QuerySet[ActivitySource]:
    sources = ActivitySource.objects.filter(athlete=athlete, provider=provider)
    if external_id:
        sources = sources.filter(external_id=external_id)
    if before is not None:
        sources = sources.filter(activity__day__lt=before)
    return sources


def activity_rebuild(
    *, activity: Activity, gone: list[ActivitySource], remaining: list[ActivitySource]
) -> bool:
    """Take again what the `gone` sources decided from the `remaining` ones; announce the
    activity when anything changed (from its day before too). Returns whether it changed."""
    providers = {s.provider for s in gone}
    everyone = _contributors(gone + remaining)
    recording = _recordings()
    previous_day = activity.day
    changed = _texts_forget(activity, gone, sorted(remaining, key=lambda s: s.id), recording)
    if activity.primary_provider in providers or any(s in gone for s in everyone):
        changed |= _values_rebuild(activity, _contributors(remaining), recording)
    streams = StreamsRow.objects.filter(activity=activity).values_list("provider", flat=True)
    if streams.first() in providers:
        changed |= _streams_rebuild(activity, remaining, recording)
    if _laps_owner(everyone) in gone:
        changed |= _laps_rebuild(activity, _contributors(remaining), recording)
    if changed:
        activity_changed(activity, previous_day=previous_day)
    return changed


def _contributors(sources: list[ActivitySource]) -> list[ActivitySource]:
    """The sources whose values the ingest took, in arrival order: the first, then each that
    outranked the one before it (never one over a manual first)."""
    taken: list[ActivitySource] = []
    for source in sorted(sources, key=lambda s: s.id):
        last = taken[-1] if taken else None
        if last is None or (last.provider != Provider.MANUAL and _rank(source) < _rank(last)):
            taken.append(source)
    return taken


def _rank(source: ActivitySource) -> tuple[int, bool, int]:
    """Best first: the ingest's authority, then a source with its file, then the oldest."""
    return (AUTHORITY[Provider(source.provider)], source.file_id is None, source.id)


def _recordings() -> Recording:
    """A source → what it recorded, each file parsed at most once."""
    seen: dict[int, NormalizedActivity] = {}

    def recording(source: ActivitySource) -> NormalizedActivity:
        if source.id not in seen:
            seen[source.id] = _file_recording(source) or _summary_recording(source)
        return seen[source.id]

    return recording


def _file_recording(source: ActivitySource) -> NormalizedActivity | None:
    """The session of the source's stored file, parsed again; None without a readable file."""
    if source.file is None:
        return None
    try:
        sessions = activity_file_sessions(file=source.file)
        return as_stored(sessions[source.session_index], source.provider)
    except Exception:  # a file that no longer parses must not keep another provider's data
        logger.exception("could not parse stored file %s again", source.file_id)
        return None


def _summary_recording(source: ActivitySource) -> NormalizedActivity:
    """What a source without a file gave: the values kept in its summary, no samples."""
    kept = source.summary
    sport = kept.get("sport", "")
    return NormalizedActivity(
        sport=Sport(sport) if sport in set(Sport) else Sport.OTHER,
        sub_sport=str(kept.get("sub_sport") or ""),
        started_at=_started_at(source),
        streams=Streams.empty(),
        summary=Summary(**{name: kept.get(name) for name in SUMMARY_FIELDS}),
        device=str(kept.get("device") or ""),
        name=_said(source, "name"),
        description=_said(source, "description"),
    )


def _started_at(source: ActivitySource) -> dt.datetime:
    value = source.summary.get("started_at")
    return dt.datetime.fromisoformat(value) if value else source.activity.started_at


def _said(source: ActivitySource, key: str) -> str:
    """The name or description this source gave: kept in its summary, or its payload's."""
    value = source.summary.get(key) or source.raw.get(key)
    return value if isinstance(value, str) else ""


def _texts_forget(
    activity: Activity,
    gone: list[ActivitySource],
    arrived: list[ActivitySource],
    recording: Recording,
) -> bool:
    """A name or description the gone sources gave becomes the first remaining source's (as
    the ingest fills them in), or empty; one the athlete typed (no gone source gave it) stays."""
    changed = set()
    for key in TEXTS:
        current = getattr(activity, key)
        if not current or current not in {_said(s, key) for s in gone}:
            continue
        texts = (getattr(recording(s), key) for s in arrived)
        replacement = next((text for text in texts if text), "")
        if key == "name":
            replacement = replacement[:200]
        if replacement != current:
            setattr(activity, key, replacement)
            changed.add(key)
    if changed:
        activity.save(update_fields=[*sorted(changed), "updated_at"])
    return bool(changed)


def _values_rebuild(
    activity: Activity, contributors: list[ActivitySource], recording: Recording
) -> bool:
    """The ingest replayed on the remaining sources: the first one's values, then each
    outranking one takes over the values it has. The primary provider is the last one's."""
    first, *later = contributors
    values = recording_values(activity.athlete, recording(first))
    for name, value in values.items():
        setattr(activity, name, value)
    for source in later:
        values_take(activity.athlete, activity, recording(source))
    activity.primary_provider = contributors[-1].provider
    activity.save(update_fields=[*values, "primary_provider", "updated_at"])
    return True


def _streams_rebuild(
    activity: Activity, remaining: list[ActivitySource], recording: Recording
) -> bool:
    """The gone provider's samples go; the best remaining recording's take their place (none
    on a manual activity)."""
    StreamsRow.objects.filter(activity=activity).delete()
    if activity.is_manual:
        return True
    for source in sorted(remaining, key=_rank):
        recorded = recording(source)
        if len(recorded.streams):
            streams_store(activity, recorded, Provider(source.provider))
            break
    return True


def _laps_owner(contributors: list[ActivitySource]) -> ActivitySource | None:
    """The source the stored laps came from: the last contributor that gave laps (an
    outranking source's laps replace the stored ones at ingest; a lesser one's never do)."""
    return next((s for s in reversed(contributors) if s.summary.get("laps")), None)


def _laps_rebuild(
    activity: Activity, contributors: list[ActivitySource], recording: Recording
) -> bool:
    """The gone provider's laps go; the last remaining contributor's recorded laps take their
    place (a source without a file has none to give)."""
    deleted, _ = LapRow.objects.filter(activity=activity).delete()
    if activity.is_manual:
        return deleted > 0
    for source in reversed(contributors):
        recorded = recording(source)
        if recorded.laps:
            laps_store(activity, recorded)
            return True
    return deleted > 0
