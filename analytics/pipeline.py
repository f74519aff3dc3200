"""The one bridge between the ORM and the pure metric core (`analytics.metrics`).

- `activity_metrics_compute`: one activity's metrics from its streams (or laps and summary),
  with the thresholds and zones in force on the activity's day; idempotent.
- `daily_load_recompute`: the DailyLoad rows of one athlete from a day to today, every row of
  the range written in one transaction (a killed worker leaves the old rows or the new ones).
- `athlete_metrics_refresh`: both, for the activities on or after a day (algorithm upgrades,
  the `recompute_metrics` command).

Automatic recomputes (analytics/receivers.py, analytics/tasks.py) are coalesced per athlete:
`activities_metrics_compute` / `sport_metrics_refresh` compute activity metrics, then
`load_mark_dirty` records the earliest stale day in `PendingLoad`; one `pending_load_run` per
athlete at a time (a row lock on the athlete, NOWAIT) takes that row and rewrites the DailyLoad
rows in the same transaction. A worker killed mid-run loses its lock with its connection and its
transaction rolls back, leaving the old rows and the PendingLoad row: the next run converges.

Metrics computed by an older `ALGORITHM_VERSION` are stale (`stale_metrics`): they are
recomputed lazily, by `recompute_metrics` or the next refresh.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

import numpy as np
from django.db import IntegrityError, OperationalError, connection, connections, transaction
from django.db.models import Min, Q
from django.utils import timezone

from activities.models import Activity, ActivityQuerySet
from activities.models import Streams as StreamsRow
from activities.streams_codec import decode_streams
from activities.types import Streams
from analytics.metrics.activity import MetricThresholds
from analytics.metrics.disteq import distance_equivalent_km
from analytics.metrics.load import activity_load
from analytics.metrics.pmc import fitness_fatigue
from analytics.metrics.registry import RECORDING_KEYS
from analytics.metrics.rpe import srpe
from analytics.metrics.zones import SOURCE_LAPS, SOURCE_STREAMS, time_in_zones_from_laps
from analytics.models import ActivityMetrics, DailyLoad, PendingLoad
from analytics.recording import stream_metrics
from analytics.selectors.planned import planned_loads
from analytics.thresholds_history import ThresholdsHistory
from athletes.models import Athlete
from athletes.selectors.thresholds import HR_FALLBACK_SPORTS, ThresholdValues, own_sport
from core.sports import Sport

ALGORITHM_VERSION = 2  # 2: GPS spikes left out of best efforts and speed curves
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for a NOWAIT lock request that failed
MANUAL_LOAD_SOURCE = "manual"
ZONE_KINDS = ("hr", "power", "pace")
LAP_ZONE_FIELDS = {"hr": "avg_hr_bpm", "power": "avg_power_w", "pace": "avg_speed_mps"}
METRICS_CHUNK = 50  # activities per streams query and per upsert
DAILY_COLUMNS = ("load_by_source", "load", "planned_load", "fitness", "fatigue", "form")
METRICS_FIELDS = [
    f.name for f in ActivityMetrics._meta.concrete_fields if f.name not in ("id", "activity")
]
# What depends on the samples alone: kept as stored when only the thresholds changed.
CURVE_FIELDS = ("mean_max", "best_efforts_s")
THRESHOLD_FIELDS = [name for name in METRICS_FIELDS if name not in CURVE_FIELDS]


class Refreshed(NamedTuple):
    activities: int
    days: int


# --- per activity --------------------------------------------------------------------------


def activity_metrics_compute(*, activity: Activity) -> ActivityMetrics:
    """Compute and store every metric of `activity` (idempotent: one row, rewritten).

    Thresholds and zones are those in force on the activity's day; the samples go through
    `analytics.recording.stream_metrics`; the load follows the athlete's load model
    (an entered `manual_load` wins, source "manual"). Without streams: load, sRPE,
    distance-equivalent and lap-based time in zone only.
    """
    [metrics] = _metrics_store([activity], ThresholdsHistory.of(activity.athlete))
    return metrics


def _metrics_compute_all(
    athlete: Athlete, activities: ActivityQuerySet, *, curves: bool = True
) -> int:
    """`activity_metrics_compute` for many activities of one athlete, in chunks: the
    thresholds read once, one streams query and one upsert (one commit) per chunk.
    `curves=False` (activities whose stored metrics are of this algorithm): their mean-max
    curves and best efforts, which depend on the samples alone, are kept as stored."""
    history = ThresholdsHistory.of(athlete)
    ids = list(activities.filter(athlete=athlete).order_by("id").values_list("id", flat=True))
    for first in range(0, len(ids), METRICS_CHUNK):
        chunk = Activity.objects.filter(id__in=ids[first : first + METRICS_CHUNK])
        related = chunk.select_related("athlete").prefetch_related("laps")
        _metrics_store_safely(related, history, curves=curves)
    return len(ids)


def _metrics_store_safely(
    chunk: ActivityQuerySet, history: ThresholdsHistory, *, curves: bool
) -> None:
    """Store a chunk's metrics; an activity deleted meanwhile (a foreign-key violation at
    commit) is left out and the others stored."""
    activities = list(chunk.order_by("id"))
    try:
        with transaction.atomic():
            _metrics_store(activities, history, curves=curves)
    except IntegrityError:
        _metrics_store(list(chunk.order_by("id")), history, curves=curves)


def _metrics_store(
    activities: list[Activity], history: ThresholdsHistory, *, curves: bool = True
) -> list[ActivityMetrics]:
    data = dict(
        StreamsRow.objects.filter(activity__in=activities).values_list("activity_id", "data")
    )
    computed_at = timezone.now()
    rows = [
        ActivityMetrics(
            activity=activity,
            algorithm_version=ALGORITHM_VERSION,
            computed_at=computed_at,
            **_metrics_fields(activity, _decoded(data.get(activity.id)), history, curves=curves),
        )
        for activity in activities
    ]
    fields = METRICS_FIELDS if curves else THRESHOLD_FIELDS
    return ActivityMetrics.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["activity"], update_fields=fields
    )


def _metrics_fields(
    activity: Activity, streams: Streams | None, history: ThresholdsHistory, *, curves: bool = True
) -> dict[str, Any]:
    values, bounds = _in_force(history, activity.sport, activity.day)
    fields = (
        _stream_fields(activity, streams, values, bounds, curves=curves)
        if streams
        else _lap_fields(activity, bounds)
    )
    fields["inputs_digest"] = _digest(activity.athlete, _thresholds(values, bounds))
    recorded_s = fields.pop("recorded_s", None)
    duration_s = activity.moving_s or recorded_s or activity.elapsed_s
    fields["srpe"] = srpe(activity.rpe, duration_s)
    fields["dist_eq_km"] = distance_equivalent_km(
        sport=activity.sport, distance_m=activity.distance_m, ascent_m=activity.ascent_m
    )
    fields["load"], fields["load_source"] = _load(activity, fields, duration_s)
    return fields


def _in_force(
    history: ThresholdsHistory, sport: str, day: dt.date
) -> tuple[ThresholdValues | None, dict[str, tuple[float, ...]]]:
    """The thresholds values and zone bounds (by kind) in force for a sport on a day."""
    bounds = {kind: history.bounds_on(sport, kind, day) for kind in ZONE_KINDS}
    return history.values_on(sport, day), bounds


def _digest(athlete: Athlete, thresholds: MetricThresholds) -> str:
    """A fingerprint of what an activity's metrics depend on beside the activity itself (its
    recording, laps and fields, whose changes announce `ActivitiesChanged`): the thresholds
    and zones in force on its day, the athlete's sex (TRIMP) and load model."""
    inputs = repr((thresholds, str(athlete.metric_sex), str(athlete.load_model)))  # not enums
    return hashlib.blake2b(inputs.encode(), digest_size=16).hexdigest()


