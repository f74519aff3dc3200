"""Strava API JSON → NormalizedActivity (pure: no database).

Recorded payloads from the corpus: vmpy's ride (a DetailedActivity with laps, its streams as a
list), stravalib's older run (no laps, no streams), the examples of Strava's API description,
and sports-lib's streams of activities whose FIT files are staged too.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from activities.parsers import parse_file
from activities.streams_codec import encode_streams
from activities.types import NormalizedActivity, Streams
from core.sports import Sport
from integrations.strava.api_mapping import (
    STREAM_TYPES,
    StravaPayloadError,
    garmin_activity_id,
    strava_activity,
    strava_sport,
    summary_external_id,
    summary_id,
    summary_private,
    summary_started_at,
)

VMPY_RIDE = "strava/vmpy/activity_1202065_1354978421.json"
VMPY_STREAMS = "strava/vmpy/streams_1202065_1354978421.json"
STRAVALIB_RUN = "strava/stravalib/activity.3.json"
SPORTSLIB_RUN_STREAMS = "strava/sportslib_streams/runs_3156040843.json"
# Strava's field → ours, for the whole activity and for a lap.
STRAVA_VALUES = {
    "distance": "distance_m",
    "moving_time": "moving_s",
    "elapsed_time": "elapsed_s",
    "total_elevation_gain": "ascent_m",
    "average_heartrate": "avg_hr_bpm",
    "max_heartrate": "max_hr_bpm",
    "average_watts": "avg_power_w",
    "max_watts": "max_power_w",
    "average_speed": "avg_speed_mps",
    "max_speed": "max_speed_mps",
    "average_cadence": "avg_cadence_spm",
    "calories": "calories_kcal",
}
DETAIL = {"id": 7, "start_date": "2020-06-01T08:00:00Z", "sport_type": "Run"}
LAP_VALUES = {
    key: name for key, name in STRAVA_VALUES.items() if key not in ("max_speed", "calories")
}


def _json(corpus: Path, path: str) -> Any:
    return json.loads((corpus / path).read_text())


def _computed(corpus: Path, activity_id: int) -> dict[str, Any]:
    """Strava's own values for one staged activity (reference/strava_computed_values.json)."""
    activities = _json(corpus, "reference/strava_computed_values.json")["activities"]
    return next(a for a in activities if a["id"] == activity_id)


def _api_example(corpus: Path, path: str) -> Any:
    paths = _json(corpus, "strava/openapi/strava_swagger.json")["paths"]
    return paths[path]["get"]["responses"]["200"]["examples"]["application/json"]


def _vmpy(corpus: Path) -> NormalizedActivity:
    return strava_activity(_json(corpus, VMPY_RIDE), _json(corpus, VMPY_STREAMS))


# --- The vmpy ride: detail with laps, streams as a list ----------------------------------------


@pytest.mark.corpus
def test_the_vmpy_ride_gives_sport_start_device_and_name(corpus: Path) -> None:
    activity = _vmpy(corpus)

    assert (activity.sport, activity.sub_sport) == (Sport.RIDE, "")
    assert activity.started_at == dt.datetime(2018, 1, 13, 13, 6, 58, tzinfo=dt.UTC)
    assert activity.device == "Garmin Edge 520"
    assert (activity.name, activity.description) == ("Afternoon Ride", "")
    assert activity.warnings == []


@pytest.mark.corpus
def test_stravas_own_values_are_the_device_summary(corpus: Path) -> None:
    reference = _computed(corpus, 1354978421)

    device = _vmpy(corpus).device_summary

    assert device is not None
    assert {name: getattr(device, name) for name in STRAVA_VALUES.values()} == {
        name: pytest.approx(reference[key]) for key, name in STRAVA_VALUES.items()
    }


@pytest.mark.corpus
def test_laps_come_from_stravas_laps(corpus: Path) -> None:
    reference = _computed(corpus, 1354978421)["laps"]

    laps = _vmpy(corpus).laps

    assert len(laps) == len(reference) == 1
    assert laps[0].start_s == 0.0  # its start_date is the activity's
    expected = {name: reference[0][key] for key, name in LAP_VALUES.items() if key in reference[0]}
    assert len(expected) == 8
    assert {name: getattr(laps[0], name) for name in expected} == pytest.approx(expected)
    assert laps[0].avg_speed_mps == 6.12  # in the detail, not in the reference
    assert laps[0].intensity == "active"


