"""FIT files → one `NormalizedActivity` per session message, in file order. Pure: no Django.

One adapter over three decoders, fastest first: fitfast → pyfitparsernative → fitdecode (see
`_fit_decoders` and docs/design-fit-decoding.md). A decoder that fails hands over to the next;
fitdecode, the last, keeps whatever it read before an error, so a truncated or partly corrupt
file still gives its records (`recovered=True` and a "Recovered from a damaged file" warning).
Only a file with nothing usable raises `RejectedFile`: not FIT at all, no records and no
session, not an activity file, or no real date. Nothing else escapes `parse_fit`.

Sessions: each session message covers the records of its time range, from start_time to its
end time (`timestamp`) or start_time + elapsed, whichever is later (a multisport file gives
swim, transition, bike…); a file with records but no session message gets one session built
from its records. The summary is computed by `activities.summary` from
the records; the device's own session values are kept beside it in `device_summary`. The
summary's `timer_s` comes from the file's timer start/stop event messages (records too, not the
session's totals): the intervals the timer ran, clipped to each session's span.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from activities.parsers import _fit_messages as messages
from activities.parsers._fit_decoders import (
    DECODERS,
    FIT_EPOCH_UNIX_S,
    DecodedFit,
    DecoderError,
)
from activities.parsers._fit_hr import merged_heart_rate
from activities.parsers._fit_time import ANCHORED, anchored
from activities.summary import summarize, timer_spans
from activities.types import (
    FloatArray,
    Lap,
    NormalizedActivity,
    RejectedFile,
    Streams,
    Summary,
)
from core.fit import is_fit
from core.sports import Sport

DECODER_CHAIN = ("fitfast", "pyfitparsernative", "fitdecode")
# FIT date_time values below 0x10000000 are relative ("system time": the clock was not set).
EARLIEST_UNIX_S = float(FIT_EPOCH_UNIX_S + 0x10000000)  # 1998-07-22, well after 1990
LATEST_UNIX_S = dt.datetime(2100, 1, 1, tzinfo=dt.UTC).timestamp()
WINDOW_SLACK_S = 1.0  # a record stamped one second after the session's end still belongs to it
LONG_GAP_S = 24 * 3600.0

NO_DATES = "the file has no real dates (the device clock was not set or the dates are damaged)"
NOTHING = "no records and no session in the file"


@dataclass(slots=True)
class _Window:
    """One session's message and its time span in Unix seconds."""

    session: dict[str, Any]
    start_s: float
    end_s: float  # start + elapsed: the span the session's timer is clipped to
    records_end_s: float  # the session's time range for records: up to its own end time


def parse_fit(data: bytes, *, now: dt.datetime | None = None) -> list[NormalizedActivity]:
    """Every session of a FIT file; raises RejectedFile (with a reason) and nothing else.

    `now`, when given, also rejects sessions that start more than a day after it; without it
    dates up to 2100 are accepted (the core never reads the clock).
    """
    failures: list[str] = []
    for decoder in DECODER_CHAIN:
        try:
            return parse_fit_with(data, decoder=decoder, now=now)
        except RejectedFile as rejected:
            if not rejected.reason.startswith("unreadable"):
                raise  # the decoder read the file: what it holds is the verdict
            failures.append(rejected.reason)
    raise RejectedFile(_unreadable_reason(data, failures))


def parse_fit_with(
    data: bytes, *, decoder: str, now: dt.datetime | None = None
) -> list[NormalizedActivity]:
    """`parse_fit` with one named decoder only (for the parity tests and the benchmark)."""
    try:
        decoded = DECODERS[decoder](data)
    except DecoderError as failed:
        raise RejectedFile(f"unreadable FIT file ({failed})") from failed
    try:
        return activities_from(decoded, now=now)
    except RejectedFile:
        raise
    except Exception as error:  # damaged values must never escape as errors
        raise RejectedFile(f"unreadable FIT file ({decoder}: {error!r})") from error


