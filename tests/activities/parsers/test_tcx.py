"""TCX parser: corpus files against their FIT twins and other tools' values, plus hostile files."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
from pathlib import Path

import numpy as np
import pytest

from activities.parsers.tcx import parse_tcx
from activities.types import FloatArray, NormalizedActivity, RejectedFile
from core.sports import Sport

RUN = "sportslib__runs_6782987395"
SWIM = "sportslib__swim_6688025408"


@functools.cache
def parsed(path: Path) -> list[NormalizedActivity]:
    return parse_tcx(path.read_bytes(), filename=path.name)


def fit_session(corpus: Path, stem: str) -> dict[str, str]:
    """What the device wrote in the FIT twin's session message (reference CSV)."""
    with (corpus / "reference" / "fit_device_session_values.csv").open() as handle:
        rows = [row for row in csv.DictReader(handle) if row["file"] == f"fit/{stem}.fit"]
    return rows[0]


def last_finite(values: FloatArray | None) -> float:
    assert values is not None
    return float(values[np.isfinite(values)][-1])


def tcx(body: str, *, sport: str = "Running") -> bytes:
    """A minimal TCX document around one activity's laps."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
  xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2">
  <Activities><Activity Sport="{sport}"><Id>2024-05-01T06:00:00Z</Id>{body}</Activity></Activities>
</TrainingCenterDatabase>""".encode()


def point(second: int, extra: str = "") -> str:
    return f"<Trackpoint><Time>2024-05-01T06:00:{second:02d}Z</Time>{extra}</Trackpoint>"


# --- the same activity as a FIT file ------------------------------------------------------------


def test_run_tcx_matches_its_fit_twin_start_distance_and_timer(corpus: Path) -> None:
    (activity,) = parsed(corpus / "tcx_gpx" / f"{RUN}.tcx")
    fit = fit_session(corpus, RUN)
    fit_start = dt.datetime.fromisoformat(fit["start_time"])

    # Start within 1 s (the <Id> says 09:42:00; the first lap and point say 09:42:23).
    assert abs((activity.started_at - fit_start).total_seconds()) <= 1
    assert activity.started_at.tzinfo == dt.UTC
    # The TCX carries the device's own distance: within 0.1 % of the FIT session.
    assert last_finite(activity.streams.distance_m) == pytest.approx(
        float(fit["total_distance"]), rel=1e-3
    )
    assert activity.device_summary is not None
    assert activity.device_summary.distance_m == pytest.approx(
        float(fit["total_distance"]), rel=1e-3
    )
    # Lap timer times add up to the FIT timer time within 1 s; the data spans it within 2 s.
    assert activity.device_summary.moving_s == pytest.approx(float(fit["total_timer_time"]), abs=1)
    assert activity.streams.time_s[-1] == pytest.approx(float(fit["total_elapsed_time"]), abs=2)


def test_run_tcx_reads_sport_device_laps_and_device_totals(corpus: Path) -> None:
    (activity,) = parsed(corpus / "tcx_gpx" / f"{RUN}.tcx")
    summary = activity.device_summary
    assert summary is not None

    assert (activity.sport, activity.device) == (Sport.RUN, "Forerunner 945")
    assert len(activity.laps) == 2
    assert activity.laps[0].start_s == 0
    assert activity.laps[1].start_s == pytest.approx(activity.laps[0].elapsed_s)
    # sports-lib: energy 982, HR avg 137 / max 167; the FIT session: running cadence 79.
    assert summary.calories_kcal == 982
    assert round(summary.avg_hr_bpm or 0) == 137
    assert summary.max_hr_bpm == 167
    assert round(summary.avg_cadence_spm or 0) == 79
    assert set(activity.streams.present()) >= {
        "hr_bpm",
        "cadence_spm",
        "speed_mps",
        "distance_m",
        "altitude_m",
        "lat_deg",
        "lon_deg",
    }
    # RunCadence is kept as the device wrote it (one foot), never doubled.
    assert np.nanmax(activity.streams.cadence_spm) == 111


