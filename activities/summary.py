"""Whole-session values computed from the recorded samples. Pure: numpy and stdlib only.

`summarize` never copies a device's session values: it recomputes them from `Streams` so
every source (FIT, TCX, GPX, provider streams) is summarised the same way. The choices, each
documented on its function:

- a sample's duration is the interval that ends at it; intervals over `PAUSE_S` (10 s) are
  pauses (the device stopped recording: auto-pause, or the timer was stopped) and count for
  nothing; intervals of 0 s (several samples stamped the same second) count for nothing;
- a sample is *moving* when its speed is above the sport's threshold or its power is above 0;
  a recording with neither speed nor power counts all its recorded (non-pause) time;
- pool swims without a distance stream take time and distance from their laps.
"""

from __future__ import annotations

import math

import numpy as np

from activities.types import FloatArray, Lap, Streams, Summary
from core.geo import step_lengths_m
from core.sports import MOVING_SPEED_MPS, Sport
from core.units import PAUSE_S

Spans = list[tuple[float, float]]  # [start, end] intervals in seconds

# The ascent filter (docs/ascent.md): a centred median over this many seconds, a dead band of
# this many metres, and no climb counted across a gap longer than this (the timer stopped).
ASCENT_MEDIAN_S = 5.0
ASCENT_DEAD_BAND_M = 1.5
ASCENT_GAP_S = 60.0
_MEDIAN_MAX_SIDE = 32  # samples each side at most: bounds memory on bursts of same-second samples


def summarize(
    streams: Streams,
    *,
    sport: Sport,
    laps: list[Lap],
    timer_spans: Spans | None = None,
    distance_origin_m: float | None = None,
) -> Summary:
    """Elapsed and moving time, distance, climb, HR, power, speed and cadence of a recording.

    - elapsed = last - first sample time;
    - moving time = sum of the durations of moving samples (`sample_durations_s`,
      `moving_mask`);
    - distance = the recording's own cumulative distance (`distance_m`), counted from
      `distance_origin_m` when the source knows where it starts (a FIT session: 0, or where
      the previous leg's distance ended), else from its first value; else the haversine
      length of the GPS track;
    - ascent/descent from altitude with a hysteresis (`climb`);
    - avg HR time-weighted over recorded (non-pause) time, zeros excluded; max HR;
    - avg power time-weighted over *moving* samples, zeros included (coasting counts, the
      convention of head units with "include zeros" on); max power;
    - avg speed = distance / moving time; max speed = highest speed sample;
    - avg cadence time-weighted over moving samples, zeros excluded.
    The averages weigh each sample by the time it stands for (`average_weights_s`): with the
    device's `timer_spans` (seconds from the first sample's clock, when the timer ran), the part
    of its interval the timer ran — however far apart a smart recording writes samples.
    Pool swims (laps with pool lengths): moving time and distance are the laps' sums — the
    records of a pool swim carry no usable distance — and HR is averaged over the laps that
    swam lengths (a device leaves the rests between sets out of its average).
    """
    if is_pool_swim(sport, laps):
        swimming = [(lap.start_s, lap.start_s + lap.elapsed_s) for lap in laps if lap.lengths]
        base = _sample_values(streams, sport, swimming) if len(streams) else Summary()
        return _from_laps(laps).merged_over(base)
    if len(streams) == 0:
        return Summary()
    summary = _sample_values(streams, sport, timer_spans)
    speed = streams.speed_mps if streams.speed_mps is not None else derived_speed(streams)
    durations = sample_durations_s(streams.time_s, streams.distance_m, sport=sport)
    is_moving = moving_mask(streams, speed, sport=sport)
    moving = np.where(is_moving, durations, 0.0)
    weights = np.where(is_moving, average_weights_s(streams, sport, timer_spans), 0.0)
    distance = distance_m(streams, origin_m=distance_origin_m)
    summary.moving_s = float(moving.sum())
    summary.distance_m = distance
    if distance is not None and summary.moving_s > 0:
        summary.avg_speed_mps = distance / summary.moving_s
    summary.max_speed_mps = _max(speed)
    summary.avg_power_w = _weighted_mean(streams.power_w, weights, positive_only=False)
    summary.avg_cadence_spm = _weighted_mean(streams.cadence_spm, weights, positive_only=True)
    return summary


