"""Garmin JSON → our values (pure: no database). The export's own JSON is not public (corpus
garmin/EXPORT_ZIP_LAYOUT.md); Garmin Connect's recorded responses carry many of its fields, and
small hand-written pages cover the export's other units."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from core.sports import Sport
from integrations.garmin.mapping import (
    Units,
    garmin_activity,
    garmin_sport,
    garmin_started_at,
    garmin_summary_values,
    health_days,
    is_multisport_parent,
    page_units,
    sleep_days,
    sport_from_words,
    summaries_in,
    summary_units,
)

ACTIVITY_LISTS = (  # Garmin Connect activity searches recorded by garth (2026), SI units
    "test_activity_get__0__activitylist-service-activities-search-activities.json",
    "test_activity_list__0__activitylist-service-activities-search-activities.json",
    "test_activity_list_pagination__0__activitylist-service-activities-search-activities.json",
    "test_activity_list_pagination__1__activitylist-service-activities-search-activities.json",
)
# Garmin activity types our word mapping does not place in their Garmin family today.
CYCLING_TYPES_MISSED = {"bmx", "enduro_mtb", "e_enduro_mtb"}


def recorded(corpus: Path, *parts: str) -> Any:
    return json.loads((corpus / "garmin").joinpath(*parts).read_text())


def activity_lists(corpus: Path) -> list[list[dict[str, Any]]]:
    return [recorded(corpus, "garth_cassettes", name) for name in ACTIVITY_LISTS]


def types_by_family(corpus: Path) -> dict[str, list[str]]:
    """Garmin's activity type keys under each family key (their parent type)."""
    types = recorded(corpus, "garmin-connect-export", "activityTypes.json")
    keys = {t["typeId"]: t["typeKey"] for t in types}
    families: dict[str, list[str]] = {}
    for t in types:
        families.setdefault(keys.get(t["parentTypeId"], ""), []).append(t["typeKey"])
    return families


# --- Activity summaries --------------------------------------------------------------------------


@pytest.mark.corpus
def test_a_garmin_connect_list_in_seconds_and_metres_is_read_in_seconds_and_metres(
    corpus: Path,
) -> None:
    for page in activity_lists(corpus):
        units = page_units(summaries_in(page))

        assert units == Units()
        for item in page:
            values = garmin_summary_values(item, summary_units(item, units))
            assert values.elapsed_s == item["elapsedDuration"]
            assert values.moving_s == item["movingDuration"]
            assert values.distance_m == item["distance"]
            assert values.ascent_m == item.get("elevationGain")  # a swim has none
            assert values.calories_kcal == item["calories"]


@pytest.mark.corpus
def test_every_activity_of_a_garmin_connect_list_is_a_summary_in_order(corpus: Path) -> None:
    for page in activity_lists(corpus):
        summaries = summaries_in(page)

        assert [s["activityId"] for s in summaries] == [item["activityId"] for item in page]
        assert not any(is_multisport_parent(s) for s in summaries)


@pytest.mark.corpus
def test_start_in_epoch_milliseconds_is_the_same_instant_as_garmins_gmt_string(
    corpus: Path,
) -> None:
    pages = [
        *activity_lists(corpus),
        recorded(corpus, "garmin-connect-export", "activitylist-service.json"),
        recorded(corpus, "garmin-connect-export", "activities-list.json"),
    ]

    stamped = [item for page in pages for item in page if item.get("beginTimestamp")]

    assert len(stamped) >= 8
    for item in stamped:
        gmt = dt.datetime.fromisoformat(item["startTimeGMT"]).replace(tzinfo=dt.UTC)
        assert "startTimeGmt" not in item  # the API's spelling: only beginTimestamp is read
        assert garmin_started_at(item) == gmt


@pytest.mark.corpus
def test_the_types_of_recorded_activities_give_their_sport(corpus: Path) -> None:
    sports = {
        item["activityType"]["typeKey"]: garmin_sport(item)
        for page in activity_lists(corpus)
        for item in page
    }

    assert sports == {
        "trail_running": Sport.RUN,
        "hiking": Sport.HIKE,
        "stand_up_paddleboarding_v2": Sport.ROW,
        "open_water_swimming": Sport.SWIM,
    }


@pytest.mark.corpus
def test_garmins_running_swimming_and_cycling_types_are_runs_swims_and_rides(
    corpus: Path,
) -> None:
    families = types_by_family(corpus)
    expected = {"running": Sport.RUN, "swimming": Sport.SWIM, "cycling": Sport.RIDE}

    for family, sport in expected.items():
        kinds = [family, *families[family]]
        assert len(kinds) >= 3
        found = {kind: sport_from_words(kind) for kind in kinds if kind not in CYCLING_TYPES_MISSED}
        assert found == dict.fromkeys(found, sport)


def test_a_page_in_milliseconds_and_centimetres_is_recognised_by_plausible_speeds() -> None:
    page = [
        {"activityId": 1, "duration": 3_000_000.0, "distance": 1_000_000.0},  # 10 km in 50 min
        {"activityId": 2, "duration": 56_887.0, "distance": 15_756.0},  # 57 s: ambiguous alone
    ]

    units = page_units(page)

    assert units == Units(duration=0.001, distance=0.01)
    assert summary_units(page[1], units) == units
    values = garmin_summary_values(page[1], units)
    assert values.elapsed_s == pytest.approx(56.887)
    assert values.distance_m == pytest.approx(157.56)