@pytest.mark.corpus
def test_our_summary_comes_from_the_streams_not_from_strava(corpus: Path) -> None:
    """The staged streams are a window of the ride: times 264…6764 s, distances 1,409.4…
    41,643.4 m of Strava's 7,034 s and 43,037.5 m. Over that window our distance is the
    distance stream's span and our moving time is within 0.5 % of Strava's `moving` samples."""
    streams = {s["type"]: s["data"] for s in _json(corpus, VMPY_STREAMS)}
    reference = _computed(corpus, 1354978421)

    activity = _vmpy(corpus)

    ours = activity.summary
    assert len(activity.streams) == 6501
    assert ours.elapsed_s == streams["time"][-1] - streams["time"][0] == 6500
    assert ours.distance_m == pytest.approx(streams["distance"][-1] - streams["distance"][0])
    assert ours.distance_m == pytest.approx(40234.0)
    assert ours.distance_m / reference["distance"] - 1 == pytest.approx(-0.065, abs=0.001)
    strava_moving_s = sum(streams["moving"][1:])  # 1 s samples
    assert strava_moving_s == 6384
    assert ours.moving_s == pytest.approx(strava_moving_s, rel=0.005)  # 6,371 s
    assert ours.avg_hr_bpm == pytest.approx(reference["average_heartrate"], abs=1.5)  # 133.8
    assert ours.avg_cadence_spm == pytest.approx(reference["average_cadence"], abs=0.5)  # 85.3
    assert ours.max_power_w == reference["max_watts"]
    assert ours.max_speed_mps == reference["max_speed"]


@pytest.mark.corpus
def test_the_three_shapes_of_a_streams_body_give_the_same_streams(corpus: Path) -> None:
    listed = _json(corpus, VMPY_STREAMS)
    detail = _json(corpus, VMPY_RIDE)
    by_type = {s["type"]: {k: v for k, v in s.items() if k != "type"} for s in listed}
    plain = {s["type"]: s["data"] for s in listed}

    shapes = [strava_activity(detail, body).streams for body in (listed, by_type, plain)]

    for streams in shapes[1:]:
        for name in ("time_s", *Streams.CHANNELS):
            np.testing.assert_array_equal(getattr(streams, name), getattr(shapes[0], name))
    assert shapes[0].lat_deg is not None and shapes[0].lat_deg[0] == 50.782328
    assert shapes[0].present() == list(Streams.CHANNELS)


# --- An activity without streams, list entries, Strava's examples -------------------------------


@pytest.mark.corpus
def test_an_activity_without_streams_is_valid_with_stravas_values(corpus: Path) -> None:
    reference = _computed(corpus, 99895560)

    activity = strava_activity(_json(corpus, STRAVALIB_RUN), None)

    assert (activity.sport, activity.sub_sport) == (Sport.RUN, "")
    assert activity.started_at == dt.datetime(2013, 12, 12, 19, 36, 41, tzinfo=dt.UTC)
    assert len(activity.streams) == 0 and activity.laps == []
    assert activity.summary.distance_m is None
    assert activity.device_summary is not None
    assert activity.device_summary.distance_m == reference["distance"]
    assert activity.device_summary.moving_s == reference["moving_time"]
    assert activity.device_summary.elapsed_s == reference["elapsed_time"]
    assert activity.device_summary.calories_kcal == reference["calories"]
    assert activity.ended_at == activity.started_at + dt.timedelta(seconds=3140)


@pytest.mark.corpus
def test_the_api_examples_detail_gives_a_mountain_bike_ride_from_garmin(corpus: Path) -> None:
    detail = _api_example(corpus, "/activities/{id}")

    activity = strava_activity(detail, [])

    assert (activity.sport, activity.sub_sport) == (Sport.RIDE, "mountain")
    assert activity.device == "Garmin Edge 1030"
    first = activity.laps[0]
    assert (len(activity.laps), first.start_s, first.elapsed_s, first.distance_m) == (
        1,
        0.0,
        1573.0,
        8046.72,
    )
    assert garmin_activity_id(summary_external_id(detail)) == "12345678987654321"


