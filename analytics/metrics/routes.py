"""Route clustering of GPS tracks, and the progression of times on each route.

Pure: numpy and stdlib only. Two activities are **the same route** when all of these hold:

1. their starts are within ``endpoint_m`` (200 m) of each other and so are their ends
   (haversine, R = 6,371,008.8 m);
2. their distances are within 10 %: ``max(d₁, d₂) / min(d₁, d₂) ≤ 1.10``;
3. their paths are similar: each track is resampled to ``samples`` (64) points equally spaced
   along its own haversine length, and the **banded symmetric mean nearest-point distance**
   ``½ (mean_i min_{|i-j|≤w} |a_i - b_j| + mean_j min_{|i-j|≤w} |a_i - b_j|)`` is below
   ``path_m`` (100 m). The band ``w = samples // 8`` (±12.5 % of the route) lets a point match
   only points at a similar fraction of the other route: it absorbs the shift that distances
   differing by up to 10 % cause, and it makes direction count. Distances are taken in a local
   equirectangular projection centred on the first track's start (x = R·Δλ·cos φ₀, y = R·Δφ;
   under 0.1 % error over a 40 km route).

**Direction is part of a route.** A point-to-point route run backwards swaps start and end and
fails rule 1; a loop run the other way round has the same start and end, but its points meet
the forward loop's points at the opposite fractions, so rule 3 keeps them apart.

Routes are the connected components of the "same route" relation (single linkage), formed with
union-find. To avoid comparing all pairs, tracks are bucketed by a hash of (start cell, end
cell, distance band): cells are 2 × ``endpoint_m`` wide on a global equirectangular grid
(x = R·λ·cos φ_ref with φ_ref the largest |latitude| of any endpoint, so a cell is at least that
wide in metres everywhere; y = R·φ), and bands are 2 × ln(1.10) wide in ln(distance). Because a
cell is twice the match radius, a track only needs the 2 × 2 cells nearest its start, the
2 × 2 nearest its end and the 2 nearest bands (the "half-cell" trick): 32 buckets per track.
Pairs already in one cluster are not compared again, so a route run 100 times costs about 100
path comparisons, not 100²/2. The cost is linear in the number of tracks as long as the number
of *different* routes sharing a start, an end and a distance band stays bounded. Tracks
crossing the ±180° meridian between two endpoints may be missed by the grid (not by the test).

The representative of a route is the member closest (mean point-to-point distance) to the
route's mean resampled track; ties go to the earliest in input order.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import product

import numpy as np
from numpy.typing import ArrayLike, NDArray

from core.geo import EARTH_RADIUS_M, haversine_rad_m, step_lengths_m

FloatArray = NDArray[np.float64]
ActivityId = int | str

ENDPOINT_M = 200.0
DISTANCE_RATIO = 1.10
PATH_M = 100.0
SAMPLES = 64
CHUNK = 256  # path comparisons per vectorised batch (256 × 64 × 64 floats)


@dataclass(frozen=True, slots=True)
class Track:
    """One activity's GPS track (degrees, NaN = missing fix) and its distance (m)."""

    activity_id: ActivityId
    lat_deg: ArrayLike
    lon_deg: ArrayLike
    distance_m: float


@dataclass(frozen=True, slots=True)
class RouteCluster:
    """Activities on one route, in input order, and the one that best represents it."""

    activity_ids: list[ActivityId]
    representative: ActivityId


@dataclass(frozen=True, slots=True)
class RouteEffort:
    """One activity on a route: its day and its time (s) on the route."""

    activity_id: ActivityId
    day: date
    time_s: float


@dataclass(frozen=True, slots=True)
class RouteTime:
    """A point of a route's progression: this activity's time and the best so far (s)."""

    activity_id: ActivityId
    day: date
    time_s: float
    best_so_far_s: float
    is_record: bool


@dataclass(frozen=True, slots=True)
class _Prepared:
    """Resampled tracks in radians, shape (n, samples), and per-track figures."""

    lat_rad: FloatArray
    lon_rad: FloatArray
    distance_m: FloatArray
    ids: list[ActivityId]


def resample_track(
    lat_deg: ArrayLike, lon_deg: ArrayLike, samples: int = SAMPLES
) -> tuple[FloatArray, FloatArray, float] | None:
    """``samples`` points equally spaced along the track's haversine length, as (lat_deg,
    lon_deg, length_m); None when fewer than two fixes remain after dropping NaN ones."""
    lat = np.asarray(lat_deg, dtype=np.float64).ravel()
    lon = np.asarray(lon_deg, dtype=np.float64).ravel()
    kept = np.isfinite(lat) & np.isfinite(lon)
    lat, lon = lat[kept], lon[kept]
    if lat.size < 2:
        return None
    along = np.concatenate([[0.0], np.cumsum(step_lengths_m(lat, lon))])
    length_m = float(along[-1])
    if length_m <= 0.0:
        return np.full(samples, lat[0]), np.full(samples, lon[0]), 0.0
    targets = np.linspace(0.0, length_m, samples)
    return np.interp(targets, along, lat), np.interp(targets, along, lon), length_m


