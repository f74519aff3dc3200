"""The one bridge between the ORM and the pure metric core (`analytics.metrics`).

- `activity_metrics_compute`: one activity's metrics from its streams (or laps and summary),
  with the thresholds and zones in force on the activity's day; idempotent.
- `daily_load_recompute`: the DailyLoad rows of one athlete from a day to today, every row of
  the range written in one transaction (a killed worker leaves the old rows or the new ones).
- `athlete_metrics_refresh`: both, for the activities on or after a day (threshold changes,
  algorithm upgrades, the `recompute_metrics` command).
- `athlete_load_lease`: at most one `daily_load_recompute` per athlete at a time (tasks).

Metrics computed by an older `ALGORITHM_VERSION` are stale (`stale_metrics`): they are
recomputed lazily, by `recompute_metrics` or the next refresh.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

import numpy as np
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from activities.models import Activity, ActivityQuerySet
from activities.models import Streams as StreamsRow
from activities.streams_codec import decode_streams
from activities.summary import stream_metrics
from activities.types import Streams
from analytics.metrics.activity import MetricThresholds
from analytics.metrics.disteq import distance_equivalent_km
from analytics.metrics.load import activity_load
from analytics.metrics.pmc import fitness_fatigue
from analytics.metrics.rpe import srpe
from analytics.metrics.zones import SOURCE_LAPS, SOURCE_STREAMS, time_in_zones_from_laps
from analytics.models import ActivityMetrics, DailyLoad
from athletes.models import Athlete
from athletes.selectors.thresholds import ThresholdValues, thresholds_on, zones_on
from athletes.sports import Sport

ALGORITHM_VERSION = 1
LOAD_LEASE_S = 10 * 60  # longer than athlete_load_task's time limit: a live lease is never lost
MANUAL_LOAD_SOURCE = "manual"
ZONE_KINDS = ("hr", "power", "pace")
LAP_ZONE_FIELDS = {"hr": "avg_hr_bpm", "power": "avg_power_w", "pace": "avg_speed_mps"}


class Refreshed(NamedTuple):
    activities: int
    days: int


# --- per activity --------------------------------------------------------------------------


def activity_metrics_compute(*, activity: Activity) -> ActivityMetrics:
    """Compute and store every metric of `activity` (idempotent: one row, rewritten).

    Thresholds and zones are those in force on the activity's day; the samples go through
    `activities.summary.stream_metrics`; the load follows the athlete's load model
    (an entered `manual_load` wins, source "manual"). Without streams: load, sRPE,
    distance-equivalent and lap-based time in zone only.
    """
    values = thresholds_on(athlete=activity.athlete, sport=activity.sport, day=activity.day)
    bounds = {kind: _bounds(activity, kind) for kind in ZONE_KINDS}
    streams = _streams(activity)
    fields = (
        _stream_fields(activity, streams, values, bounds)
        if streams
        else _lap_fields(activity, bounds)
    )
    recorded_s = fields.pop("recorded_s", None)
    duration_s = activity.moving_s or recorded_s or activity.elapsed_s
    fields["srpe"] = srpe(activity.rpe, duration_s)
    fields["dist_eq_km"] = distance_equivalent_km(
        sport=activity.sport, distance_m=activity.distance_m, ascent_m=activity.ascent_m
    )
    fields["load"], fields["load_source"] = _load(activity, fields, duration_s)
    metrics, _created = ActivityMetrics.objects.update_or_create(
        activity=activity,
        defaults={**fields, "algorithm_version": ALGORITHM_VERSION, "computed_at": timezone.now()},
    )
    return metrics


def _streams(activity: Activity) -> Streams | None:
    row = StreamsRow.objects.filter(activity=activity).only("data").first()
    if row is None:
        return None
    streams = decode_streams(bytes(row.data))
    return streams if len(streams) else None


def _bounds(activity: Activity, kind: str) -> tuple[float, ...]:
    """Lower bounds of the zones above Z1 in force on the activity's day (empty: none)."""
    zones = zones_on(athlete=activity.athlete, sport=activity.sport, kind=kind, day=activity.day)
    return tuple(zone.low for zone in zones[1:])


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
) -> dict[str, Any]:
    result = stream_metrics(
        streams,
        sport=Sport(activity.sport),
        thresholds=_thresholds(values, bounds),
        sex=activity.athlete.sex,
        rpe=activity.rpe,
        distance_m=activity.distance_m,
        ascent_m=activity.ascent_m,
    )
    zones = {kind: _rounded(s) for kind, s in result.time_in_zone_s.items() if s is not None}
    return {
        "np_w": result.np_w,
        "intensity_factor": result.intensity_factor,
        "tss": result.tss,
        "trimp": result.trimp,
        "hr_tss": result.hr_tss,
        "rtss": result.rtss,
        # DESIGN §6: an unsteady effort's decoupling means nothing; only EF is kept for it.
        "decoupling_pct": result.decoupling_pct if result.decoupling_steady else None,
        "efficiency_factor": result.efficiency_factor,
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
    `today`; returns the number of days written.

    Load of a day = sum of the stored activity loads of that athlete-local day (rest days 0);
    Fitness/Fatigue continue from the row before the range. All rows of the range are replaced
    in one transaction, under a lock on the athlete row; planned loads are kept.
    """
    with transaction.atomic():
        Athlete.objects.select_for_update().filter(id=athlete.id).first()
        start, ctl0, atl0 = _range_start(athlete, since)
        end = max(today, since)
        days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
        by_day = _loads_by_day(athlete, start, end)
        loads = np.array([sum(by_day[day].values()) for day in days], dtype=np.float64)
        chart = fitness_fatigue(loads, ctl0=ctl0, atl0=atl0)
        planned = dict(
            DailyLoad.objects.filter(athlete=athlete, day__range=(start, end)).values_list(
                "day", "planned_load"
            )
        )
        rows = [
            DailyLoad(
                athlete=athlete,
                day=day,
                load_by_source=dict(by_day[day]),
                load=float(loads[i]),
                planned_load=planned.get(day, 0.0),
                fitness=float(chart.fitness[i]),
                fatigue=float(chart.fatigue[i]),
                form=float(chart.form[i]),
            )
            for i, day in enumerate(days)
        ]
        DailyLoad.objects.filter(athlete=athlete, day__range=(start, end)).delete()
        DailyLoad.objects.bulk_create(rows)
    return len(rows)


def _range_start(athlete: Athlete, since: dt.date) -> tuple[dt.date, float, float]:
    """First day to write and the Fitness/Fatigue before it.

    Rows are contiguous from the first computed day, so the newest row before `since` seeds
    the chart and the days after it (a gap since the last run) are filled too. Without any
    earlier row the chart starts from 0 on the athlete's first activity (the days before it
    are all 0: no rows), so the result does not depend on `since`.
    """
    before = DailyLoad.objects.filter(athlete=athlete, day__lt=since).order_by("-day").first()
    if before is not None:
        return before.day + dt.timedelta(days=1), before.fitness, before.fatigue
    first = Activity.objects.filter(athlete=athlete).aggregate(first=Min("day"))["first"]
    return (first or since), 0.0, 0.0


def _loads_by_day(
    athlete: Athlete, start: dt.date, end: dt.date
) -> defaultdict[dt.date, dict[str, float]]:
    """{day: {load source: summed load}} of the athlete's computed activities."""
    rows = ActivityMetrics.objects.filter(
        activity__athlete=athlete, activity__day__range=(start, end), load__isnull=False
    ).values_list("activity__day", "load_source", "load")
    by_day: defaultdict[dt.date, dict[str, float]] = defaultdict(dict)
    for day, source, load in rows:
        by_day[day][source] = by_day[day].get(source, 0.0) + float(load or 0.0)
    return by_day


