"""Planned vs actual over any range, for one athlete or many (DESIGN §6, the coach's cockpit):
per athlete and per bucket (athlete-local day, or Monday week), the sum of one metric over
the published sessions planned and over the activities done.

Two queries whatever the number of athletes and the length of the range: the database groups
and sums (`Activity.day` and `PlannedSession.day` are already athlete-local dates). What is
summed is what the planner sums (`coaching.selectors.planner.planned_totals`/`actual_totals`):
the sessions' estimates (`est_*`); for activities the moving time (else elapsed), the distance,
the metrics' distance-equivalent (else from distance and ascent), the metrics' load (else the
load entered by hand) and TRIMP. Activities only as the viewer may see them (the one door: a
coach without the athlete's consent sees no Strava-sourced activity).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Case, Count, F, FloatField, Q, Sum, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Abs, Coalesce, TruncWeek
from django.db.models.lookups import LessThan

from activities.models import Activity
from analytics.metrics.disteq import DEFAULT_FACTORS
from coaching.models import PlannedSession
from coaching.selectors.planner import week_start_of

Bucket = Literal["day", "week"]
MetricKey = Literal["time", "distance", "disteq", "load", "trimp"]
METRIC_KEYS: tuple[MetricKey, ...] = ("time", "distance", "disteq", "load", "trimp")
PLANNED_FIELD: dict[MetricKey, str] = {
    "time": "est_duration_s",
    "distance": "est_distance_m",
    "disteq": "est_dist_eq_km",
    "load": "est_load",
    "trimp": "est_trimp",
}


def _dist_eq_fallback() -> Case:
    """Distance-equivalent (km) from distance and ascent, as `distance_equivalent_km` with the
    default factors: None without a distance or for a sport without factors."""
    whens = []
    for sport in ("run", "hike", "ride", "ski"):
        factors = DEFAULT_FACTORS.for_sport(sport)
        assert factors is not None
        value = F("distance_m") * Value(factors.per_km / 1000.0) + Coalesce(
            F("ascent_m"), Value(0.0)
        ) * Value(factors.per_ascent_m)
        whens.append(When(sport=sport, distance_m__isnull=False, then=value))
    return Case(*whens, default=None, output_field=FloatField())


def _actual_value(metric: MetricKey) -> Combinable:
    """The expression of one activity's value of `metric`, in SI units (s, m, km, load)."""
    if metric == "time":
        return Case(
            When(moving_s__gt=0, then=F("moving_s")),
            default=F("elapsed_s"),
            output_field=FloatField(),
        )
    if metric == "distance":
        return F("distance_m")
    if metric == "disteq":
        return Coalesce(F("metrics__dist_eq_km"), _dist_eq_fallback(), output_field=FloatField())
    if metric == "load":
        return Coalesce(F("metrics__load"), F("manual_load"), output_field=FloatField())
    return F("metrics__trimp")


def _bucket_expression(bucket: Bucket) -> Combinable:
    return TruncWeek("day") if bucket == "week" else F("day")


def bucket_starts(*, first: dt.date, last: dt.date, bucket: Bucket) -> list[dt.date]:
    """The first day of every bucket from `first` to `last`: each day, or each Monday (the
    first week starts on the Monday of `first`'s week)."""
    if bucket == "day":
        return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    monday = week_start_of(first)
    return [monday + dt.timedelta(weeks=n) for n in range((last - monday).days // 7 + 1)]


@dataclass(frozen=True, slots=True)
class Cell:
    """Planned and done in one bucket (SI units): 0 when nothing was planned (done), None when
    something was but its value is unknown."""

    planned: float | None = 0.0
    done: float | None = 0.0

    @property
    def percent(self) -> float | None:
        """Done as a % of planned; None when nothing (known) was planned."""
        if not self.planned or self.done is None:
            return None
        return 100.0 * self.done / self.planned


@dataclass(frozen=True, slots=True)
class AthleteRow:
    athlete: Any
    cells: list[Cell]
    total: Cell


@dataclass(frozen=True, slots=True)
class PlannedActual:
    """The table: bucket starts, one row per athlete (in the order given)."""

    buckets: list[dt.date]
    rows: list[AthleteRow]
    metric: MetricKey
    bucket: Bucket

    @property
    def peak(self) -> float:
        """The largest total planned or done (to scale the bars); 0 when nothing."""
        values = [v for r in self.rows for v in (r.total.planned, r.total.done) if v]
        return max(values, default=0.0)

    @property
    def bucket_peak(self) -> float:
        values = [v for r in self.rows for c in r.cells for v in (c.planned, c.done) if v]
        return max(values, default=0.0)


Sums = dict[tuple[int, dt.date], float | None]
# A stored value this large (seconds, metres, points) is an absurdity, not training: summed, a
# few of them overflow PostgreSQL's double precision. It counts as unknown.
SUM_BOUND = 1e12


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _sums(rows: Any) -> Sums:
    """{(athlete id, bucket start): sum} from (athlete id, bucket, sum, count) rows."""
    return {
        (athlete_id, _as_date(start)): (value if count else None)
        for athlete_id, start, value, count in rows
    }


def _total(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return None if values and not known else float(sum(known))


def _row(athlete: Any, buckets: list[dt.date], planned: Sums, done: Sums) -> AthleteRow:
    keys = [(athlete.id, start) for start in buckets]
    cells = [Cell(planned.get(key, 0.0), done.get(key, 0.0)) for key in keys]
    total = Cell(
        _total([planned[key] for key in keys if key in planned]),
        _total([done[key] for key in keys if key in done]),
    )
    return AthleteRow(athlete, cells, total)


def planned_actual(
    *,
    viewer: Any,
    athletes: Sequence[Any],
    first: dt.date,
    last: dt.date,
    metric: MetricKey,
    bucket: Bucket,
    sport: str = "",
) -> PlannedActual:
    """Planned vs done of `metric` for these athletes (already checked through the one door),
    from `first` to `last`, per `bucket`, for one `sport` ("" for all). Two queries."""
    ids = [athlete.id for athlete in athletes]
    scope = Q(athlete_id__in=ids, day__range=(first, last))
    if sport:
        scope &= Q(sport=sport)
    field = PLANNED_FIELD[metric]
    sessions = PlannedSession.objects.visible_to(viewer).published().filter(scope)
    activities = Activity.objects.visible_to(viewer).filter(scope)
    planned = _grouped(sessions, F(field), bucket)
    done = _grouped(activities, _actual_value(metric), bucket)
    buckets = bucket_starts(first=first, last=last, bucket=bucket)
    rows = [_row(athlete, buckets, planned, done) for athlete in athletes]
    return PlannedActual(buckets, rows, metric, bucket)


def _grouped(queryset: Any, value: Combinable, bucket: Bucket) -> Sums:
    """Sum of `value` per athlete and bucket; the count of known values tells an unknown sum
    (None) from nothing at all. One query."""
    plausible = When(LessThan(Abs(value), SUM_BOUND), then=value)  # NaN and ±inf fail it too
    known = Case(plausible, default=None, output_field=FloatField())
    rows = (
        queryset.annotate(value=known, bucket=_bucket_expression(bucket))
        .order_by()
        .values("athlete_id", "bucket")
        .annotate(total=Sum("value"), known=Count("value"))
        .values_list("athlete_id", "bucket", "total", "known")
    )
    return _sums(rows)