@pytest.mark.corpus
def test_list_entries_give_id_start_external_id_and_privacy(corpus: Path) -> None:
    entries = _api_example(corpus, "/athlete/activities")

    read = [
        (summary_id(e), summary_started_at(e), summary_external_id(e), summary_private(e))
        for e in entries
    ]

    assert read[0] == (
        "154504250376823",
        dt.datetime(2018, 5, 2, 12, 15, 9, tzinfo=dt.UTC),
        "garmin_push_12345678987654321",
        False,
    )
    assert len(read) == len(entries) == 2
    assert strava_sport(entries[0]) == (Sport.RIDE, "mountain")  # trainer, but a type variant
    activity = strava_activity(entries[0])  # an entry alone makes an activity without samples
    assert activity.device_summary is not None and activity.device_summary.avg_hr_bpm == 140.3
    assert (len(activity.streams), activity.laps) == (0, [])


def test_a_lap_without_start_date_starts_at_its_start_index_or_after_the_previous_lap() -> None:
    laps = [
        {"start_date": "2020-06-01T08:00:10Z", "elapsed_time": 50},
        {"start_index": 3, "elapsed_time": 40, "moving_time": 38},
        {"elapsed_time": 30},
        {"start_date": "2020-06-01T07:59:00Z", "elapsed_time": 30},  # before the start: out
    ]

    activity = strava_activity({**DETAIL, "laps": laps}, {"time": [0, 10, 30, 60, 61]})

    assert [(lap.start_s, lap.elapsed_s, lap.moving_s) for lap in activity.laps] == [
        (10.0, 50.0, None),
        (60.0, 40.0, 38.0),
        (100.0, 30.0, None),
    ]


def test_summary_readers_refuse_what_is_not_an_activity() -> None:
    for payload in ({}, {"id": True}, {"id": -4}, {"id": "12a"}, {"id": 2**64}, [], "7"):
        with pytest.raises(StravaPayloadError, match="no activity id"):
            summary_id(payload)
    for start in (None, "", "yesterday", "2018-13-01T00:00:00Z", 1515848818, "9999-12-31"):
        with pytest.raises(StravaPayloadError, match="no start_date"):
            summary_started_at({"id": 1, "start_date": start})
    assert summary_id({"id": "42"}) == "42"
    assert summary_started_at({"start_date": "2018-01-13T14:06:58+01:00"}) == dt.datetime(
        2018, 1, 13, 13, 6, 58, tzinfo=dt.UTC
    )
    assert summary_external_id({"external_id": None}) == ""


@pytest.mark.parametrize(
    ("payload", "private"),
    [
        ({"private": True}, True),
        ({"visibility": "only_me"}, True),
        ({"private": False, "visibility": "followers_only"}, False),
        ({"private": "yes"}, False),
        ({}, False),
        (None, False),
    ],
)
def test_private_means_only_me(payload: object, private: bool) -> None:
    assert summary_private(payload) is private


