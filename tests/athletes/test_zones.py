"""Pure zone derivations, with hand-computed boundaries (no database)."""

from __future__ import annotations

import pytest

from athletes.zones import (
    Zone,
    hr_zones_from_lthr,
    hr_zones_from_max,
    pace_zones_from_threshold_speed,
    power_zones_from_ftp,
    swim_zones_from_css,
    zone_index,
    zones_from_bounds,
)


def _lows(zones: list[Zone]) -> list[float]:
    return [zone.low for zone in zones]


def test_friel_zones_for_lthr_170_have_hand_computed_boundaries() -> None:
    zones = hr_zones_from_lthr(170)
    assert [z.name for z in zones] == ["Z1", "Z2", "Z3", "Z4", "Z5a", "Z5b", "Z5c"]
    # 85, 90, 95, 100, 103, 106 % of 170 bpm
    assert _lows(zones) == [0.0, 144.5, 153.0, 161.5, 170.0, 175.1, 180.2]
    assert zones[-1].high is None
    assert zones[3] == Zone("Z4", 161.5, 170.0)


def test_coggan_zones_for_ftp_250_have_hand_computed_boundaries() -> None:
    zones = power_zones_from_ftp(250)
    assert zones[0].name == "Active recovery"
    assert zones[-1].name == "Neuromuscular"
    # 55, 75, 90, 105, 120, 150 % of 250 W
    assert _lows(zones) == [0.0, 137.5, 187.5, 225.0, 262.5, 300.0, 375.0]
    assert zones[-1].high is None


def test_pace_zones_for_threshold_speed_4_mps_have_hand_computed_boundaries() -> None:
    zones = pace_zones_from_threshold_speed(4.0)
    assert len(zones) == 6
    # 78, 88, 95, 101, 105 % of 4.0 m/s
    assert _lows(zones) == [0.0, 3.12, 3.52, 3.8, 4.04, 4.2]


def test_hr_max_zones_use_percent_of_max_without_resting_hr() -> None:
    zones = hr_zones_from_max(190)
    assert _lows(zones) == [95.0, 114.0, 133.0, 152.0, 171.0]
    assert [z.high for z in zones] == [114.0, 133.0, 152.0, 171.0, None]


def test_hr_max_zones_use_karvonen_reserve_with_resting_hr() -> None:
    zones = hr_zones_from_max(190, 50)
    # 50 + (190 - 50) x 50/60/70/80/90 %
    assert _lows(zones) == [120.0, 134.0, 148.0, 162.0, 176.0]


def test_swim_zones_scale_with_css() -> None:
    zones = swim_zones_from_css(1.0)
    assert _lows(zones) == [0.0, 0.85, 0.92, 0.97, 1.01, 1.05]


def test_zone_index_puts_a_boundary_value_in_the_upper_zone() -> None:
    zones = hr_zones_from_lthr(170)
    assert zone_index(100, zones) == 0
    assert zone_index(144.4, zones) == 0
    assert zone_index(144.5, zones) == 1
    assert zone_index(170, zones) == 4
    assert zone_index(250, zones) == 6


def test_zone_index_counts_values_below_the_hr_max_floor_as_zone_one() -> None:
    assert zone_index(60, hr_zones_from_max(190)) == 0


def test_zone_index_refuses_no_zones() -> None:
    with pytest.raises(ValueError):
        zone_index(100, [])


def test_zones_from_bounds_builds_open_ended_bands() -> None:
    zones = zones_from_bounds([120, 150], ["Easy", "Steady", "Hard"])
    assert zones == [
        Zone("Easy", 0.0, 120.0),
        Zone("Steady", 120.0, 150.0),
        Zone("Hard", 150.0, None),
    ]


@pytest.mark.parametrize(
    ("bounds", "names"),
    [
        ([120, 150], ["A", "B"]),
        ([150, 120], ["A", "B", "C"]),
        ([120, 120], ["A", "B", "C"]),
        ([-1], ["A", "B"]),
        ([float("nan")], ["A", "B"]),
    ],
)
def test_zones_from_bounds_refuses_bad_shapes(bounds: list[float], names: list[str]) -> None:
    with pytest.raises(ValueError):
        zones_from_bounds(bounds, names)