def is_pool_swim(sport: Sport, laps: list[Lap]) -> bool:
    """A swim whose laps count pool lengths."""
    return sport is Sport.SWIM and any(lap.lengths for lap in laps)


def _sample_values(streams: Streams, sport: Sport, timer_spans: Spans | None) -> Summary:
    """The values that need no notion of moving: elapsed, climb, HR."""
    ascent, descent = climb(streams.time_s, streams.altitude_m)
    recorded = average_weights_s(streams, sport, timer_spans)
    return Summary(
        elapsed_s=float(streams.time_s[-1] - streams.time_s[0]),
        ascent_m=ascent,
        descent_m=descent,
        avg_hr_bpm=_weighted_mean(streams.hr_bpm, recorded, positive_only=True),
        max_hr_bpm=_max(streams.hr_bpm),
        max_power_w=_max(streams.power_w),
    )


def sample_durations_s(
    time_s: FloatArray, distance_m: FloatArray | None, *, sport: Sport
) -> FloatArray:
    """Each sample's duration: the interval that ends at it.

    0 for the first sample and for repeated timestamps. An interval over PAUSE_S is a pause
    (the device stopped recording: auto-pause or a stopped timer) and counts 0 — unless the
    distance covered across it shows the athlete kept moving above the sport's threshold
    ("smart recording" devices write a sample every few seconds, sometimes over 10 s apart).
    """
    durations = np.diff(time_s, prepend=time_s[:1])
    kept = (durations > 0) & (durations <= PAUSE_S)
    threshold = MOVING_SPEED_MPS.get(sport)
    if distance_m is not None and threshold is not None:
        covered = np.diff(distance_m, prepend=distance_m[:1])
        with np.errstate(invalid="ignore", divide="ignore"):
            kept |= (durations > PAUSE_S) & (covered / durations > threshold)
    return np.where(kept, durations, 0.0)


def average_weights_s(streams: Streams, sport: Sport, timer_spans: Spans | None) -> FloatArray:
    """The time each sample stands for in an average: the interval ending at it.

    With the device's timer spans, the part of that interval during which the timer ran — a
    device averages over its timer time, and a smart recording's samples stand for up to
    ~20 s each. Without them, `sample_durations_s` (gaps over 10 s count only when the
    distance shows movement across them).
    """
    if not timer_spans:
        return sample_durations_s(streams.time_s, streams.distance_m, sport=sport)
    time_s = streams.time_s
    starts, ends = np.concatenate([time_s[:1], time_s[:-1]]), time_s
    weights = np.zeros(time_s.size)
    for span_start, span_end in timer_spans:
        weights += np.clip(np.minimum(ends, span_end) - np.maximum(starts, span_start), 0, None)
    return weights


def recorded_s(streams: Streams, *, sport: Sport) -> float:
    """Recorded time: the sum of every sample's duration, moving or not (elapsed minus pauses).

    It is what a device's timer shows when the athlete stood still with the timer running;
    `Summary.moving_s` leaves those standing samples out.
    """
    if len(streams) == 0:
        return 0.0
    return float(sample_durations_s(streams.time_s, streams.distance_m, sport=sport).sum())


def timer_seconds(
    starts_stops: list[tuple[float, bool]], *, session_start: float, session_end: float
) -> float:
    """Time a device's timer ran inside one session: the sum of its [start → stop] intervals
    clipped to [session_start, session_end] (Unix seconds; True = a start event); see
    `timer_spans`. No events gives 0."""
    spans = timer_spans(starts_stops, session_start=session_start, session_end=session_end)
    return math.fsum(end - start for start, end in spans)


