"""One synthetic session at 1 Hz: speed or power from intensity × threshold, heart rate with a
first-order lag and cardiac drift, terrain, GPS, cadence and temperature. Pure.

Models (plausible, not exact): running and hiking hold effort, so speed falls uphill (÷(1+4g)
running, ÷(1+6g) hiking); riding holds power (freewheeling down steep descents, unless at
tempo effort or harder) and speed follows from the power balance
P = v·(½ρ·CdA·v² + m·g·(Crr + g)); heart rate tends to rest + (LTHR - rest)·(0.25 + 0.75·effort)
with a 35 s time constant, plus 3–7 bpm/h of drift at sustained effort.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

import numpy as np

from activities.summary import summarize
from activities.types import FloatArray, NormalizedActivity, Streams
from coaching.demo.synthetic.laps import laps_from_blocks
from coaching.demo.synthetic.planned import PlannedSession, follow_plan
from coaching.demo.synthetic.schedule import SessionSpec
from coaching.demo.synthetic.terrain import Terrain, route_make, terrain_make
from coaching.demo.synthetic.workouts import Workout, workout_build
from core.sports import Sport

HR_TAU_S = 35.0
AIR_DENSITY = 1.2
CDA_M2 = 0.36
ROLLING = 0.005
GRAVITY = 9.81
BIKE_KG = 9.0
POOL_M = 25.0
DEVICE = "Paceline demo"
HOLD_POWER = 0.8  # from this intensity riders keep pedalling down the hills (intervals)


@dataclass(frozen=True, slots=True)
class Physiology:
    """The thresholds a session is generated from (SI units)."""

    hr_rest_bpm: float
    hr_max_bpm: float
    lthr_bpm: float
    ride_lthr_bpm: float
    threshold_speed_mps: float
    ftp_w: float
    css_mps: float
    mass_kg: float = 68.0


@dataclass(frozen=True, slots=True)
class Home:
    """The fixed point every outdoor session starts from, and how hilly it is around it."""

    lat_deg: float
    lon_deg: float
    altitude_m: float = 150.0
    max_grade: float = 0.05


def smooth_noise(n: int, rng: np.random.Generator, *, sigma: float, span: int) -> FloatArray:
    """Zero-mean noise with standard deviation ≈ sigma, correlated over about `span` samples."""
    white = rng.standard_normal(n + span)
    return np.convolve(white, np.ones(span) / np.sqrt(span), mode="valid")[:n] * sigma


def per_second(workout: Workout) -> tuple[FloatArray, FloatArray]:
    """Intensity at each second (eased over 5 s between blocks) and the raw block intensity."""
    raw = np.concatenate([np.full(b.duration_s, b.intensity) for b in workout.blocks])
    padded = np.concatenate((np.full(4, raw[0]), raw))
    return np.convolve(padded, np.ones(5) / 5, mode="valid"), raw


def lagged(target: FloatArray, *, start: float, tau_s: float) -> FloatArray:
    """First-order lag (time constant tau_s) of a 1 Hz signal starting from `start`."""
    length = int(5 * tau_s)
    alpha = np.exp(-1.0 / tau_s)
    kernel = (1 - alpha) * alpha ** np.arange(length)
    padded = np.concatenate((np.full(length, start), target))
    return np.convolve(padded, kernel / kernel.sum(), mode="valid")[1:]


def heart_rate(
    effort: FloatArray, body: Physiology, lthr_bpm: float, rng: np.random.Generator
) -> FloatArray:
    """Heart rate (bpm) for an effort series (fraction of threshold), lag, drift and noise."""
    hours = np.arange(effort.shape[0]) / 3600.0
    drift = rng.uniform(3.0, 7.0) * hours * np.clip(effort, 0.0, 1.0)
    target = body.hr_rest_bpm + (lthr_bpm - body.hr_rest_bpm) * (0.25 + 0.75 * effort) + drift
    target = np.clip(target, body.hr_rest_bpm + 5, body.hr_max_bpm - 2)
    hr = lagged(target, start=body.hr_rest_bpm + 20, tau_s=HR_TAU_S)
    hr += smooth_noise(hr.shape[0], rng, sigma=1.2, span=5)
    return np.clip(np.round(hr), body.hr_rest_bpm, body.hr_max_bpm)


def _distance(speed: FloatArray) -> FloatArray:
    """Distance at each sample: the running sum of 1 s × speed before it."""
    return np.concatenate(([0.0], np.cumsum(speed)[:-1]))


def _terrain(spec: SessionSpec, home: Home, loop_m: float, rng: np.random.Generator) -> Terrain:
    if spec.sport == Sport.RIDE:
        grade, hills = min(home.max_grade * 1.2, 0.08), (3000.0, 15000.0)
    elif spec.sub_sport in ("trail", "hiking"):
        grade, hills = min(home.max_grade * 2.5, 0.2), (1200.0, 5000.0)
    else:
        grade, hills = min(home.max_grade, 0.06), (800.0, 3000.0)
    return terrain_make(
        loop_m=loop_m, base_m=home.altitude_m, max_grade=grade, hill_m=hills, rng=rng
    )


def _on_foot_speed(
    flat: FloatArray, terrain: Terrain, *, uphill: float
) -> tuple[FloatArray, FloatArray]:
    """Speed holding effort over the terrain (two passes: flat distance, then graded)."""
    speed = flat
    for _ in range(2):
        grade = terrain.grade(_distance(speed))
        factor = np.where(
            grade > 0, 1 / (1 + uphill * grade), np.minimum(1 / (1 + 2 * grade), 1.15)
        )
        speed = flat * factor
    return speed, terrain.grade(_distance(speed))


def ride_speed(power_w: FloatArray, grade: FloatArray, mass_kg: float) -> FloatArray:
    """Speed (m/s) where the power balance holds, by bisection (one positive root: convex)."""
    drag = 0.5 * AIR_DENSITY * CDA_M2
    climb = (mass_kg + BIKE_KG) * GRAVITY * (ROLLING + grade)
    low, high = np.full_like(power_w, 0.3), np.full_like(power_w, 30.0)
    for _ in range(30):
        mid = (low + high) / 2
        too_fast = mid * (drag * mid**2 + climb) > power_w
        high, low = np.where(too_fast, mid, high), np.where(too_fast, low, mid)
    return np.clip((low + high) / 2, 1.8, 19.0)  # riders brake before 70 km/h


def _ride(
    streams: Streams,
    intensity: FloatArray,
    body: Physiology,
    terrain: Terrain,
    rng: np.random.Generator,
) -> FloatArray:
    n = intensity.shape[0]
    power = intensity * body.ftp_w * (1 + smooth_noise(n, rng, sigma=0.08, span=4))
    speed = ride_speed(power, np.zeros(n), body.mass_kg)
    freewheel = (rng.random(n) < 0.8) & (intensity < HOLD_POWER)
    for _ in range(2):
        grade = terrain.grade(_distance(speed))
        power_now = np.where((grade < -0.035) & freewheel, 0.0, power)
        speed = ride_speed(power_now, grade, body.mass_kg)
    streams.power_w = np.round(np.clip(power_now, 0, None))
    cadence = 86 + 10 * (intensity - 0.7) + smooth_noise(n, rng, sigma=2.5, span=8)
    streams.cadence_spm = np.where(power_now > 0, np.round(cadence), 0.0)
    streams.speed_mps = speed
    return streams.power_w / body.ftp_w


def _on_foot(
    streams: Streams,
    intensity: FloatArray,
    body: Physiology,
    terrain: Terrain,
    hike: bool,
    rng: np.random.Generator,
) -> FloatArray:
    n = intensity.shape[0]
    flat = intensity * body.threshold_speed_mps * (1 + smooth_noise(n, rng, sigma=0.02, span=10))
    speed, grade = _on_foot_speed(flat, terrain, uphill=6.0 if hike else 4.0)
    streams.speed_mps = np.clip(speed, 0.6 if hike else 1.4, 7.0)
    base, slope = (48.0, 3.0) if hike else (72.0, 4.0)
    cadence = base + slope * streams.speed_mps + smooth_noise(n, rng, sigma=1.2, span=6)
    streams.cadence_spm = np.round(cadence)
    return intensity * (1 + np.clip(grade, 0, None) * (8.0 if hike else 1.5))


def _swim(
    streams: Streams,
    intensity: FloatArray,
    raw: FloatArray,
    body: Physiology,
    rng: np.random.Generator,
) -> FloatArray:
    n = intensity.shape[0]
    speed = np.where(
        raw > 0, intensity * body.css_mps * (1 + smooth_noise(n, rng, sigma=0.03, span=20)), 0.0
    )
    streams.speed_mps = np.clip(speed, 0.0, 2.2)
    streams.cadence_spm = np.where(raw > 0, np.round(24 + 10 * intensity), 0.0)
    return intensity * 0.93


def _outdoor(streams: Streams, terrain: Terrain, home: Home, rng: np.random.Generator) -> None:
    """Altitude and GPS positions from the distance covered along the loop."""
    assert streams.distance_m is not None
    route = route_make(loop_m=terrain.loop_m, rng=rng)
    lat, lon = route.positions(
        streams.distance_m, home_lat_deg=home.lat_deg, home_lon_deg=home.lon_deg
    )
    streams.lat_deg, streams.lon_deg = np.round(lat, 7), np.round(lon, 7)
    streams.altitude_m = np.round(terrain.altitude_m(streams.distance_m) * 5) / 5


def _on_land(
    spec: SessionSpec,
    streams: Streams,
    intensity: FloatArray,
    body: Physiology,
    home: Home,
    rng: np.random.Generator,
) -> FloatArray:
    """Run, ride or hike around the home loop; returns the effort that drives heart rate."""
    ride = spec.sport == Sport.RIDE
    if ride:
        flat_speed = ride_speed(intensity * body.ftp_w, np.zeros_like(intensity), body.mass_kg)
    else:
        flat_speed = intensity * body.threshold_speed_mps
    terrain = _terrain(spec, home, float(flat_speed.sum()), rng)
    if ride:
        effort = _ride(streams, intensity, body, terrain, rng)
    else:
        effort = _on_foot(streams, intensity, body, terrain, spec.sport == Sport.HIKE, rng)
    _finish_distance(streams)
    _outdoor(streams, terrain, home, rng)
    return effort


def _finish_distance(streams: Streams) -> None:
    assert streams.speed_mps is not None
    streams.speed_mps = np.round(streams.speed_mps, 3)
    streams.distance_m = np.round(_distance(streams.speed_mps), 2)


def _temperature(spec: SessionSpec, n: int, rng: np.random.Generator) -> FloatArray:
    season = np.cos(2 * np.pi * (spec.day.timetuple().tm_yday - 200) / 365)
    base = float(13 + 9 * season + 4 * rng.standard_normal())
    warming = np.arange(n, dtype=np.float64) / 3600.0
    return np.round(base + warming + smooth_noise(n, rng, sigma=0.4, span=120))


def _streams(
    spec: SessionSpec, workout: Workout, body: Physiology, home: Home, rng: np.random.Generator
) -> Streams:
    intensity, raw = per_second(workout)
    n = intensity.shape[0]
    streams = Streams(time_s=np.arange(n, dtype=np.float64))
    if spec.sport == Sport.STRENGTH:
        effort = intensity
    elif spec.sport == Sport.SWIM:
        effort = _swim(streams, intensity, raw, body, rng)
        _finish_distance(streams)
    else:
        effort = _on_land(spec, streams, intensity, body, home, rng)
    lthr = body.ride_lthr_bpm if spec.sport == Sport.RIDE else body.lthr_bpm
    streams.hr_bpm = heart_rate(effort, body, lthr, rng)
    if spec.sport != Sport.SWIM:
        streams.temperature_c = _temperature(spec, n, rng)
    return streams


def synthetic_activity(
    spec: SessionSpec,
    *,
    physiology: Physiology,
    home: Home,
    time_zone: str,
    seed: int,
    plan: PlannedSession | None = None,
) -> NormalizedActivity:
    """The recording of one planned session, deterministic for (seed, day, index): its
    structured `plan` step by step when it has one (`planned.follow_plan`), else a workout of
    the session's kind."""
    key = [seed, spec.day.toordinal(), spec.index]
    rng = np.random.default_rng(key)
    if plan is None:
        workout = workout_build(spec.sport, spec.kind, spec.duration_s, rng)
        streams = _streams(spec, workout, physiology, home, rng)
    else:
        workout, streams = follow_plan(
            plan,
            sport=spec.sport,
            body=physiology,
            generate=lambda w: _streams(spec, w, physiology, home, np.random.default_rng(key)),
            rng=np.random.default_rng([*key, 1]),
        )
    pool_m = POOL_M if spec.sport == Sport.SWIM else None
    laps = laps_from_blocks(streams, workout.blocks, pool_length_m=pool_m)
    local = dt.datetime.combine(spec.day, spec.start_local, tzinfo=zoneinfo.ZoneInfo(time_zone))
    return NormalizedActivity(
        sport=spec.sport,
        sub_sport=spec.sub_sport,
        started_at=local.astimezone(dt.UTC),
        streams=streams,
        summary=summarize(streams, sport=spec.sport, laps=laps),
        laps=laps,
        device=DEVICE,
        name=workout.name,
        pool_length_m=pool_m,
    )
