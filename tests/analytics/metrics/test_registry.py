from __future__ import annotations

from analytics.metrics.registry import MEAN_MAX_CHANNELS, METRICS, Aggregation
from core.sports import Sport

ANALYZE_FILE_METRIC_KEYS = [
    "elapsed_s",
    "moving_s",
    "distance_m",
    "ascent_m",
    "descent_m",
    "avg_hr_bpm",
    "max_hr_bpm",
    "avg_power_w",
    "max_power_w",
    "np_w",
    "intensity_factor",
    "tss",
    "trimp",
    "hr_tss",
    "rtss",
    "avg_speed_mps",
    "avg_cadence_spm",
    "dist_eq_km",
    "decoupling_pct",
    "efficiency_factor",
    "time_in_zone_s",
    "best_efforts_s",
]
DESIGN_SIX_KEYS = [
    "graded_speed_mps",
    "srpe",
    "monotony",
    "strain",
    "load",
    "fitness",
    "fatigue",
    "form",
    "acute_load",
    "chronic_load",
    "acwr",
    "metres_per_beat",
    "compliance",
]


def test_every_analyze_file_and_design_metric_is_registered() -> None:
    missing = [k for k in ANALYZE_FILE_METRIC_KEYS + DESIGN_SIX_KEYS if k not in METRICS]
    assert missing == []
    assert all(METRICS[key].key == key for key in METRICS)


def test_mean_max_channels_point_at_registered_metrics_that_aggregate_by_max() -> None:
    assert set(MEAN_MAX_CHANNELS) == {"power_w", "speed_mps", "hr_bpm"}
    assert all(METRICS[key].aggregation is Aggregation.MAX for key in MEAN_MAX_CHANNELS.values())


def test_aggregations_match_the_meaning_of_each_metric() -> None:
    assert METRICS["tss"].aggregation is Aggregation.SUM
    assert METRICS["time_in_zone_s"].aggregation is Aggregation.SUM
    assert METRICS["max_hr_bpm"].aggregation is Aggregation.MAX
    assert METRICS["np_w"].aggregation is Aggregation.MEAN
    assert METRICS["best_efforts_s"].aggregation is Aggregation.MIN
    assert METRICS["fitness"].aggregation is Aggregation.LAST


def test_every_metric_has_a_label_and_applies_to_known_sports() -> None:
    sports = {sport.value for sport in Sport}
    for metric in METRICS.values():
        assert metric.label and metric.sports and metric.sports <= sports
    assert "ride" not in METRICS["rtss"].sports
    assert "ride" in METRICS["tss"].sports


def test_every_key_list_names_registered_metrics_only() -> None:
    from analytics.metrics.registry import (
        CURVE_KEYS,
        FILE_METRIC_KEYS,
        RECORDING_KEYS,
        STORED_KEYS,
        SUMMARY_KEYS,
    )

    for keys in (SUMMARY_KEYS, RECORDING_KEYS, STORED_KEYS, CURVE_KEYS, FILE_METRIC_KEYS):
        assert [k for k in keys if k not in METRICS] == []
        assert len(set(keys)) == len(keys)
    assert set(RECORDING_KEYS) <= set(STORED_KEYS)


def test_the_file_entry_is_design_section_7s_list_in_its_order() -> None:
    from analytics.metrics.registry import FILE_ENTRY_KEYS

    assert list(FILE_ENTRY_KEYS) == [
        *("sport", "sub_sport", "started_at", "elapsed_s", "moving_s", "distance_m"),
        *("ascent_m", "descent_m", "avg_hr_bpm", "max_hr_bpm", "avg_power_w", "max_power_w"),
        *("np_w", "intensity_factor", "tss", "trimp", "hr_tss", "rtss", "avg_speed_mps"),
        *("avg_cadence_spm", "dist_eq_km", "decoupling_pct", "efficiency_factor", "laps"),
        *("samples", "time_in_zone_s", "mean_max", "best_efforts_s", "device"),
    ]
