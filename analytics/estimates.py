"""Thresholds estimated from an athlete's own activities, stored as suggestions (DESIGN §6).

After activities are computed (`analytics.tasks.activities_changed_task`), each threshold sport
that has activities but no entered thresholds row gets an estimated row
(`athletes.services.thresholds.thresholds_estimate_save`): max HR and resting HR for the
athlete, LTHR, FTP and threshold speed from that sport's efforts (`analytics.metrics.estimates`
says how). The row starts on the sport's first activity. Storing it publishes
`ThresholdsChanged`, so the metrics are recomputed with it; a later import refreshes an
estimate nobody confirmed, and the same data gives the same row (nothing written again).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from analytics.metrics.estimates import (
    EffortSummary,
    Estimate,
    estimate_ftp,
    estimate_hr_max,
    estimate_hr_rest,
    estimate_lthr,
    estimate_threshold_speed,
)
from analytics.models import ActivityMetrics
from athletes.models import Athlete, Thresholds, WellnessDay
from athletes.selectors.thresholds import own_sport
from athletes.services.thresholds import thresholds_estimate_save
from core.sports import THRESHOLD_SPORTS, Sport

DEFAULT_HR_REST_BPM = 60  # without wellness data (the analyze_file default)
POWER_SPORTS = (Sport.RIDE.value, Sport.RUN.value, Sport.OTHER.value)


def _efforts(athlete: Athlete) -> tuple[dict[str, list[EffortSummary]], dict[str, dt.date]]:
    """Per threshold sport: one summary per computed activity, and its first day."""
    rows = ActivityMetrics.objects.filter(activity__athlete=athlete).values_list(
        "activity__sport", "activity__day", "activity__max_hr_bpm", "mean_max"
    )
    efforts: dict[str, list[EffortSummary]] = defaultdict(list)
    firsts: dict[str, dt.date] = {}
    for sport, day, max_hr, mean_max in rows:
        key = own_sport(sport)
        curves = {
            channel: {int(d): float(v) for d, v in curve.items()}
            for channel, curve in (mean_max or {}).items()
        }
        efforts[key].append(EffortSummary(mean_max=curves, max_hr_bpm=max_hr))
        firsts[key] = min(day, firsts.get(key, day))
    return efforts, firsts


def _hr_values(
    efforts: list[EffortSummary], hr_max: Estimate | None, rest: Estimate | None
) -> dict[str, Estimate]:
    if hr_max is None:
        return {}
    rest = rest if rest is not None and rest.value < hr_max.value else None
    return {
        "hr_max_bpm": hr_max,
        "hr_rest_bpm": rest or Estimate(DEFAULT_HR_REST_BPM, "default", 0),
        "lthr_bpm": estimate_lthr(efforts, hr_max_bpm=hr_max.value),
    }


def _sport_estimates(
    sport: str, efforts: list[EffortSummary], hr_max: Estimate | None, rest: Estimate | None
) -> dict[str, Estimate]:
    found = _hr_values(efforts, hr_max, rest)
    ftp = estimate_ftp(efforts) if sport in POWER_SPORTS else None
    speed = estimate_threshold_speed(efforts) if sport == Sport.RUN else None
    if ftp is not None:
        found["ftp_w"] = ftp
    if speed is not None:
        found["threshold_speed_mps"] = speed
    return found


def thresholds_estimate(*, athlete: Athlete) -> list[Thresholds]:
    """Estimate and store the thresholds of every threshold sport with activities and no
    entered row; returns the rows written (none when nothing changed)."""
    entered = set(
        Thresholds.objects.filter(athlete=athlete)
        .exclude(source=Thresholds.Source.ESTIMATED)
        .values_list("sport", flat=True)
    )
    if entered.issuperset(THRESHOLD_SPORTS):
        return []
    efforts, firsts = _efforts(athlete)
    everything = [effort for sport_efforts in efforts.values() for effort in sport_efforts]
    hr_max = estimate_hr_max(everything)
    rests = WellnessDay.objects.filter(athlete=athlete).values_list("resting_hr_bpm", flat=True)
    rest = estimate_hr_rest(rests)
    saved = []
    for sport in THRESHOLD_SPORTS:
        if sport in entered or not efforts.get(sport):
            continue
        found = _sport_estimates(sport, efforts[sport], hr_max, rest)
        if found:
            row = thresholds_estimate_save(
                athlete=athlete,
                sport=sport,
                valid_from=firsts[sport],
                values={name: _stored(name, e.value) for name, e in found.items()},
                basis={name: _basis(e) for name, e in found.items()},
            )
            saved += [row] if row is not None else []
    return saved


def _stored(name: str, value: float) -> float | int:
    return value if name == "threshold_speed_mps" else round(value)


def _basis(estimate: Estimate) -> dict[str, Any]:
    return {"method": estimate.method, "count": estimate.count}
