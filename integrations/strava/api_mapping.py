"""Strava API JSON → our own values (`activities.types`). Pure: no Django, no HTTP.

The sync fetches an activity (`GET /activities/{id}`), its samples (`/streams`) and the
athlete's activity list (`GET /athlete/activities`) as raw JSON; `strava_activity` makes the
first two one `NormalizedActivity`, the `summary_*` readers give the few values the sync reads
from a list entry. Nothing here trusts the payload: a value of the wrong type is unknown, a
stream that does not fit is left out, and what cannot make an activity (no id, no start)
raises `StravaPayloadError`. The bulk export's activities.csv is read by `mapping`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from activities.summary import summarize
from activities.types import FloatArray, Lap, NormalizedActivity, Streams, Summary
from core.ranges import FIRST_DAY, LAST_DAY, RECORDED_DURATION_S
from core.sports import Sport, name_words, sport_from_words
from core.units import is_finite_number

Json = Mapping[str, Any]

# Strava stream → our channel; `latlng` becomes lat_deg and lon_deg. Cadence is taken as it is:
# Strava's running cadence counts one foot (≈ 85), as our FIT parser stores it (never doubled).
CHANNEL_OF_STREAM: dict[str, str] = {
    "heartrate": "hr_bpm",
    "watts": "power_w",
    "cadence": "cadence_spm",
    "velocity_smooth": "speed_mps",
    "distance": "distance_m",
    "altitude": "altitude_m",
    "temp": "temperature_c",
}
# The streams the sync asks for (`keys=`). `moving` and `grade_smooth` have no channel of ours
# (our summary decides what is moving; grade comes from altitude and distance): they are asked
# for so that the raw payload kept beside the activity has them.
STREAM_TYPES: tuple[str, ...] = ("time", "latlng", *CHANNEL_OF_STREAM, "moving", "grade_smooth")
SAMPLE_STREAMS: tuple[str, ...] = (*CHANNEL_OF_STREAM, "latlng")
NO_TIME_WARNING = "Strava sent samples without their times: they were left out."
LENGTH_WARNING = "Strava's {stream} stream has {count} samples for {times} times: it was left out."
# Strava sport types whose sub-sport has a FIT name, or whose words say no sport of ours. Any
# other type is read by its words, its sub-sport the type in snake case ("RockClimbing" →
# other, rock_climbing); "" is generic, as in our FIT parser.
STRAVA_SPORTS: dict[str, tuple[Sport, str]] = {
    "Run": (Sport.RUN, ""),
    "TrailRun": (Sport.RUN, "trail"),
    "VirtualRun": (Sport.RUN, "virtual_activity"),
    "Ride": (Sport.RIDE, ""),
    "VirtualRide": (Sport.RIDE, "virtual_activity"),
    "GravelRide": (Sport.RIDE, "gravel_cycling"),
    "MountainBikeRide": (Sport.RIDE, "mountain"),
    "EBikeRide": (Sport.RIDE, "e_bike_fitness"),
    "EMountainBikeRide": (Sport.RIDE, "e_bike_mountain"),
    "Handcycle": (Sport.RIDE, "hand_cycling"),
    "Velomobile": (Sport.RIDE, "velomobile"),
    "Swim": (Sport.SWIM, ""),
    "Walk": (Sport.HIKE, "casual_walking"),
    "Hike": (Sport.HIKE, ""),
    "Snowshoe": (Sport.HIKE, "snowshoeing"),
    "NordicSki": (Sport.SKI, "cross_country_skiing"),
    "BackcountrySki": (Sport.SKI, "backcountry"),
    "AlpineSki": (Sport.SKI, "resort"),
    "Rowing": (Sport.ROW, ""),
    "VirtualRow": (Sport.ROW, "indoor_rowing"),
    "Canoeing": (Sport.ROW, "canoeing"),
    "Kayaking": (Sport.ROW, "kayaking"),
    "StandUpPaddling": (Sport.ROW, "stand_up_paddleboarding"),
    "WeightTraining": (Sport.STRENGTH, "strength_training"),
    "Workout": (Sport.OTHER, ""),
    "HighIntensityIntervalTraining": (Sport.OTHER, "hiit"),
    "StairStepper": (Sport.OTHER, "stair_climbing"),
}
# A generic activity marked `trainer` (indoors) gets the FIT sub-sport of its indoor variant.
INDOOR_SUB_SPORTS: dict[Sport, str] = {
    Sport.RUN: "treadmill",
    Sport.RIDE: "indoor_cycling",
    Sport.ROW: "indoor_rowing",
}
_GARMIN_EXTERNAL_ID = re.compile(r"garmin_(?:push|ping)_([0-9]{1,20})")
_MAX_ID = 2**63 - 1  # Strava's ids are int64


class StravaPayloadError(Exception):
    """A Strava payload that cannot make an activity: not an object, no id, no start.

    `reason` is a short sentence ("no start_date").
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def summary_id(payload: object) -> str:
    """The activity's Strava id as text (a SummaryActivity or a DetailedActivity);
    StravaPayloadError when it has no positive integer id."""
    value = payload.get("id") if isinstance(payload, Mapping) else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 20:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= _MAX_ID:
        raise StravaPayloadError("no activity id")
    return str(value)


