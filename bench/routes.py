"""Route clustering figures (DESIGN §8): 1,250 / 2,500 / 5,000 GPS tracks.

    .venv/bin/python bench/routes.py

Pure: no database, no corpus. The tracks are SYNTHETIC (seeded random numbers): 50 base routes
around a city (Lyon), 5–40 km long, from 10 "home" starts — five routes share each home, so
routes with the same start (and, for loops, the same end) do meet in the buckets, as an
athlete's runs from home do. Half the routes are loops back home, half point-to-point. Each of
the 5,000 tracks follows one base route with a smooth sideways drift (± 15 m), GPS noise
(SD 5 m per fix), 64–2,000 fixes and a distance off by ~1 %. The tracks are shuffled; the
first 1,250 / 2,500 / all 5,000 are clustered (resampling included). Each figure is the median
of 3 runs; the machine is shared, so rerun before quoting.
"""

from __future__ import annotations

import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics.metrics.routes import Track, cluster_routes  # noqa: E402
from core.geo import EARTH_RADIUS_M  # noqa: E402

CITY_LAT, CITY_LON = 45.76, 4.84
ROUTES, HOMES, TRACKS = 50, 10, 5000
SIZES = (1250, 2500, 5000)
FloatArray = np.ndarray


def base_route(rng: np.random.Generator, home_xy: FloatArray, loop: bool) -> FloatArray:
    """A route in local metres (E, N), 5–40 km long, sampled every ~5 m."""
    length_m = rng.uniform(5000.0, 40000.0)
    t = np.linspace(0.0, 1.0, int(length_m / 5.0))
    if loop:  # a wobbly closed curve through home
        angle = 2 * np.pi * t
        radius = 1.0 + 0.25 * np.sin(3 * angle + rng.uniform(0, 2 * np.pi))
        shape = np.stack([radius * np.cos(angle) - radius[0], radius * np.sin(angle)], axis=1)
        shape = shape @ _rotation(rng.uniform(0, 2 * np.pi))
    else:  # a winding road away from home
        heading = rng.uniform(0, 2 * np.pi) + np.cumsum(rng.normal(0, 0.02, t.size))
        shape = np.cumsum(np.stack([np.cos(heading), np.sin(heading)], axis=1), axis=0)
        shape -= shape[0]
    steps = np.hypot(*np.diff(shape, axis=0).T).sum()
    return np.asarray(home_xy + shape * (length_m / steps))


def _rotation(angle: float) -> FloatArray:
    return np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])


def one_track(rng: np.random.Generator, activity_id: int, route: FloatArray) -> Track:
    fixes = int(rng.integers(64, 2001))
    along = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(route, axis=0).T))])
    at = np.linspace(0.0, along[-1], fixes)
    xy = np.stack([np.interp(at, along, route[:, 0]), np.interp(at, along, route[:, 1])], axis=1)
    drift = 15.0 * np.sin(at / 700.0 + rng.uniform(0, 2 * np.pi))[:, None] * rng.normal(0, 1, 2)
    xy = xy + np.clip(drift, -15.0, 15.0) + rng.normal(0.0, 5.0, xy.shape)
    lat = CITY_LAT + np.degrees(xy[:, 1] / EARTH_RADIUS_M)
    lon = CITY_LON + np.degrees(xy[:, 0] / (EARTH_RADIUS_M * math.cos(math.radians(CITY_LAT))))
    return Track(activity_id, lat, lon, float(along[-1] * rng.normal(1.0, 0.01)))


def synthetic_tracks(seed: int = 4) -> tuple[list[Track], dict[int, int]]:
    """5,000 shuffled tracks and the base route of each activity id."""
    rng = np.random.default_rng(seed)
    homes = rng.uniform(-8000.0, 8000.0, (HOMES, 2))
    routes = [base_route(rng, homes[r % HOMES], loop=r % 2 == 0) for r in range(ROUTES)]
    truth = {i: i % ROUTES for i in range(TRACKS)}
    tracks = [one_track(rng, i, routes[truth[i]]) for i in range(TRACKS)]
    order = rng.permutation(TRACKS)
    return [tracks[i] for i in order], truth


def median_s(tracks: list[Track], repeats: int = 3) -> tuple[float, int]:
    """Median clustering time (s) and the number of routes found."""
    samples = []
    clusters = []
    for _ in range(repeats):
        started = time.perf_counter()
        clusters = cluster_routes(tracks)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), len(clusters)


def main() -> None:
    tracks, truth = synthetic_tracks()
    print(f"{TRACKS:,} synthetic tracks, {ROUTES} base routes from {HOMES} homes")
    print(f"{'tracks':>7} {'seconds':>8} {'µs/track':>9} {'routes':>7} {'exact':>6} {'× time':>7}")
    previous: float | None = None
    for size in SIZES:
        subset = tracks[:size]
        seconds, found = median_s(subset)
        exact = _exact(subset, truth)
        growth = f"{seconds / previous:.2f}" if previous else "—"
        print(
            f"{size:>7,} {seconds:>8.2f} {seconds / size * 1e6:>9.0f} {found:>7} "
            f"{exact!s:>6} {growth:>7}"
        )
        previous = seconds
    print("× time: time ÷ time of the previous (half-size) row; 2.0 = linear growth")


def _exact(tracks: list[Track], truth: dict[int, int]) -> bool:
    """True when every cluster holds exactly the tracks of one base route."""
    found = sorted(sorted(int(i) for i in c.activity_ids) for c in cluster_routes(tracks))
    expected: dict[int, list[int]] = {}
    for track in tracks:
        expected.setdefault(truth[int(track.activity_id)], []).append(int(track.activity_id))
    return found == sorted(sorted(ids) for ids in expected.values())


if __name__ == "__main__":
    main()