@pytest.mark.parametrize(
    ("external_id", "garmin_id"),
    [
        ("garmin_push_2432063255", "2432063255"),
        ("garmin_ping_123", "123"),
        (" garmin_push_7 ", "7"),
        ("garmin_push_", None),
        ("garmin_push_12a", None),
        ("garmin_pull_123", None),
        ("wahoo_push_123", None),
        ("620D5DDD-B836-4F6B-8760-F905B8C2895F", None),
        ("2432063255.fit", None),
        ("", None),
        (None, None),
        (123, None),
    ],
)
def test_garmin_activity_id_reads_only_garmins_uploads(
    external_id: object, garmin_id: str | None
) -> None:
    assert garmin_activity_id(external_id) == garmin_id


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"sport_type": "Run"}, (Sport.RUN, "")),
        ({"sport_type": "TrailRun", "type": "Run"}, (Sport.RUN, "trail")),
        ({"sport_type": "VirtualRun"}, (Sport.RUN, "virtual_activity")),
        ({"type": "Run", "trainer": True}, (Sport.RUN, "treadmill")),
        ({"sport_type": "Ride"}, (Sport.RIDE, "")),
        ({"sport_type": "Ride", "trainer": True}, (Sport.RIDE, "indoor_cycling")),
        ({"sport_type": "VirtualRide", "trainer": True}, (Sport.RIDE, "virtual_activity")),
        ({"sport_type": "GravelRide", "type": "Ride"}, (Sport.RIDE, "gravel_cycling")),
        ({"sport_type": "MountainBikeRide"}, (Sport.RIDE, "mountain")),
        ({"sport_type": "EBikeRide"}, (Sport.RIDE, "e_bike_fitness")),
        ({"sport_type": "EMountainBikeRide"}, (Sport.RIDE, "e_bike_mountain")),
        ({"sport_type": "Swim"}, (Sport.SWIM, "")),
        ({"sport_type": "Walk"}, (Sport.HIKE, "casual_walking")),
        ({"sport_type": "Hike"}, (Sport.HIKE, "")),
        ({"sport_type": "NordicSki"}, (Sport.SKI, "cross_country_skiing")),
        ({"sport_type": "AlpineSki"}, (Sport.SKI, "resort")),
        ({"sport_type": "RollerSki"}, (Sport.SKI, "roller_ski")),
        ({"sport_type": "Rowing"}, (Sport.ROW, "")),
        ({"sport_type": "VirtualRow"}, (Sport.ROW, "indoor_rowing")),
        ({"sport_type": "Kayaking"}, (Sport.ROW, "kayaking")),
        ({"sport_type": "WeightTraining"}, (Sport.STRENGTH, "strength_training")),
        ({"sport_type": "Workout"}, (Sport.OTHER, "")),
        ({"sport_type": "HighIntensityIntervalTraining"}, (Sport.OTHER, "hiit")),
        ({"sport_type": "Yoga"}, (Sport.OTHER, "yoga")),
        ({"sport_type": "RockClimbing"}, (Sport.OTHER, "rock_climbing")),
        ({"sport_type": "", "type": "Ride"}, (Sport.RIDE, "")),
        ({"sport_type": 3, "type": "Hike"}, (Sport.HIKE, "")),
        ({"type": None}, (Sport.OTHER, "")),
        ({}, (Sport.OTHER, "")),
        ("Run", (Sport.OTHER, "")),
    ],
)
def test_strava_sport_types_give_our_sport_and_fit_sub_sport(
    payload: object, expected: tuple[Sport, str]
) -> None:
    assert strava_sport(payload) == expected


def test_the_sync_asks_for_every_stream_it_maps() -> None:
    assert STREAM_TYPES == (
        "time",
        "latlng",
        "heartrate",
        "watts",
        "cadence",
        "velocity_smooth",
        "distance",
        "altitude",
        "temp",
        "moving",
        "grade_smooth",
    )


# --- Strava's streams against our FIT parser on the same activities (sports-lib's pairs) --------

SPORTSLIB_FITS = (
    "fit/sportslib__rides_7432332116.fit",
    "fit/sportslib__runs_6782987395.fit",
    "fit/sportslib__runs_6909950168.fit",
    "fit/sportslib__runs_6909950168-no-pause-records.fit",
    "fit/sportslib__runs_6916663933.fit",
    "fit/sportslib__rides_828989227.fit",
)
DISTANCE_TOLERANCE = 0.006  # sports-lib's 0.6 %
# This FIT file goes on recording through a 32 s timer stop: our FIT summary averages over the
# device's timer time and leaves those samples out; Strava's streams carry no timer.
HR_TOLERANCE = {"fit/sportslib__runs_6909950168.fit": 0.15}
STREAM_OF = {"heartrate": "hr_bpm", "cadence": "cadence_spm", "altitude": "altitude_m"}