def path_distance_m(
    lat_a_rad: FloatArray, lon_a_rad: FloatArray, lat_b_rad: FloatArray, lon_b_rad: FloatArray
) -> FloatArray:
    """Banded symmetric mean nearest-point distance (m) between resampled track ``a`` (shape
    (s,), radians) and each of the tracks ``b`` (shape (k, s)): point i of one track is matched
    to the nearest point j of the other with |i - j| ≤ s // 8. Equirectangular projection
    centred on a's start."""
    cos0 = math.cos(float(lat_a_rad[0]))
    ax = _wrap(lon_a_rad - lon_a_rad[0]) * cos0 * EARTH_RADIUS_M
    ay = (lat_a_rad - lat_a_rad[0]) * EARTH_RADIUS_M
    bx = _wrap(lon_b_rad - lon_a_rad[0]) * cos0 * EARTH_RADIUS_M
    by = (lat_b_rad - lat_a_rad[0]) * EARTH_RADIUS_M
    # near[k, i, d] = |a_i - b_k(i+d)| for |d| ≤ s // 8; indices past either end are clipped
    # to it, which repeats a point already inside the band and so leaves each minimum alone.
    columns = _band_columns(ax.size)
    near = np.hypot(ax[None, :, None] - bx[:, columns], ay[None, :, None] - by[:, columns])
    a_to_b = near.min(axis=2).mean(axis=1)
    # The band is symmetric, so b_j's neighbours in a are a_(j+d): the same diagonals read
    # from b's side. near[k, i, d] pairs a_i with b_(i+d); regroup it by b's index j = i + d.
    b_to_a = _min_by_b_index(near, ax.size // 8).mean(axis=1)
    return np.asarray(0.5 * (a_to_b + b_to_a))


@functools.cache
def _band_columns(samples: int) -> NDArray[np.intp]:
    """Index table (samples, 2w + 1): row i holds i - w … i + w clipped to [0, samples - 1],
    w = samples // 8. Cached, never modified."""
    width = samples // 8
    offsets = np.arange(-width, width + 1)
    return np.asarray(np.clip(np.arange(samples)[:, None] + offsets, 0, samples - 1), dtype=np.intp)


def _min_by_b_index(near: FloatArray, width: int) -> FloatArray:
    """For each track k and point j of b, the least near[k, j - d, d] over |d| ≤ width: b_j's
    distance to its nearest in-band point of a (clipped cells only repeat in-band ones)."""
    samples = near.shape[1]
    out = np.full(near.shape[:2], np.inf)
    for column, d in enumerate(range(-width, width + 1)):
        first, stop = max(0, -d), min(samples, samples - d)
        target = out[:, first + d : stop + d]
        np.minimum(target, near[:, first:stop, column], out=target)
    return out


def cluster_routes(
    tracks: Iterable[Track],
    *,
    endpoint_m: float = ENDPOINT_M,
    distance_ratio: float = DISTANCE_RATIO,
    path_m: float = PATH_M,
    samples: int = SAMPLES,
) -> list[RouteCluster]:
    """Group tracks into routes (see the module docstring for the rule and the bucketing).

    Clusters come in order of their first member's input position; a track with fewer than two
    GPS fixes is a route of its own."""
    prepared = _prepare(tracks, samples)
    parent = list(range(len(prepared.ids)))
    for i, candidates in enumerate(_candidates(prepared, endpoint_m, distance_ratio)):
        _link(
            i,
            candidates,
            prepared,
            parent,
            endpoint_m=endpoint_m,
            distance_ratio=distance_ratio,
            path_m=path_m,
        )
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(parent)):
        members[_find(parent, i)].append(i)
    return [_cluster(indices, prepared) for indices in members.values()]


def route_progression(efforts: Iterable[RouteEffort]) -> list[RouteTime]:
    """One route's times in chronological order (ties keep input order) with the best so far;
    ``is_record`` marks the times strictly faster than every earlier one."""
    progression: list[RouteTime] = []
    best_s = math.inf
    for effort in sorted(efforts, key=lambda effort: effort.day):
        is_record = effort.time_s < best_s
        best_s = min(best_s, effort.time_s)
        progression.append(
            RouteTime(effort.activity_id, effort.day, effort.time_s, best_s, is_record)
        )
    return progression


def _prepare(tracks: Iterable[Track], samples: int) -> _Prepared:
    ids: list[ActivityId] = []
    lats: list[FloatArray] = []
    lons: list[FloatArray] = []
    distances: list[float] = []
    for track in tracks:
        resampled = resample_track(track.lat_deg, track.lon_deg, samples)
        lat, lon, length_m = resampled or (np.full(samples, np.nan), np.full(samples, np.nan), 0.0)
        distance_m = track.distance_m
        ids.append(track.activity_id)
        lats.append(lat)
        lons.append(lon)
        distances.append(distance_m if math.isfinite(distance_m) and distance_m > 0 else length_m)
    shape = (len(ids), samples)
    return _Prepared(
        lat_rad=np.radians(np.array(lats, dtype=np.float64).reshape(shape)),
        lon_rad=np.radians(np.array(lons, dtype=np.float64).reshape(shape)),
        distance_m=np.array(distances, dtype=np.float64),
        ids=ids,
    )