def test_pool_swim_tcx_matches_its_fit_twin_and_keeps_36_laps(corpus: Path) -> None:
    (activity,) = parsed(corpus / "tcx_gpx" / f"{SWIM}.tcx")
    fit = fit_session(corpus, SWIM)
    summary = activity.device_summary
    assert summary is not None

    fit_start = dt.datetime.fromisoformat(fit["start_time"])
    assert abs((activity.started_at - fit_start).total_seconds()) <= 1
    assert summary.distance_m == float(fit["total_distance"]) == 2300
    assert summary.moving_s == pytest.approx(float(fit["total_timer_time"]), abs=1)
    assert len(activity.laps) == int(fit["num_laps"]) == 36
    assert {lap.intensity for lap in activity.laps} == {"active", "rest"}
    # Sport="Other": the file name is the only hint that this is a swim.
    assert activity.sport == Sport.SWIM
    assert activity.streams.lat_deg is None
    assert (summary.calories_kcal, summary.max_hr_bpm) == (458, 146)  # sports-lib's values


# --- python-tcxparser's expectations ------------------------------------------------------------


def test_tcxparser_test_file_values_agree(corpus: Path) -> None:
    reference = json.loads((corpus / "reference" / "tcxparser_expected_values.json").read_text())
    expected = reference["expected"]
    (activity,) = parsed(corpus / reference["file"])
    streams = activity.streams
    assert streams.hr_bpm is not None and streams.altitude_m is not None
    hr = streams.hr_bpm[np.isfinite(streams.hr_bpm)]
    altitude = streams.altitude_m[np.isfinite(streams.altitude_m)]
    climbs = np.diff(altitude)

    assert activity.sport == Sport.RUN
    assert activity.started_at == dt.datetime.fromisoformat(expected["started_at"])
    ended = activity.started_at + dt.timedelta(seconds=float(streams.time_s[-1]))
    assert ended == dt.datetime.fromisoformat(expected["completed_at"])
    assert (hr[0], hr[-1]) == (expected["hr_values[0]"], expected["hr_values[-1]"])
    assert (hr.max(), hr.min()) == (expected["hr_max"], expected["hr_min"])
    assert round(hr.mean()) == pytest.approx(expected["hr_avg"], abs=1)
    assert altitude[0] == pytest.approx(expected["altitude_points[0]"])
    assert altitude[-1] == pytest.approx(expected["altitude_points[-1]"])
    assert altitude.mean() == pytest.approx(expected["altitude_avg"], abs=1e-6)
    assert (altitude.max(), altitude.min()) == pytest.approx(
        (expected["altitude_max"], expected["altitude_min"])
    )
    assert climbs[climbs > 0].sum() == pytest.approx(expected["ascent"], abs=0.01)
    assert -climbs[climbs < 0].sum() == pytest.approx(expected["descent"], abs=0.01)
    assert (streams.lat_deg[0], streams.lon_deg[0]) == pytest.approx(  # type: ignore[index]
        (expected["latitude (first)"], expected["longitude (first)"])
    )
    assert (last_finite(streams.lat_deg), last_finite(streams.lon_deg)) == pytest.approx(
        tuple(expected["position_values[-1]"])
    )
    assert streams.distance_m is not None and streams.distance_m[0] == 0.0
    assert last_finite(streams.distance_m) == pytest.approx(expected["distance_m"])
    assert activity.device_summary is not None
    assert activity.device_summary.moving_s == pytest.approx(expected["duration_s"])
    assert activity.device_summary.calories_kcal == expected["calories"]
    assert activity.description == expected["activity_notes"]


def test_tcx_without_heart_rate_has_no_hr_channel(corpus: Path) -> None:
    (activity,) = parsed(corpus / "tcx_gpx" / "tcxparser__no_hr.tcx")

    assert activity.streams.hr_bpm is None
    assert activity.device_summary is not None and activity.device_summary.avg_hr_bpm is None
    assert len(activity.streams) == 384


def test_sport_activities_features_ride_has_power_at_1hz(corpus: Path) -> None:
    reference = json.loads(
        (corpus / "reference" / "sport_activities_features_expected.json").read_text()
    )
    (activity,) = parsed(corpus / reference["file_cases"][0]["file"])
    power = activity.streams.power_w
    assert power is not None

    assert activity.sport == Sport.RIDE
    assert activity.started_at == dt.datetime(2017, 8, 14, 12, 49, 48, tzinfo=dt.UTC)
    assert len(activity.streams) == 4792  # every trackpoint, one per second
    assert np.isfinite(power).all()
    assert activity.device_summary is not None
    assert activity.device_summary.avg_power_w == 259  # the lap's ns3:AvgWatts


def test_parsed_summary_is_computed_from_the_streams(corpus: Path) -> None:
    (activity,) = parsed(corpus / "tcx_gpx" / f"{RUN}.tcx")

    assert activity.summary.elapsed_s == pytest.approx(activity.streams.time_s[-1], abs=1)
    assert activity.summary.distance_m == pytest.approx(14004.85, rel=0.01)
    assert activity.summary.max_hr_bpm == 167


