"""Crafted FIT files for the classes of recording where our summary must agree with the device
(docs/design-fit-decoding.md, "Agreement with the devices"): smart recording, cumulative
distance, records outside every session, swim-strap HR, relative-time watches."""

from __future__ import annotations

import datetime as dt

import pytest

from activities.parsers._fit_decoders import DECODERS
from activities.parsers.fit import parse_fit, parse_fit_with
from tests.activities.parsers.fit_builder import at, fit_file, record, session, timer


def test_a_smart_recording_averages_hr_over_the_time_the_timer_ran() -> None:
    """Ten 1 s samples at 100 bpm, then samples 20 s apart at 160 bpm while the timer runs,
    then a 60 s timer stop (its samples count for nothing) and 20 s more at 160 bpm. The
    device weighs each value by the timer time it stands for: (9×100 + 120×160) / 129."""
    samples = [record(s, heart_rate=100, power=150) for s in range(10)]
    samples += [record(9 + 20 * k, heart_rate=160, power=250) for k in range(1, 6)]
    stopped = [timer(109, "stop_all"), record(169, heart_rate=90, power=0), timer(169, "start")]
    last = [record(189, heart_rate=160, power=250), timer(189, "stop_all")]
    indoor = session(0, 189, sport="cycling", sub_sport="indoor_cycling")
    data = fit_file([timer(0, "start"), *samples, *stopped, *last, indoor])
    summary = parse_fit(data)[0].summary
    assert summary.timer_s == 129
    assert summary.avg_hr_bpm == pytest.approx((9 * 100 + 120 * 160) / 129)
    assert summary.avg_power_w == pytest.approx((9 * 150 + 120 * 250) / 129)


def semicircles(degrees: float) -> int:
    return round(degrees * 2**31 / 180)


def test_distance_is_the_recordings_cumulative_distance_not_the_gps_track() -> None:
    """The device's first record already counts 16 m (covered before it), and its distance
    (wheel or accelerometer) is not the GPS track's: the total is its last cumulative value."""
    samples = [
        record(s, distance=16.0 + 4.0 * s, position_lat=0, position_long=semicircles(s * 1e-4))
        for s in range(1, 101)
    ]
    (run,) = parse_fit(fit_file([timer(0, "start"), *samples, session(0, 100)]))
    assert run.summary.distance_m == pytest.approx(416.0)


def test_a_multisport_leg_counts_its_distance_from_where_the_previous_leg_ended() -> None:
    """A multisport device counts on across its legs: the second leg's distance is its last
    cumulative value minus the first leg's."""
    first = [record(s, distance=3.0 * s) for s in range(1, 61)]
    second = [record(s, distance=180.0 + 8.0 * (s - 60)) for s in range(61, 121)]
    messages = [timer(0, "start"), *first, *second]
    legs = parse_fit(fit_file([*messages, session(0, 60), session(61, 59, "cycling")]))
    assert [leg.summary.distance_m for leg in legs] == pytest.approx([180.0, 480.0])


def test_records_after_start_plus_elapsed_belong_to_the_session_they_were_stamped_in() -> None:
    """The device closed its session at 70 s (its `timestamp`) though its elapsed time says
    60.9 s: the records it wrote until then are the session's, and their distance is the
    device's total."""
    samples = [record(s, distance=5.0 * s) for s in range(1, 71)]
    closed = session(0, 60.9, total_distance=350.0)
    closed[1]["timestamp"] = at(70)
    (ride,) = parse_fit(fit_file([timer(0, "start"), *samples, closed]))
    assert ride.summary.distance_m == 350.0
    assert not ride.warnings


def packed_12_bit(ticks: list[int]) -> list[int]:
    """`event_timestamp_12`: the low 12 bits of 8 event times (1/1024 s), little-endian."""
    bits = 0
    for index, value in enumerate(ticks):
        bits |= (value & 0xFFF) << (12 * index)
    return list(bits.to_bytes(12, "little"))


def test_a_swim_straps_stored_heart_rate_is_merged_into_the_records() -> None:
    """An anchor `hr` message puts the strap's clock (event time 1000 s) on the file's clock
    (0 s); a compressed one holds 8 readings 0.5 s apart. Each record takes the rounded mean
    of the readings in the second before it, each carried forward 250 ms at a time (the FIT
    SDK's merge): 120, (120 + 3 × 130) / 4, 130, (130 + 3 × 140) / 4, 140. The strap's
    reading replaces what the watch wrote live (90); a record with no reading keeps its own."""
    ticks = [1000 * 1024 + 512 * k for k in range(1, 9)]
    strap = [
        ("HR", {"timestamp": at(0), "event_timestamp": [1000.0], "filtered_bpm": [120]}),
        ("HR", {"event_timestamp_12": packed_12_bit(ticks), "filtered_bpm": [130] * 4 + [140] * 4}),
    ]
    samples = [record(s, distance=1.0 * s, heart_rate=90) for s in range(6)]
    (swim,) = parse_fit(fit_file([timer(0, "start"), *samples, *strap, session(0, 5, "swimming")]))
    assert swim.streams.hr_bpm is not None
    assert swim.streams.hr_bpm.tolist() == [120, 128, 130, 138, 140, 90]


FIT_EPOCH = dt.datetime(1989, 12, 31, tzinfo=dt.UTC)


def system_time(seconds: float) -> dt.datetime:
    """A relative FIT date_time: seconds since the watch powered on (below 0x10000000)."""
    return FIT_EPOCH + dt.timedelta(seconds=1_000_000 + seconds)


def test_a_watch_with_relative_times_is_placed_by_its_one_local_time() -> None:
    """A Forerunner 70 whose clock was never set stamps everything in system time; its
    activity message says the wall-clock time of its own stamp. The file is ingested, put on
    the calendar by that time (read as UTC, and the activity says so)."""
    wall_clock = dt.datetime(2012, 2, 13, 12, 20, tzinfo=dt.UTC)
    messages = [
        ("RECORD", {"timestamp": system_time(s), "heart_rate": 150}) for s in range(0, 600, 2)
    ] + [
        ("EVENT", {"timestamp": system_time(600), "event": "timer", "event_type": "stop_all"}),
        (
            "SESSION",
            {
                "timestamp": system_time(600),
                "start_time": system_time(0),
                "total_elapsed_time": 600.0,
                "total_timer_time": 600.0,
                "sport": "running",
            },
        ),
        ("ACTIVITY", {"timestamp": system_time(601), "local_timestamp": wall_clock}),
    ]
    (run,) = parse_fit(fit_file(messages))
    assert run.started_at == wall_clock - dt.timedelta(seconds=601)
    assert run.summary.timer_s == 600
    assert run.summary.avg_hr_bpm == 150
    assert any("clock was not set" in warning for warning in run.warnings)


def test_compressed_speed_and_distance_are_expanded_by_every_decoder() -> None:
    """Old foot-pod watches pack speed (1/100 m/s) and a distance that rolls over every
    256 m into 3 bytes; the distance accumulates across roll-overs: 199 s at 3 m/s."""

    def packed(speed_mps: float, distance_m: float) -> list[int]:
        bits = round(speed_mps * 100) | (round(distance_m * 16) % 4096) << 12
        return list(bits.to_bytes(3, "little"))

    samples = [record(s, compressed_speed_distance=packed(3.0, 3.0 * s)) for s in range(200)]
    data = fit_file([timer(0, "start"), *samples, session(0, 199)])
    for decoder in DECODERS:
        (run,) = parse_fit_with(data, decoder=decoder)
        assert run.summary.distance_m == pytest.approx(597.0)
        assert run.summary.max_speed_mps == pytest.approx(3.0)