def athlete_metrics_refresh(
    *, athlete: Athlete, since: dt.date | None, today: dt.date | None = None
) -> Refreshed:
    """Recompute the metrics of every activity on or after `since` (None: all of them), then
    the DailyLoad rows from `since` to today (e.g. after a thresholds change valid from
    `since`). Wiring thresholds changes to this is the caller's business."""
    today = today or athlete.local_today()
    if since is None:
        first = Activity.objects.filter(athlete=athlete).aggregate(first=Min("day"))["first"]
        since = min(first, today) if first else today
    activities = Activity.objects.filter(athlete=athlete, day__gte=since).select_related("athlete")
    count = 0
    for activity in activities.iterator():
        activity_metrics_compute(activity=activity)
        count += 1
    days = daily_load_recompute(athlete=athlete, since=since, today=today)
    return Refreshed(activities=count, days=days)


def stale_metrics(*, athlete: Athlete | None = None) -> ActivityQuerySet:
    """Activities whose metrics are missing or come from an older algorithm version."""
    activities = Activity.objects.filter(
        Q(metrics__isnull=True) | Q(metrics__algorithm_version__lt=ALGORITHM_VERSION)
    )
    return activities.filter(athlete=athlete) if athlete is not None else activities


@contextmanager
def athlete_load_lease(athlete_id: int) -> Iterator[bool]:
    """Yield True when this caller holds the athlete's daily-load lease, False when another
    holds it. Taken atomically (cache add), released on exit only by its holder; a holder
    killed mid-run frees it after LOAD_LEASE_S."""
    key = f"analytics:daily-load-lease:{athlete_id}"
    token = uuid.uuid4().hex
    taken = bool(cache.add(key, token, timeout=LOAD_LEASE_S))
    try:
        yield taken
    finally:
        if taken and cache.get(key) == token:
            cache.delete(key)