def activities_from(
    decoded: DecodedFit, *, now: dt.datetime | None = None
) -> list[NormalizedActivity]:
    """The sessions of a decoded file as NormalizedActivity, in file order."""
    _check_file_type(decoded)
    decoded, moved = anchored(decoded)
    timestamps, order = _record_times(decoded)
    windows = _windows(decoded, timestamps)
    if not windows:
        raise RejectedFile(NO_DATES if decoded.record_count() or decoded.of("session") else NOTHING)
    if now is not None and max(w.start_s for w in windows) > now.timestamp() + 86400:
        raise RejectedFile("the file's dates are in the future")
    columns = {name: column[order] for name, column in decoded.records.items()}
    merged = _strap_heart_rate(decoded, timestamps, columns.get("heart_rate"))
    if merged is not None:
        columns["heart_rate"] = merged
    activities = [_activity(decoded, window, windows, timestamps, columns) for window in windows]
    outside = timestamps.size - sum(len(activity.streams) for activity in activities)
    if outside > 0:
        activities[-1].warnings.append(f"{outside} records outside every session were left out")
    for activity in activities if moved else []:
        activity.warnings.append(ANCHORED)
    return activities


def _strap_heart_rate(
    decoded: DecodedFit, timestamps: FloatArray, record_hr: FloatArray | None
) -> FloatArray | None:
    """The records' HR with a swim strap's `hr` messages merged in; damaged `hr` messages
    are left out rather than costing the file its records."""
    if not decoded.of("hr"):
        return None
    try:
        return merged_heart_rate(timestamps, record_hr, decoded.of("hr"))
    except (TypeError, ValueError, OverflowError):
        return None


def _check_file_type(decoded: DecodedFit) -> None:
    """A course, workout or settings file is not an activity (a chained part may be)."""
    kinds = [file_id.get("type") for file_id in decoded.of("file_id")]
    named = [kind for kind in kinds if isinstance(kind, str)]
    if named and "activity" not in named and not decoded.of("session"):
        raise RejectedFile(f"a FIT {named[0]} file, not an activity")


def _record_times(decoded: DecodedFit) -> tuple[FloatArray, np.ndarray]:
    """Record timestamps with a real date, sorted (stable), and their row order."""
    raw = decoded.records.get("timestamp")
    if raw is None:
        return np.zeros(0), np.zeros(0, dtype=np.intp)
    real = np.isfinite(raw) & (raw >= EARLIEST_UNIX_S) & (raw <= LATEST_UNIX_S)
    rows = np.flatnonzero(real)
    order = rows[np.argsort(raw[rows], kind="stable")]
    return raw[order], order


def _windows(decoded: DecodedFit, timestamps: FloatArray) -> list[_Window]:
    """Each dated session's span; one span over all records when the file has no session."""
    sessions = decoded.of("session") or [_session_from_records(decoded)]
    lap_starts = [messages.number(lap.get("start_time")) for lap in decoded.of("lap")]
    first = float(timestamps[0]) if timestamps.size else None
    last = float(timestamps[-1]) if timestamps.size else None
    windows = []
    for session in sessions:
        elapsed = messages.number(session.get("total_elapsed_time"))
        start = _session_start(session, elapsed, lap_starts) or first
        if start is None:
            continue
        end = start + elapsed if elapsed is not None and elapsed >= 0 else (last or start)
        stamped = _real_time(session.get("timestamp"))
        records_end = max(end, stamped) if stamped is not None else end
        windows.append(_Window(session, start, end, records_end))
    return windows


def _session_start(
    session: dict[str, Any], elapsed: float | None, lap_starts: list[float | None]
) -> float | None:
    """The session's start_time; its end (timestamp) minus its elapsed time when start_time is
    missing; or the start of a lap that begins earlier, where that end minus elapsed says
    (a Fenix 2 multisport file writes its first leg's start_time 45 min late; its first lap
    and its end time agree on the real start)."""
    start = _real_time(session.get("start_time"))
    end = messages.number(session.get("timestamp"))
    if elapsed is None or end is None:
        return start
    from_end = _real_time(end - elapsed)
    if start is None or from_end is None or from_end >= start - 2:
        return start if start is not None else from_end
    for lap in lap_starts:
        if lap is not None and abs(lap - from_end) <= 2:
            return lap
    return start


def _session_from_records(decoded: DecodedFit) -> dict[str, Any]:
    """A stand-in session message for files without one (sport from the sport or lap message)."""
    for kind in ("sport", "lap"):
        for message in decoded.of(kind):
            if message.get("sport") is not None:
                return {"sport": message.get("sport"), "sub_sport": message.get("sub_sport")}
    return {}


