"""Every metric of one activity, from its samples (DESIGN §6): the composition of the metric
functions of this package into one per-activity computation. Pure: numpy only — the caller
passes plain arrays (seconds on the recording's clock, NaN = missing sample) and thresholds.

Choices, each the one DESIGN §6 names:
- the channels are put on the 1 Hz grid of `prep.resample_1hz` (pauses > 10 s left out);
  power is filled with 0 W before resampling (`power.power_1hz`, so a dropout is not
  interpolated);
- NP on that grid, the 30 s window restarting after each pause; IF = NP / FTP; TSS over the
  *recorded* time (elapsed minus pauses — the caller may pass its own, e.g.
  `activities.summary.recorded_s`; else the sum of the sample intervals of at most 10 s);
- TRIMP (Banister) over the 1 Hz HR; hrTSS against one hour at LTHR;
- rTSS for runs and hikes: graded speed (Minetti, grade from altitude over distance),
  implausible run paces masked, NGS = mean over moving seconds, duration = moving seconds;
- decoupling and EF: output = NP-style power for rides with power (or any sport with power but
  no speed), else speed — graded speed on foot; moving seconds only;
- time in zone on the raw samples, each lasting to the next sample capped at 10 s
  (`zones.sample_durations_s`); HR, power and pace zones are given as lower bounds (the caller
  derives them from the thresholds); pace zones on foot only;
- mean-max of power (NaN = 0 W), speed (GPS spikes left out) and HR (NaN skipped) on the 1 Hz
  grid at the shared durations (`meanmax.meanmax_durations`);
- best efforts from the distance stream without its GPS spikes, on foot only (the registry's
  sports).
A value that cannot be computed (no power, no threshold, no HR…) is None.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from analytics.metrics.decoupling import (
    Output,
    SplitEfficiency,
    decoupling,
    efficiency_factor,
    split_decoupling,
)
from analytics.metrics.disteq import DEFAULT_FACTORS, DistEqFactors, distance_equivalent_km
from analytics.metrics.efforts import BEST_EFFORT_DISTANCES_M, best_efforts
from analytics.metrics.heart import hr_tss, trimp
from analytics.metrics.load import LoadResult, activity_load
from analytics.metrics.meanmax import mean_max, meanmax_durations
from analytics.metrics.power import intensity_factor, normalized_power, training_stress_score
from analytics.metrics.prep import (
    BoolArray,
    FloatArray,
    Resampled,
    mask_implausible_run_pace,
    mask_speed_spikes,
    moving_mask,
    resample_1hz,
)
from analytics.metrics.running import (
    grade_from_altitude,
    graded_speed,
    normalized_graded_speed,
    rtss,
)
from analytics.metrics.zones import sample_durations_s, time_in_zones
from core.sports import ON_FOOT_SPORTS
from core.units import PAUSE_S

SPEED_RESOLUTION_MPS = 0.001


CURVE_CHANNELS = ("power_w", "speed_mps", "hr_bpm")


@dataclass(frozen=True, slots=True)
class MetricThresholds:
    """The athlete's thresholds for one activity (SI units; None = unknown) and the zones
    derived from them, each as the ascending lower bounds of every zone above Z1 (bpm, W,
    m/s — `zones.time_in_zones`'s convention; None = no zones of that kind)."""

    ftp_w: float | None = None
    hr_rest_bpm: float | None = None
    hr_max_bpm: float | None = None
    lthr_bpm: float | None = None
    threshold_speed_mps: float | None = None
    hr_zone_bounds_bpm: tuple[float, ...] | None = None
    power_zone_bounds_w: tuple[float, ...] | None = None
    pace_zone_bounds_mps: tuple[float, ...] | None = None


@dataclass(frozen=True, slots=True)
class ActivityMetricsResult:
    """One activity's metrics (module docstring). Zone times are seconds per zone, Z1 first;
    mean-max maps a duration in seconds to the best average (W, m/s, bpm); best efforts map a
    distance in metres to the fastest time in seconds (None when the activity is shorter)."""

    np_w: float | None = None
    intensity_factor: float | None = None
    tss: float | None = None
    trimp: float | None = None
    hr_tss: float | None = None
    rtss: float | None = None
    graded_speed_mps: float | None = None
    dist_eq_km: float | None = None
    decoupling_pct: float | None = None
    decoupling_steady: bool = False
    efficiency_factor: float | None = None
    splits: tuple[SplitEfficiency, ...] = ()
    time_in_zone_s: dict[str, tuple[float, ...] | None] = field(
        default_factory=lambda: {"hr": None, "power": None, "pace": None}
    )
    mean_max: dict[str, dict[int, float] | None] = field(
        default_factory=lambda: dict.fromkeys(CURVE_CHANNELS)
    )
    best_efforts_s: dict[float, float | None] | None = None
    recorded_s: float = 0.0
    moving_s: float = 0.0
    load: LoadResult | None = None


@dataclass(frozen=True, slots=True)
class _Grid:
    """The activity on the 1 Hz grid: channels (None = absent), moving mask, pause segments."""

    resampled: Resampled
    power_w: FloatArray | None
    hr_bpm: FloatArray | None
    speed_mps: FloatArray | None
    distance_m: FloatArray | None
    altitude_m: FloatArray | None
    moving: BoolArray


def activity_metrics(
    *,
    sport: str,
    time_s: FloatArray,
    power_w: FloatArray | None,
    hr_bpm: FloatArray | None,
    speed_mps: FloatArray | None,
    distance_m: FloatArray | None,
    altitude_m: FloatArray | None,
    thresholds: MetricThresholds,
    sex: str,
    laps_start_s: tuple[float, ...] | list[float] = (),
    rpe: float | None = None,
    recorded_s: float | None = None,
    total_distance_m: float | None = None,
    ascent_m: float | None = None,
    dist_eq_factors: DistEqFactors = DEFAULT_FACTORS,
    curves: bool = True,
) -> ActivityMetricsResult:
    """All metrics of one activity (module docstring for every choice).

    `curves=False` leaves out the mean-max curves and best efforts (None): they depend on the
    samples alone, so a caller that already has them (a recompute after thresholds changed)
    keeps its own and skips their cost, most of the work.

    `time_s`: seconds on the recording's clock; every channel has its length or is None.
    `sport`: "run", "ride", "swim", "hike", "ski", "row", "strength" or "other"; `sex`: "M"
    or "F" (Banister weights). `laps_start_s`: each lap's start on the same clock (per-lap
    EF). `recorded_s`, `total_distance_m`, `ascent_m`: the activity's own summary values
    when the caller has them (TSS duration, distance-equivalent); else derived from the
    samples (ascent then counts 0). `rpe` (CR-10) feeds the load estimate.
    """
    times = np.asarray(time_s, dtype=np.float64)
    power = _present(power_w)
    hr = _present(hr_bpm)
    speed = _present(speed_mps)
    distance = _present(distance_m)
    altitude = _present(altitude_m)
    grid = _on_grid(sport, times, power, hr, speed, distance, altitude)
    duration_s = recorded_s if recorded_s is not None else _recorded_s(times)
    moving_s = float(grid.moving.sum())

    np_w = _np(grid)
    factor = intensity_factor(np_w, thresholds.ftp_w)
    tss = training_stress_score(duration_s, np_w, thresholds.ftp_w)
    trimp_value, hr_tss_value = _heart(grid.hr_bpm, thresholds, sex)
    graded = _graded_speed(sport, grid)
    ngs = normalized_graded_speed(graded, grid.moving) if graded is not None else None
    rtss_value = rtss(moving_s, ngs, thresholds.threshold_speed_mps) if ngs is not None else None
    output, kind = _ef_output(sport, grid, graded)
    drift, steady, ef, splits = _efficiency(grid, output, kind, laps_start_s)
    distance_total = total_distance_m if total_distance_m is not None else _covered(distance)
    return ActivityMetricsResult(
        np_w=np_w,
        intensity_factor=factor,
        tss=tss,
        trimp=trimp_value,
        hr_tss=hr_tss_value,
        rtss=rtss_value,
        graded_speed_mps=ngs,
        dist_eq_km=distance_equivalent_km(
            sport=sport, distance_m=distance_total, ascent_m=ascent_m, factors=dist_eq_factors
        ),
        decoupling_pct=drift,
        decoupling_steady=steady,
        efficiency_factor=ef,
        splits=splits,
        time_in_zone_s=_zones(sport, times, power, hr, speed, thresholds),
        mean_max=_mean_max(sport, grid) if curves else dict.fromkeys(CURVE_CHANNELS),
        best_efforts_s=_best_efforts(sport, times, distance) if curves else None,
        recorded_s=duration_s,
        moving_s=moving_s,
        load=activity_load(
            model="auto",
            tss=tss,
            rtss=rtss_value,
            hr_tss=hr_tss_value,
            rpe=rpe,
            duration_s=duration_s,
        ),
    )


def _present(channel: FloatArray | None) -> FloatArray | None:
    """The channel as float64, or None when it is absent or has no finite sample."""
    if channel is None:
        return None
    values = np.asarray(channel, dtype=np.float64)
    return values if np.isfinite(values).any() else None


def _on_grid(
    sport: str,
    times: FloatArray,
    power: FloatArray | None,
    hr: FloatArray | None,
    speed: FloatArray | None,
    distance: FloatArray | None,
    altitude: FloatArray | None,
) -> _Grid:
    """Every present channel on one 1 Hz grid; power filled with 0 W first (`power_1hz`)."""
    filled = np.where(np.isfinite(power), power, 0.0) if power is not None else None
    named = {"power": filled, "hr": hr, "speed": speed, "distance": distance, "alt": altitude}
    present = {name: values for name, values in named.items() if values is not None}
    resampled = resample_1hz(times, *present.values())
    on_grid = dict(zip(present, resampled.channels, strict=True))
    grid_speed, grid_power = on_grid.get("speed"), on_grid.get("power")
    if not len(resampled):
        moving = np.zeros(0, dtype=bool)
    else:
        moving = moving_mask(grid_speed, grid_power, sport=sport)
        if grid_speed is None and grid_power is None:
            moving = np.ones(len(resampled), dtype=bool)
    return _Grid(
        resampled=resampled,
        power_w=grid_power,
        hr_bpm=on_grid.get("hr"),
        speed_mps=grid_speed,
        distance_m=on_grid.get("distance"),
        altitude_m=on_grid.get("alt"),
        moving=moving,
    )


def _recorded_s(times: FloatArray) -> float:
    """Elapsed minus pauses: the sum of the sample intervals of at most 10 s."""
    ordered = np.sort(times[np.isfinite(times)])
    steps = np.diff(ordered)
    return float(steps[steps <= PAUSE_S].sum())


def _covered(distance: FloatArray | None) -> float | None:
    """Sum of the distance stream's increases (m)."""
    if distance is None:
        return None
    steps = np.diff(distance[np.isfinite(distance)])
    return float(steps[steps > 0].sum())


def _np(grid: _Grid) -> float | None:
    if grid.power_w is None:
        return None
    return normalized_power(grid.power_w, segment=grid.resampled.segment)


def _heart(
    hr: FloatArray | None, thresholds: MetricThresholds, sex: str
) -> tuple[float | None, float | None]:
    """(TRIMP, hrTSS) of the 1 Hz HR; None without HR or the thresholds each needs."""
    rest, top = thresholds.hr_rest_bpm, thresholds.hr_max_bpm
    if hr is None or rest is None or top is None:
        return None, None
    value = trimp(hr, hr_rest_bpm=rest, hr_max_bpm=top, sex=sex)
    if thresholds.lthr_bpm is None:
        return value, None
    score = hr_tss(value, lthr_bpm=thresholds.lthr_bpm, hr_rest_bpm=rest, hr_max_bpm=top, sex=sex)
    return value, score


def _graded_speed(sport: str, grid: _Grid) -> FloatArray | None:
    """Grade-adjusted 1 Hz speed on foot (implausible paces masked); flat when the grade is
    unknown (no distance or altitude). None for other sports or without speed."""
    if sport not in ON_FOOT_SPORTS or grid.speed_mps is None:
        return None
    speed = mask_implausible_run_pace(grid.speed_mps)
    if grid.distance_m is None or grid.altitude_m is None:
        return speed
    return graded_speed(speed, grade_from_altitude(grid.distance_m, grid.altitude_m))


def _ef_output(
    sport: str, grid: _Grid, graded: FloatArray | None
) -> tuple[FloatArray | None, Output]:
    """The output EF divides by HR: power on rides (or without speed), else (graded) speed."""
    if grid.power_w is not None and (sport == "ride" or grid.speed_mps is None):
        return grid.power_w, "power"
    if graded is not None:
        return graded, "speed"
    return grid.speed_mps, "speed"


def _efficiency(
    grid: _Grid,
    output: FloatArray | None,
    kind: Output,
    laps_start_s: tuple[float, ...] | list[float],
) -> tuple[float | None, bool, float | None, tuple[SplitEfficiency, ...]]:
    """(decoupling %, steady, EF, per-lap EF) over the moving seconds."""
    if output is None or grid.hr_bpm is None:
        return None, False, None, ()
    drift = decoupling(output, grid.hr_bpm, kind=kind, moving=grid.moving)
    ef = efficiency_factor(output, grid.hr_bpm, kind=kind, moving=grid.moving)
    splits: tuple[SplitEfficiency, ...] = ()
    if len(laps_start_s):
        # A lap's start on the grid: the index of the first grid second at or after it.
        starts = np.searchsorted(grid.resampled.time_s, np.asarray(laps_start_s, dtype=float))
        edges = sorted({int(i) for i in starts if i < len(grid.resampled)} | {0})
        splits = tuple(split_decoupling(output, grid.hr_bpm, edges, kind=kind, moving=grid.moving))
    return drift.decoupling_pct, drift.steady, ef, splits


def _zones(
    sport: str,
    times: FloatArray,
    power: FloatArray | None,
    hr: FloatArray | None,
    speed: FloatArray | None,
    thresholds: MetricThresholds,
) -> dict[str, tuple[float, ...] | None]:
    """Seconds per zone for HR, power and pace (on foot) on the raw samples; None where the
    channel or the zones are missing."""
    durations = sample_durations_s(times)
    pace_speed = speed if sport in ON_FOOT_SPORTS else None
    kinds = (
        ("hr", hr, thresholds.hr_zone_bounds_bpm),
        ("power", power, thresholds.power_zone_bounds_w),
        ("pace", pace_speed, thresholds.pace_zone_bounds_mps),
    )
    result: dict[str, tuple[float, ...] | None] = {}
    for name, values, bounds in kinds:
        if values is None or not bounds:
            result[name] = None
            continue
        seconds = time_in_zones(values, durations, bounds)
        result[name] = tuple(float(value) for value in seconds)
    return result


def _mean_max(sport: str, grid: _Grid) -> dict[str, dict[int, float] | None]:
    """Mean-max curves (duration s → best average) on the shared duration grid."""
    speed = grid.speed_mps
    if speed is not None:
        speed = mask_speed_spikes(speed, grid.resampled.time_s, sport=sport)
    if speed is not None and sport in ON_FOOT_SPORTS:
        speed = mask_implausible_run_pace(speed)
    return {
        "power_w": _curve(grid.power_w, zero_for_nan=True, resolution=None),
        "speed_mps": _curve(speed, zero_for_nan=False, resolution=SPEED_RESOLUTION_MPS),
        "hr_bpm": _curve(grid.hr_bpm, zero_for_nan=False, resolution=None),
    }


def _curve(
    values: FloatArray | None, *, zero_for_nan: bool, resolution: float | None
) -> dict[int, float] | None:
    if values is None:
        return None
    length = values.size if zero_for_nan else int(np.isfinite(values).sum())
    durations = meanmax_durations(length)
    if durations.size == 0:
        return None
    best = mean_max(
        values, durations, nan="zero" if zero_for_nan else "skip", resolution=resolution
    )
    finite = np.isfinite(best)
    return dict(zip(durations[finite].tolist(), best[finite].tolist(), strict=True))


def _best_efforts(
    sport: str, times: FloatArray, distance: FloatArray | None
) -> dict[float, float | None] | None:
    """Fastest time (s) over each best-effort distance, on foot and with a distance stream."""
    if sport not in ON_FOOT_SPORTS or distance is None:
        return None
    return best_efforts(distance, times, BEST_EFFORT_DISTANCES_M, sport=sport)
