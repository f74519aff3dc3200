"""Units: the conversion factors, and SI values written for people and read back (pure)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core import units as units_module
from core.units import (
    DAY_S,
    HOUR_S,
    KMH_PER_MPS,
    METRES_PER_FOOT,
    METRES_PER_KM,
    METRES_PER_MILE,
    METRES_PER_YARD,
    MPH_PER_MPS,
    clock_s,
    distance_unit,
    format_clock,
    format_distance,
    format_distance_value,
    format_duration,
    format_pace,
    format_pace_value,
    format_swim_pace,
    format_swim_pace_value,
    is_finite_number,
    metres_per_distance_unit,
    pace_s_from_speed,
    parse_duration,
    parse_pace,
    speed_from_pace_s,
)

NOT_A_VALUE = [None, float("nan"), float("inf"), "12", True, 10**400]


def test_the_imperial_units_are_the_international_ones() -> None:
    mile_m = METRES_PER_MILE
    assert mile_m == pytest.approx(1760 * METRES_PER_YARD)
    assert mile_m == pytest.approx(5280 * METRES_PER_FOOT)
    yard_m = METRES_PER_YARD
    assert yard_m == pytest.approx(3 * METRES_PER_FOOT)


def test_speeds_convert_to_kmh_and_mph() -> None:
    assert 10 * KMH_PER_MPS == 36.0
    one_mph_in_mps = METRES_PER_MILE / HOUR_S
    assert one_mph_in_mps * MPH_PER_MPS == pytest.approx(1.0)
    assert DAY_S == 24 * HOUR_S


@pytest.mark.parametrize("value", [*NOT_A_VALUE, float("-inf")])
def test_only_real_finite_numbers_are_numbers(value: object) -> None:
    assert not is_finite_number(value)


def test_distance_units_follow_the_athletes_preference() -> None:
    assert metres_per_distance_unit("metric") == METRES_PER_KM
    assert metres_per_distance_unit("imperial") == METRES_PER_MILE
    assert (distance_unit("metric"), distance_unit("imperial")) == ("km", "mi")


def test_pace_conversions_round_trip() -> None:
    assert pace_s_from_speed(4.0) == 250.0
    assert speed_from_pace_s(250.0) == 4.0
    assert format_clock(250.0) == "4:10"
    assert parse_pace("4:10") == 250.0
    assert format_clock(pace_s_from_speed(1.0, 100.0)) == "1:40"


@pytest.mark.parametrize("convert", [pace_s_from_speed, speed_from_pace_s])
def test_a_pace_needs_a_positive_speed(convert: Callable[[float], float]) -> None:
    with pytest.raises(ValueError):
        convert(0.0)


def test_paces_show_per_km_mile_or_100_m() -> None:
    assert format_pace(4.0) == "4:10 /km"
    assert format_pace(4.0, "imperial") == "6:42 /mi"
    assert format_pace_value(4.0, "imperial") == "6:42"
    assert format_swim_pace(1.0) == "1:40 /100m"
    assert format_swim_pace_value(1.0) == "1:40"


@pytest.mark.parametrize("speed_mps", [*NOT_A_VALUE, 0.0, -1.0])
def test_an_unknown_speed_shows_as_a_dash_or_nothing(speed_mps: float | None) -> None:
    assert format_pace(speed_mps) == format_swim_pace(speed_mps) == "—"
    assert format_pace_value(speed_mps) == format_swim_pace_value(speed_mps) == ""


def test_durations_show_as_h_mm_ss() -> None:
    assert format_duration(3725) == "1:02:05"
    assert format_duration(59.6) == "0:01:00"
    assert format_duration(None) == format_duration(float("nan")) == "—"


def test_distances_show_in_km_or_miles_with_the_given_decimal_sign() -> None:
    assert format_distance(42195) == "42.2 km"
    assert format_distance(42195, "imperial") == "26.22 mi"
    assert format_distance(5000, decimal_sign=",") == "5 km"
    assert format_distance(1500, decimal_sign=",") == "1,5 km"
    assert format_distance_value(21097.5) == "21.1"
    assert (format_distance(None), format_distance_value(float("inf"))) == ("—", "")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("0:45", 2700.0),  # h:mm: 45 minutes, never 45 seconds
        ("1:30", 5400.0),
        ("3:29:00", 12540.0),
        ("0:45:30", 2730.0),
        ("45", 2700.0),
        ("7.5", 450.0),
        ("2,5", 150.0),
        ("1h30", 5400.0),
        ("1h", 3600.0),
        ("1h 30min", 5400.0),
        ("90 min", 5400.0),
        ("1.5h", 5400.0),
        (" 45m ", 2700.0),
    ],
)
def test_one_duration_parser_reads_h_mm_clocks_minutes_and_1h30(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    "text", ["", "x", "h", "1:60", "1:60:00", "1:00:60", "1:5", "1:2:3:4", "-5", "1h75", "a:b"]
)
def test_one_duration_parser_refuses_garbage(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize("text", ["9:99", "abc", "4", "", "0:00", "4:1"])
def test_parse_pace_refuses_garbage(text: str) -> None:
    with pytest.raises(ValueError):
        parse_pace(text)


@pytest.mark.parametrize(
    ("text", "seconds"), [("3:30", 210.0), ("3:30.5", 210.5), ("1:02:03", 3723.0), ("0:07", 7.0)]
)
def test_a_clock_reads_as_seconds(text: str, seconds: float) -> None:
    assert clock_s(text) == seconds


@pytest.mark.parametrize(
    ("sport", "units", "pace", "unit"),
    [
        ("run", "metric", True, "/km"),
        ("hike", "imperial", True, "/mi"),
        ("swim", "imperial", True, "/100m"),
        ("ride", "metric", False, "km/h"),
        ("ride", "imperial", False, "mph"),
        ("row", "metric", False, "km/h"),
    ],
)
def test_each_sport_reads_speed_the_same_in_tables_and_charts(
    sport: str, units: str, pace: bool, unit: str
) -> None:
    scale = units_module.speed_scale(sport, units)
    assert (scale.pace, scale.unit) == (pace, unit)


def test_a_chart_plots_faster_higher_and_labels_a_pace_as_a_clock() -> None:
    run = units_module.speed_scale("run")
    assert run.chart_value(4.0) == -250.0  # 4:10 /km
    assert run.chart_value(5.0) > run.chart_value(4.0)
    assert run.chart_label(-250.0) == "4:10"
    ride = units_module.speed_scale("ride")
    assert ride.chart_value(10.0) == pytest.approx(36.0)
    assert ride.chart_label(36.0) is None
