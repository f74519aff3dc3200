"""Turn one `NormalizedActivity` into the stored canonical activity: create, merge or skip.

Dedupe rules (DESIGN §3, issue 3), checked in this order inside one transaction:

1. the same provider id (athlete, provider, external_id, session_index) is already stored →
   SKIPPED, the activity it points at is returned;
2. an activity of this athlete starts within ±60 s of this one with a compatible sport (the same
   sport, or either side is "other") → MERGED: the new source is attached and, when it outranks
   the activity's `primary_provider` (`types.AUTHORITY`, lower wins), the summary values, start,
   device, laps and streams **it has** replace the stored ones — what it lacks is kept, so a
   summary-only record never erases samples (a lesser source only brings streams to a
   non-manual activity that has none);
3. otherwise → CREATED.

CREATED and MERGED are announced once the transaction commits (`activities.services.changes`):
analytics then computes the activity's metrics and the daily load from its day.

Which values the stored activity shows: the **device's** session values where the device wrote
them (that is what athletes see on their watch), falling back to our own computed summary
(`normalized.summary`). Our computation stays visible beside them through `analyze_file`.

Manual activities (`primary_provider == manual`) are never overwritten by imports: a matching
device file is attached as a source (its original file kept) but the manual summary, sport,
start, laps and the absence of streams stay exactly as the athlete logged them. Names and
descriptions only fill in where the activity has none, so a Strava title arriving later is kept
but never replaces one the athlete typed.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, replace
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext

from activities.models import Activity, ActivityFile, ActivitySource
from activities.models import Lap as LapRow
from activities.models import Streams as StreamsRow
from activities.services.changes import activity_changed
from activities.streams_codec import CODEC_VERSION, encode_streams
from activities.types import (
    AUTHORITY,
    Lap,
    NormalizedActivity,
    Outcome,
    Provider,
    SourceRef,
    Summary,
)
from athletes.models import Athlete
from core.ranges import POOL_LENGTH_M, RECORDED, THRESHOLDS, Range
from core.sports import ON_FOOT_SPORTS, Sport

DUPLICATE_WINDOW = dt.timedelta(seconds=60)
# The Summary values an Activity (and a source's summary) stores; `Summary.timer_s` is ours only.
SUMMARY_FIELDS = (
    "elapsed_s",
    "moving_s",
    "distance_m",
    "ascent_m",
    "descent_m",
    "avg_hr_bpm",
    "max_hr_bpm",
    "avg_power_w",
    "max_power_w",
    "avg_speed_mps",
    "max_speed_mps",
    "avg_cadence_spm",
    "calories_kcal",
)
LAP_FIELDS = (
    "start_s",
    "elapsed_s",
    "moving_s",
    "distance_m",
    "avg_hr_bpm",
    "max_hr_bpm",
    "avg_power_w",
    "max_power_w",
    "avg_speed_mps",
    "avg_cadence_spm",
    "ascent_m",
    "descent_m",
)


def activity_ingest(
    *,
    athlete: Athlete,
    normalized: NormalizedActivity,
    source: SourceRef,
    file: ActivityFile | None = None,
    session_index: int = 0,
    locked: bool = False,
) -> tuple[Activity, Outcome]:
    """Create or merge the canonical activity for this recording; never duplicates.

    Concurrency: the athlete row is locked for the transaction, so two workers ingesting the
    same recording run one after the other and the second finds the first's activity; the
    unique constraint on sources is the last line (an IntegrityError there means SKIPPED).
    `locked=True`: the caller's open transaction already holds that lock (`athlete_lock`), so
    no savepoint of its own is taken — a file's sessions share the caller's one — and an
    IntegrityError, which the lock rules out, rolls back the caller's transaction.
    """
    normalized = as_stored(normalized, source.provider)
    if locked:
        return _ingest_locked(athlete, normalized, source, file, session_index)
    try:
        with transaction.atomic():
            athlete_lock(athlete)
            return _ingest_locked(athlete, normalized, source, file, session_index)
    except IntegrityError:
        known = _known_source(athlete, source, file, session_index)
        if known is None:
            raise
        return known.activity, Outcome.SKIPPED


def athlete_lock(athlete: Athlete) -> None:
    """Lock the athlete's row until the open transaction ends: every write of an athlete's
    activities, sources and original files runs under it, one after the other."""
    Athlete.objects.select_for_update().filter(id=athlete.id).values_list("id").first()


def _ingest_locked(
    athlete: Athlete,
    normalized: NormalizedActivity,
    source: SourceRef,
    file: ActivityFile | None,
    session_index: int,
) -> tuple[Activity, Outcome]:
    known = _known_source(athlete, source, file, session_index)
    if known is not None:
        return known.activity, Outcome.SKIPPED
    activity, outcome = _create_or_merge(athlete, normalized, source.provider)
    _attach_source(activity, normalized, source, file, session_index)
    return activity, outcome


STEPS_PER_CYCLE = 2.0  # one cycle of one foot: two steps


def as_stored(normalized: NormalizedActivity, provider: str) -> NormalizedActivity:
    """A recording as it is stored: on-foot cadence in steps, implausible values dropped."""
    return plausible_activity(cadence_in_steps(normalized, provider))


def cadence_in_steps(normalized: NormalizedActivity, provider: str) -> NormalizedActivity:
    """On foot, a recording's cadence in steps per minute, what runners read on their watch and
    what workouts target: FIT, TCX (RunCadence), GPX and Strava all count the cycles of one
    foot, so it is doubled here, once, for every provider but the manual log (a person enters
    steps per minute). Other sports keep revolutions or strokes per minute."""
    if provider == Provider.MANUAL or normalized.sport not in ON_FOOT_SPORTS:
        return normalized
    streams = normalized.streams
    if streams.cadence_spm is not None:
        streams = replace(streams, cadence_spm=streams.cadence_spm * STEPS_PER_CYCLE)
    device = normalized.device_summary
    return replace(
        normalized,
        streams=streams,
        summary=_steps(normalized.summary),
        device_summary=_steps(device) if device is not None else None,
        laps=[_steps(lap) for lap in normalized.laps],
    )


def _steps[T: (Summary, Lap)](values: T) -> T:
    cadence = values.avg_cadence_spm
    return values if cadence is None else replace(values, avg_cadence_spm=cadence * STEPS_PER_CYCLE)


def plausible_activity(normalized: NormalizedActivity) -> NormalizedActivity:
    """A copy whose summary, device summary, laps, pool length and file thresholds keep only
    plausible values (core.ranges): an implausible one becomes None (unknown) with a warning,
    so a corrupt or hostile recording (65535 bpm, 1e308 m, NaN) is never stored."""
    warnings = list(normalized.warnings)
    laps = [
        _plausible_values(lap, RECORDED, warnings, f"lap {n + 1} ")
        for n, lap in enumerate(normalized.laps)
    ]
    device = normalized.device_summary
    return replace(
        normalized,
        summary=_plausible_values(normalized.summary, RECORDED, warnings, ""),
        device_summary=_plausible_values(device, RECORDED, warnings, "device ") if device else None,
        laps=laps,
        thresholds=_plausible_values(normalized.thresholds, THRESHOLDS, warnings, "file "),
        pool_length_m=_plausible_value(
            normalized.pool_length_m, POOL_LENGTH_M, "pool_length_m", warnings
        ),
        warnings=warnings,
    )


def _plausible_values[T](values: T, ranges: dict[str, Range], warnings: list[str], where: str) -> T:
    """A copy of the dataclass `values` with each ranged field plausible or None."""
    changes = {
        name: _plausible_value(getattr(values, name), limits, where + name, warnings)
        for name, limits in ranges.items()
        if hasattr(values, name) and getattr(values, name) is not None
    }
    return replace(values, **changes)  # type: ignore[type-var]


def _plausible_value(value: Any, limits: Range, name: str, warnings: list[str]) -> Any:
    if value is None or limits.contains(value):
        return value
    warnings.append(
        gettext("An implausible value was left out: %(name)s = %(value)s.")
        % {"name": name, "value": str(value)[:40]}
    )
    return None


def _known_source(
    athlete: Athlete, source: SourceRef, file: ActivityFile | None, session_index: int
) -> ActivitySource | None:
    """A stored source for the same provider id, else one for the same stored file and session
    (one query, its activity joined)."""
    same_id = Q(provider=source.provider, external_id=source.external_id)
    match = same_id if source.external_id else Q()
    if file is not None and file.pk is not None:
        match |= Q(file=file)
    if not match:
        return None
    found = ActivitySource.objects.filter(match, athlete=athlete, session_index=session_index)
    rows = list(found.select_related("activity").order_by("id"))
    by_id = [s for s in rows if source.external_id and _same_id(s, source)]
    return next(iter(by_id or rows), None)


def _same_id(row: ActivitySource, source: SourceRef) -> bool:
    return row.provider == source.provider and row.external_id == source.external_id


def _create_or_merge(
    athlete: Athlete, normalized: NormalizedActivity, provider: Provider
) -> tuple[Activity, Outcome]:
    """Created or merged, announced on commit (`changes`): its metrics and the daily load
    from its day (from its former day too, when a merge moved it) are due."""
    duplicate = _find_duplicate(athlete, normalized)
    if duplicate is None:
        activity = _create(athlete, normalized, provider)
        activity_changed(activity)
        return activity, Outcome.CREATED
    previous_day = duplicate.day
    _merge(athlete, duplicate, normalized, provider)
    activity_changed(duplicate, previous_day=previous_day)
    return duplicate, Outcome.MERGED


def sports_compatible(first: str, second: str) -> bool:
    """The same sport, or either is "other" (a generic recording of a known session)."""
    return first == second or Sport.OTHER in (first, second)


def _find_duplicate(athlete: Athlete, normalized: NormalizedActivity) -> Activity | None:
    """The athlete's activity starting within ±60 s with a compatible sport, closest first."""
    start = normalized.started_at
    candidates = Activity.objects.filter(
        athlete=athlete,
        started_at__gte=start - DUPLICATE_WINDOW,
        started_at__lte=start + DUPLICATE_WINDOW,
    )
    matches = [a for a in candidates if sports_compatible(a.sport, normalized.sport)]
    matches.sort(key=lambda a: (abs((a.started_at - start).total_seconds()), a.id))
    return matches[0] if matches else None