def timer_spans(
    starts_stops: list[tuple[float, bool]], *, session_start: float, session_end: float
) -> Spans:
    """The [start, stop] intervals a device's timer ran, clipped to [session_start,
    session_end] (Unix seconds; True = a start event), empty ones left out.

    Events are taken in time order (file order for equal times). A start while running and a
    stop while stopped change nothing. A timer still running after the last event runs to the
    session's end; when the first event is a stop, the timer was running before it (from the
    session's start). A multisport file's timer runs across sessions, so pass every timer event
    of the file: each session gets what falls inside its own span.
    """
    events = sorted(starts_stops, key=lambda event: event[0])
    running_since = -math.inf if events and not events[0][1] else None
    spans: Spans = []
    for time_s, is_start in events:
        if is_start and running_since is None:
            running_since = time_s
        elif not is_start and running_since is not None:
            spans.append((max(running_since, session_start), min(time_s, session_end)))
            running_since = None
    if running_since is not None:
        spans.append((max(running_since, session_start), session_end))
    return [(start, end) for start, end in spans if end > start]


def derived_speed(streams: Streams) -> FloatArray | None:
    """Speed from the distance stream (Δdistance/Δtime) when the recording has no speed."""
    if streams.distance_m is None:
        return None
    dt = np.diff(streams.time_s, prepend=np.nan)
    dd = np.diff(streams.distance_m, prepend=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(dt > 0, dd / dt, np.nan)


def moving_mask(streams: Streams, speed_mps: FloatArray | None, *, sport: Sport) -> np.ndarray:
    """True where the athlete moves: speed above the sport's threshold, power above 0 or
    cadence above 0 (pedalling on a trainer, rowing on an erg, a treadmill run).

    A channel that never shows movement in the whole recording (an indoor ride's speed of 0,
    a distance that stays 0) says nothing and is ignored. With no channel left, or for sports
    without a threshold (strength, other), every recorded sample counts: the timer ran and
    nothing says the athlete stood still.
    """
    length = len(streams)
    threshold = MOVING_SPEED_MPS.get(sport)
    if threshold is None:
        return np.ones(length, dtype=bool)
    signals = []
    with np.errstate(invalid="ignore"):
        if speed_mps is not None:
            signals.append(speed_mps > threshold)
        for channel in (streams.power_w, streams.cadence_spm):
            if channel is not None:
                signals.append(channel > 0)
    informative = [signal for signal in signals if signal.any()]
    if not informative:
        return np.ones(length, dtype=bool)
    moving: np.ndarray = np.logical_or.reduce(informative)
    return moving


def distance_m(streams: Streams, *, origin_m: float | None = None) -> float | None:
    """The recording's cumulative distance, else the haversine length of the GPS track.

    The cumulative distance counts from `origin_m` when given (a FIT session: 0, or where the
    previous leg's distance ended): its first value above the origin is distance the device
    covered before its first record (a device counts it in its total; below the origin, the
    leg restarted from 0). Then every increase counts — a reset does not subtract. Without an
    origin (a window of a provider's streams), from the first value. GPS only for recordings
    without a distance stream.
    """
    if streams.distance_m is not None:
        values = streams.distance_m[np.isfinite(streams.distance_m)]
        if values.size:
            steps = np.diff(values)
            lead = 0.0 if origin_m is None else float(values[0]) - origin_m
            if lead < 0:
                lead = max(float(values[0]), 0.0)
            return lead + float(steps[steps > 0].sum())
    if streams.lat_deg is not None and streams.lon_deg is not None:
        return track_length_m(streams.lat_deg, streams.lon_deg)
    return None


def track_length_m(lat_deg: FloatArray, lon_deg: FloatArray) -> float | None:
    """Haversine length of the points that have a position (gaps are bridged)."""
    fixed = np.isfinite(lat_deg) & np.isfinite(lon_deg)
    if fixed.sum() < 2:
        return None
    return float(step_lengths_m(lat_deg[fixed], lon_deg[fixed]).sum())


def climb(
    time_s: FloatArray,
    altitude_m: FloatArray | None,
    *,
    median_s: float = ASCENT_MEDIAN_S,
    dead_band_m: float = ASCENT_DEAD_BAND_M,
    gap_s: float = ASCENT_GAP_S,
) -> tuple[float | None, float | None]:
    """Total ascent and descent (m) of an altitude stream; the filter of docs/ascent.md.

    The recording is cut at gaps over `gap_s` (the timer was stopped: a device climbs nothing
    while paused, and nothing says how the altitude went across); in each part a centred
    median over `median_s` seconds of *time* (smart recording writes a sample every 1-7 s, so a
    sample count would mean a different filter on every device) removes single-sample spikes,
    then a dead band counts a climb once the altitude has moved `dead_band_m` from the last
    turning point — above the 0.2 m step of FIT altitude and the ~1 m jitter of a barometer.
    Chosen on the corpus against the devices' own totals (18 of 34 sessions within 5 %):
    devices integrate their barometer faster than they record, so records cannot match them
    everywhere."""
    if altitude_m is None:
        return None, None
    known = np.isfinite(altitude_m) & np.isfinite(time_s)
    if not known.any():
        return None, None
    clock = np.maximum.accumulate(time_s[known])  # a clock stepping back stands still
    values = altitude_m[known]
    ascent = descent = 0.0
    for part in np.split(np.arange(values.size), np.flatnonzero(np.diff(clock) > gap_s) + 1):
        up, down = dead_band(time_median(clock[part], values[part], median_s), dead_band_m)
        ascent, descent = ascent + up, descent + down
    return ascent, descent


def time_median(time_s: FloatArray, values: FloatArray, window_s: float) -> FloatArray:
    """Centred running median over the samples within ±window_s/2 seconds of each sample
    (at most `_MEDIAN_MAX_SIDE` samples each side). `time_s` must not decrease."""
    if window_s <= 0 or values.size < 2:
        return values
    index = np.arange(values.size)
    low = np.maximum(
        np.searchsorted(time_s, time_s - window_s / 2, "left"), index - _MEDIAN_MAX_SIDE
    )
    high = np.minimum(
        np.searchsorted(time_s, time_s + window_s / 2, "right"), index + _MEDIAN_MAX_SIDE + 1
    )
    count = high - low
    columns = low[:, None] + np.arange(int(count.max()))
    # Past its end a window is +inf, sorted last; the middle one or two of `count` are taken
    # (values are finite): np.nanmedian's result, without its masked-array cost.
    window = np.where(columns < high[:, None], values[np.minimum(columns, values.size - 1)], np.inf)
    window.sort(axis=1)
    rows = np.arange(values.size)
    median: FloatArray = (window[rows, (count - 1) // 2] + window[rows, count // 2]) / 2
    return median


def dead_band(values: FloatArray, band_m: float) -> tuple[float, float]:
    """Ascent and descent counted once the value has moved `band_m` from the last turning
    point (a hysteresis: jitter inside the band counts nothing, a real rise counts in full)."""
    ascent = descent = 0.0
    if values.size == 0:
        return ascent, descent
    reference = float(values[0])
    for value in values[1:].tolist():
        change = value - reference
        if change >= band_m:
            ascent += change
            reference = value
        elif change <= -band_m:
            descent -= change
            reference = value
    return ascent, descent


def _from_laps(laps: list[Lap]) -> Summary:
    """Pool swims: the lap timer is the only clock and lengths × pool the only distance."""
    if not laps:
        return Summary()
    moving = [lap.moving_s for lap in laps if lap.moving_s is not None]
    distance = [lap.distance_m for lap in laps if lap.distance_m is not None]
    moving_s = math.fsum(moving) if moving else None
    distance_total = math.fsum(distance) if distance else None
    speed = distance_total / moving_s if distance_total is not None and moving_s else None
    return Summary(moving_s=moving_s, distance_m=distance_total, avg_speed_mps=speed)


def _weighted_mean(
    values: FloatArray | None, weights: FloatArray, *, positive_only: bool
) -> float | None:
    if values is None:
        return None
    with np.errstate(invalid="ignore"):
        usable = np.isfinite(values) & ((values > 0) if positive_only else (values >= 0))
    total = float(weights[usable].sum())
    if total > 0:
        return float((values[usable] * weights[usable]).sum() / total)
    return float(values[usable].mean()) if usable.any() else None


def _max(values: FloatArray | None) -> float | None:
    if values is None or not np.isfinite(values).any():
        return None
    return float(np.nanmax(values))
