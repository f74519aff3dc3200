"""parse_fit on chosen corpus files: sessions, laps, pool lengths, devices, fallbacks, salvage."""

from __future__ import annotations

import datetime as dt
import itertools
import struct
from pathlib import Path

import numpy as np
import pytest
from fitdecode.utils import compute_crc

from activities.parsers._fit_decoders import DECODERS
from activities.parsers.fit import parse_fit, parse_fit_with
from activities.types import RejectedFile
from core.sports import Sport
from tests.activities.parsers.fit_builder import fit_file
from tests.activities.parsers.test_fit_device_numbers import FIT_EPOCH

pytestmark = pytest.mark.corpus

_HEADER = b"\x0c\x10\x00\x00\x00\x00\x00\x00.FIT"  # 12-byte header, empty body
EMPTY_FIT = _HEADER + struct.pack("<H", compute_crc(_HEADER))


def fit_bytes(corpus: Path, name: str) -> bytes:
    return (corpus / "fit" / name).read_bytes()


def test_a_triathlon_gives_one_activity_per_session_in_file_order(corpus: Path) -> None:
    legs = parse_fit(fit_bytes(corpus, "muktihari__triathlon_summary_first.fit"))
    assert [(leg.sport, leg.sub_sport) for leg in legs] == [
        (Sport.SWIM, "open_water"),
        (Sport.OTHER, "transition"),
        (Sport.RIDE, ""),
        (Sport.OTHER, "transition"),
        (Sport.RUN, ""),
    ]
    starts = [leg.started_at for leg in legs]
    assert starts == sorted(starts)
    for leg, following in itertools.pairwise(legs):
        assert leg.started_at + dt.timedelta(seconds=leg.streams.time_s[-1]) < following.started_at
    assert all(leg.device == "Garmin Forerunner 255" for leg in legs)


def test_a_chained_file_is_read_through_all_its_parts(corpus: Path) -> None:
    data = fit_bytes(corpus, "sportslib__swim_6788312639-1.fit")  # 3 chained FIT files
    headers = 0
    offset = 0
    while offset + 12 <= len(data) and data[offset + 8 : offset + 12] == b".FIT":
        size, body = data[offset], struct.unpack("<I", data[offset + 4 : offset + 8])[0]
        offset += size + body + 2
        headers += 1
    assert headers == 3
    legs = parse_fit(data)
    assert len(legs) == 5
    assert sum(len(leg.streams) for leg in legs) == 8930


def test_the_first_leg_of_a_fenix2_multisport_starts_where_its_lap_starts(corpus: Path) -> None:
    """Its start_time field is 45 min late; its end time and its first lap agree."""
    legs = parse_fit(fit_bytes(corpus, "fitparse__activity-large-fenxi2-multisport.fit"))
    assert legs[0].started_at == dt.datetime(2015, 8, 29, 7, 14, 44, tzinfo=dt.UTC)
    assert legs[0].laps[0].start_s == 0
    assert legs[0].summary.distance_m == pytest.approx(25072, rel=0.001)


def test_a_pool_swim_counts_lengths_into_laps_and_keeps_the_pool_length(corpus: Path) -> None:
    (swim,) = parse_fit(fit_bytes(corpus, "sportslib__swim_6688025408.fit"))
    assert swim.sport is Sport.SWIM and swim.sub_sport == "lap_swimming"
    assert swim.pool_length_m == 50.0
    assert sum(lap.lengths or 0 for lap in swim.laps) == 46
    assert len(swim.laps) == 36
    assert swim.summary.distance_m == 2300.0
    assert swim.summary.moving_s == pytest.approx(3963.128, abs=0.01)


