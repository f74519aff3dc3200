"""Thresholds estimated from an athlete's own activities, stored as suggestions (DESIGN §6).

After activities are computed (`analytics.tasks.activities_changed_task`), each threshold sport
that has activities but no entered thresholds row gets an estimated row
(`athletes.services.thresholds.thresholds_estimate_save`): max HR and resting HR for the
athlete, LTHR, FTP and threshold speed from that sport's efforts (`analytics.metrics.estimates`
says how), or the values the athlete's files carry (a device's user profile, zones and FTP),
which win over estimates — but not an FTP lower than the efforts show. The row starts on the
sport's first activity. Heart-rate values are not estimated when entered run or other rows hold
some: every sport without its own borrows them. Storing it publishes `ThresholdsChanged`, so
the metrics are recomputed with it: every sport's row is stored in one `batched` block first,
and a refresh skips the activities whose inputs did not change, so an import recomputes each
activity once. A later import refreshes an estimate nobody confirmed, and the same data gives
the same row (nothing written again).

The zones a device counted time in (heart rate, power; kept on the source with the file's
thresholds) become the sport's zone set the same way (`zones_from_devices`), while none were
entered: the newest file's zones, from the sport's first activity, shown as a suggestion.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Min, Q

from activities.models import Activity, ActivitySource
from analytics.metrics.estimates import (
    HR_SUSTAINED_S,
    EffortSummary,
    Estimate,
    estimate_ftp,
    estimate_hr_max,
    estimate_hr_rest,
    estimate_lthr,
    estimate_threshold_speed,
)
from analytics.models import ActivityMetrics
from athletes.models import Athlete, Thresholds, WellnessDay, ZoneSet
from athletes.selectors.thresholds import HR_FALLBACK_SPORTS, own_sport
from athletes.services.thresholds import thresholds_estimate_save, zone_set_device_save
from core.outbox import batched
from core.sports import THRESHOLD_SPORTS, Sport

DEFAULT_HR_REST_BPM = 60  # without wellness data (the analyze_file default)
POWER_SPORTS = (Sport.RIDE.value, Sport.RUN.value, Sport.OTHER.value)
DEVICE_FIELDS = ("hr_max_bpm", "hr_rest_bpm", "lthr_bpm", "ftp_w")
DEVICE_METHOD = "recorded by the device"
MIN_HR_MAX_BPM = 100  # a lower "max HR" in a file is a setting nobody made
DEVICE_ZONES = {"hr_zone_bounds_bpm": ZoneSet.Kind.HR, "power_zone_bounds_w": ZoneSet.Kind.POWER}


def _efforts(
    athlete: Athlete, sports: set[str]
) -> tuple[dict[str, list[EffortSummary]], dict[str, dt.date]]:
    """Per threshold sport of `sports`: one summary per computed activity, and its first day."""
    activity_sports = [s.value for s in Sport if own_sport(s) in sports]
    rows = ActivityMetrics.objects.filter(
        activity__athlete=athlete, activity__sport__in=activity_sports
    ).values_list("activity__sport", "activity__day", "activity__max_hr_bpm", "mean_max")
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


def _hr_peaks(athlete: Athlete) -> list[EffortSummary]:
    """Every computed activity's best 5-s and highest heart rate (max HR is the athlete's,
    whatever the sport): its heart-rate curve only, not the others."""
    rows = ActivityMetrics.objects.filter(activity__athlete=athlete).values_list(
        "mean_max__hr_bpm", "activity__max_hr_bpm"
    )
    peaks = []
    for curve, highest in rows:
        best = curve.get(str(HR_SUSTAINED_S)) if isinstance(curve, dict) else None
        hr = {"hr_bpm": {HR_SUSTAINED_S: float(best)}} if best else {}
        peaks.append(EffortSummary(mean_max=hr, max_hr_bpm=highest))
    return peaks


def _hr_known(athlete: Athlete) -> bool:
    """Whether entered run or other rows hold heart-rate values: every sport without its own
    borrows them (athletes.selectors.thresholds), so no heart rate is estimated then."""
    entered = Thresholds.objects.filter(athlete=athlete, sport__in=HR_FALLBACK_SPORTS).exclude(
        source=Thresholds.Source.ESTIMATED
    )
    return entered.filter(
        Q(hr_max_bpm__isnull=False) | Q(hr_rest_bpm__isnull=False) | Q(lthr_bpm__isnull=False)
    ).exists()


def _device_values(athlete: Athlete, *, with_hr: bool) -> dict[str, dict[str, Estimate]]:
    """Per threshold sport: the newest value of each threshold the athlete's files carry
    (their user profile, zones and FTP)."""
    found: dict[str, dict[str, Estimate]] = defaultdict(dict)
    for sport, carried in _carried_thresholds(athlete):  # oldest first: a newer file's wins
        for name, value in carried.items():
            wanted = name in DEVICE_FIELDS and (with_hr or name not in Thresholds.HR_FIELDS)
            if wanted and isinstance(value, int | float):
                found[sport][name] = Estimate(value, DEVICE_METHOD, 1)
    return found


def _carried_thresholds(athlete: Athlete) -> list[tuple[str, dict[str, Any]]]:
    """(threshold sport, what the file carries) of every file source of the athlete with
    thresholds (kept on the source by `activities.services.ingest`), oldest first."""
    rows = (
        ActivitySource.objects.filter(activity__athlete=athlete, summary__has_key="thresholds")
        .order_by("activity__day", "id")
        .values_list("activity__sport", "summary__thresholds")
    )
    return [(own_sport(sport), carried) for sport, carried in rows if isinstance(carried, dict)]


def _hr_values(
    efforts: list[EffortSummary],
    device: dict[str, Estimate],
    hr_max: Estimate | None,
    rest: Estimate | None,
) -> dict[str, Estimate]:
    recorded = device.get("hr_max_bpm")
    hr_max = recorded if recorded is not None and recorded.value >= MIN_HR_MAX_BPM else hr_max
    if hr_max is None:
        return {}
    rests = (device.get("hr_rest_bpm"), rest, Estimate(DEFAULT_HR_REST_BPM, "default", 0))
    lthrs = (device.get("lthr_bpm"), estimate_lthr(efforts, hr_max_bpm=hr_max.value))
    return {
        "hr_max_bpm": hr_max,
        "hr_rest_bpm": next(e for e in rests if e is not None and e.value < hr_max.value),
        "lthr_bpm": next(e for e in lthrs if e is not None and e.value < hr_max.value),
    }


def _sport_estimates(
    sport: str,
    efforts: list[EffortSummary],
    device: dict[str, Estimate],
    hr_max: Estimate | None,
    rest: Estimate | None,
) -> dict[str, Estimate]:
    """A recorded value (the device's) wins over one estimated from the efforts, except an
    FTP the efforts exceed (`_ftp`)."""
    found = _hr_values(efforts, device, hr_max, rest)
    ftp = _ftp(device.get("ftp_w"), estimate_ftp(efforts) if sport in POWER_SPORTS else None)
    speed = estimate_threshold_speed(efforts) if sport == Sport.RUN else None
    if ftp is not None:
        found["ftp_w"] = ftp
    if speed is not None:
        found["threshold_speed_mps"] = speed
    return found


def _ftp(recorded: Estimate | None, estimated: Estimate | None) -> Estimate | None:
    """The higher of the two: a recorded FTP below 95 % of a best 20 minutes is not the
    athlete's (an older setting, or a watch's cycling FTP in a run's file) and would give
    intensities nobody holds (IF 1.5 for 80 min); a higher one knows more than the efforts."""
    if recorded is None or estimated is None:
        return recorded or estimated
    return estimated if estimated.value > recorded.value else recorded


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
    efforts, firsts = _efforts(athlete, {s.value for s in THRESHOLD_SPORTS} - entered)
    if not efforts:
        return []
    with_hr = not _hr_known(athlete)
    hr_max = estimate_hr_max(_hr_peaks(athlete)) if with_hr else None
    rests = WellnessDay.objects.filter(athlete=athlete).values_list("resting_hr_bpm", flat=True)
    rest = estimate_hr_rest(rests) if with_hr else None
    device = _device_values(athlete, with_hr=with_hr)
    saved = []
    with batched():  # every sport's row is stored before the metrics are refreshed with them
        for sport in THRESHOLD_SPORTS:
            if sport in entered or not efforts.get(sport):
                continue
            row = _sport_save(athlete, sport, efforts, firsts, device, hr_max, rest)
            saved += [row] if row is not None else []
    return saved


def _sport_save(
    athlete: Athlete,
    sport: str,
    efforts: dict[str, list[EffortSummary]],
    firsts: dict[str, dt.date],
    device: dict[str, dict[str, Estimate]],
    hr_max: Estimate | None,
    rest: Estimate | None,
) -> Thresholds | None:
    found = _sport_estimates(sport, efforts[sport], device.get(sport, {}), hr_max, rest)
    if not found:
        return None
    return thresholds_estimate_save(
        athlete=athlete,
        sport=sport,
        valid_from=firsts[sport],
        values={name: _stored(name, e.value) for name, e in found.items()},
        basis={name: _basis(e) for name, e in found.items()},
    )


def _stored(name: str, value: float) -> float | int:
    return value if name == "threshold_speed_mps" else round(value)


def _basis(estimate: Estimate) -> dict[str, Any]:
    return {"method": estimate.method, "count": estimate.count}


def zones_from_devices(*, athlete: Athlete) -> list[ZoneSet]:
    """Store, per threshold sport and zone kind without entered zones, the zones the newest
    file of that sport carries, in force from the sport's first activity; returns the sets
    written (none when nothing changed)."""
    newest = _device_zones(athlete)
    if not newest:
        return []
    firsts: dict[str, dt.date] = {}
    days = Activity.objects.filter(athlete=athlete).values_list("sport").annotate(Min("day"))
    for sport, day in days:
        key = own_sport(sport)
        firsts[key] = min(day, firsts.get(key, day))
    saved = []
    for (sport, kind), bounds in sorted(newest.items()):
        zone_set = zone_set_device_save(
            athlete=athlete, sport=sport, kind=kind, valid_from=firsts[sport], bounds=bounds
        )
        saved += [zone_set] if zone_set is not None else []
    return saved


def _device_zones(athlete: Athlete) -> dict[tuple[str, str], list[float]]:
    """(threshold sport, zone kind) → the bounds the newest file of that sport carries."""
    found: dict[tuple[str, str], list[float]] = {}
    for sport, carried in _carried_thresholds(athlete):  # oldest first: a newer file's win
        for name, kind in DEVICE_ZONES.items():
            bounds = carried.get(name)
            if isinstance(bounds, list) and all(isinstance(b, int | float) for b in bounds):
                found[sport, kind] = [float(b) for b in bounds]
    return found
