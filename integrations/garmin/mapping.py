"""Garmin "Export Your Data" JSON → our own values (`activities.types`). Pure: no Django.

The export's units are not documented and differ between export generations: durations may be
milliseconds or seconds, distances centimetres or metres, speeds m/s or tenths of it. We pick
the units by plausibility (a duration of 20 s to 55 h; distance / duration a speed of
0.3–30 m/s), per summary and by a vote over the page, so one export can mix generations.
Garmin Connect's API sends most of the same fields (activity list, sleep, HRV, daily summary),
in SI units: the same functions read them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from activities.types import NormalizedActivity, Streams, Summary
from core.sports import Sport, sport_from_words

Json = Mapping[str, Any]

DURATION_S = (20.0, 200_000.0)  # 20 s to 55 h
SPEED_MPS = (0.3, 30.0)
DURATION_SCALES = (1.0, 0.001)  # s, ms
DISTANCE_SCALES = (1.0, 0.01)  # m, cm


@dataclass(frozen=True, slots=True)
class Units:
    duration: float = 1.0  # multiply the raw value to get seconds
    distance: float = 1.0  # … metres (also elevation)


def activity_type(summary: Json) -> str:
    value = summary.get("activityType") or summary.get("sportType") or ""
    if isinstance(value, Mapping):
        value = value.get("typeKey", "")
    return str(value).lower()


def activity_name(summary: Json) -> str:
    """The title the athlete sees in Garmin Connect ("name" in exports, "activityName" in
    the API)."""
    return str(summary.get("name") or summary.get("activityName") or "")


def garmin_sport(summary: Json) -> Sport:
    """Our sport family for Garmin's activityType (running, lap_swimming, road_biking…)."""
    return sport_from_words(activity_type(summary)) or Sport.OTHER


def is_multisport_parent(summary: Json) -> bool:
    return summary.get("parent") is True


def summaries_in(document: object) -> list[Json]:
    """Activities of one page: `[{"summarizedActivitiesExport": [...]}]` or a bare list."""
    if isinstance(document, Mapping):
        document = [document]
    if not isinstance(document, list):
        return []
    found: list[Json] = []
    for item in document:
        if isinstance(item, Mapping) and "summarizedActivitiesExport" in item:
            found += [s for s in item["summarizedActivitiesExport"] if isinstance(s, Mapping)]
        elif isinstance(item, Mapping) and "activityId" in item:
            found.append(item)
    return found


def number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        result = float(value)
    except ValueError:
        return None
    return result if math.isfinite(result) else None


def raw_duration(summary: Json) -> float | None:
    for key in ("elapsedDuration", "duration", "movingDuration"):
        if (value := number(summary.get(key))) and value > 0:
            return value
    return None


def plausible_units(summary: Json) -> list[Units]:
    """Every unit pair under which this summary's duration and speed make sense."""
    duration = raw_duration(summary)
    if duration is None:
        return []
    distance = number(summary.get("distance")) or 0.0
    found = []
    for d_scale in DURATION_SCALES:
        seconds = duration * d_scale
        if not DURATION_S[0] <= seconds <= DURATION_S[1]:
            continue
        for m_scale in DISTANCE_SCALES:
            speed = distance * m_scale / seconds
            if distance == 0 or SPEED_MPS[0] <= speed <= SPEED_MPS[1]:
                found.append(Units(duration=d_scale, distance=m_scale))
    return found


def page_units(summaries: list[Json]) -> Units:
    """The units most summaries of a page agree on (those with one reading decide)."""
    votes: Counter[Units] = Counter()
    for summary in summaries:
        options = plausible_units(summary)
        if len(options) == 1:
            votes[options[0]] += 1
    if votes:
        return votes.most_common(1)[0][0]
    longest = max((raw_duration(s) or 0.0 for s in summaries), default=0.0)
    return Units(0.001, 0.01) if longest > DURATION_S[1] else Units()


def summary_units(summary: Json, page: Units) -> Units:
    options = plausible_units(summary)
    if page in options or not options:
        return page
    return options[0]


def speed_mps(raw: object, reference_mps: float | None) -> float | None:
    """avgSpeed as m/s: the raw value or ten times it, whichever is nearer the reference."""
    value = number(raw)
    if value is None or value <= 0:
        return None
    if reference_mps:
        return min((value, value * 10), key=lambda v: abs(math.log(v / reference_mps)))
    return value * 10 if value < SPEED_MPS[0] else value


def scaled(summary: Json, key: str, scale: float) -> float | None:
    value = number(summary.get(key))
    return None if value is None else value * scale