def test_a_pool_swim_from_a_2014_watch_with_a_zero_header_crc_parses(corpus: Path) -> None:
    """A header CRC of 0 is allowed by the FIT spec; fitfast reads the file once the header
    CRC is filled in (and the file CRC shifted to match), without any damage reported."""
    data = fit_bytes(corpus, "sportslib__swim_7617306288.fit")
    assert data[12:14] == b"\x00\x00"
    assert DECODERS["fitfast"](data).damage == ""
    (swim,) = parse_fit(data)
    assert not swim.recovered
    assert swim.pool_length_m == 25.0
    assert [lap.lengths for lap in swim.laps if lap.lengths] == [2, 2, 2]
    assert swim.summary.distance_m == 150.0


def test_enhanced_speed_and_altitude_are_preferred(corpus: Path) -> None:
    data = fit_bytes(corpus, "sportslib__rides_7432332116.fit")
    columns = DECODERS["fitfast"](data).records
    (ride,) = parse_fit(data)
    assert ride.streams.speed_mps is not None and ride.streams.altitude_m is not None
    np.testing.assert_array_equal(ride.streams.speed_mps, columns["enhanced_speed"])
    np.testing.assert_array_equal(ride.streams.altitude_m, columns["enhanced_altitude"])


def test_developer_fields_are_ignored(corpus: Path) -> None:
    """Stryd writes developer fields named "Power" and "Cadence": the native ones are used."""
    data = fit_bytes(corpus, "tormoder__misc_mornindew-broken.fit")
    import fitfast

    assert {"Power", "Cadence"} <= set(fitfast.records(data))  # developer fields in the file
    (run,) = parse_fit(data)
    assert run.streams.power_w is None  # no native power field in this run
    assert run.streams.cadence_spm is not None


def test_running_cadence_is_kept_as_the_device_reports_it(corpus: Path) -> None:
    (run,) = parse_fit(fit_bytes(corpus, "tormoder__misc_mornindew-broken.fit"))
    assert run.summary.avg_cadence_spm is not None
    # The device's session says 82 (+0.65 fractional) strides per minute: never doubled.
    assert run.device_summary is not None
    assert run.device_summary.avg_cadence_spm == pytest.approx(82.65, abs=0.01)
    assert 70 < run.summary.avg_cadence_spm < 95


def test_device_values_sit_beside_our_own(corpus: Path) -> None:
    (ride,) = parse_fit(fit_bytes(corpus, "sportslib__rides_7386755164.fit"))
    device = ride.device_summary
    assert device is not None
    assert (device.distance_m, device.moving_s, device.avg_power_w) == (48438.97, 6175.052, 135)
    assert ride.summary.ascent_m != device.ascent_m  # ours comes from the records
    assert ride.summary.distance_m == device.distance_m  # the records' cumulative distance
    assert ride.thresholds.ftp_w == 228
    assert ride.device == "Garmin Edge 1030"


def test_devices_are_named_from_their_ids(corpus: Path) -> None:
    names = {
        "fitdecode__garmin-fr935-cr.fit": "Garmin Forerunner 935",
        "fitparse__garmin-fenix-5-run.fit": "Garmin Fenix 5",
        "fitparse__2019-02-17-062644-ELEMNT-297E-195-0.fit": "Wahoo Fitness 28",
        "sportslib__runs_6916663933.fit": "Coros APEX Pro",
    }
    for name, device in names.items():
        assert parse_fit(fit_bytes(corpus, name))[0].device == device


def test_hr_thresholds_come_from_the_zones_and_the_profile(corpus: Path) -> None:
    (ride,) = parse_fit(fit_bytes(corpus, "sportslib__rides_6783622686.fit"))
    assert ride.thresholds.hr_max_bpm is not None and 150 < ride.thresholds.hr_max_bpm < 230
    assert ride.thresholds.hr_rest_bpm is not None


def test_a_session_without_start_time_starts_at_its_first_record(corpus: Path) -> None:
    (ride,) = parse_fit(fit_bytes(corpus, "sportslib__others_broken-dates.fit"))
    assert ride.started_at == dt.datetime(2017, 3, 20, 19, 9, 28, tzinfo=dt.UTC)
    assert len(ride.streams) == 3279


