from __future__ import annotations

import itertools
import math
from datetime import date

import numpy as np
import pytest

from analytics.metrics.routes import (
    RouteEffort,
    Track,
    cluster_routes,
    path_distance_m,
    resample_track,
    route_progression,
)
from core.geo import EARTH_RADIUS_M, haversine_m

LAT0, LON0 = 48.85, 2.35  # Paris
FloatArray = np.ndarray


def to_degrees(east_m: FloatArray, north_m: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Local metres around (LAT0, LON0) → degrees (equirectangular, fine at these scales)."""
    lat = LAT0 + np.degrees(north_m / EARTH_RADIUS_M)
    lon = LON0 + np.degrees(east_m / (EARTH_RADIUS_M * math.cos(math.radians(LAT0))))
    return lat, lon


def polyline(corners: list[tuple[float, float]], step_m: float = 10.0) -> FloatArray:
    """Points every ~step_m metres along straight legs joining the corners (metres E, N)."""
    points = [np.array(corners[0], dtype=float)[None, :]]
    for start, end in itertools.pairwise(corners):
        start_xy, end_xy = np.array(start, dtype=float), np.array(end, dtype=float)
        count = max(1, round(float(np.hypot(*(end_xy - start_xy))) / step_m))
        fractions = np.linspace(0.0, 1.0, count + 1)[1:, None]
        points.append(start_xy + fractions * (end_xy - start_xy))
    return np.concatenate(points)


def track(
    activity_id: int,
    corners: list[tuple[float, float]],
    *,
    shift_m: tuple[float, float] = (0.0, 0.0),
    noise_m: float = 0.0,
    step_m: float = 10.0,
    seed: int = 0,
) -> Track:
    xy = polyline(corners, step_m) + np.array(shift_m)
    xy += np.random.default_rng(seed).normal(0.0, noise_m, xy.shape) if noise_m else 0.0
    lat, lon = to_degrees(xy[:, 0], xy[:, 1])
    length_m = float(np.hypot(*np.diff(polyline(corners, step_m), axis=0).T).sum())
    return Track(activity_id, lat, lon, length_m)


SQUARE_LOOP = [(0.0, 0.0), (2500.0, 0.0), (2500.0, 2500.0), (0.0, 2500.0), (0.0, 0.0)]
L_OUT_AND_BACK = [(0.0, 0.0), (2500.0, 0.0), (2500.0, 2500.0), (2500.0, 0.0), (0.0, 0.0)]
STRAIGHT_10K = [(0.0, 0.0), (10000.0, 0.0)]


def ids(clusters: list) -> list[list[int]]:
    return sorted(sorted(cluster.activity_ids) for cluster in clusters)


def test_a_straight_track_is_resampled_to_equal_steps_along_its_length() -> None:
    lat, lon = to_degrees(np.array([0.0, 100.0, 6300.0]), np.zeros(3))  # uneven fixes
    resampled = resample_track(lat, lon, samples=64)
    assert resampled is not None
    new_lat, new_lon, length_m = resampled
    assert length_m == pytest.approx(6300.0, rel=1e-3)
    steps = haversine_m(new_lat[:-1], new_lon[:-1], new_lat[1:], new_lon[1:])
    assert steps == pytest.approx(np.full(63, 100.0), rel=1e-3)


def test_a_track_with_fewer_than_two_fixes_cannot_be_resampled() -> None:
    assert resample_track([LAT0, np.nan], [LON0, LON0]) is None


def test_path_distance_of_a_track_to_itself_is_zero_and_to_a_parallel_one_is_the_gap() -> None:
    a = resample_track(*to_degrees(np.linspace(0, 5000, 200), np.zeros(200)))
    b = resample_track(*to_degrees(np.linspace(0, 5000, 200), np.full(200, 50.0)))
    assert a is not None and b is not None
    a_lat, a_lon = np.radians(a[0]), np.radians(a[1])
    b_lat, b_lon = np.radians(b[0]), np.radians(b[1])
    assert path_distance_m(a_lat, a_lon, a_lat[None], a_lon[None])[0] == pytest.approx(0.0)
    assert path_distance_m(a_lat, a_lon, b_lat[None], b_lon[None])[0] == pytest.approx(50.0, 1e-3)


def test_identical_tracks_are_one_route() -> None:
    clusters = cluster_routes([track(1, SQUARE_LOOP), track(2, SQUARE_LOOP)])
    assert ids(clusters) == [[1, 2]]


def test_the_same_route_with_gps_noise_and_other_sampling_is_one_route() -> None:
    tracks = [
        track(1, SQUARE_LOOP, noise_m=8.0, step_m=10.0, seed=1),
        track(2, SQUARE_LOOP, noise_m=8.0, step_m=3.0, seed=2, shift_m=(30.0, -40.0)),
        track(3, SQUARE_LOOP, noise_m=8.0, step_m=25.0, seed=3),
    ]
    assert ids(cluster_routes(tracks)) == [[1, 2, 3]]


def test_a_loop_run_the_other_way_round_is_another_route() -> None:
    forward = track(1, SQUARE_LOOP)
    backward = Track(
        2, np.asarray(forward.lat_deg)[::-1], np.asarray(forward.lon_deg)[::-1], forward.distance_m
    )
    assert ids(cluster_routes([forward, backward])) == [[1], [2]]


def test_a_point_to_point_route_run_backwards_is_another_route() -> None:
    there = track(1, STRAIGHT_10K)
    back = Track(
        2, np.asarray(there.lat_deg)[::-1], np.asarray(there.lon_deg)[::-1], there.distance_m
    )
    assert ids(cluster_routes([there, back])) == [[1], [2]]


def test_a_track_shifted_300_m_is_another_route() -> None:
    tracks = [track(1, SQUARE_LOOP), track(2, SQUARE_LOOP, shift_m=(300.0, 0.0))]
    assert ids(cluster_routes(tracks)) == [[1], [2]]


def test_an_out_and_back_and_a_loop_with_the_same_ends_and_distance_differ_by_path() -> None:
    loop, out_and_back = track(1, SQUARE_LOOP), track(2, L_OUT_AND_BACK)
    assert loop.distance_m == pytest.approx(out_and_back.distance_m)
    assert ids(cluster_routes([loop, out_and_back])) == [[1], [2]]


def test_the_same_start_end_and_path_but_20_percent_longer_is_another_route() -> None:
    short = track(1, [(0.0, 0.0), (5000.0, 0.0), (0.0, 0.0)])
    longer = track(2, [(0.0, 0.0), (6000.0, 0.0), (0.0, 0.0)])
    assert ids(cluster_routes([short, longer])) == [[1], [2]]


def test_routes_chain_through_a_middle_track_whatever_the_input_order() -> None:
    # Parallel lines 0 and 160 m apart are not similar (160 > 100 m), but both are 80 m from the
    # middle one; their ends are within 200 m.
    west, middle, east = (
        track(i, STRAIGHT_10K, shift_m=(0.0, shift))
        for i, shift in ((1, 0.0), (2, 80.0), (3, 160.0))
    )
    assert ids(cluster_routes([west, east])) == [[1], [3]]
    assert ids(cluster_routes([west, east, middle])) == [[1, 2, 3]]
    assert ids(cluster_routes([middle, east, west])) == [[1, 2, 3]]


def test_three_routes_in_a_mixed_set_are_found_exactly() -> None:
    far_loop = [(x + 8000.0, y + 3000.0) for x, y in SQUARE_LOOP]
    tracks = []
    for n in range(4):
        tracks.append(track(10 + n, SQUARE_LOOP, noise_m=6.0, seed=n, shift_m=(10.0 * n, 0.0)))
        tracks.append(track(20 + n, L_OUT_AND_BACK, noise_m=6.0, seed=10 + n))
        tracks.append(track(30 + n, far_loop, noise_m=6.0, seed=20 + n, step_m=5.0 + 5 * n))
    clusters = cluster_routes(tracks)
    assert ids(clusters) == [[10, 11, 12, 13], [20, 21, 22, 23], [30, 31, 32, 33]]
    assert [cluster.activity_ids[0] for cluster in clusters] == [10, 20, 30]  # input order


def test_the_representative_is_the_member_in_the_middle_of_the_route() -> None:
    tracks = [
        track(i, SQUARE_LOOP, shift_m=(0.0, shift))
        for i, shift in ((1, -40.0), (2, 0.0), (3, 40.0))
    ]
    (cluster,) = cluster_routes(tracks)
    assert cluster.representative == 2


def test_a_track_without_gps_is_a_route_of_its_own() -> None:
    empty = Track(9, np.array([np.nan]), np.array([np.nan]), 5000.0)
    assert ids(cluster_routes([track(1, SQUARE_LOOP), empty])) == [[1], [9]]


def test_route_progression_lists_times_by_day_with_the_best_so_far() -> None:
    efforts = [
        RouteEffort(3, date(2025, 3, 1), 2950.0),
        RouteEffort(1, date(2025, 1, 1), 3000.0),
        RouteEffort(2, date(2025, 2, 1), 3100.0),
        RouteEffort(4, date(2025, 4, 1), 2950.0),
    ]
    progression = route_progression(efforts)
    assert [p.activity_id for p in progression] == [1, 2, 3, 4]
    assert [p.best_so_far_s for p in progression] == [3000.0, 3000.0, 2950.0, 2950.0]
    assert [p.is_record for p in progression] == [True, False, True, False]  # a tie is no record