def _real_time(value: Any) -> float | None:
    number = messages.number(value)
    if number is None or not EARLIEST_UNIX_S <= number <= LATEST_UNIX_S:
        return None
    return number


def _activity(
    decoded: DecodedFit,
    window: _Window,
    windows: list[_Window],
    timestamps: FloatArray,
    columns: dict[str, FloatArray],
) -> NormalizedActivity:
    rows = _rows_in(window, windows, timestamps)
    streams = _streams(columns, timestamps, rows, window.start_s)
    sport, sub_sport = messages.sport_of(window.session)
    laps = _laps(decoded, window, swim=sport == Sport.SWIM)
    origin = _distance_before(columns.get("distance"), rows)
    activity = NormalizedActivity(
        sport=sport,
        sub_sport=sub_sport,
        started_at=dt.datetime.fromtimestamp(window.start_s, tz=dt.UTC),
        streams=streams,
        summary=_summary(decoded, window, streams, sport, laps, origin),
        laps=laps,
        device_summary=messages.device_summary(window.session) if decoded.of("session") else None,
        device=messages.device_name(_activity_file_id(decoded)),
        pool_length_m=messages.positive(window.session.get("pool_length"), upto=1000),
        thresholds=messages.thresholds(window.session, decoded.of),
    )
    _add_warnings(activity, decoded)
    return activity


def _summary(
    decoded: DecodedFit,
    window: _Window,
    streams: Streams,
    sport: Sport,
    laps: list[Lap],
    distance_origin_m: float,
) -> Summary:
    """Our summary of the session's records, with the time its timer ran (`timer_s`) from the
    file's timer start/stop events — every event of the file, clipped to this session's span
    (the timer of a multisport file runs across its legs).

    `timer_s` is None when the file has no timer events, or when the session ends before the
    first of them: the timer's state before its first event is not in the file (a Fenix 2
    multisport file writes timer events for its last leg only).
    """
    events = messages.timer_events(decoded.of("event"))
    if not _timer_known(events, window):
        return summarize(streams, sport=sport, laps=laps, distance_origin_m=distance_origin_m)
    spans = timer_spans(events, session_start=window.start_s, session_end=window.end_s)
    relative = [(start - window.start_s, end - window.start_s) for start, end in spans]
    summary = summarize(
        streams,
        sport=sport,
        laps=laps,
        timer_spans=relative,
        distance_origin_m=distance_origin_m,
    )
    summary.timer_s = math.fsum(end - start for start, end in spans)
    return summary


def _timer_known(events: list[tuple[float, bool]], window: _Window) -> bool:
    """Whether the file says when the timer ran in this session: an event before its end, or
    a first event that stops the timer within a second of it (a Forerunner 70 stops its timer
    0.1 s after start + elapsed: it ran before)."""
    if not events:
        return False
    first_s, first_starts = min(events, key=lambda event: event[0])
    return first_s <= window.end_s or (
        not first_starts and first_s <= window.end_s + WINDOW_SLACK_S
    )


def _distance_before(distance: FloatArray | None, rows: slice) -> float:
    """The file's cumulative distance where this session's records begin: the last distance
    recorded before them (a multisport device counts on across its legs), else 0."""
    if distance is None or not rows.start:
        return 0.0
    earlier = distance[: rows.start]
    finite = earlier[np.isfinite(earlier)]
    return float(finite[-1]) if finite.size else 0.0


def _rows_in(window: _Window, windows: list[_Window], timestamps: FloatArray) -> slice:
    """The sorted record rows inside this session's time range — from its start to its end
    time (`timestamp`) or start + elapsed, whichever is later, a second of slack — stopping
    where the next session starts. A device stamps its session when it closes it, and the
    records it wrote until then count in its totals (a timer of 25,470.9 s, records 9 s
    past it to the session's stamp: their distance reaches the device's total)."""
    end = window.records_end_s + WINDOW_SLACK_S
    later = [w.start_s for w in windows if w.start_s > window.start_s]
    if later:
        end = min(end, min(later) - 1e-6)
    lo = int(np.searchsorted(timestamps, window.start_s, side="left"))
    hi = int(np.searchsorted(timestamps, end, side="right"))
    return slice(lo, max(lo, hi))