def garmin_summary_values(summary: Json, units: Units) -> Summary:
    """The whole-session values of a summary, in SI units."""
    elapsed = scaled(summary, "elapsedDuration", units.duration) or scaled(
        summary, "duration", units.duration
    )
    moving = scaled(summary, "movingDuration", units.duration) or scaled(
        summary, "duration", units.duration
    )
    distance = scaled(summary, "distance", units.distance)
    reference = distance / moving if distance and moving else None
    cadence_key = "avgBikeCadence" if garmin_sport(summary) == Sport.RIDE else "avgSwimCadence"
    return Summary(
        elapsed_s=elapsed,
        moving_s=moving,
        distance_m=distance,
        ascent_m=scaled(summary, "elevationGain", units.distance),
        descent_m=scaled(summary, "elevationLoss", units.distance),
        avg_hr_bpm=number(summary.get("avgHr")),
        max_hr_bpm=number(summary.get("maxHr")),
        avg_power_w=number(summary.get("avgPower")),
        max_power_w=number(summary.get("maxPower")),
        avg_speed_mps=speed_mps(summary.get("avgSpeed"), reference),
        max_speed_mps=speed_mps(summary.get("maxSpeed"), reference),
        avg_cadence_spm=number(summary.get(cadence_key)),
        calories_kcal=number(summary.get("calories")),
    )


def timestamp(value: object) -> dt.datetime | None:
    """Epoch milliseconds (or seconds) or an ISO-like string, as an aware UTC datetime."""
    if isinstance(value, str) and not value.strip().lstrip("-").replace(".", "").isdigit():
        try:
            parsed = dt.datetime.fromisoformat(value.strip().replace(" ", "T"))
        except ValueError:
            return None
        return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)
    seconds = number(value)
    if seconds is None or seconds <= 0:
        return None
    if seconds > 1e11:  # milliseconds
        seconds /= 1000
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)


def garmin_started_at(summary: Json) -> dt.datetime | None:
    for key in ("startTimeGmt", "startTimeGMT", "beginTimestamp"):  # export, API, both
        if (found := timestamp(summary.get(key))) is not None:
            return found
    return None


def garmin_activity(summary: Json, units: Units, *, started_at: dt.datetime) -> NormalizedActivity:
    """A summary with no recording as an activity of its own: its values, no samples."""
    return NormalizedActivity(
        sport=garmin_sport(summary),
        sub_sport=activity_type(summary),
        started_at=started_at,
        streams=Streams.empty(),
        summary=garmin_summary_values(summary, units),
        name=activity_name(summary),
        description=str(summary.get("description") or ""),
    )


# --- Wellness ------------------------------------------------------------------------------------


def records_in(document: object) -> list[Json]:
    if isinstance(document, Mapping):
        inner = [v for v in document.values() if isinstance(v, list)]
        document = inner[0] if len(inner) == 1 else [document]
    return (
        [item for item in document if isinstance(item, Mapping)]
        if isinstance(document, list)
        else []
    )


def calendar_day(record: Json) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(record.get("calendarDate", ""))[:10])
    except ValueError:
        return None


def sleep_score(record: Json) -> float | None:
    scores = record.get("sleepScores")
    if isinstance(scores, Mapping):
        overall = scores.get("overall")
        if isinstance(overall, Mapping):
            return number(overall.get("value"))
        return number(scores.get("overallScore", overall))
    return number(record.get("overallSleepScore", record.get("sleepScore")))


def sleep_seconds(record: Json) -> float | None:
    if (total := number(record.get("sleepTimeSeconds"))) is not None:
        return total
    parts = [number(record.get(f"{k}SleepSeconds")) for k in ("deep", "light", "rem")]
    known = [p for p in parts if p is not None]
    return sum(known) if known else None


def sleep_days(document: object) -> dict[dt.date, dict[str, Any]]:
    """Per night (its calendar day): sleep_s, sleep_score and the raw record."""
    days: dict[dt.date, dict[str, Any]] = {}
    for record in records_in(document):
        if (day := calendar_day(record)) is None:
            continue
        seconds, score = sleep_seconds(record), sleep_score(record)
        days[day] = {
            "sleep_s": None if seconds is None else round(seconds),
            "sleep_score": None if score is None else round(score),
            "raw": {"sleep": dict(record)},
        }
    return days


def health_metric(record: Json, kind: str) -> float | None:
    for metric in record.get("metrics") or []:
        if isinstance(metric, Mapping) and str(metric.get("type", "")).upper() == kind:
            return number(metric.get("value"))
    return None


