"""Garmin Training Center XML (TCX v2) → NormalizedActivity. Pure: no Django.

One NormalizedActivity per `<Activity>`. Track points give the streams (ActivityExtension v2
`TPX` adds Speed, Watts and RunCadence); `<Lap>` totals give the laps and `device_summary`.
The session starts at the first lap's StartTime or the first track point, whichever is earlier
(`<Id>` is only the file's id: Garmin rounds it to the minute). `<Cadence>` is the bike's rpm,
`RunCadence` the device's running cadence (steps of one foot per minute, never doubled).
"""

from __future__ import annotations

import datetime as dt
from xml.etree.ElementTree import Element

from activities.parsers.xml import (
    TrackPoints,
    build_streams,
    children,
    classified,
    element_at,
    float_at,
    parse_time,
    parse_xml,
    text_at,
)
from activities.summary import summarize
from activities.types import Lap, NormalizedActivity, RejectedFile, Summary
from core.sports import Sport, guess_sport

_INTENSITIES: dict[str, str] = {"active": "active", "resting": "rest"}


@classified("TCX")
def parse_tcx(data: bytes, *, filename: str = "") -> list[NormalizedActivity]:
    """Every activity of a TCX file; RejectedFile when none is usable.

    `filename` only helps guess the sport when the file says Sport="Other".
    """
    root = parse_xml(data)
    if root.tag != "TrainingCenterDatabase":
        raise RejectedFile("not a TCX file")
    found = list(root.iter("Activity"))
    if not found:
        raise RejectedFile("no track points")
    activities: list[NormalizedActivity] = []
    reasons: list[str] = []
    for element in found:
        try:
            activities.append(_activity(element, filename=filename))
        except RejectedFile as rejected:
            reasons.append(rejected.reason)
    if not activities:
        raise RejectedFile(reasons[0])
    return activities


def _activity(element: Element, *, filename: str) -> NormalizedActivity:
    lap_elements = list(children(element, "Lap"))
    points = _track_points(lap_elements)
    first_point = points.first_time()
    lap_starts = [parse_time(lap.get("StartTime")) for lap in lap_elements]
    started_at = min([first_point, *[start for start in lap_starts if start is not None]])
    streams = build_streams(points, started_at=started_at, gps_distance=False)
    end_s = float(streams.time_s[-1])
    laps = _laps(lap_elements, lap_starts, started_at=started_at, end_s=end_s)
    device = text_at(element, "Creator", "Name") or ""
    sport, sub_sport = _sport(element.get("Sport", ""), filename=filename, device=device)
    if sport is Sport.SWIM:
        _mark_pool_rests(laps)
    return NormalizedActivity(
        sport=sport,
        sub_sport=sub_sport,
        started_at=started_at,
        streams=streams,
        summary=summarize(streams, sport=sport, laps=laps),
        laps=laps,
        device_summary=_device_summary(lap_elements, laps),
        device=device,
        description=text_at(element, "Notes") or "",
        warnings=points.warnings(),
    )


def _mark_pool_rests(laps: list[Lap]) -> None:
    """Garmin writes swim rests as "Active" laps of 0 m: they are rests."""
    for lap in laps:
        if lap.distance_m == 0:
            lap.intensity = "rest"


def _sport(attribute: str, *, filename: str, device: str) -> tuple[Sport, str]:
    """Sport="Running"/"Biking"; for "Other" (pool swims, gym…) a guess from the names."""
    named = guess_sport(attribute) or guess_sport(filename) or guess_sport(device)
    return named or (Sport.OTHER, "generic")


def _track_points(lap_elements: list[Element]) -> TrackPoints:
    points = TrackPoints()
    for lap in lap_elements:
        for track in children(lap, "Track"):
            for point in children(track, "Trackpoint"):
                points.add(parse_time(text_at(point, "Time")), _point_values(point))
    return points


def _point_values(point: Element) -> dict[str, float]:
    tpx = element_at(point, "Extensions", "TPX")
    candidates = {
        "lat_deg": float_at(point, "Position", "LatitudeDegrees"),
        "lon_deg": float_at(point, "Position", "LongitudeDegrees"),
        "altitude_m": float_at(point, "AltitudeMeters"),
        "distance_m": float_at(point, "DistanceMeters"),
        "hr_bpm": float_at(point, "HeartRateBpm", "Value"),
        "cadence_spm": float_at(point, "Cadence"),
    }
    if tpx is not None:
        candidates["speed_mps"] = float_at(tpx, "Speed")
        candidates["power_w"] = float_at(tpx, "Watts")
        if candidates["cadence_spm"] is None:
            candidates["cadence_spm"] = float_at(tpx, "RunCadence")
    return {name: value for name, value in candidates.items() if value is not None}


