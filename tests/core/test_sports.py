"""The one sport list and the one reading of sport names: every word the file parsers, the
Garmin and Strava export readers and the CSV import recognised before they shared it."""

from __future__ import annotations

import pytest

from core.sports import (
    ON_FOOT_SPORTS,
    SPORT_WORDS,
    THRESHOLD_SPORTS,
    Sport,
    guess_sport,
    name_words,
    sport_from_words,
)

# The file parsers' words (TCX/GPX types, file and device names), matched as word prefixes.
PARSER_WORDS = [
    ("running", Sport.RUN),
    ("jogging", Sport.RUN),
    ("swimming", Sport.SWIM),
    ("biking", Sport.RIDE),
    ("cycling", Sport.RIDE),
    ("ride", Sport.RIDE),
    ("riding", Sport.RIDE),
    ("mtb", Sport.RIDE),
    ("hiking", Sport.HIKE),
    ("walking", Sport.HIKE),
    ("skiing", Sport.SKI),
    ("snowboarding", Sport.SKI),
    ("rowing", Sport.ROW),
    ("strength", Sport.STRENGTH),
    ("weights", Sport.STRENGTH),
]
# The Garmin and Strava export readers' words (activityType keys, "Activity Type" column).
EXPORT_WORDS = [
    ("multi_sport", Sport.OTHER),
    ("transition_v2", Sport.OTHER),
    ("lap_swimming", Sport.SWIM),
    ("trail_running", Sport.RUN),
    ("indoor_cycling", Sport.RIDE),
    ("road_biking", Sport.RIDE),
    ("Virtual Ride", Sport.RIDE),
    ("hiking", Sport.HIKE),
    ("speed_walking", Sport.HIKE),
    ("backcountry_skiing", Sport.SKI),
    ("indoor_rowing", Sport.ROW),
    ("paddling_v2", Sport.ROW),
    ("stand_up_paddleboarding_v2", Sport.ROW),
    ("strength_training", Sport.STRENGTH),
    ("Weight Training", Sport.STRENGTH),
    ("Handcycle", Sport.RIDE),
    ("horseback_riding", Sport.OTHER),
]
# The CSV import's activity types.
CSV_WORDS = [
    ("run", Sport.RUN),
    ("trail", Sport.RUN),
    ("bike", Sport.RIDE),
    ("swim", Sport.SWIM),
    ("hike", Sport.HIKE),
    ("walk", Sport.HIKE),
    ("ski", Sport.SKI),
    ("row", Sport.ROW),
]


@pytest.mark.parametrize(("name", "sport"), PARSER_WORDS + EXPORT_WORDS + CSV_WORDS)
def test_every_word_read_before_names_the_same_sport(name: str, sport: Sport) -> None:
    assert sport_from_words(name) == sport


def test_every_entry_of_the_table_is_read_by_the_rule() -> None:
    for entry, sport in SPORT_WORDS:
        assert sport_from_words(entry) == sport, entry


@pytest.mark.parametrize(
    ("name", "sport"),
    [
        ("TrailRun", Sport.RUN),
        ("EMountainBikeRide", Sport.RIDE),
        ("NordicSki", Sport.SKI),
        ("VirtualRow", Sport.ROW),
        ("swimToBikeTransition_v2", Sport.OTHER),
        ("bikeToRunTransition_v2", Sport.OTHER),
        ("Morning_Run-2024.tcx", Sport.RUN),
        ("Trail ride", Sport.RIDE),
    ],
)
def test_camel_case_separators_and_file_names_split_into_words(name: str, sport: Sport) -> None:
    assert sport_from_words(name) == sport


@pytest.mark.parametrize(
    "name", ["", "Other", "Forerunner 945", "motorcycling_v2", "waterskiing", "yoga", "123"]
)
def test_a_sport_word_inside_another_word_names_no_sport(name: str) -> None:
    assert sport_from_words(name) is None


def test_names_are_read_as_lower_case_words() -> None:
    assert name_words("GPSRun_2024-road biking") == ["gps", "run", "road", "biking"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("road_biking", (Sport.RIDE, "road")),
        ("Mountain Bike Ride", (Sport.RIDE, "mountain")),
        ("gravel_cycling", (Sport.RIDE, "gravel_cycling")),
        ("VirtualRide", (Sport.RIDE, "virtual_activity")),
        ("indoor_cycling", (Sport.RIDE, "indoor_cycling")),
        ("treadmill_running", (Sport.RUN, "treadmill")),
        ("trail_running", (Sport.RUN, "trail")),
        ("pool swim", (Sport.SWIM, "lap_swimming")),
        ("open_water_swimming", (Sport.SWIM, "open_water")),
        ("Running", (Sport.RUN, "generic")),
        ("strength_training", (Sport.STRENGTH, "generic")),
    ],
)
def test_a_guess_names_the_variant_too(name: str, expected: tuple[Sport, str]) -> None:
    assert guess_sport(name) == expected


def test_no_guess_without_a_sport_word() -> None:
    assert guess_sport("Edge 530") is None


def test_the_sport_sets_are_families_of_the_one_list() -> None:
    assert {sport.value for sport in Sport} == {
        "run",
        "ride",
        "swim",
        "hike",
        "ski",
        "row",
        "strength",
        "other",
    }
    assert set(ON_FOOT_SPORTS) == {"run", "hike"}
    assert set(THRESHOLD_SPORTS) == {"run", "ride", "swim", "other"}
