"""What resolves a workout's targets for one athlete on one day (thresholds, zones, easy speed)."""

from __future__ import annotations

import datetime as dt
import math
import statistics

from activities.models import Activity
from athletes.models import Athlete
from athletes.selectors.thresholds import (
    ThresholdValues,
    own_sport,
    thresholds_on,
    zones_on,
)
from athletes.zones import Zone
from coaching.workouts.tree import AthleteThresholds

EASY_SPEED_DAYS = 90
EASY_MIN_MOVING_S = 20 * 60
ZONE_KINDS = ("hr", "power", "pace")


def workout_thresholds(*, athlete: Athlete, sport: str, day: dt.date) -> AthleteThresholds:
    """The athlete's thresholds and zones in force on `day` for `sport`, and their easy speed
    (median average speed of that sport's sessions of 20 min or more over the 90 days before
    `day`; None without any). About eight queries: for writes, not for lists."""
    values = thresholds_on(athlete=athlete, sport=sport, day=day)
    zones = {
        kind: _ranges(zones_on(athlete=athlete, sport=sport, kind=kind, day=day))
        for kind in ZONE_KINDS
    }
    return AthleteThresholds(
        sex=athlete.metric_sex,
        ftp_w=_float(values.ftp_w) if values else None,
        lthr_bpm=_float(values.lthr_bpm) if values else None,
        hr_rest_bpm=_float(values.hr_rest_bpm) if values else None,
        hr_max_bpm=_float(values.hr_max_bpm) if values else None,
        threshold_speed_mps=_threshold_speed(values, own_sport(sport)),
        endurance_speed_mps=_easy_speed(athlete, sport, day),
        zones={kind: ranges for kind, ranges in zones.items() if ranges},
    )


def _threshold_speed(values: ThresholdValues | None, sport: str) -> float | None:
    if values is None:
        return None
    return _float(values.css_mps if sport == "swim" else values.threshold_speed_mps)


def _ranges(zones: list[Zone]) -> tuple[tuple[float, float], ...]:
    return tuple((zone.low, math.inf if zone.high is None else zone.high) for zone in zones)


def _easy_speed(athlete: Athlete, sport: str, day: dt.date) -> float | None:
    speeds = [
        float(speed)
        for speed in Activity.objects.filter(
            athlete=athlete,
            sport=sport,
            day__range=(day - dt.timedelta(days=EASY_SPEED_DAYS), day),
            moving_s__gte=EASY_MIN_MOVING_S,
            avg_speed_mps__gt=0,
        ).values_list("avg_speed_mps", flat=True)[:200]
        if speed is not None
    ]
    return statistics.median(speeds) if speeds else None


def _float(value: float | int | None) -> float | None:
    return None if value is None else float(value)
