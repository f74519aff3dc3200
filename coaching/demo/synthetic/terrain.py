"""Where a demo session goes: a closed loop through the athlete's home point with a smooth,
periodic elevation profile whose steepest grade is bounded. Pure.

Altitude is a sum of sine waves of the distance along the loop; every wavelength divides the
loop length, so the profile closes on itself and the grade is known exactly (its derivative).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from activities.types import FloatArray

METRES_PER_DEG_LAT = 111_320.0
SHAPE_POINTS = 720


@dataclass(frozen=True, slots=True)
class Terrain:
    """Elevation along a loop of `loop_m` metres: base + Σ amplitude·sin(2π·d/wavelength + φ)."""

    loop_m: float
    base_m: float
    amplitudes_m: tuple[float, ...]
    wavelengths_m: tuple[float, ...]
    phases: tuple[float, ...]

    def altitude_m(self, distance_m: FloatArray) -> FloatArray:
        altitude = np.full_like(distance_m, self.base_m)
        for amp, wave, phase in zip(
            self.amplitudes_m, self.wavelengths_m, self.phases, strict=True
        ):
            altitude += amp * (np.sin(2 * np.pi * distance_m / wave + phase) - math.sin(phase))
        return altitude

    def grade(self, distance_m: FloatArray) -> FloatArray:
        """Slope (rise over run, 0.05 = 5 %) at each distance."""
        slope = np.zeros_like(distance_m)
        for amp, wave, phase in zip(
            self.amplitudes_m, self.wavelengths_m, self.phases, strict=True
        ):
            slope += amp * 2 * np.pi / wave * np.cos(2 * np.pi * distance_m / wave + phase)
        return slope


def terrain_make(
    *,
    loop_m: float,
    base_m: float,
    max_grade: float,
    hill_m: tuple[float, float],
    rng: np.random.Generator,
) -> Terrain:
    """Three hill wavelengths within `hill_m` (metres), scaled so the grade never exceeds
    `max_grade` (the sum of the components' steepest slopes)."""
    loop_m = max(loop_m, 400.0)
    waves = []
    for _ in range(3):
        count = max(1, round(loop_m / rng.uniform(*hill_m)))
        waves.append(loop_m / count)
    weights = rng.uniform(0.3, 1.0, size=3)
    weights /= weights.sum()
    amplitudes = tuple(
        max_grade * w * wave / (2 * np.pi) for w, wave in zip(weights, waves, strict=True)
    )
    phases = tuple(float(p) for p in rng.uniform(0, 2 * np.pi, size=3))
    return Terrain(loop_m, base_m, amplitudes, tuple(waves), phases)


@dataclass(frozen=True, slots=True)
class Route:
    """A closed loop as a polyline in metres east/north of the home point, with arc lengths."""

    east_m: FloatArray
    north_m: FloatArray
    along_m: FloatArray

    def positions(
        self, distance_m: FloatArray, *, home_lat_deg: float, home_lon_deg: float
    ) -> tuple[FloatArray, FloatArray]:
        """Latitude and longitude (degrees) at each distance along the loop (wrapping)."""
        at = np.mod(distance_m, self.along_m[-1])
        east = np.interp(at, self.along_m, self.east_m)
        north = np.interp(at, self.along_m, self.north_m)
        lat = home_lat_deg + north / METRES_PER_DEG_LAT
        lon = home_lon_deg + east / (METRES_PER_DEG_LAT * math.cos(math.radians(home_lat_deg)))
        return lat, lon


def route_make(*, loop_m: float, rng: np.random.Generator) -> Route:
    """A wobbly loop (radius modulated by two harmonics) through home, `loop_m` long."""
    theta = np.linspace(0.0, 2 * np.pi, SHAPE_POINTS)
    wobble = (
        1
        + 0.18 * np.sin(2 * theta + rng.uniform(0, 6.3))
        + 0.1 * np.sin(3 * theta + rng.uniform(0, 6.3))
    )
    heading = rng.uniform(0, 2 * np.pi)
    east, north = wobble * np.cos(theta + heading), wobble * np.sin(theta + heading)
    east, north = east - east[0], north - north[0]  # the loop starts and ends at home
    steps = np.hypot(np.diff(east), np.diff(north))
    along = np.concatenate(([0.0], np.cumsum(steps)))
    scale = max(loop_m, 400.0) / along[-1]
    return Route(east * scale, north * scale, along * scale)
