from __future__ import annotations

import pytest

from analytics.metrics.disteq import DistEqFactors, SportFactors, distance_equivalent_km


def test_a_run_adds_one_km_per_100_m_of_climb() -> None:
    assert distance_equivalent_km(sport="run", distance_m=10_000, ascent_m=500) == pytest.approx(15)


def test_a_hike_counts_like_a_run() -> None:
    assert distance_equivalent_km(sport="hike", distance_m=8_000, ascent_m=1_000) == pytest.approx(
        18
    )


def test_a_ride_counts_0_3_per_km_and_0_02_per_metre_of_climb() -> None:
    value = distance_equivalent_km(sport="ride", distance_m=100_000, ascent_m=1_000)
    assert value == pytest.approx(30 + 20)


def test_a_ski_counts_one_per_km_and_0_01_per_metre() -> None:
    assert distance_equivalent_km(sport="ski", distance_m=20_000, ascent_m=300) == pytest.approx(23)


def test_an_athletes_own_factors_replace_the_defaults() -> None:
    factors = DistEqFactors(ride=SportFactors(per_km=0.25, per_ascent_m=0.01))
    value = distance_equivalent_km(sport="ride", distance_m=40_000, ascent_m=500, factors=factors)
    assert value == pytest.approx(10 + 5)


def test_a_missing_ascent_counts_zero_and_a_missing_distance_gives_nothing() -> None:
    assert distance_equivalent_km(sport="run", distance_m=5_000, ascent_m=None) == pytest.approx(5)
    assert distance_equivalent_km(sport="run", distance_m=None, ascent_m=100) is None


def test_sports_without_factors_have_no_distance_equivalent() -> None:
    assert distance_equivalent_km(sport="swim", distance_m=2_000, ascent_m=0) is None