def effective_summary(normalized: NormalizedActivity) -> Summary:
    """What the stored activity shows: device session values, then our computed ones.

    A device value that is NaN or infinite counts as not written.
    """
    if normalized.device_summary is None:
        return normalized.summary
    device = {name: _clean(value) for name, value in normalized.device_summary.as_dict().items()}
    return Summary(**device).merged_over(normalized.summary)


def _clean(value: Any) -> float | None:
    """A plain float for the database and JSON; NaN and infinities are "unknown"."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _summary_values(normalized: NormalizedActivity) -> dict[str, float | None]:
    summary = effective_summary(normalized).as_dict()
    return {name: _clean(summary[name]) for name in SUMMARY_FIELDS}


def recording_values(athlete: Athlete, normalized: NormalizedActivity) -> dict[str, Any]:
    """The fields an authoritative recording decides: sport, start, day, summary, device."""
    started_at = normalized.started_at.astimezone(dt.UTC)
    return {
        "sport": normalized.sport.value,
        "sub_sport": normalized.sub_sport[:40],
        "started_at": started_at,
        "day": started_at.astimezone(athlete.tz).date(),
        "device": normalized.device[:120],
        "recovered": normalized.recovered,
        "warnings": list(normalized.warnings),
        **_summary_values(normalized),
    }


def _create(athlete: Athlete, normalized: NormalizedActivity, provider: Provider) -> Activity:
    activity = Activity.objects.create(
        athlete=athlete,
        primary_provider=provider.value,
        name=normalized.name[:200],
        description=normalized.description,
        **recording_values(athlete, normalized),
    )
    laps_store(activity, normalized)
    streams_store(activity, normalized, provider)
    return activity


def _outranks(provider: Provider, activity: Activity) -> bool:
    """True when this provider's values should replace the activity's (never a manual one)."""
    current = Provider(activity.primary_provider)
    if current is Provider.MANUAL:
        return False
    return AUTHORITY[provider] < AUTHORITY[current]


def _merge(
    athlete: Athlete, activity: Activity, normalized: NormalizedActivity, provider: Provider
) -> None:
    """Merge a recording into the activity, saving only the fields a recording decides: the
    athlete's journal (RPE, feel, notes) or a manual load saved meanwhile is never overwritten
    with the values read before."""
    changed = {"name", "description", "updated_at"}
    if _outranks(provider, activity):
        changed |= values_take(athlete, activity, normalized) | {"primary_provider"}
        activity.primary_provider = provider.value
        if normalized.laps:
            LapRow.objects.filter(activity=activity).delete()
            laps_store(activity, normalized)
        if len(normalized.streams):
            StreamsRow.objects.filter(activity=activity).delete()
            streams_store(activity, normalized, provider)
    elif not activity.is_manual and not StreamsRow.objects.filter(activity=activity).exists():
        # A lesser source may still bring the samples a summary-only activity lacks.
        streams_store(activity, normalized, provider)
    activity.name = activity.name or normalized.name[:200]
    activity.description = activity.description or normalized.description
    activity.save(update_fields=sorted(changed))


def values_take(athlete: Athlete, activity: Activity, normalized: NormalizedActivity) -> set[str]:
    """An outranking source's values replace the stored ones it has; what it lacks is kept
    (a summary-only Garmin record over a GPX keeps the GPX's samples, laps and sport).
    Returns the names of the fields set."""
    taken = set()
    for name, value in recording_values(athlete, normalized).items():
        if value in (None, "", []) or (name == "sport" and value == Sport.OTHER):
            continue
        setattr(activity, name, value)
        taken.add(name)
    return taken


def laps_store(activity: Activity, normalized: NormalizedActivity) -> None:
    rows = [
        LapRow(
            activity=activity,
            index=index,
            intensity=lap.intensity[:10],
            lengths=lap.lengths,
            strokes=lap.strokes,
            stroke=lap.stroke if lap.stroke in LapRow.Stroke.values else "",
            **{name: _clean(getattr(lap, name)) for name in LAP_FIELDS},
        )
        for index, lap in enumerate(normalized.laps)
    ]
    for row in rows:  # start and elapsed are required columns
        row.start_s = row.start_s or 0.0
        row.elapsed_s = row.elapsed_s or 0.0
    LapRow.objects.bulk_create(rows)


def streams_store(activity: Activity, normalized: NormalizedActivity, provider: Provider) -> None:
    """One compressed columnar row; nothing when the recording has no samples (manual log)."""
    streams = normalized.streams
    if len(streams) == 0:
        return
    StreamsRow.objects.create(
        activity=activity,
        provider=provider.value,
        codec_version=CODEC_VERSION,
        sample_count=len(streams),
        channels=streams.present(),
        data=encode_streams(streams),
    )


def _source_summary(normalized: NormalizedActivity) -> dict[str, Any]:
    """The values this source gave, kept on the source for comparison and re-merging (its name
    and description too: forgetting a provider empties only the texts it gave)."""
    return {
        "sport": normalized.sport.value,
        "sub_sport": normalized.sub_sport,
        "started_at": normalized.started_at.astimezone(dt.UTC).isoformat(),
        "device": normalized.device,
        "samples": len(normalized.streams),
        "laps": len(normalized.laps),
        "name": normalized.name[:200],
        "description": normalized.description,
        **_summary_values(normalized),
        **_file_thresholds(normalized),
    }


def _file_thresholds(normalized: NormalizedActivity) -> dict[str, Any]:
    """The thresholds the file carries (its user profile, zones, FTP), already plausible:
    offered as suggestions when the athlete has none (analytics.estimates)."""
    values = {k: v for k, v in asdict(normalized.thresholds).items() if v is not None}
    return {"thresholds": values} if values else {}


def _attach_source(
    activity: Activity,
    normalized: NormalizedActivity,
    source: SourceRef,
    file: ActivityFile | None,
    session_index: int,
) -> ActivitySource:
    return ActivitySource.objects.create(
        athlete=activity.athlete,
        activity=activity,
        provider=source.provider.value,
        external_id=source.external_id[:128],
        file=file,
        session_index=session_index,
        summary=_source_summary(normalized),
        raw=dict(source.raw),
    )
