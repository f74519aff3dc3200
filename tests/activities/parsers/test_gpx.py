"""GPX parser: corpus tracks against their FIT twins, extensions of several vendors, bad files."""

from __future__ import annotations

import csv
import datetime as dt
import functools
from pathlib import Path

import numpy as np
import pytest

from activities.parsers.gpx import parse_gpx
from activities.types import NormalizedActivity, RejectedFile
from core.sports import Sport

RUN = "sportslib__runs_6782987395"
RIDE = "sportslib__rides_3939576645"


@functools.cache
def parsed(path: Path) -> list[NormalizedActivity]:
    return parse_gpx(path.read_bytes())


def fit_session(corpus: Path, stem: str) -> dict[str, str]:
    with (corpus / "reference" / "fit_device_session_values.csv").open() as handle:
        return next(row for row in csv.DictReader(handle) if row["file"] == f"fit/{stem}.fit")


def gpx(tracks: str, *, version: str = "1.1") -> bytes:
    namespace = f"http://www.topografix.com/GPX/{version.replace('.', '/')}"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<gpx version="{version}" creator="Test" xmlns="{namespace}"
  xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
  xmlns:pwr="http://www.garmin.com/xmlschemas/PowerExtension/v1">{tracks}</gpx>""".encode()


def trkpt(second: int, lat: float = 45.0, extra: str = "") -> str:
    return (
        f'<trkpt lat="{lat}" lon="6.0"><ele>100</ele>'
        f"<time>2024-05-01T06:{second // 60:02d}:{second % 60:02d}Z</time>{extra}</trkpt>"
    )


@pytest.mark.parametrize(
    ("stem", "sport"),
    [(RUN, Sport.RUN), (RIDE, Sport.RIDE)],
)
def test_gpx_matches_its_fit_twin_start_duration_and_distance(
    corpus: Path, stem: str, sport: Sport
) -> None:
    (activity,) = parsed(corpus / "tcx_gpx" / f"{stem}.gpx")
    fit = fit_session(corpus, stem)
    distance = activity.streams.distance_m
    assert distance is not None

    assert activity.sport == sport
    # The first point, not <metadata><time> (09:42:00 for the run), is the start: within 1 s.
    fit_start = dt.datetime.fromisoformat(fit["start_time"])
    assert abs((activity.started_at - fit_start).total_seconds()) <= 1
    # The points span the FIT elapsed time within 2 s.
    assert activity.streams.time_s[-1] == pytest.approx(float(fit["total_elapsed_time"]), abs=2)
    # Haversine over the track vs the device's wheel/GPS-filtered distance: within 2 %.
    assert np.nanmax(distance) == pytest.approx(float(fit["total_distance"]), rel=0.02)


def test_garmin_track_point_extension_gives_hr_cadence_and_temperature(corpus: Path) -> None:
    (activity,) = parsed(corpus / "tcx_gpx" / f"{RIDE}.gpx")
    streams = activity.streams

    assert activity.sub_sport == "road"  # <type>road_biking</type>
    assert streams.power_w is None  # sports-lib: hasPowerMeter false
    assert (np.nanmax(streams.hr_bpm), np.nanmax(streams.cadence_spm)) == (186, 108)
    assert streams.temperature_c is not None and streams.temperature_c[0] == 27.0
    assert len(streams) == 2547
    assert activity.device_summary is None and activity.laps == []


def test_movescount_gpxdata_extensions_are_read(corpus: Path) -> None:
    (activity,) = parsed(corpus / "tcx_gpx" / "sportslib__samples_movescount.gpx")
    streams = activity.streams

    assert activity.started_at == dt.datetime(2018, 5, 13, 14, 11, 3, tzinfo=dt.UTC)
    assert activity.sport == Sport.OTHER  # no <type>
    assert streams.hr_bpm is not None and streams.hr_bpm[2] == 98
    assert streams.cadence_spm is not None and streams.cadence_spm[2] == 87
    assert streams.temperature_c is not None and streams.temperature_c[2] == pytest.approx(20.8)
    assert streams.speed_mps is not None and streams.speed_mps[2] == pytest.approx(2.6)
    assert np.isnan(streams.hr_bpm[0])  # the first points have no sensor data


def test_strava_power_and_numeric_type_are_read() -> None:
    extra = "<extensions><power>240</power><gpxtpx:TrackPointExtension><gpxtpx:hr>150</gpxtpx:hr>"
    extra += "</gpxtpx:TrackPointExtension></extensions>"
    data = gpx(
        f"<trk><type>1</type><trkseg>{trkpt(0, extra=extra)}{trkpt(1, extra=extra)}</trkseg></trk>"
    )

    (activity,) = parse_gpx(data)

    assert activity.sport == Sport.RIDE
    assert list(activity.streams.power_w) == [240, 240]  # type: ignore[arg-type]
    assert list(activity.streams.hr_bpm) == [150, 150]  # type: ignore[arg-type]


def test_garmin_power_extension_and_gpx_10_speed_are_read() -> None:
    extra = "<speed>4.2</speed><extensions><pwr:PowerInWatts>310</pwr:PowerInWatts></extensions>"
    data = gpx(f"<trk><trkseg>{trkpt(0, extra=extra)}</trkseg></trk>", version="1.0")

    (activity,) = parse_gpx(data)

    assert activity.streams.power_w is not None and activity.streams.power_w[0] == 310
    assert activity.streams.speed_mps is not None and activity.streams.speed_mps[0] == 4.2


@pytest.mark.parametrize(
    ("kind", "sport"),
    [
        ("running", Sport.RUN),
        ("trail_running", Sport.RUN),
        ("9", Sport.RUN),
        ("cycling", Sport.RIDE),
        ("mountain_biking", Sport.RIDE),
        ("hiking", Sport.HIKE),
        ("lap_swimming", Sport.SWIM),
        ("cross_country_skiing_ws", Sport.SKI),
        ("indoor_rowing", Sport.ROW),
        ("paragliding", Sport.OTHER),
    ],
)
def test_sport_comes_from_the_track_type(kind: str, sport: Sport) -> None:
    data = gpx(f"<trk><type>{kind}</type><trkseg>{trkpt(0)}{trkpt(1)}</trkseg></trk>")

    assert parse_gpx(data)[0].sport == sport


def test_segments_are_joined_keeping_the_time_gap_without_distance_across_it() -> None:
    first = trkpt(0, 45.0) + trkpt(10, 45.001)  # ~111 m
    second = trkpt(600, 45.01) + trkpt(610, 45.011)  # a pause, then another ~111 m
    data = gpx(f"<trk><trkseg>{first}</trkseg><trkseg>{second}</trkseg></trk>")

    (activity,) = parse_gpx(data)

    assert list(activity.streams.time_s) == [0, 10, 600, 610]
    assert activity.streams.distance_m is not None
    assert activity.streams.distance_m[-1] == pytest.approx(2 * 111.2, rel=0.01)


def test_each_track_is_its_own_activity() -> None:
    data = gpx(
        f"<trk><trkseg>{trkpt(0)}</trkseg></trk><trk><type>running</type>"
        f"<trkseg>{trkpt(120)}</trkseg></trk>"
    )

    first, second = parse_gpx(data)

    assert (second.started_at - first.started_at).total_seconds() == 120
    assert second.sport == Sport.RUN


def test_route_without_times_is_rejected_as_no_timestamps() -> None:
    data = gpx('<trk><trkseg><trkpt lat="45" lon="6"/><trkpt lat="45.1" lon="6"/></trkseg></trk>')

    with pytest.raises(RejectedFile, match="no timestamps"):
        parse_gpx(data)


def test_empty_track_is_rejected() -> None:
    with pytest.raises(RejectedFile, match="no track points"):
        parse_gpx(gpx("<trk><trkseg/></trk>"))
    with pytest.raises(RejectedFile, match="no track points"):
        parse_gpx(gpx('<wpt lat="45" lon="6"/>'))


def test_malformed_gpx_is_rejected_as_invalid_xml() -> None:
    with pytest.raises(RejectedFile, match="not valid XML"):
        parse_gpx(gpx(f"<trk><trkseg>{trkpt(0)}</trk>"))


def test_external_entity_in_gpx_is_refused() -> None:
    data = b"""<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY x SYSTEM "http://example.test/x">]>
<gpx><trk><name>&x;</name></trk></gpx>"""

    with pytest.raises(RejectedFile, match="unsafe XML"):
        parse_gpx(data)


def test_unreadable_values_are_skipped_not_fatal() -> None:
    extra = "<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>n/a</gpxtpx:hr>"
    extra += "</gpxtpx:TrackPointExtension></extensions>"
    data = gpx(
        f'<trk><trkseg>{trkpt(0, extra=extra)}<trkpt lat="x" lon="6"><time>2024-05-01T06:00:05Z'
        "</time></trkpt></trkseg></trk>"
    )

    (activity,) = parse_gpx(data)

    assert activity.streams.hr_bpm is None
    assert activity.streams.lat_deg is not None and np.isnan(activity.streams.lat_deg[1])


def test_impossible_positions_become_gaps() -> None:
    points = trkpt(0, 0.0).replace('lon="6.0"', 'lon="0"') + trkpt(1, 95.0) + trkpt(2, 45.0)

    (activity,) = parse_gpx(gpx(f"<trk><trkseg>{points}</trkseg></trk>"))

    assert activity.streams.lat_deg is not None
    assert np.isnan(activity.streams.lat_deg[:2]).all() and activity.streams.lat_deg[2] == 45
