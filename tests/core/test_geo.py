"""The one haversine: hand-checkable distances, and its shapes agree (pure)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from core.geo import EARTH_RADIUS_M, haversine_m, haversine_rad_m, step_lengths_m

ONE_DEGREE_M = EARTH_RADIUS_M * math.pi / 180  # 111,195 m along any great circle
# A loop around Paris, degrees (lat, lon): a few hundred metres per step, one long jump.
TRACK = np.array(
    [[48.85, 2.35], [48.851, 2.352], [48.853, 2.351], [48.86, 2.36], [48.85, 2.35], [49.0, 2.0]]
)


def test_one_degree_of_latitude_or_of_the_equator_is_about_111_km() -> None:
    assert haversine_m(0.0, 0.0, 1.0, 0.0) == pytest.approx(ONE_DEGREE_M)
    assert haversine_m(0.0, 10.0, 0.0, 11.0) == pytest.approx(ONE_DEGREE_M)
    assert round(ONE_DEGREE_M, 2) == 111_195.08


def test_a_degree_of_longitude_shrinks_with_the_cosine_of_the_latitude() -> None:
    assert haversine_m(60.0, 0.0, 60.0, 1.0) == pytest.approx(ONE_DEGREE_M / 2, rel=1e-4)


def test_half_the_earth_around_is_pi_radii_and_a_point_is_zero_from_itself() -> None:
    assert haversine_m(0.0, 0.0, 0.0, 180.0) == pytest.approx(math.pi * EARTH_RADIUS_M)
    assert haversine_m(90.0, 0.0, -90.0, 0.0) == pytest.approx(math.pi * EARTH_RADIUS_M)
    assert haversine_m(48.85, 2.35, 48.85, 2.35) == 0.0


def test_degrees_and_radians_give_the_same_distance() -> None:
    lat, lon = np.radians(TRACK[:, 0]), np.radians(TRACK[:, 1])
    in_rad = haversine_rad_m(lat[0], lon[0], lat, lon)
    assert np.array_equal(in_rad, haversine_m(TRACK[0, 0], TRACK[0, 1], TRACK[:, 0], TRACK[:, 1]))


def test_the_track_shape_agrees_with_one_pair_at_a_time() -> None:
    steps = step_lengths_m(TRACK[:, 0], TRACK[:, 1])
    pairs = [float(haversine_m(*a, *b)) for a, b in itertools.pairwise(TRACK)]
    assert steps.shape == (len(TRACK) - 1,)
    assert steps.tolist() == pairs


def test_one_point_against_many_broadcasts_like_the_pairs() -> None:
    many = haversine_m(TRACK[0, 0], TRACK[0, 1], TRACK[:, 0], TRACK[:, 1])
    one_by_one = [float(haversine_m(*TRACK[0], *point)) for point in TRACK]
    assert many.tolist() == one_by_one


def test_a_track_of_one_point_has_no_steps() -> None:
    assert step_lengths_m([48.85], [2.35]).size == 0