@pytest.mark.corpus
@pytest.mark.parametrize("fit_path", SPORTSLIB_FITS)
def test_stravas_streams_agree_with_our_fit_parser(corpus: Path, fit_path: str) -> None:
    """Same activity, two sources: distance within 0.6 %, duration within 0.1 %, average HR
    and cadence within 0.1 (measured: ≤ 0.021 %, ≤ 4 s, ≤ 0.04 bpm, ≤ 0.05 spm); where
    sports-lib compares samples, HR, cadence and altitude are equal at every common time."""
    pairs = _json(corpus, "reference/sportslib_strava_stream_pairs.json")["pairs"]
    pair = next(p for p in pairs if p["fit"] == fit_path)
    fit = parse_file((corpus / fit_path).read_bytes(), fit_path)[0]
    detail = {"id": 1, "start_date": fit.started_at.isoformat(), "sport_type": fit.sport.title()}

    strava = strava_activity(detail, _json(corpus, pair["strava_streams"]))

    ours, theirs = fit.summary, strava.summary
    assert ours.distance_m and theirs.distance_m and ours.elapsed_s and theirs.elapsed_s
    assert theirs.distance_m == pytest.approx(ours.distance_m, rel=DISTANCE_TOLERANCE)
    assert theirs.elapsed_s == pytest.approx(ours.elapsed_s, rel=0.001)
    assert theirs.avg_hr_bpm == pytest.approx(ours.avg_hr_bpm, abs=HR_TOLERANCE.get(fit_path, 0.1))
    assert theirs.avg_cadence_spm == pytest.approx(ours.avg_cadence_spm, abs=0.1)
    _assert_samples_equal(
        fit.streams, strava.streams, [s for s in pair["compared"] if s in STREAM_OF]
    )


def _assert_samples_equal(fit: Streams, strava: Streams, compared: list[str]) -> None:
    """Rounded to 0.1 as sports-lib compares them, at the times both have, where both have a
    value (Strava fills the altitude a FIT file lacks before its first fix)."""
    _, at_fit, at_strava = np.intersect1d(fit.time_s, strava.time_s, return_indices=True)
    assert len(at_fit) == len(fit)  # Strava has every time of the FIT file
    for stream in compared:
        ours, theirs = getattr(fit, STREAM_OF[stream]), getattr(strava, STREAM_OF[stream])
        assert ours is not None and theirs is not None
        ours, theirs = np.round(ours[at_fit], 1), np.round(theirs[at_strava], 1)
        both = np.isfinite(ours) & np.isfinite(theirs)
        assert both.mean() > 0.95
        np.testing.assert_array_equal(theirs[both], ours[both])


@pytest.mark.corpus
def test_running_cadence_counts_one_foot_as_our_fit_parser_does(corpus: Path) -> None:
    fit_path = "fit/sportslib__runs_6909950168.fit"
    fit = parse_file((corpus / fit_path).read_bytes(), fit_path)[0]
    detail = {"id": 1, "start_date": fit.started_at.isoformat(), "sport_type": "TrailRun"}

    strava = strava_activity(detail, _json(corpus, SPORTSLIB_RUN_STREAMS))

    assert fit.summary.avg_cadence_spm == pytest.approx(90.1, abs=0.1)  # not ≈ 180
    assert strava.summary.avg_cadence_spm == pytest.approx(fit.summary.avg_cadence_spm, abs=0.1)
    assert (strava.sport, strava.sub_sport) == (fit.sport, fit.sub_sport) == (Sport.RUN, "trail")


# --- Hostile and malformed payloads: StravaPayloadError or a valid activity, nothing else -------

MILLION = 1_000_000


def _assert_valid(activity: NormalizedActivity) -> None:
    """What ingest relies on: an aware start, channels as long as the clock, a finite sorted
    clock, laps with finite times, streams the codec stores."""
    assert activity.started_at.utcoffset() == dt.timedelta(0)
    streams = activity.streams
    assert np.isfinite(streams.time_s).all() and (np.diff(streams.time_s) >= 0).all()
    for name in streams.present():
        assert getattr(streams, name).shape == streams.time_s.shape
    assert all(math.isfinite(lap.start_s) and math.isfinite(lap.elapsed_s) for lap in activity.laps)
    with np.errstate(over="ignore"):  # the codec stores values beyond its range as NaN
        encode_streams(streams)
    activity.ended_at  # noqa: B018 — must not overflow


@pytest.mark.parametrize(
    ("detail", "reason"),
    [
        (None, "not an activity"),
        ([DETAIL], "not an activity"),
        ({**DETAIL, "id": None}, "no activity id"),
        ({**DETAIL, "id": 1.5}, "no activity id"),
        ({**DETAIL, "id": False}, "no activity id"),
        ({**DETAIL, "start_date": None}, "no start_date"),
        ({**DETAIL, "start_date": "2020-06-01T08:00:00Z" * 1000}, "no start_date"),
        ({**DETAIL, "start_date": "0001-01-01T00:00:00-01:00"}, "no start_date"),
        ({**DETAIL, "start_date": ["2020-06-01T08:00:00Z"]}, "no start_date"),
    ],
)
def test_a_payload_without_id_or_start_is_refused(detail: object, reason: str) -> None:
    with pytest.raises(StravaPayloadError) as refused:
        strava_activity(detail, None)
    assert refused.value.reason == reason and refused.value.__cause__ is None