def _streams(
    columns: dict[str, FloatArray], timestamps: FloatArray, rows: slice, start_s: float
) -> Streams:
    def column(name: str) -> FloatArray | None:
        values = columns.get(name)
        return None if values is None else values[rows]

    def preferred(enhanced: str, base: str) -> FloatArray | None:
        better, plain = column(enhanced), column(base)
        if better is None or plain is None:
            return better if better is not None else plain
        return np.where(np.isfinite(better), better, plain)

    lat, lon = _positions(column("position_lat"), column("position_long"))
    hr = column("heart_rate")
    cadence = column("cadence")
    fraction = column("fractional_cadence")
    if cadence is not None and fraction is not None:
        cadence = cadence + np.nan_to_num(fraction)  # fractional part added, never doubled
    return Streams(
        time_s=timestamps[rows] - start_s,
        hr_bpm=_present(None if hr is None else np.where(hr > 0, hr, np.nan)),
        power_w=_present(column("power")),
        cadence_spm=_present(cadence),
        speed_mps=_present(preferred("enhanced_speed", "speed")),
        distance_m=_present(column("distance")),
        altitude_m=_present(preferred("enhanced_altitude", "altitude")),
        lat_deg=_present(lat),
        lon_deg=_present(lon),
        temperature_c=_present(column("temperature")),
    )


def _positions(
    lat: FloatArray | None, lon: FloatArray | None
) -> tuple[FloatArray | None, FloatArray | None]:
    """Positions in degrees; 0,0 (no fix) and out-of-range values become NaN."""
    if lat is None or lon is None:
        return None, None
    with np.errstate(invalid="ignore"):
        bad = (np.abs(lat) > 90) | (np.abs(lon) > 180) | ((lat == 0) & (lon == 0))
    return np.where(bad, np.nan, lat), np.where(bad, np.nan, lon)


def _present(values: FloatArray | None) -> FloatArray | None:
    if values is None or not np.isfinite(values).any():
        return None
    return np.ascontiguousarray(values, dtype=np.float64)


def _laps(decoded: DecodedFit, window: _Window, *, swim: bool) -> list[Lap]:
    """The session's laps (by start time), pool lengths counted into each, and a swim's
    strokes."""
    all_laps = decoded.of("lap")
    single = len(decoded.of("session")) <= 1
    laps = []
    for lap in all_laps:
        start = _real_time(lap.get("start_time"))
        inside = start is not None and window.start_s - 1 <= start <= window.end_s + 1
        if inside or (start is None and single):
            lengths = _lengths_in(decoded, lap, start)
            laps.append(
                messages.lap_of(
                    lap,
                    session_start_s=window.start_s,
                    lengths=messages.active_lengths(lap, lengths),
                    strokes=messages.swim_strokes(lap, lengths) if swim else None,
                    stroke=messages.swim_stroke(lap) if swim else "",
                )
            )
    return laps


def _lengths_in(decoded: DecodedFit, lap: dict[str, Any], start: float | None) -> list[Any]:
    if start is None or not decoded.of("length"):
        return []
    end = start + (messages.number(lap.get("total_elapsed_time")) or 0.0)
    return [
        length
        for length in decoded.of("length")
        if start - 0.5 <= (messages.number(length.get("start_time")) or -1.0) <= end + 0.5
    ]


def _activity_file_id(decoded: DecodedFit) -> dict[str, Any]:
    """The file_id of the activity part (a chained file may start with another kind)."""
    file_ids = decoded.of("file_id")
    for file_id in file_ids:
        if file_id.get("type") == "activity":
            return file_id
    return file_ids[0] if file_ids else {}


def _add_warnings(activity: NormalizedActivity, decoded: DecodedFit) -> None:
    if decoded.damage:
        activity.recovered = True
        activity.warnings.append(f"Recovered from a damaged file: {decoded.damage}")
    gaps = np.diff(activity.streams.time_s)
    if gaps.size and float(gaps.max()) > LONG_GAP_S:
        days = float(gaps.max()) / 86400
        activity.warnings.append(f"The recording pauses for {days:.1f} days inside one session")
    if activity.sport is Sport.OTHER and not activity.sub_sport and not decoded.of("session"):
        activity.warnings.append("No session message: the sport is unknown")


def _unreadable_reason(data: bytes, failures: list[str]) -> str:
    if not data:
        return "empty file"
    if not is_fit(data):
        return "not a FIT file"
    return failures[-1] if failures else "unreadable FIT file"