def health_days(document: object) -> dict[dt.date, dict[str, Any]]:
    """Per day: overnight HRV (ms) and resting heart rate from healthStatusData."""
    days: dict[dt.date, dict[str, Any]] = {}
    for record in records_in(document):
        if (day := calendar_day(record)) is None:
            continue
        hrv = health_metric(record, "HRV") or number(record.get("lastNightAvg"))
        rest = health_metric(record, "HR") or number(record.get("restingHeartRate"))
        days[day] = {
            "hrv_ms": hrv,
            "resting_hr_bpm": None if rest is None else round(rest),
            "raw": {"health_status": dict(record)},
        }
    return days


# --- Garmin Connect API wellness bodies → one day's WellnessDay values -------------------------
# Each returns {day: values} (values may hold `raw`, merged into the day's raw JSON by key).


def _whole(value: object) -> int | None:
    found = number(value)
    return None if found is None else round(found)


def _only(values: dict[str, Any]) -> dict[str, Any]:
    """The values Garmin gave (None dropped: a missing value never erases a known one)."""
    return {key: value for key, value in values.items() if value is not None}


def api_user_summary(body: object) -> dict[dt.date, dict[str, Any]]:
    """usersummary-service daily: resting HR, steps, average stress, body battery high/low."""
    if not isinstance(body, Mapping) or (day := calendar_day(body)) is None:
        return {}
    stress = number(body.get("averageStressLevel"))
    values = {
        "resting_hr_bpm": _whole(body.get("restingHeartRate")),
        "steps": _whole(body.get("totalSteps")),
        "stress": None if stress is None or stress < 0 else round(stress),  # -1/-2: no data
        "body_battery": _whole(body.get("bodyBatteryHighestValue")),
        "body_battery_low": _whole(body.get("bodyBatteryLowestValue")),
    }
    return {day: {**_only(values), "raw": {"user_summary": dict(body)}}}


def api_sleep(body: object) -> dict[dt.date, dict[str, Any]]:
    """wellness-service dailySleepData: the night's sleep, score and stages."""
    record = body.get("dailySleepDTO") if isinstance(body, Mapping) else None
    if not isinstance(record, Mapping) or (day := calendar_day(record)) is None:
        return {}
    seconds, score = sleep_seconds(record), sleep_score(record)
    values = {
        "sleep_s": None if seconds is None else round(seconds),
        "sleep_score": None if score is None else round(score),
        "sleep_deep_s": _whole(record.get("deepSleepSeconds")),
        "sleep_light_s": _whole(record.get("lightSleepSeconds")),
        "sleep_rem_s": _whole(record.get("remSleepSeconds")),
        "sleep_awake_s": _whole(record.get("awakeSleepSeconds")),
    }
    return {day: {**_only(values), "raw": {"sleep": dict(record)}}}


def api_hrv(body: object) -> dict[dt.date, dict[str, Any]]:
    """hrv-service: last night's average, the 7-day average and the baseline band."""
    summary = body.get("hrvSummary") if isinstance(body, Mapping) else None
    if not isinstance(summary, Mapping) or (day := calendar_day(summary)) is None:
        return {}
    baseline = summary.get("baseline")
    band = baseline if isinstance(baseline, Mapping) else {}
    values = {
        "hrv_ms": number(summary.get("lastNightAvg")),
        "hrv_weekly_ms": number(summary.get("weeklyAvg")),
        "hrv_baseline_low_ms": number(band.get("balancedLow")),
        "hrv_baseline_high_ms": number(band.get("balancedUpper")),
    }
    return {day: {**_only(values), "raw": {"hrv": dict(summary)}}}


def api_training_readiness(body: object) -> dict[dt.date, dict[str, Any]]:
    """metrics-service trainingreadiness: several entries a day; the latest one's score."""
    entries = [e for e in records_in(body) if calendar_day(e) is not None]
    days: dict[dt.date, dict[str, Any]] = {}
    for entry in sorted(entries, key=lambda e: str(e.get("timestamp") or "")):
        day = calendar_day(entry)
        assert day is not None
        days[day] = {
            **_only({"readiness": _whole(entry.get("score"))}),
            "raw": {"readiness": dict(entry)},
        }
    return days


def api_weigh_ins(body: object) -> dict[dt.date, dict[str, Any]]:
    """weight-service dayview: the day's average weight (grams in the body) in kg."""
    if not isinstance(body, Mapping):
        return {}
    days: dict[dt.date, dict[str, Any]] = {}
    for entry in records_in(body.get("dateWeightList") or []):
        if (day := calendar_day(entry)) is None:
            continue
        grams = number(entry.get("weight"))
        days.setdefault(day, {"raw": {"weigh_ins": []}})
        days[day]["raw"]["weigh_ins"].append(dict(entry))
        if grams is not None:
            days[day].setdefault("_grams", []).append(grams)
    for values in days.values():
        grams = values.pop("_grams", [])
        if grams:
            values["weight_kg"] = round(sum(grams) / len(grams) / 1000, 2)
    return days