def summary_started_at(payload: object) -> dt.datetime:
    """`start_date` as an aware UTC datetime; StravaPayloadError when missing or unreadable."""
    value = payload.get("start_date") if isinstance(payload, Mapping) else None
    started_at = _utc(value)
    if started_at is None:
        raise StravaPayloadError("no start_date")
    return started_at


def summary_external_id(payload: object) -> str:
    """The id the uploader gave (a file name, "garmin_push_…"); "" when there is none."""
    value = payload.get("external_id") if isinstance(payload, Mapping) else None
    return value.strip() if isinstance(value, str) else ""


def summary_private(payload: object) -> bool:
    """Whether the athlete keeps the activity to themself ("Only me")."""
    if not isinstance(payload, Mapping):
        return False
    return payload.get("private") is True or payload.get("visibility") == "only_me"


def garmin_activity_id(external_id: object) -> str | None:
    """Garmin Connect's activity id in an external_id Garmin's upload wrote ("garmin_push_123",
    "garmin_ping_123" → "123"); None for any other upload."""
    if not isinstance(external_id, str):
        return None
    found = _GARMIN_EXTERNAL_ID.fullmatch(external_id.strip())
    return found.group(1) if found else None


def strava_sport(payload: object) -> tuple[Sport, str]:
    """(sport, sub_sport) from `sport_type`, else the older `type` ("TrailRun" → run, trail);
    (other, "") when neither names anything."""
    if not isinstance(payload, Mapping):
        return Sport.OTHER, ""
    kinds = (payload.get("sport_type"), payload.get("type"))
    kind = next((k for k in kinds if isinstance(k, str) and k.strip()), "").strip()[:60]
    sport, sub_sport = STRAVA_SPORTS.get(kind) or (
        sport_from_words(kind) or Sport.OTHER,
        "_".join(name_words(kind)),
    )
    if not sub_sport and payload.get("trainer") is True:
        sub_sport = INDOOR_SUB_SPORTS.get(sport, "")
    return sport, sub_sport


def strava_activity(detail: object, streams: object = None) -> NormalizedActivity:
    """A DetailedActivity (or a SummaryActivity) and its streams as our activity.

    `streams` is the /streams body in any of its shapes (see `_stream_columns`); None or an empty
    body for an activity without samples (entered by hand). Our summary is computed from the
    samples as for any file (`summarize`); Strava's own values are the `device_summary`.
    StravaPayloadError when the activity has no id or no start; a malformed part (a stream, a
    lap, a value) is left out, with a warning for a stream.
    """
    try:
        return _activity(detail, streams)
    except StravaPayloadError:
        raise
    except Exception as error:  # a hostile payload must never escape as a crash
        raise StravaPayloadError(f"unreadable Strava activity: {error}") from error


def _activity(detail: object, streams: object) -> NormalizedActivity:
    if not isinstance(detail, Mapping):
        raise StravaPayloadError("not an activity")
    summary_id(detail)
    started_at = summary_started_at(detail)
    sport, sub_sport = strava_sport(detail)
    columns = _stream_columns(streams)
    warnings: list[str] = []
    time_s = _samples(columns.get("time"))
    samples = _streams(columns, time_s, warnings)
    laps = _laps(detail, started_at=started_at, time_s=time_s)
    return NormalizedActivity(
        sport=sport,
        sub_sport=sub_sport,
        started_at=started_at,
        streams=samples,
        summary=summarize(samples, sport=sport, laps=laps),
        laps=laps,
        device_summary=_device_summary(detail),
        device=_text(detail.get("device_name")),
        name=_text(detail.get("name")),
        description=_text(detail.get("description")),
        warnings=warnings,
    )


