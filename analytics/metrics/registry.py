"""Every metric Paceline computes: key, English label, unit, how it aggregates, which sports.

Pure: stdlib only. Keys are the ones of DESIGN §7's ``analyze_file`` entries and of DESIGN §6;
labels are plain English — the UI layer translates them. Sports are ``core.sports.Sport``.

Aggregation over several activities or days (a week, a season):
- ``sum``: totals (time, distance, load, time in zone);
- ``max`` / ``min``: bests (max HR, mean-max curves pointwise; best-effort times are the
  fastest, so ``min``);
- ``mean``: averages and ratios, weighted by each activity's moving time;
- ``last``: daily states (Fitness, Fatigue, Form, acute/chronic loads): the value on the
  period's last day.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.sports import ON_FOOT_SPORTS, Sport


class Aggregation(StrEnum):
    SUM = "sum"
    MAX = "max"
    MIN = "min"
    MEAN = "mean"  # duration-weighted mean
    LAST = "last"


ALL_SPORTS = frozenset(Sport)
ENDURANCE = ALL_SPORTS - {"strength"}
DISTANCE_SPORTS = frozenset({"run", "ride", "swim", "hike", "ski", "row"})
POWER_SPORTS = frozenset({"ride", "run", "row", "ski"})
DIST_EQ_SPORTS = frozenset({"run", "hike", "ride", "ski"})


@dataclass(frozen=True, slots=True)
class Metric:
    """One metric: ``key`` (as in analyze_file / ActivityMetrics), English ``label``, SI
    ``unit`` ("" for a ratio), ``aggregation`` and the ``sports`` it applies to."""

    key: str
    label: str
    unit: str
    aggregation: Aggregation
    sports: frozenset[str]


_SUM, _MAX, _MIN, _MEAN, _LAST = (
    Aggregation.SUM,
    Aggregation.MAX,
    Aggregation.MIN,
    Aggregation.MEAN,
    Aggregation.LAST,
)

_ALL: tuple[Metric, ...] = (
    # Summary (DESIGN §7 analyze_file keys)
    Metric("elapsed_s", "Elapsed time", "s", _SUM, ALL_SPORTS),
    Metric("moving_s", "Moving time", "s", _SUM, ALL_SPORTS),
    Metric("distance_m", "Distance", "m", _SUM, DISTANCE_SPORTS),
    Metric("ascent_m", "Ascent", "m", _SUM, DISTANCE_SPORTS - {"swim", "row"}),
    Metric("descent_m", "Descent", "m", _SUM, DISTANCE_SPORTS - {"swim", "row"}),
    Metric("avg_hr_bpm", "Average heart rate", "bpm", _MEAN, ALL_SPORTS),
    Metric("max_hr_bpm", "Max heart rate", "bpm", _MAX, ALL_SPORTS),
    Metric("avg_power_w", "Average power", "W", _MEAN, POWER_SPORTS),
    Metric("max_power_w", "Max power", "W", _MAX, POWER_SPORTS),
    Metric("avg_speed_mps", "Average speed", "m/s", _MEAN, DISTANCE_SPORTS),
    Metric("avg_cadence_spm", "Average cadence", "spm", _MEAN, ENDURANCE),
    # Power
    Metric("np_w", "Normalized power", "W", _MEAN, POWER_SPORTS),
    Metric("intensity_factor", "Intensity factor", "", _MEAN, POWER_SPORTS | ON_FOOT_SPORTS),
    Metric("tss", "Training stress score", "points", _SUM, POWER_SPORTS),
    # Running
    Metric("graded_speed_mps", "Grade-adjusted speed", "m/s", _MEAN, ON_FOOT_SPORTS),
    Metric("rtss", "Running training stress score", "points", _SUM, ON_FOOT_SPORTS),
    # Heart rate
    Metric("trimp", "TRIMP", "points", _SUM, ALL_SPORTS),
    Metric("hr_tss", "Heart-rate training stress score", "points", _SUM, ALL_SPORTS),
    # RPE
    Metric("srpe", "Session RPE load", "points", _SUM, ALL_SPORTS),
    Metric("monotony", "Weekly monotony", "", _MEAN, ALL_SPORTS),
    Metric("strain", "Weekly strain", "points", _SUM, ALL_SPORTS),
    # Activity load and distance-equivalent
    Metric("load", "Training load", "points", _SUM, ALL_SPORTS),
    Metric("dist_eq_km", "Distance-equivalent", "km", _SUM, DIST_EQ_SPORTS),
    # Fitness / Fatigue / Form and acute:chronic
    Metric("fitness", "Fitness", "points", _LAST, ALL_SPORTS),
    Metric("fatigue", "Fatigue", "points", _LAST, ALL_SPORTS),
    Metric("form", "Form", "points", _LAST, ALL_SPORTS),
    Metric("acute_load", "Acute load (7 days)", "points", _LAST, ALL_SPORTS),
    Metric("chronic_load", "Chronic load (28 days)", "points", _LAST, ALL_SPORTS),
    Metric("acwr", "Acute:chronic workload ratio", "", _LAST, ALL_SPORTS),
    # Decoupling and efficiency
    Metric("decoupling_pct", "Aerobic decoupling", "%", _MEAN, ENDURANCE),
    Metric("efficiency_factor", "Efficiency factor", "output/bpm", _MEAN, ENDURANCE),
    Metric("metres_per_beat", "Metres per heartbeat", "m", _MEAN, DISTANCE_SPORTS),
    # Zones, mean-max, best efforts (values per zone / per duration / per distance)
    Metric("time_in_zone_s", "Time in zone", "s", _SUM, ALL_SPORTS),
    Metric("mean_max_power_w", "Mean-max power", "W", _MAX, POWER_SPORTS),
    Metric("mean_max_speed_mps", "Mean-max speed", "m/s", _MAX, DISTANCE_SPORTS),
    Metric("mean_max_hr_bpm", "Mean-max heart rate", "bpm", _MAX, ALL_SPORTS),
    Metric("best_efforts_s", "Best efforts", "s", _MIN, ON_FOOT_SPORTS),
    # Compliance (planned vs actual)
    Metric("compliance", "Compliance", "", _MEAN, ALL_SPORTS),
)

METRICS: dict[str, Metric] = {metric.key: metric for metric in _ALL}

# analyze_file nests mean-max per channel under one key: "mean_max": {"power_w": …, …}.
MEAN_MAX_CHANNELS: dict[str, str] = {
    "power_w": "mean_max_power_w",
    "speed_mps": "mean_max_speed_mps",
    "hr_bpm": "mean_max_hr_bpm",
}

# --- Which keys each consumer uses: the one list of each (keys are METRICS keys, in order) ---

# The summary an activity shows, computed from its samples (`activities.types.Summary` keys);
# analyze_file prints them for our values and again under "device".
SUMMARY_KEYS: tuple[str, ...] = (
    "elapsed_s",
    "moving_s",
    "distance_m",
    "ascent_m",
    "descent_m",
    "avg_hr_bpm",
    "max_hr_bpm",
    "avg_power_w",
    "max_power_w",
    "avg_speed_mps",
    "avg_cadence_spm",
)
# Scalar metrics computed from a recording (`ActivityMetricsResult` attributes).
RECORDING_KEYS: tuple[str, ...] = (
    "np_w",
    "intensity_factor",
    "tss",
    "trimp",
    "hr_tss",
    "rtss",
    "decoupling_pct",
    "efficiency_factor",
)
# The scalar columns of a stored `ActivityMetrics` row (what the API serves per activity).
STORED_KEYS: tuple[str, ...] = (
    *RECORDING_KEYS[:6],  # NP … rTSS
    "srpe",
    "load",
    "dist_eq_km",
    *RECORDING_KEYS[6:],  # decoupling, efficiency factor
)
# Per-zone, per-duration and per-distance values stored beside them (JSON columns).
CURVE_KEYS: tuple[str, ...] = ("time_in_zone_s", "best_efforts_s", *MEAN_MAX_CHANNELS.values())
# One analyze_file entry, in the order DESIGN §7 prints it: the recording's own fields
# (sport, sub_sport, started_at, laps, samples) among the metric keys.
FILE_ENTRY_KEYS: tuple[str, ...] = (
    "sport",
    "sub_sport",
    "started_at",
    *SUMMARY_KEYS[:9],  # elapsed … max power
    *RECORDING_KEYS[:6],  # NP … rTSS
    *SUMMARY_KEYS[9:],  # average speed, cadence
    "dist_eq_km",
    *RECORDING_KEYS[6:],  # decoupling, efficiency factor
    "laps",
    "samples",
    "time_in_zone_s",
    "mean_max",
    "best_efforts_s",
    "device",
)
FILE_METRIC_KEYS: tuple[str, ...] = (*RECORDING_KEYS[:6], "dist_eq_km", *RECORDING_KEYS[6:])
