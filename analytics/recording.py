"""The one way from a recording (`activities.types.Streams`) to the pure metric core, for every
caller: `analyze_file` (analytics.analysis) and the stored `ActivityMetrics`
(analytics.pipeline)."""

from __future__ import annotations

from activities.summary import derived_speed, recorded_s
from activities.types import Streams
from analytics.metrics.activity import ActivityMetricsResult, MetricThresholds, activity_metrics
from core.sports import Sport


def stream_metrics(
    streams: Streams,
    *,
    sport: Sport,
    thresholds: MetricThresholds,
    sex: str,
    laps_start_s: tuple[float, ...] | list[float] = (),
    rpe: float | None = None,
    distance_m: float | None = None,
    ascent_m: float | None = None,
    curves: bool = True,
) -> ActivityMetricsResult:
    """Every metric of one recording through the metric core, the one way for every caller
    (`analyze_file` and the stored `ActivityMetrics` alike): speed from the distance stream
    when the device wrote none, and TSS over our recorded time (elapsed minus pauses, which
    is what device TSS uses). `distance_m`/`ascent_m`: the activity's totals when known;
    `curves=False`: no mean-max curves nor best efforts (`activity_metrics`)."""
    speed = streams.speed_mps if streams.speed_mps is not None else derived_speed(streams)
    return activity_metrics(
        sport=sport.value,
        time_s=streams.time_s,
        power_w=streams.power_w,
        hr_bpm=streams.hr_bpm,
        speed_mps=speed,
        distance_m=streams.distance_m,
        altitude_m=streams.altitude_m,
        thresholds=thresholds,
        sex=sex,
        laps_start_s=laps_start_s,
        rpe=rpe,
        recorded_s=recorded_s(streams, sport=sport),
        total_distance_m=distance_m,
        ascent_m=ascent_m,
        curves=curves,
    )
