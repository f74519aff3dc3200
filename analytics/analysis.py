"""Our analysis of an activity file, without a database: the `analyze_file` document (DESIGN §7).

Every value is computed by our code from the file's records; what the device wrote is put
beside it under "device". Metric fields come from `analytics.recording.stream_metrics`
(DESIGN §6); None where a value cannot be computed (no power: no NP/TSS; no HR: no TRIMP…).

Thresholds: one given in `ThresholdOptions` wins; else the value the file carries (its FTP,
HR max, resting HR, LTHR); else the defaults — sex M, resting HR 60 bpm, HR max 190 bpm, LTHR
0.9 × HR max, no FTP (power IF/TSS/zones None), no threshold speed (rTSS and pace zones None).
Zones: HR from LTHR (Friel), power from FTP (Coggan), pace from threshold speed (runs and
hikes). TSS is computed over the recorded time (elapsed minus pauses).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from activities.parsers import parse_file
from activities.types import NormalizedActivity, RejectedFile, Summary
from analytics.metrics.activity import ActivityMetricsResult, MetricThresholds
from analytics.metrics.registry import FILE_ENTRY_KEYS, FILE_METRIC_KEYS, SUMMARY_KEYS
from analytics.recording import stream_metrics
from athletes.zones import (
    Zone,
    hr_zones_from_lthr,
    pace_zones_from_threshold_speed,
    power_zones_from_ftp,
)

DEFAULT_SEX = "M"
DEFAULT_HR_REST_BPM = 60.0
DEFAULT_HR_MAX_BPM = 190.0
DEFAULT_LTHR_SHARE_OF_MAX = 0.9


class UnreadableFile(Exception):  # noqa: N818 — the name says what the file is
    """The file cannot be analysed; `str(error)` is the reason (one line)."""


@dataclass(frozen=True, slots=True)
class ThresholdOptions:
    """Thresholds given by the caller (the command's options); None = not given."""

    sex: str | None = None
    hr_rest_bpm: float | None = None
    hr_max_bpm: float | None = None
    lthr_bpm: float | None = None
    ftp_w: float | None = None
    threshold_speed_mps: float | None = None


def file_analysis(path: Path, options: ThresholdOptions) -> dict[str, Any]:
    """`{"file", "activities": [...]}` for one file, one entry per session in file order.

    Raises UnreadableFile when the file cannot be read or holds no activity.
    """
    sessions = _read(path)
    return {"file": str(path), "activities": [entry(s, options) for s in sessions]}


def _read(path: Path) -> list[NormalizedActivity]:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableFile(error.strerror or str(error)) from error
    try:
        sessions = parse_file(data, path.name)
    except RejectedFile as rejected:
        raise UnreadableFile(rejected.reason) from rejected
    except Exception as error:  # a parser bug must still give the one-line contract
        raise UnreadableFile("could not read this file") from error
    if not sessions:
        raise UnreadableFile("no activity in this file")
    return sessions


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _summary(summary: Summary | None) -> dict[str, float | None]:
    values = summary.as_dict() if summary is not None else {}
    return {key: _number(values.get(key)) for key in SUMMARY_KEYS}


def entry(normalized: NormalizedActivity, options: ThresholdOptions) -> dict[str, Any]:
    """One session in the DESIGN §7 shape: our summary, metric fields, the device's values."""
    metrics = _metrics(normalized, options)
    values: dict[str, Any] = {
        "sport": normalized.sport.value,
        "sub_sport": normalized.sub_sport,
        "started_at": normalized.started_at.astimezone(dt.UTC).isoformat(),
        "laps": len(normalized.laps),
        "samples": len(normalized.streams),
        **_summary(normalized.summary),
        **{key: _number(getattr(metrics, key)) for key in FILE_METRIC_KEYS},
    }
    ordered = {key: values[key] for key in FILE_ENTRY_KEYS if key in values}
    ordered["time_in_zone_s"] = {
        kind: None if seconds is None else [round(value, 1) for value in seconds]
        for kind, seconds in metrics.time_in_zone_s.items()
    }
    ordered["mean_max"] = {
        channel: None if curve is None else {str(s): round(v, 1) for s, v in curve.items()}
        for channel, curve in metrics.mean_max.items()
    }
    ordered["best_efforts_s"] = _best_efforts(metrics.best_efforts_s)
    ordered["device"] = _summary(normalized.device_summary)
    return ordered


def _best_efforts(efforts: dict[float, float | None] | None) -> dict[str, float | None] | None:
    """Keys are whole metres ("1609", "21097"), values seconds to 0.1 (None: too short)."""
    if efforts is None:
        return None
    return {
        str(int(distance_m)): None if seconds is None else round(seconds, 1)
        for distance_m, seconds in efforts.items()
    }


def thresholds_for(
    normalized: NormalizedActivity, options: ThresholdOptions
) -> tuple[MetricThresholds, str]:
    """Thresholds and sex for one session: options, else the file's values, else defaults."""
    carried = normalized.thresholds
    hr_rest = _first(options.hr_rest_bpm, carried.hr_rest_bpm, DEFAULT_HR_REST_BPM)
    hr_max = _first(options.hr_max_bpm, carried.hr_max_bpm, DEFAULT_HR_MAX_BPM)
    lthr = _first(options.lthr_bpm, carried.lthr_bpm, _share(hr_max))
    ftp = _first(options.ftp_w, carried.ftp_w)
    threshold_speed = _first(options.threshold_speed_mps)
    thresholds = MetricThresholds(
        ftp_w=ftp,
        hr_rest_bpm=hr_rest,
        hr_max_bpm=hr_max,
        lthr_bpm=lthr,
        threshold_speed_mps=threshold_speed,
        hr_zone_bounds_bpm=_bounds(hr_zones_from_lthr, lthr),
        power_zone_bounds_w=_bounds(power_zones_from_ftp, ftp),
        pace_zone_bounds_mps=_bounds(pace_zones_from_threshold_speed, threshold_speed),
    )
    return thresholds, options.sex or DEFAULT_SEX


def _first(*candidates: float | None) -> float | None:
    """The first positive, finite candidate (a 0 in a file means "not set")."""
    for candidate in candidates:
        number = _number(candidate)
        if number is not None and number > 0:
            return number
    return None


def _share(hr_max_bpm: float | None) -> float | None:
    return None if hr_max_bpm is None else DEFAULT_LTHR_SHARE_OF_MAX * hr_max_bpm


def _bounds(
    derive: Callable[[float], list[Zone]], threshold: float | None
) -> tuple[float, ...] | None:
    """The lower bounds of every zone above Z1, derived from `threshold`; None without it."""
    if threshold is None:
        return None
    return tuple(zone.low for zone in derive(threshold)[1:])


def _metrics(normalized: NormalizedActivity, options: ThresholdOptions) -> ActivityMetricsResult:
    """Our metrics of one session, from its streams and the resolved thresholds."""
    thresholds, sex = thresholds_for(normalized, options)
    summary = normalized.summary
    return stream_metrics(
        normalized.streams,
        sport=normalized.sport,
        thresholds=thresholds,
        sex=sex,
        laps_start_s=[lap.start_s for lap in normalized.laps],
        distance_m=summary.distance_m if summary is not None else None,
        ascent_m=summary.ascent_m if summary is not None else None,
    )