def test_a_file_without_session_gets_one_built_from_its_records(corpus: Path) -> None:
    data = fit_bytes(corpus, "sportslib__rides_7432332116.fit")
    truncated = data[: len(data) - 6000]  # the session and activity messages are at the end
    (ride,) = parse_fit(truncated)
    assert ride.device_summary is None
    assert ride.sport is Sport.RIDE  # from the sport message near the start
    assert ride.recovered
    assert len(ride.streams) > 9500


def test_a_truncated_long_ride_keeps_what_was_readable(corpus: Path) -> None:
    data = fit_bytes(corpus, "fitparse__2019-02-17-062644-ELEMNT-297E-195-0.fit")  # 6.5 h
    (ride,) = parse_fit(data[: int(len(data) * 0.9)])
    assert ride.recovered
    assert ride.warnings[0].startswith("Recovered from a damaged file: ")
    assert 11_000 < len(ride.streams) < 13_471
    assert ride.summary.distance_m is not None and ride.summary.distance_m > 60_000


def test_a_corrupt_byte_falls_back_to_the_salvaging_decoder(corpus: Path) -> None:
    data = bytearray(fit_bytes(corpus, "sportslib__rides_5319808632.fit"))
    data[len(data) // 2] ^= 0x01  # one bit: the CRC no longer matches
    for fast in ("fitfast", "pyfitparsernative"):
        with pytest.raises(RejectedFile, match="unreadable"):
            parse_fit_with(bytes(data), decoder=fast)
    (ride,) = parse_fit(bytes(data))
    assert ride.recovered
    assert "checksum" in ride.warnings[0]
    assert len(ride.streams) == 1067


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"hello, this is not a FIT file at all", "not a FIT file"),
        (EMPTY_FIT, "no records and no session"),
    ],
)
def test_files_with_nothing_usable_are_rejected_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(RejectedFile, match=reason):
        parse_fit(data)


def test_relative_dates_are_placed_by_the_watchs_one_local_time(corpus: Path) -> None:
    """A Forerunner 70 whose clock was never set: system times, and one local time in its
    activity message (2012-02-13 12:21:03, the moment of its own stamp)."""
    (run,) = parse_fit(fit_bytes(corpus, "fitparse__antfs-dump.63.fit"))
    assert run.started_at == dt.datetime(2012, 2, 13, 11, 23, 51, tzinfo=dt.UTC)
    assert run.device == "Garmin Forerunner 70"
    assert any("clock was not set" in warning for warning in run.warnings)


def test_relative_dates_without_a_local_time_are_rejected(corpus: Path) -> None:
    data = fit_file(
        [("RECORD", {"timestamp": FIT_EPOCH + dt.timedelta(seconds=1000 + s)}) for s in range(5)]
    )
    with pytest.raises(RejectedFile, match="no real dates"):
        parse_fit(data)


def test_dates_after_now_are_rejected_when_now_is_given(corpus: Path) -> None:
    data = fit_bytes(corpus, "fitparse__garmin-fenix-5-run.fit")  # 2017-06-11
    assert parse_fit(data, now=dt.datetime(2017, 6, 11, tzinfo=dt.UTC))
    with pytest.raises(RejectedFile, match="future"):
        parse_fit(data, now=dt.datetime(2017, 6, 1, tzinfo=dt.UTC))


def test_positions_of_zero_zero_are_no_fix(corpus: Path) -> None:
    (ride,) = parse_fit(fit_bytes(corpus, "sportslib__others_broken-start-latlng.fit"))
    assert ride.streams.lat_deg is not None and ride.streams.lon_deg is not None
    assert not np.any((ride.streams.lat_deg == 0) & (ride.streams.lon_deg == 0))
    assert np.nanmin(ride.streams.lat_deg) < -15  # Brasília


def test_a_long_gap_inside_a_session_is_reported(corpus: Path) -> None:
    (ride,) = parse_fit(fit_bytes(corpus, "sportslib__others_27-days-activity.fit"))
    assert any("27.8 days" in warning for warning in ride.warnings)