def _device_summary(payload: Json) -> Summary:
    """Strava's own whole-activity values (its power only when a power meter measured it; its
    times only from 0 to 30 days, so that `ended_at` always exists)."""
    measured = payload.get("device_watts") is not False  # False: Strava estimated the watts
    return Summary(
        elapsed_s=_duration(payload.get("elapsed_time")),
        moving_s=_duration(payload.get("moving_time")),
        distance_m=_number(payload.get("distance")),
        ascent_m=_number(payload.get("total_elevation_gain")),
        avg_hr_bpm=_number(payload.get("average_heartrate")),
        max_hr_bpm=_number(payload.get("max_heartrate")),
        avg_power_w=_number(payload.get("average_watts")) if measured else None,
        max_power_w=_number(payload.get("max_watts")) if measured else None,
        avg_speed_mps=_number(payload.get("average_speed")),
        max_speed_mps=_number(payload.get("max_speed")),
        avg_cadence_spm=_number(payload.get("average_cadence")),
        calories_kcal=_number(payload.get("calories")),
    )


# --- Streams -------------------------------------------------------------------------------


def _stream_columns(payload: object) -> dict[str, list[Any]]:
    """{stream type: samples} from any shape of a /streams body: keyed by type
    (`{"time": {"data": [...]}, ...}`), a list (`[{"type": "time", "data": [...]}, ...]`) or
    plain lists (`{"time": [...], ...}`). Anything else gives {}."""
    if isinstance(payload, Mapping):
        items = list(payload.items())
    elif isinstance(payload, list):
        items = [(item.get("type"), item) for item in payload if isinstance(item, Mapping)]
    else:
        return {}
    columns: dict[str, list[Any]] = {}
    for key, value in items:
        data = value.get("data") if isinstance(value, Mapping) else value
        if isinstance(key, str) and isinstance(data, list):
            columns.setdefault(key, data)
    return columns


def _streams(
    columns: Mapping[str, list[Any]], time_s: FloatArray | None, warnings: list[str]
) -> Streams:
    """Our columns from `_stream_columns` and its `time` samples, on Strava's clock (seconds
    since `start_date`).

    Samples whose time is not a number from 0 to 30 days are dropped, the rest sorted by time;
    a null sample is NaN; a stream whose length is not the time stream's is left out with a
    warning, and so is everything when there is no time stream.
    """
    if time_s is None:
        if any(key in columns for key in SAMPLE_STREAMS):
            warnings.append(NO_TIME_WARNING)
        return Streams.empty()
    with np.errstate(invalid="ignore"):
        kept = (time_s >= RECORDED_DURATION_S.low) & (time_s <= RECORDED_DURATION_S.high)
    order = np.argsort(time_s[kept], kind="stable")
    if not order.size:
        return Streams.empty()
    channels = {
        name: values[kept][order]
        for name, values in _channels(columns, len(time_s), warnings).items()
        if np.isfinite(values[kept]).any()
    }
    return Streams(time_s=time_s[kept][order], **channels)


def _channels(
    columns: Mapping[str, list[Any]], count: int, warnings: list[str]
) -> dict[str, FloatArray]:
    """Our channels from the streams that have `count` samples; a warning for each other."""
    fitting: list[str] = []
    for key in SAMPLE_STREAMS:
        if key in columns and len(columns[key]) == count:
            fitting.append(key)
        elif key in columns:
            warnings.append(LENGTH_WARNING.format(stream=key, count=len(columns[key]), times=count))
    channels = {
        CHANNEL_OF_STREAM[key]: _samples(columns[key]) for key in fitting if key != "latlng"
    }
    if "latlng" in fitting:
        channels["lat_deg"], channels["lon_deg"] = _positions(columns["latlng"])
    return {name: values for name, values in channels.items() if values is not None}