def _laps(
    lap_elements: list[Element],
    lap_starts: list[dt.datetime | None],
    *,
    started_at: dt.datetime,
    end_s: float,
) -> list[Lap]:
    """Laps with offsets; a lap lasts until the next starts (the last: its timer or the data)."""
    offsets: list[float] = []
    for index, start in enumerate(lap_starts):
        if start is not None:
            offsets.append((start - started_at).total_seconds())
        elif index == 0:
            offsets.append(0.0)
        else:  # no StartTime: right after the previous lap's timer time
            previous_s = float_at(lap_elements[index - 1], "TotalTimeSeconds") or 0.0
            offsets.append(offsets[-1] + previous_s)
    laps: list[Lap] = []
    for index, element in enumerate(lap_elements):
        timer_s = float_at(element, "TotalTimeSeconds")
        if index + 1 < len(lap_elements):
            elapsed_s = offsets[index + 1] - offsets[index]
        else:
            elapsed_s = max(timer_s or 0.0, end_s - offsets[index])
        laps.append(_lap(element, start_s=offsets[index], elapsed_s=elapsed_s, timer_s=timer_s))
    return laps


def _lap(element: Element, *, start_s: float, elapsed_s: float, timer_s: float | None) -> Lap:
    lx = element_at(element, "Extensions", "LX")
    distance_m = float_at(element, "DistanceMeters")
    avg_speed = float_at(lx, "AvgSpeed")
    if avg_speed is None and distance_m is not None and timer_s:
        avg_speed = distance_m / timer_s
    cadence = float_at(element, "Cadence")
    if cadence is None:
        cadence = float_at(lx, "AvgRunCadence")
    intensity = (text_at(element, "Intensity") or "active").lower()
    return Lap(
        start_s=start_s,
        elapsed_s=elapsed_s,
        moving_s=timer_s,
        distance_m=distance_m,
        avg_hr_bpm=float_at(element, "AverageHeartRateBpm", "Value"),
        max_hr_bpm=float_at(element, "MaximumHeartRateBpm", "Value"),
        avg_power_w=float_at(lx, "AvgWatts"),
        max_power_w=float_at(lx, "MaxWatts"),
        avg_speed_mps=avg_speed,
        avg_cadence_spm=cadence,
        intensity=_INTENSITIES.get(intensity, "active"),
    )


def _device_summary(lap_elements: list[Element], laps: list[Lap]) -> Summary | None:
    """Session totals from the laps the device wrote (timer-weighted averages)."""
    if not laps:
        return None
    timer_s = _total([lap.moving_s for lap in laps])
    distance_m = _total([lap.distance_m for lap in laps])
    end_s = max(lap.start_s + lap.elapsed_s for lap in laps)
    return Summary(
        elapsed_s=max(end_s, timer_s or 0.0),  # never shorter than the timer time
        moving_s=timer_s,
        distance_m=distance_m,
        avg_hr_bpm=_weighted(laps, [lap.avg_hr_bpm for lap in laps]),
        max_hr_bpm=_maximum([lap.max_hr_bpm for lap in laps]),
        avg_power_w=_weighted(laps, [lap.avg_power_w for lap in laps]),
        max_power_w=_maximum([lap.max_power_w for lap in laps]),
        avg_speed_mps=distance_m / timer_s if distance_m is not None and timer_s else None,
        max_speed_mps=_maximum([float_at(element, "MaximumSpeed") for element in lap_elements]),
        avg_cadence_spm=_weighted(laps, [lap.avg_cadence_spm for lap in laps]),
        calories_kcal=_total([float_at(element, "Calories") for element in lap_elements]),
    )


def _total(values: list[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return sum(known) if known else None


def _maximum(values: list[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return max(known) if known else None


def _weighted(laps: list[Lap], values: list[float | None]) -> float | None:
    """Average of lap values weighted by lap timer time, over the laps that have a value."""
    pairs = [(v, lap.moving_s or 0.0) for v, lap in zip(values, laps, strict=True) if v is not None]
    weight = sum(w for _, w in pairs)
    if not pairs:
        return None
    if weight <= 0:
        return sum(v for v, _ in pairs) / len(pairs)
    return sum(v * w for v, w in pairs) / weight
