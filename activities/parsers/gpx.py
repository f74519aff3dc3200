"""GPX 1.0 / 1.1 tracks → NormalizedActivity. Pure: no Django.

One NormalizedActivity per `<trk>`; its segments are joined on one clock (the pauses between
them stay as time gaps and add no distance). Sensor values are read from whatever a point
carries, by local name: Garmin TrackPointExtension v1/v2 (`hr`, `cad`, `atemp`, `wtemp`,
`speed`), Garmin and Strava power (`PowerInWatts`, `power`), ClueTrust gpxdata (Suunto
Movescount: `hr`, `cadence`, `temp`, `speed`) and GPX 1.0's own `<speed>`. Distance is always
the haversine sum of the positions. Sport comes from `<type>` (Garmin names like
"road_biking", Strava's numeric codes), else "other".
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from activities.parsers.xml import (
    TrackPoints,
    build_streams,
    children,
    classified,
    parse_time,
    parse_xml,
    text_at,
    to_float,
)
from activities.summary import summarize
from activities.types import NormalizedActivity, RejectedFile
from core.sports import Sport, guess_sport

# Local names of point elements → our channel; the first one a point has wins.
_CHANNEL_OF: dict[str, str] = {
    "hr": "hr_bpm",
    "heartrate": "hr_bpm",
    "cad": "cadence_spm",
    "cadence": "cadence_spm",
    "power": "power_w",
    "PowerInWatts": "power_w",
    "watts": "power_w",
    "atemp": "temperature_c",
    "temp": "temperature_c",
    "wtemp": "temperature_c",
    "speed": "speed_mps",
}
# Strava writes its activity type as a number in GPX exports.
_STRAVA_TYPES: dict[str, Sport] = {
    "1": Sport.RIDE,
    "4": Sport.HIKE,
    "9": Sport.RUN,
    "10": Sport.HIKE,  # walk
}


@classified("GPX")
def parse_gpx(data: bytes) -> list[NormalizedActivity]:
    """Every timed track of a GPX file; RejectedFile when none is usable."""
    root = parse_xml(data)
    if root.tag != "gpx":
        raise RejectedFile("not a GPX file")
    creator = (root.get("creator") or "").strip()
    activities: list[NormalizedActivity] = []
    reasons: list[str] = []
    for track in children(root, "trk"):
        try:
            activities.append(_activity(track, creator=creator))
        except RejectedFile as rejected:
            reasons.append(rejected.reason)
    if not activities:
        raise RejectedFile(reasons[0] if reasons else "no track points")
    return activities


def _activity(track: Element, *, creator: str) -> NormalizedActivity:
    points = TrackPoints()
    for index, segment in enumerate(children(track, "trkseg")):
        for point in children(segment, "trkpt"):
            points.add(parse_time(text_at(point, "time")), _point_values(point), segment=index)
    started_at = points.first_time()
    streams = build_streams(points, started_at=started_at, gps_distance=True)
    sport, sub_sport = _sport(text_at(track, "type") or "")
    return NormalizedActivity(
        sport=sport,
        sub_sport=sub_sport,
        started_at=started_at,
        streams=streams,
        summary=summarize(streams, sport=sport, laps=[]),
        device=creator,
        name=text_at(track, "name") or "",
        description=text_at(track, "desc") or "",
        warnings=points.warnings(),
    )


def _sport(kind: str) -> tuple[Sport, str]:
    if kind in _STRAVA_TYPES:
        return _STRAVA_TYPES[kind], "generic"
    return guess_sport(kind) or (Sport.OTHER, "generic")


def _point_values(point: Element) -> dict[str, float]:
    values: dict[str, float] = {}
    latitude, longitude = to_float(point.get("lat")), to_float(point.get("lon"))
    if latitude is not None and longitude is not None:
        values["lat_deg"], values["lon_deg"] = latitude, longitude
    altitude = to_float(text_at(point, "ele"))
    if altitude is not None:
        values["altitude_m"] = altitude
    for element in point.iter():
        channel = _CHANNEL_OF.get(str(element.tag))
        if channel is not None and channel not in values:
            value = to_float(element.text.strip() if element.text else None)
            if value is not None:
                values[channel] = value
    return values