# --- made-up files ------------------------------------------------------------------------------


def test_extensions_give_speed_power_and_run_cadence() -> None:
    tpx = (
        "<Extensions><ns3:TPX><ns3:Speed>3.5</ns3:Speed><ns3:Watts>250</ns3:Watts>"
        "<ns3:RunCadence>88</ns3:RunCadence></ns3:TPX></Extensions>"
    )
    lap = (
        f'<Lap StartTime="2024-05-01T06:00:00Z"><Track>{point(0, tpx)}{point(1, tpx)}</Track></Lap>'
    )
    (activity,) = parse_tcx(tcx(lap))

    assert list(activity.streams.speed_mps) == [3.5, 3.5]  # type: ignore[arg-type]
    assert list(activity.streams.power_w) == [250, 250]  # type: ignore[arg-type]
    assert list(activity.streams.cadence_spm) == [88, 88]  # type: ignore[arg-type]


def test_every_activity_of_a_file_is_returned_with_its_own_start() -> None:
    one = f"<Activity Sport='Biking'><Lap><Track>{point(0)}{point(5)}</Track></Lap></Activity>"
    two = f"<Activity Sport='Running'><Lap><Track>{point(30)}{point(40)}</Track></Lap></Activity>"
    data = f"""<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">
<Activities>{one}{two}</Activities></TrainingCenterDatabase>""".encode()

    first, second = parse_tcx(data)

    assert (first.sport, second.sport) == (Sport.RIDE, Sport.RUN)
    assert (second.started_at - first.started_at).total_seconds() == 30


def test_other_sport_is_guessed_from_the_file_name_then_left_as_other() -> None:
    lap = f"<Lap><Track>{point(0)}{point(1)}</Track></Lap>"

    assert parse_tcx(tcx(lap, sport="Other"), filename="morning_swim.tcx")[0].sport == Sport.SWIM
    assert parse_tcx(tcx(lap, sport="Other"), filename="export.tcx")[0].sport == Sport.OTHER


def test_duplicate_timestamps_are_merged_and_order_is_by_time() -> None:
    hr = "<HeartRateBpm><Value>{}</Value></HeartRateBpm>"
    track = point(5, hr.format(150)) + point(0, hr.format(100)) + point(5, "<Cadence>80</Cadence>")
    (activity,) = parse_tcx(tcx(f"<Lap><Track>{track}</Track></Lap>"))

    assert list(activity.streams.time_s) == [0, 5]
    assert list(activity.streams.hr_bpm) == [100, 150]  # type: ignore[arg-type]
    assert activity.streams.cadence_spm is not None and activity.streams.cadence_spm[1] == 80


def test_track_without_times_is_rejected_as_no_timestamps() -> None:
    body = "<Lap><Track><Trackpoint><DistanceMeters>1</DistanceMeters></Trackpoint></Track></Lap>"

    with pytest.raises(RejectedFile, match="no timestamps"):
        parse_tcx(tcx(body))


def test_activity_without_track_points_is_rejected() -> None:
    with pytest.raises(RejectedFile, match="no track points"):
        parse_tcx(tcx("<Lap><TotalTimeSeconds>60</TotalTimeSeconds></Lap>"))


def test_truncated_tcx_is_rejected_as_invalid_xml(corpus: Path) -> None:
    data = (corpus / "tcx_gpx" / "tcxparser__test.tcx").read_bytes()

    with pytest.raises(RejectedFile, match="not valid XML"):
        parse_tcx(data[: len(data) // 2])


def test_billion_laughs_is_refused_without_expanding() -> None:
    data = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<TrainingCenterDatabase><Activities><Activity Sport="Running"><Notes>&lol3;</Notes>
</Activity></Activities></TrainingCenterDatabase>"""

    with pytest.raises(RejectedFile, match="unsafe XML: entity declarations"):
        parse_tcx(data)


def test_external_entity_is_refused() -> None:
    data = b"""<?xml version="1.0"?>
<!DOCTYPE t [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<TrainingCenterDatabase><Activities><Activity Sport="Running"><Notes>&xxe;</Notes>
</Activity></Activities></TrainingCenterDatabase>"""

    with pytest.raises(RejectedFile, match="unsafe XML"):
        parse_tcx(data)


def test_a_gpx_document_is_not_a_tcx() -> None:
    with pytest.raises(RejectedFile, match="not a TCX file"):
        parse_tcx(b"<gpx/>")