def inputs_digest(*, athlete: Athlete, sport: str, day: dt.date, history: ThresholdsHistory) -> str:
    """The digest (`_digest`) an activity of `sport` on `day` is computed with today."""
    return _digest(athlete, _thresholds(*_in_force(history, sport, day)))


def _decoded(data: bytes | memoryview | None) -> Streams | None:
    if data is None:
        return None
    streams = decode_streams(bytes(data))
    return streams if len(streams) else None


def _thresholds(
    values: ThresholdValues | None, bounds: dict[str, tuple[float, ...]]
) -> MetricThresholds:
    known = values or ThresholdValues(valid_from=dt.date.min)
    return MetricThresholds(
        ftp_w=_float(known.ftp_w),
        hr_rest_bpm=_float(known.hr_rest_bpm),
        hr_max_bpm=_float(known.hr_max_bpm),
        lthr_bpm=_float(known.lthr_bpm),
        threshold_speed_mps=known.threshold_speed_mps,
        hr_zone_bounds_bpm=bounds["hr"] or None,
        power_zone_bounds_w=bounds["power"] or None,
        pace_zone_bounds_mps=bounds["pace"] or None,
    )


def _stream_fields(
    activity: Activity,
    streams: Streams,
    values: ThresholdValues | None,
    bounds: dict[str, tuple[float, ...]],
    *,
    curves: bool = True,
) -> dict[str, Any]:
    result = stream_metrics(
        streams,
        sport=Sport(activity.sport),
        thresholds=_thresholds(values, bounds),
        sex=activity.athlete.metric_sex,
        rpe=activity.rpe,
        distance_m=activity.distance_m,
        ascent_m=activity.ascent_m,
        curves=curves,
    )
    zones = {kind: _rounded(s) for kind, s in result.time_in_zone_s.items() if s is not None}
    fields = {
        **{key: getattr(result, key) for key in RECORDING_KEYS},
        # DESIGN §6: an unsteady effort's decoupling means nothing; only EF is kept for it.
        "decoupling_pct": result.decoupling_pct if result.decoupling_steady else None,
        "time_in_zone_s": {**zones, "source": SOURCE_STREAMS} if zones else {},
        "mean_max": {
            channel: {str(d): round(v, 3) for d, v in curve.items()}
            for channel, curve in result.mean_max.items()
            if curve
        },
        "best_efforts_s": {
            f"{metres:g}": round(s, 1)
            for metres, s in (result.best_efforts_s or {}).items()
            if s is not None
        },
        "recorded_s": result.recorded_s or None,
    }
    return fields if curves else {k: v for k, v in fields.items() if k not in CURVE_FIELDS}