HOSTILE_STREAMS: dict[str, object] = {
    "text": "time,heartrate",
    "number": 12,
    "list of garbage": [None, 1, "time", {"type": 3}, {"type": "time", "data": "x"}],
    "no time": {"heartrate": {"data": [120, 121]}},
    "strings for numbers": {"time": ["0", "1", "x"], "heartrate": ["120", None, "NaN"]},
    "nan and inf": {"time": [0, 1, math.nan, math.inf], "watts": [math.inf, -math.inf, 1e308, 5]},
    "negative and absurd": {"time": [-5, 0, 1, 1e12, 2**70], "heartrate": [-1, 65535, 1e300, 0, 1]},
    "unsorted times": {"time": [3, 1, 2, 2, 0], "distance": [30, 10, 20, 21, 0]},
    "ragged latlng": {"time": [0, 1, 2, 3, 4], "latlng": [[45, 5], [45], "x", [91, 5], [1, 2, 3]]},
    "short channel": {"time": [0, 1, 2], "heartrate": [120, 121], "latlng": [[45, 5]]},
    "nested data": {"time": [[0, 1], [2, 3]], "cadence": [[1, 2], [3, 4]]},
    "huge ints": {
        "time": [0, 1],
        "altitude": [10**400, -(10**400)],
        "latlng": [[10**400, 1], [1, 1]],
    },
    "million garbage": {
        "time": [None, "x", {}, [1], True, 1e308] * (MILLION // 6),
        "heartrate": ["x", None] * (MILLION // 2),
    },
    "million garbage channels": {
        "time": list(range(MILLION)),
        "watts": [{}, "w", [3], None] * (MILLION // 4),
        "latlng": [[45.0, "5"], None, "x", [1]] * (MILLION // 4),
    },
}


@pytest.mark.parametrize("streams", HOSTILE_STREAMS.values(), ids=HOSTILE_STREAMS.keys())
def test_hostile_streams_give_a_valid_activity(streams: object) -> None:
    activity = strava_activity(DETAIL, streams)

    _assert_valid(activity)


def test_hostile_values_are_unknown_not_crashes() -> None:
    detail = {
        **DETAIL,
        "name": 3,
        "description": ["x"],
        "device_name": None,
        "distance": "10 km",
        "moving_time": math.nan,
        "elapsed_time": -60,
        "max_heartrate": 65535,  # plausible_activity leaves it out at ingest
        "average_heartrate": True,
        "max_speed": 10**400,
        "average_watts": 250,
        "device_watts": False,  # Strava's estimate: not a measurement
        "laps": [None, "lap", {"elapsed_time": "60"}, {"elapsed_time": 1e12}, {"moving_time": 60}],
    }

    activity = strava_activity(detail, {"time": [0, 1], "heartrate": [120, None]})

    _assert_valid(activity)
    assert (activity.name, activity.description, activity.device) == ("", "", "")
    assert activity.device_summary is not None
    assert activity.device_summary.distance_m is None
    assert activity.device_summary.moving_s is None
    assert activity.device_summary.elapsed_s is None
    assert activity.device_summary.avg_hr_bpm is None
    assert activity.device_summary.max_hr_bpm == 65535
    assert activity.device_summary.max_speed_mps is None
    assert activity.device_summary.avg_power_w is None
    assert [(lap.start_s, lap.elapsed_s) for lap in activity.laps] == [(0.0, 60.0)]
    assert activity.streams.hr_bpm is not None
    assert np.isnan(activity.streams.hr_bpm[1])


def test_a_channel_of_another_length_is_left_out_with_a_warning() -> None:
    activity = strava_activity(DETAIL, {"time": [0, 1, 2], "heartrate": [120, 121]})

    assert activity.streams.hr_bpm is None
    assert activity.warnings == [
        "Strava's heartrate stream has 2 samples for 3 times: it was left out."
    ]


def test_samples_without_a_time_stream_are_left_out_with_a_warning() -> None:
    activity = strava_activity(DETAIL, {"heartrate": [120, 121]})

    assert len(activity.streams) == 0
    assert activity.warnings == ["Strava sent samples without their times: they were left out."]


def test_unsorted_samples_are_put_in_time_order() -> None:
    activity = strava_activity(DETAIL, {"time": [2, 0, 1], "distance": [20.0, 0.0, 10.0]})

    assert activity.streams.time_s.tolist() == [0.0, 1.0, 2.0]
    assert activity.streams.distance_m is not None
    assert activity.streams.distance_m.tolist() == [0.0, 10.0, 20.0]


HOSTILE_VALUES: tuple[object, ...] = (
    None, "", "12", "abc", True, False, -1, 0, 1, -1e308, 1e308, math.nan, math.inf, 10**30,
    [], {}, [None], [1, "x"], [[1]], {"data": None}, {"data": [1, 2]}, "2018-01-13T13:06:58Z",
    "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+01:00", "garmin_push_1", "x" * 10_000,
)  # fmt: skip


def _mutated(value: object, rng: random.Random, depth: int = 0) -> object:
    """`value` with one part replaced, deleted, truncated or appended to, mostly deep inside
    (the top levels rarely: then the payload has no id or start); only the containers on the
    way to the change are copied (the corpus payloads are large)."""
    deeper = rng.random() < (0.98 if depth < 2 else 0.85)
    if isinstance(value, dict) and value and deeper:
        copy = dict(value)
        key = rng.choice(list(copy))
        if depth and rng.random() < 0.15:
            del copy[key]
        else:
            copy[key] = _mutated(copy[key], rng, depth + 1)
        return copy
    if isinstance(value, list) and value and deeper:
        items = list(value)
        choice = rng.random()
        if choice < 0.1:
            del items[rng.randrange(len(items)) :]
        elif choice < 0.2:
            items.append(rng.choice(HOSTILE_VALUES))
        else:
            at = rng.randrange(len(items))
            items[at] = _mutated(items[at], rng, depth + 1)
        return items
    return rng.choice(HOSTILE_VALUES)


def _payloads(corpus: Path) -> list[dict[str, object]]:
    """(detail, streams) pairs in every shape: vmpy's ride with its streams as a list and
    keyed by type (cut to 600 samples to keep the test quick), Strava's API example with
    laps, and stravalib's run with sports-lib's plain streams."""
    listed = [{**s, "data": s["data"][:600]} for s in _json(corpus, VMPY_STREAMS)]
    by_type = {s["type"]: {k: v for k, v in s.items() if k != "type"} for s in listed}
    vmpy = _json(corpus, VMPY_RIDE)
    plain = {k: v[:600] for k, v in _json(corpus, SPORTSLIB_RUN_STREAMS).items()}
    return [
        {"detail": vmpy, "streams": listed},
        {"detail": vmpy, "streams": by_type},
        {"detail": _api_example(corpus, "/activities/{id}"), "streams": by_type},
        {"detail": _json(corpus, STRAVALIB_RUN), "streams": plain},
    ]


@pytest.mark.corpus
def test_a_thousand_mutated_payloads_give_an_activity_or_a_payload_error(corpus: Path) -> None:
    payloads = _payloads(corpus)
    rng = random.Random(20261205)
    outcomes = {"mapped": 0, "refused": 0}
    reasons: dict[str, int] = {}
    for _ in range(1_200):
        payload: Any = rng.choice(payloads)
        for _edit in range(rng.randint(1, 6)):
            payload = _mutated(payload, rng)
        if not isinstance(payload, dict):
            payload = {"detail": payload}
        try:
            activity = strava_activity(payload.get("detail"), payload.get("streams"))
        except StravaPayloadError as refused:
            assert refused.__cause__ is None, refused.reason  # never the catch-all
            outcomes["refused"] += 1
            reasons[refused.reason] = reasons.get(refused.reason, 0) + 1
        else:
            _assert_valid(activity)
            outcomes["mapped"] += 1
    assert outcomes["mapped"] + outcomes["refused"] == 1_200, reasons
    assert outcomes["mapped"] > 900 and outcomes["refused"] > 100  # 989 and 211 (seed 20261205)