def _samples(data: object) -> FloatArray | None:
    """A list of numbers as floats, NaN where a sample is null or not a finite number."""
    if not isinstance(data, list):
        return None
    try:
        values = np.array(data, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        values = np.empty(0)
    if values.shape != (len(data),):  # some samples are not numbers
        values = np.array([_sample(item) for item in data], dtype=np.float64)
    values[~np.isfinite(values)] = np.nan
    return values


def _sample(item: object) -> float:
    """An int or a float as a float, anything else NaN: quick, for million-sample streams."""
    if isinstance(item, float):
        return item
    if isinstance(item, int) and not isinstance(item, bool):
        try:
            return float(item)
        except OverflowError:  # an int beyond any float
            return math.nan
    return math.nan


def _positions(data: object) -> tuple[FloatArray | None, FloatArray | None]:
    """`latlng` ([[lat, lon], ...]) as latitudes and longitudes; a point that is not a pair of
    numbers on the globe, or (0, 0) before a fix, is NaN in both."""
    if not isinstance(data, list):
        return None, None
    try:
        pairs = np.array(data, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        pairs = np.empty(0)
    if pairs.shape != (len(data), 2):
        pairs = np.array([_pair(item) for item in data], dtype=np.float64).reshape(-1, 2)
    lat_deg, lon_deg = pairs[:, 0].copy(), pairs[:, 1].copy()
    with np.errstate(invalid="ignore"):
        bad = ~(np.abs(lat_deg) <= 90) | ~(np.abs(lon_deg) <= 180) | (lat_deg == 0) & (lon_deg == 0)
    lat_deg[bad] = lon_deg[bad] = np.nan
    return lat_deg, lon_deg


def _pair(item: object) -> tuple[float, float]:
    if isinstance(item, list) and len(item) == 2:
        return _sample(item[0]), _sample(item[1])
    return math.nan, math.nan


# --- Laps ----------------------------------------------------------------------------------


def _laps(detail: Json, *, started_at: dt.datetime, time_s: FloatArray | None) -> list[Lap]:
    """The activity's `laps` (a SummaryActivity has none). A lap starts at its `start_date`,
    else at the time of its `start_index`, else where the previous one ended; a lap without
    a time, or outside 30 days, is left out."""
    raw = detail.get("laps")
    laps: list[Lap] = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, Mapping):
            continue
        previous_end = laps[-1].start_s + laps[-1].elapsed_s if laps else 0.0
        start_s = _lap_start_s(item, started_at, time_s)
        lap = _lap(item, start_s=previous_end if start_s is None else start_s)
        if lap is not None:
            laps.append(lap)
    return laps


def _lap_start_s(lap: Json, started_at: dt.datetime, time_s: FloatArray | None) -> float | None:
    start = _utc(lap.get("start_date"))
    if start is not None:
        return (start - started_at).total_seconds()
    index = lap.get("start_index")
    if time_s is not None and isinstance(index, int) and 0 <= index < len(time_s):
        return _number(time_s[index])
    return None


def _lap(lap: Json, *, start_s: float) -> Lap | None:
    elapsed_s = _duration(lap.get("elapsed_time"))
    if elapsed_s is None:
        elapsed_s = _duration(lap.get("moving_time"))
    if elapsed_s is None or not RECORDED_DURATION_S.contains(start_s):
        return None
    measured = lap.get("device_watts") is not False
    return Lap(
        start_s=start_s,
        elapsed_s=elapsed_s,
        moving_s=_duration(lap.get("moving_time")),
        distance_m=_number(lap.get("distance")),
        avg_hr_bpm=_number(lap.get("average_heartrate")),
        max_hr_bpm=_number(lap.get("max_heartrate")),
        avg_power_w=_number(lap.get("average_watts")) if measured else None,
        max_power_w=_number(lap.get("max_watts")) if measured else None,
        avg_speed_mps=_number(lap.get("average_speed")),
        avg_cadence_spm=_number(lap.get("average_cadence")),
        ascent_m=_number(lap.get("total_elevation_gain")),
    )


# --- Values --------------------------------------------------------------------------------


def _number(value: object) -> float | None:
    """A finite number as a float, else None (a string, a bool, NaN, infinity…)."""
    return float(value) if is_finite_number(value) else None


def _duration(value: object) -> float | None:
    """A number of seconds from 0 to 30 days (core.ranges), else None."""
    return RECORDED_DURATION_S.plausible(value)


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _utc(value: object) -> dt.datetime | None:
    """An ISO 8601 time ("2018-01-13T13:06:58Z") as an aware UTC datetime (no offset: UTC);
    None when unreadable or outside the days Paceline knows (core.ranges)."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
        parsed = parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed
        parsed = parsed.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return None
    return parsed if FIRST_DAY <= parsed.date() <= LAST_DAY else None