def _lap_fields(activity: Activity, bounds: dict[str, tuple[float, ...]]) -> dict[str, Any]:
    """Time in zone from the laps' averages (DESIGN §6 lap fallback); nothing else."""
    laps = list(activity.laps.all())
    zones: dict[str, Any] = {}
    for kind, field in LAP_ZONE_FIELDS.items():
        if not bounds[kind] or all(getattr(lap, field) is None for lap in laps):
            continue
        averages = [_or_nan(getattr(lap, field)) for lap in laps]
        durations = [lap.moving_s or lap.elapsed_s for lap in laps]
        zones[kind] = _rounded(time_in_zones_from_laps(averages, durations, bounds[kind]))
    return {"time_in_zone_s": {**zones, "source": SOURCE_LAPS} if zones else {}}


def _load(
    activity: Activity, fields: dict[str, Any], duration_s: float | None
) -> tuple[float | None, str]:
    if activity.manual_load is not None:
        return activity.manual_load, MANUAL_LOAD_SOURCE
    result = activity_load(
        model=activity.athlete.load_model,
        tss=fields.get("tss"),
        rtss=fields.get("rtss"),
        hr_tss=fields.get("hr_tss"),
        trimp=fields.get("trimp"),
        srpe=fields["srpe"],
        rpe=activity.rpe,
        duration_s=duration_s,
    )
    return (result.value, result.source) if result is not None else (None, "")


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


