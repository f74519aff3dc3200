"""Crafted FIT files for the classes of recording where our summary must agree with the device
(docs/design-fit-decoding.md, "Agreement with the devices"): smart recording, cumulative
distance, records outside every session, swim-strap HR, relative-time watches."""

from __future__ import annotations

import pytest

from activities.parsers.fit import parse_fit
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
