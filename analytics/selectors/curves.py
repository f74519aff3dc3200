"""Season and all-time mean-max curves: the pointwise best of the stored per-activity curves
(``analytics.metrics.meanmax.curve_max``) and the activity holding each point."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, QuerySet

from analytics.metrics.meanmax import curve_max
from analytics.metrics.registry import MEAN_MAX_CHANNELS
from analytics.models import ActivityMetrics
from athletes.models import Athlete, User


@dataclass(frozen=True, slots=True)
class CurveSource:
    """The activity that holds a point of a season curve."""

    activity_id: int
    day: dt.date
    name: str


@dataclass(frozen=True, slots=True)
class SeasonCurve:
    """The pointwise best of the stored per-activity curves of one channel ("power_w",
    "speed_mps", "hr_bpm"), with the activity holding each point."""

    channel: str
    durations_s: list[int]
    values: list[float]
    holders: list[CurveSource | None]


def _metrics_in_season(
    viewer: User, athlete: Athlete, since: dt.date | None
) -> QuerySet[ActivityMetrics]:
    rows = ActivityMetrics.objects.visible_to(viewer).filter(activity__athlete=athlete)
    rows = rows.exclude(mean_max={})
    return rows.filter(activity__day__gte=since) if since is not None else rows


def season_sports(*, viewer: User, athlete: Athlete, since: dt.date | None) -> list[str]:
    """Sports with at least one stored curve since `since`, most activities first. One query."""
    counts = (
        _metrics_in_season(viewer, athlete, since)
        .values("activity__sport")
        .annotate(count=Count("id"))
        .order_by("-count", "activity__sport")
    )
    return [row["activity__sport"] for row in counts]


def season_curves(
    *, viewer: User, athlete: Athlete, sport: str, since: dt.date | None
) -> list[SeasonCurve]:
    """Season (or all-time, `since` None) mean-max curves of one sport, per channel, as the
    pointwise maximum (`meanmax.curve_max`) of the stored per-activity curves. One query."""
    columns = [f"mean_max__{channel}" for channel in MEAN_MAX_CHANNELS]
    rows = list(
        _metrics_in_season(viewer, athlete, since)
        .filter(activity__sport=sport)
        .order_by("activity__day", "activity_id")
        .values_list("activity_id", "activity__day", "activity__name", *columns)
    )
    sources = [CurveSource(activity_id=r[0], day=r[1], name=r[2]) for r in rows]
    curves = []
    for position, channel in enumerate(MEAN_MAX_CHANNELS, start=3):
        held = [(source, r[position]) for source, r in zip(sources, rows, strict=True)]
        curve = _envelope(channel, [(s, c) for s, c in held if c])
        if curve is not None:
            curves.append(curve)
    return curves


def _envelope(
    channel: str, curves: Sequence[tuple[CurveSource, dict[str, float | None]]]
) -> SeasonCurve | None:
    """Align the curves on the union of their durations, take the pointwise best and the
    first activity reaching it (curves are oldest first, so a tie keeps the earlier one)."""
    if not curves:
        return None
    keyed = [
        (np.array([int(k) for k in c], dtype=np.int64), np.array(list(c.values()), dtype=float))
        for _source, c in curves
    ]
    durations = np.unique(np.concatenate([keys for keys, _values in keyed]))
    matrix = np.full((len(curves), durations.size), np.nan)
    for row, (keys, values) in enumerate(keyed):
        matrix[row, np.searchsorted(durations, keys)] = values
    best = curve_max(list(matrix))
    holder = np.where(np.isnan(matrix), -np.inf, matrix).argmax(axis=0)
    return SeasonCurve(
        channel=channel,
        durations_s=durations.tolist(),
        values=best.tolist(),
        holders=[
            curves[h][0] if math.isfinite(v) else None
            for h, v in zip(holder.tolist(), best.tolist(), strict=True)
        ],
    )