def test_a_page_in_si_units_stays_in_si_units() -> None:
    page = [{"activityId": 1, "duration": 2922.0, "distance": 10743.6, "avgSpeed": 3.676}]

    units = page_units(page)
    values = garmin_summary_values(page[0], summary_units(page[0], units))

    assert units == Units()
    assert values.elapsed_s == 2922.0
    assert values.avg_speed_mps == pytest.approx(3.676)


def test_tenth_speeds_are_multiplied_by_ten_when_distance_over_time_says_so() -> None:
    summary = {"duration": 3_000_000.0, "distance": 1_000_000.0, "avgSpeed": 0.3333}

    values = garmin_summary_values(summary, Units(0.001, 0.01))

    assert values.avg_speed_mps == pytest.approx(3.333)


def test_summaries_come_from_wrapped_pages_and_bare_lists() -> None:
    wrapped = [{"summarizedActivitiesExport": [{"activityId": 1}, {"activityId": 2}]}]
    bare = [{"activityId": 3}]

    assert [s["activityId"] for s in summaries_in(wrapped)] == [1, 2]
    assert [s["activityId"] for s in summaries_in(bare)] == [3]
    assert summaries_in({"unexpected": True}) == []


def test_start_time_is_read_from_epoch_milliseconds_or_a_gmt_string() -> None:
    expected = dt.datetime(2023, 9, 2, 13, 15, 24, tzinfo=dt.UTC)

    assert garmin_started_at({"startTimeGmt": 1693660524000}) == expected
    assert garmin_started_at({"startTimeGmt": "2023-09-02 13:15:24"}) == expected
    assert garmin_started_at({"beginTimestamp": 1693660524000}) == expected
    assert garmin_started_at({}) is None


def test_a_summary_without_a_recording_is_an_activity_of_its_own_without_samples() -> None:
    summary = {"activityId": 7, "name": "Treadmill 10k", "description": "easy",
               "activityType": {"typeKey": "treadmill_running"}, "elapsedDuration": 3_000_000,
               "distance": 1_000_000, "avgHr": 150}  # fmt: skip
    started_at = dt.datetime(2022, 1, 1, 7, tzinfo=dt.UTC)

    activity = garmin_activity(summary, Units(0.001, 0.01), started_at=started_at)

    assert (activity.sport, activity.sub_sport) == (Sport.RUN, "treadmill_running")
    assert (activity.name, activity.description) == ("Treadmill 10k", "easy")
    assert activity.started_at == started_at
    assert len(activity.streams) == 0
    assert activity.summary.elapsed_s == pytest.approx(3000)
    assert activity.summary.distance_m == pytest.approx(10000)
    assert activity.summary.avg_hr_bpm == 150


# --- Wellness ------------------------------------------------------------------------------------


@pytest.mark.corpus
def test_each_night_garmin_connect_recorded_gives_its_day_and_sleep_time(corpus: Path) -> None:
    nights = sorted((corpus / "garmin" / "garth_cassettes").glob("test_sleep_data_*.json"))
    assert len(nights) == 20

    for path in nights:
        night = json.loads(path.read_text())["dailySleepDTO"]
        day = dt.date.fromisoformat(night["calendarDate"])

        [(found, values)] = sleep_days(night).items()

        assert found == day
        assert values["sleep_s"] == night["sleepTimeSeconds"]
        assert values["sleep_score"] is None  # these nights have no sleepScores
        assert values["raw"] == {"sleep": night}


@pytest.mark.corpus
def test_overnight_hrv_of_a_garmin_connect_range_is_read_per_day(corpus: Path) -> None:
    document = recorded(
        corpus,
        "garth_cassettes",
        "test_daily_hrv__0__hrv-service-hrv-daily-2023-07-01-2023-07-20.json",
    )

    days = health_days(document)

    expected = {
        dt.date.fromisoformat(s["calendarDate"]): s["lastNightAvg"]
        for s in document["hrvSummaries"]
    }
    assert len(expected) == 20
    assert {day: values["hrv_ms"] for day, values in days.items()} == expected
    assert {values["resting_hr_bpm"] for values in days.values()} == {None}


@pytest.mark.corpus
def test_resting_heart_rate_of_a_garmin_connect_daily_summary_is_read(corpus: Path) -> None:
    document = recorded(
        corpus,
        "python-garminconnect",
        "cassettes",
        "test_user_summary__1__usersummary-service-usersummary-daily-SANITIZED.json",
    )

    days = health_days(document)

    day = dt.date.fromisoformat(document["calendarDate"])
    assert days[day]["resting_hr_bpm"] == document["restingHeartRate"]
    assert days[day]["hrv_ms"] is None


def test_sleep_and_health_status_json_shapes_are_read() -> None:
    night = {"sleepTimeSeconds": 24180, "sleepScores": {"overall": {"value": 83}}}
    sleep = [{"calendarDate": "2023-07-20", **night}]
    metrics = [{"type": "HRV", "value": 42}, {"type": "HR", "value": 51.4}]
    health = [{"calendarDate": "2023-07-20", "metrics": metrics}]

    assert sleep_days(sleep)[dt.date(2023, 7, 20)]["sleep_score"] == 83
    assert sleep_days(sleep)[dt.date(2023, 7, 20)]["sleep_s"] == 24180
    assert health_days(health)[dt.date(2023, 7, 20)]["hrv_ms"] == 42
    assert health_days(health)[dt.date(2023, 7, 20)]["resting_hr_bpm"] == 51