def _or_nan(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def _rounded(values: Any) -> list[float]:
    return [round(float(v), 3) for v in values]


# --- per athlete ---------------------------------------------------------------------------


def daily_load_recompute(*, athlete: Athlete, since: dt.date, today: dt.date) -> int:
    """Rewrite the athlete's DailyLoad rows from `since` (or earlier, see `_range_start`) to
    `today`; returns the number of days written (0: no activity and no row, nothing to do).

    Load of a day = sum of the stored activity loads of that athlete-local day (rest days 0);
    Fitness/Fatigue continue from the row before the range. The rows of the range are
    rewritten in one transaction (only the days whose values differ), under a lock on the
    athlete row. Planned load = the published planned
    sessions' estimated loads (a plan change marks the day dirty like an activity does).
    """
    with transaction.atomic():
        Athlete.objects.select_for_update().filter(id=athlete.id).first()
        found = _range_start(athlete, since)
        if found is None:
            return 0
        start, ctl0, atl0 = found
        end = max(today, since)
        days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
        by_day = _loads_by_day(athlete, start, end)
        loads = np.array([sum(by_day[day].values()) for day in days], dtype=np.float64)
        chart = fitness_fatigue(
            loads,
            ctl0=ctl0,
            atl0=atl0,
            ctl_days=athlete.fitness_days,
            atl_days=athlete.fatigue_days,
        )
        planned = planned_loads(athlete=athlete, since=start, until=end)
        rows = {
            day: (
                dict(by_day[day]),
                float(loads[i]),
                planned.get(day, 0.0),
                float(chart.fitness[i]),
                float(chart.fatigue[i]),
                float(chart.form[i]),
            )
            for i, day in enumerate(days)
        }
        _daily_rows_write(athlete.id, rows, start, end)
    return len(rows)


def _daily_rows_write(
    athlete_id: int, rows: dict[dt.date, tuple[Any, ...]], start: dt.date, end: dt.date
) -> None:
    """Make the athlete's stored rows of [start, end] (`rows` has every day of it) equal to
    `rows` ({day: values in `DAILY_COLUMNS` order}), writing only the days that differ."""
    stored = DailyLoad.objects.filter(athlete_id=athlete_id, day__range=(start, end))
    before = {day: tuple(values) for day, *values in stored.values_list("day", *DAILY_COLUMNS)}
    changed = [(day, v) for day, v in rows.items() if day in before and before[day] != v]
    new = [(day, v) for day, v in rows.items() if day not in before]
    update, insert = _daily_sql()
    params = _daily_params(athlete_id)
    with connection.cursor() as cursor:
        if changed:
            cursor.executemany(update, [params(*row) for row in changed])
        if new:
            cursor.executemany(insert, [params(*row) for row in new])


def _daily_sql() -> tuple[str, str]:
    """UPDATE and INSERT of one DailyLoad row in plain SQL, both taking the values of
    `DAILY_COLUMNS`, then athlete and day: thousands of rows (a first import's history) cost
    more to build through the ORM's bulk_create than to store."""
    table = connection.ops.quote_name(DailyLoad._meta.db_table)
    names = [connection.ops.quote_name(f.column) for f in _daily_fields()]
    *columns, who, when = names
    assignments = ", ".join(f"{column} = %s" for column in columns)
    update = f"UPDATE {table} SET {assignments} WHERE {who} = %s AND {when} = %s"  # noqa: S608
    marks = ", ".join(["%s"] * len(names))
    return update, f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"  # noqa: S608


def _daily_fields() -> list[Any]:
    return [DailyLoad._meta.get_field(name) for name in (*DAILY_COLUMNS, "athlete", "day")]


def _daily_params(athlete_id: int) -> Callable[[dt.date, tuple[Any, ...]], list[Any]]:
    """A function giving a row's values as the database takes them, in `_daily_sql` order:
    the JSON column adapted by its field (a rest day's empty JSON once per call), the day by
    the backend's date adapter, the floats as they are."""
    backend = connections[DailyLoad.objects.db]  # not the proxy: thousands of rows
    load_by_source = DailyLoad._meta.get_field("load_by_source")
    empty = load_by_source.get_db_prep_save({}, backend)
    adapt_day = backend.ops.adapt_datefield_value

    def params(day: dt.date, values: tuple[Any, ...]) -> list[Any]:
        by_source, *numbers = values
        json = load_by_source.get_db_prep_save(by_source, backend) if by_source else empty
        return [json, *map(float, numbers), athlete_id, adapt_day(day)]

    return params


def _range_start(athlete: Athlete, since: dt.date) -> tuple[dt.date, float, float] | None:
    """First day to write and the Fitness/Fatigue before it; None when there is nothing.

    Rows are contiguous from the first computed day, so the newest row before `since` seeds
    the chart and the days after it (a gap since the last run) are filled too. Without any
    earlier row the chart starts from 0 on the athlete's first activity (the days before it
    are all 0: no rows) or first stored row (its activities were deleted), so the result does
    not depend on `since`.
    """
    before = DailyLoad.objects.filter(athlete=athlete, day__lt=since).order_by("-day").first()
    if before is not None:
        return before.day + dt.timedelta(days=1), before.fitness, before.fatigue
    first_activity = Activity.objects.filter(athlete=athlete).aggregate(first=Min("day"))["first"]
    first_row = DailyLoad.objects.filter(athlete=athlete).aggregate(first=Min("day"))["first"]
    firsts = [day for day in (first_activity, first_row) if day is not None]
    return (min(firsts), 0.0, 0.0) if firsts else None


def _loads_by_day(
    athlete: Athlete, start: dt.date, end: dt.date
) -> defaultdict[dt.date, dict[str, float]]:
    """{day: {load source: summed load}} of the athlete's computed activities, summed in a
    fixed order (by activity id) so that recomputing gives bit-identical floats."""
    rows = (
        ActivityMetrics.objects.filter(
            activity__athlete=athlete, activity__day__range=(start, end), load__isnull=False
        )
        .order_by("activity_id")
        .values_list("activity__day", "load_source", "load")
    )
    by_day: defaultdict[dt.date, dict[str, float]] = defaultdict(dict)
    for day, source, load in rows:
        by_day[day][source] = by_day[day].get(source, 0.0) + float(load or 0.0)
    return by_day


def athlete_metrics_refresh(
    *, athlete: Athlete, since: dt.date | None, today: dt.date | None = None
) -> Refreshed:
    """Recompute the metrics of every activity on or after `since` (None: all of them), then
    the DailyLoad rows from `since` to today, synchronously (`recompute_metrics`)."""
    today = today or athlete.local_today()
    if since is None:
        first = Activity.objects.filter(athlete=athlete).aggregate(first=Min("day"))["first"]
        since = min(first, today) if first else today
    count = _metrics_compute_all(athlete, Activity.objects.filter(day__gte=since))
    days = daily_load_recompute(athlete=athlete, since=since, today=today)
    return Refreshed(activities=count, days=days)


def stale_metrics(*, athlete: Athlete | None = None) -> ActivityQuerySet:
    """Activities whose metrics are missing or come from an older algorithm version."""
    activities = Activity.objects.filter(
        Q(metrics__isnull=True) | Q(metrics__algorithm_version__lt=ALGORITHM_VERSION)
    )
    return activities.filter(athlete=athlete) if athlete is not None else activities


# --- automatic, coalesced per athlete (tasks) ----------------------------------------------


class AthleteBusy(Exception):  # noqa: N818
    """Another transaction holds the athlete row (PostgreSQL): run again later."""


def activities_metrics_compute(*, athlete: Athlete, activity_ids: Iterable[int]) -> int:
    """Compute the metrics of the athlete's listed activities that still exist; returns how
    many (a deleted one, or another athlete's, is skipped)."""
    return _metrics_compute_all(athlete, Activity.objects.filter(id__in=list(activity_ids)))


def sports_using(sport: str) -> list[str] | None:
    """The activity sports whose metrics use this threshold sport's rows and zone sets; None:
    every sport (run and other rows lend their heart-rate values to sports that have none)."""
    if sport in HR_FALLBACK_SPORTS:
        return None
    return [s.value for s in Sport if own_sport(s) == sport]


def sport_metrics_refresh(*, athlete: Athlete, sport: str, since: dt.date) -> int:
    """Recompute the metrics of the activities on or after `since` that use the thresholds
    and zones of `sport` (after they changed from `since`) and whose inputs differ from those
    they were computed with (`inputs_digest`), or were never computed, or by an older
    algorithm; returns how many. The other activities' stored metrics are what a recompute
    would store: several changes of one import cost one recompute per activity."""
    activities = Activity.objects.filter(athlete=athlete, day__gte=since)
    sports = sports_using(sport)
    if sports is not None:
        activities = activities.filter(sport__in=sports)
    return len(_changed_metrics_refresh(athlete, activities))


def changed_metrics_refresh(*, athlete: Athlete) -> dt.date | None:
    """`sport_metrics_refresh` of every sport and day at once (after thresholds of several
    sports changed); returns the earliest day recomputed, None when nothing was."""
    days = _changed_metrics_refresh(athlete, Activity.objects.filter(athlete=athlete))
    return min(days, default=None)


def _changed_metrics_refresh(athlete: Athlete, activities: ActivityQuerySet) -> list[dt.date]:
    """Recompute those of `activities` whose inputs changed (`sport_metrics_refresh`);
    returns their days."""
    history = ThresholdsHistory.of(athlete)
    rows = activities.values_list(
        "id", "sport", "day", "metrics__inputs_digest", "metrics__algorithm_version"
    )
    stale: dict[int, dt.date] = {}
    current: dict[int, dt.date] = {}  # computed by this algorithm: only the thresholds changed
    for activity_id, sport, day, digest, version in rows:
        if version is None or version < ALGORITHM_VERSION:
            stale[activity_id] = day
        elif digest != inputs_digest(athlete=athlete, sport=sport, day=day, history=history):
            current[activity_id] = day
    if stale:
        _metrics_compute_all(athlete, Activity.objects.filter(id__in=list(stale)))
    if current:
        _metrics_compute_all(athlete, Activity.objects.filter(id__in=list(current)), curves=False)
    return [*stale.values(), *current.values()]


def load_mark_dirty(*, athlete_id: int, day: dt.date) -> None:
    """Record that the athlete's DailyLoad rows are stale from `day` on, keeping the earliest
    day of any mark not yet taken by `pending_load_run`.

    Race-safe without locks of its own: a conditional UPDATE lowers an existing later day;
    otherwise the row is created, and when another transaction created it first with a later
    day, the UPDATE runs again.
    """
    while True:
        if PendingLoad.objects.filter(athlete_id=athlete_id, since__gt=day).update(since=day):
            return
        row, created = PendingLoad.objects.get_or_create(
            athlete_id=athlete_id, defaults={"since": day}
        )
        if created or row.since <= day:
            return


def pending_load_run(*, athlete_id: int) -> int | None:
    """Take the athlete's PendingLoad row and rewrite DailyLoad from its day to today, in ONE
    transaction; returns the days written, None when nothing was pending or the athlete is
    gone.

    Raises AthleteBusy when another transaction holds the athlete row (PostgreSQL, NOWAIT):
    one run per athlete at a time. SQLite has no row locks but runs one write transaction at a
    time. The row lock (unlike a lease in a cache) ends with the connection of a killed worker,
    whose PendingLoad row then survives the rollback.
    """
    with transaction.atomic():
        try:
            athlete = Athlete.objects.select_for_update(nowait=True).filter(id=athlete_id).first()
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                raise
            raise AthleteBusy(athlete_id) from error
        pending = PendingLoad.objects.select_for_update().filter(athlete_id=athlete_id).first()
        if athlete is None or pending is None:
            return None
        since = pending.since
        pending.delete()
        return daily_load_recompute(athlete=athlete, since=since, today=athlete.local_today())