def _candidates(prepared: _Prepared, endpoint_m: float, distance_ratio: float) -> list[list[int]]:
    """For each track, the later tracks that share one of its 32 nearest buckets."""
    keys = _bucket_keys(prepared, endpoint_m, distance_ratio)
    buckets: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for i, (home, _) in enumerate(keys):
        if home is not None:
            buckets[home].append(i)
    found: list[list[int]] = []
    for i, (_, near) in enumerate(keys):
        later = {j for key in near for j in buckets.get(key, ()) if j > i}
        found.append(sorted(later))
    return found


def _bucket_keys(
    prepared: _Prepared, endpoint_m: float, distance_ratio: float
) -> list[tuple[tuple[int, ...] | None, list[tuple[int, ...]]]]:
    """Per track: its own bucket and the 32 buckets any match of it must sit in."""
    cell_m = 2.0 * endpoint_m * 1.01  # a hair wider: the grid is not exactly metric
    band = 2.0 * math.log(distance_ratio)
    ends_lat = prepared.lat_rad[:, [0, -1]]
    finite = np.isfinite(ends_lat).all(axis=1) & (prepared.distance_m > 0)
    ref = float(np.abs(ends_lat[finite]).max()) if finite.any() else 0.0
    x_cell = cell_m / (EARTH_RADIUS_M * max(math.cos(ref), 1e-6))
    y_cell = cell_m / EARTH_RADIUS_M
    scaled = np.stack(
        [
            prepared.lon_rad[:, 0] / x_cell,
            prepared.lat_rad[:, 0] / y_cell,
            prepared.lon_rad[:, -1] / x_cell,
            prepared.lat_rad[:, -1] / y_cell,
            np.log(np.where(finite, prepared.distance_m, 1.0)) / band,
        ],
        axis=1,
    )
    keys: list[tuple[tuple[int, ...] | None, list[tuple[int, ...]]]] = []
    for row, ok in zip(scaled.tolist(), finite.tolist(), strict=True):
        if not ok:
            keys.append((None, []))
            continue
        home = tuple(math.floor(v) for v in row)
        near = [h + (1 if v - h >= 0.5 else -1) for h, v in zip(home, row, strict=True)]
        keys.append((home, list(product(*zip(home, near, strict=True)))))
    return keys


def _link(
    i: int,
    candidates: list[int],
    prepared: _Prepared,
    parent: list[int],
    *,
    endpoint_m: float,
    distance_ratio: float,
    path_m: float,
) -> None:
    """Union track i with every candidate that is the same route and not yet in its cluster."""
    root = _find(parent, i)
    rows = np.array([j for j in candidates if _find(parent, j) != root], dtype=np.intp)
    if rows.size == 0:
        return
    lat, lon, dist = prepared.lat_rad, prepared.lon_rad, prepared.distance_m
    near_start = haversine_rad_m(lat[i, 0], lon[i, 0], lat[rows, 0], lon[rows, 0]) <= endpoint_m
    near_end = haversine_rad_m(lat[i, -1], lon[i, -1], lat[rows, -1], lon[rows, -1]) <= endpoint_m
    ratio = np.maximum(dist[rows], dist[i]) / np.minimum(dist[rows], dist[i])
    rows = rows[near_start & near_end & (ratio <= distance_ratio)]
    for chunk in np.array_split(rows, max(1, -(-rows.size // CHUNK))):
        similar = path_distance_m(lat[i], lon[i], lat[chunk], lon[chunk]) < path_m
        for j in chunk[similar].tolist():
            parent[_find(parent, j)] = _find(parent, i)


def _cluster(indices: list[int], prepared: _Prepared) -> RouteCluster:
    ids = [prepared.ids[i] for i in indices]
    if len(indices) < 3 or not np.isfinite(prepared.lat_rad[indices]).all():
        return RouteCluster(activity_ids=ids, representative=ids[0])
    lat, lon = prepared.lat_rad[indices], prepared.lon_rad[indices]
    mean_lat, mean_lon = lat.mean(axis=0), lon.mean(axis=0)
    spread = haversine_rad_m(lat, lon, mean_lat[None, :], mean_lon[None, :]).mean(axis=1)
    return RouteCluster(activity_ids=ids, representative=ids[int(np.argmin(spread))])


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]  # path halving
        i = parent[i]
    return i


def _wrap(delta_rad: FloatArray) -> FloatArray:
    """Longitude differences folded into [-π, π)."""
    return np.asarray((delta_rad + math.pi) % (2 * math.pi) - math.pi)
