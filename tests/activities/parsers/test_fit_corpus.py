"""The whole FIT corpus: every file parses or is rejected with a reason; our summaries agree
with what each device wrote; the fast decoders agree with fitdecode.

Agreement (reference/fit_device_session_values.csv): within 0.5 %, or within the device's own
resolution where that is larger — records are stamped in whole seconds while a device times
its session in milliseconds and rounds average HR to a whole beat, so a 60 s transition
cannot agree to 0.5 % (0.3 s). The resolution floors are: time 3 s, distance 3 s at the
session's average speed (distance / timer), heart rate 1 bpm. The device's `total_timer_time`
is compared with our `timer_s` (from the file's timer start/stop events), or with our moving
time for a session without timer events. Ascent is checked separately, within 5 % (see
ASCENT_OUTSIDE_5_PERCENT and docs/ascent.md). Every other difference has an entry in
KNOWN_DIFFERENCES that asserts the specific reason; an entry that agrees again fails as stale.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from activities.parsers._fit_decoders import DECODERS, DecodedFit, DecoderError
from activities.parsers.fit import activities_from, parse_fit, parse_fit_with
from activities.summary import recorded_s
from activities.types import NormalizedActivity, RejectedFile

pytestmark = pytest.mark.corpus

# Files the product must refuse, and why (everything else in corpus/fit must parse).
EXPECTED_REJECTIONS = {
    "sportslib__others_empty-sessions.fit": "empty file",  # 0 bytes
}
# "Broken" files that are partly or wholly readable and must be kept, not rejected.
KEPT_DESPITE_THEIR_NAME = (
    "sportslib__others_broken-dates.fit",  # no session start; 5 records per stamped second
    "sportslib__others_broken-start-latlng.fit",  # 0,0 positions at the start (become NaN)
    "tormoder__misc_mornindew-broken.fit",  # every decoder reads it whole
    "tormoder__misc_unterminated-strings.fit",
    "fitparse__coros-pace-2-cycling-misaligned-fields.fit",  # field sizes not a multiple
)

FIELDS = ("total_distance", "total_timer_time", "avg_heart_rate", "max_heart_rate")


@dataclass(frozen=True)
class Row:
    """One row of the device reference: a session's values as the device wrote them."""

    file: str
    session: int
    values: dict[str, str]

    def number(self, name: str) -> float | None:
        try:
            return float(self.values[name])
        except (KeyError, ValueError):
            return None


def corpus_files(corpus: Path) -> list[Path]:
    return sorted((corpus / "fit").glob("*.fit"))


@cache
def parsed(path: Path) -> list[NormalizedActivity] | RejectedFile:
    try:
        return parse_fit(path.read_bytes())
    except RejectedFile as rejected:
        return rejected


def reference_rows(corpus: Path) -> list[Row]:
    with (corpus / "reference" / "fit_device_session_values.csv").open() as handle:
        return [
            Row(Path(row["file"]).name, int(row["session_index"]), row)
            for row in csv.DictReader(handle)
        ]


def ours(activity: NormalizedActivity, field: str) -> float | None:
    summary = activity.summary
    return {
        "total_distance": summary.distance_m,
        "total_timer_time": summary.timer_s if summary.timer_s is not None else summary.moving_s,
        "avg_heart_rate": summary.avg_hr_bpm,
        "max_heart_rate": summary.max_hr_bpm,
        "total_ascent": summary.ascent_m,
    }[field]


def tolerance(row: Row, field: str) -> float:
    """0.5 % of the device's value, or the device's resolution when that is larger."""
    device = abs(row.number(field) or 0.0)
    timer = row.number("total_timer_time") or row.number("total_elapsed_time")
    speed = (row.number("total_distance") or 0.0) / timer if timer else 0.0
    floor = {
        "total_distance": 3.0 * speed,
        "total_timer_time": 3.0,
        "avg_heart_rate": 1.0,
        "max_heart_rate": 1.0,
    }[field]
    return max(0.005 * device, floor)


def agrees(activity: NormalizedActivity, row: Row, field: str) -> bool:
    device, mine = row.number(field), ours(activity, field)
    if device is None or (device == 0 and mine is None):
        return True  # neither the device nor the records measured it
    if device == 0 and field in ("avg_heart_rate", "max_heart_rate"):
        return True  # a device writes 0 for "no HR"
    return mine is not None and abs(mine - device) <= tolerance(row, field)


# ---------------------------------------------------------------- known differences


def _leg_without_timer_events(activity: NormalizedActivity, row: Row, corpus: Path) -> None:
    """A Fenix 2 multisport file writes timer events for its last leg only: the earlier legs
    have no timer time of ours (`timer_s` is None) and fall back to moving time. The device's
    timer kept running while the athlete stood still (no auto-pause): the recorded time
    matches the device's timer, our moving time leaves the standing samples out."""
    assert activity.summary.timer_s is None
    timer = row.number("total_timer_time")
    assert timer is not None
    recorded = recorded_s(activity.streams, sport=activity.sport)
    moving = activity.summary.moving_s
    assert moving is not None
    assert abs(recorded - timer) <= max(0.005 * timer, 3.0)
    assert moving < recorded


def _synthetic_benchmark_file(activity: NormalizedActivity, row: Row, corpus: Path) -> None:
    """muktihari's 100,000-record benchmark file repeats one record: distance never grows
    (ours is that one record's cumulative distance)."""
    distance = activity.streams.distance_m
    assert distance is not None
    assert np.nanmax(distance) == np.nanmin(distance)
    assert activity.summary.distance_m == distance[0]
    assert any("outside every session" in warning for warning in activity.warnings)


def _pool_swim_strap_readings_weighed_by_beat(
    activity: NormalizedActivity, row: Row, corpus: Path
) -> None:
    """A pool swim whose HR the strap stored in `hr` messages: merged into the records, its
    maximum agrees, and its average over the laps that swam lengths is 1.5 bpm under the
    device's. The device averages the strap's readings, one per beat or so, so fast beats
    weigh more than in our average over time: the mean of the raw readings inside the active
    lengths is within 1 bpm of the device's."""
    import fitfast

    from activities.parsers._fit_hr import _readings

    data = (corpus / "fit" / row.file).read_bytes()
    hr_messages = fitfast.parse(data, enum_names=True, datetimes=False)
    readings = list(_readings([dict(m) for m in hr_messages["hr"]]))
    active = [
        (length["start_time"], length["start_time"] + length["total_timer_time"])
        for length in hr_messages["length"]
        if length.get("length_type") == "active"
    ]
    swum = [bpm for time_s, bpm in readings if any(a < time_s <= b for a, b in active)]
    device = row.number("avg_heart_rate")
    assert device is not None and activity.summary.avg_hr_bpm is not None
    assert abs(float(np.mean(swum)) - device) <= 1
    assert 1 < device - activity.summary.avg_hr_bpm < 2
    assert activity.summary.max_hr_bpm == row.number("max_heart_rate")


def _wrist_average_beside_a_strap(activity: NormalizedActivity, row: Row, corpus: Path) -> None:
    """A Forerunner 935 swim with wrist HR in its records and an HRM-Tri's stored HR in `hr`
    messages that disagree by 13 bpm on average (the strap's data has a 16-minute hole). The
    device's average (80) is its wrist records'; we take the strap's where it has readings,
    as the FIT SDK's merge does (another file, sportslib__swim_6788312639-1, agrees only that
    way)."""
    from activities.parsers._fit_decoders import DECODERS

    records = DECODERS["fitfast"]((corpus / "fit" / row.file).read_bytes()).records
    wrist = float(np.nanmean(records["heart_rate"]))
    device = row.number("avg_heart_rate")
    assert device is not None and abs(wrist - device) <= 1
    assert activity.summary.avg_hr_bpm is not None and activity.summary.avg_hr_bpm > device + 1


def _short_sparse_transition(activity: NormalizedActivity, row: Row, corpus: Path) -> None:
    """A triathlon transition of under 200 s recorded every 5-6 s: the device's distance runs
    on between samples (its timer agrees with ours); our distance is within 6 m."""
    timer, distance = row.number("total_timer_time"), row.number("total_distance")
    assert timer is not None and distance is not None and timer < 200
    assert float(np.median(np.diff(activity.streams.time_s))) >= 5
    assert activity.summary.distance_m is not None
    assert abs(activity.summary.distance_m - distance) <= 6


def _short_file_hr(activity: NormalizedActivity, row: Row, corpus: Path) -> None:
    """Under a minute of data: one or two seconds of HR the device weighs differently move
    the average by 2-3 bpm; the maximum agrees exactly."""
    assert activity.summary.max_hr_bpm == row.number("max_heart_rate")
    assert activity.summary.elapsed_s is not None and activity.summary.elapsed_s < 60


Check = Callable[[NormalizedActivity, Row, Path], None]


@dataclass(frozen=True)
class Known:
    """A file whose listed sessions differ from the device in exactly the listed fields."""

    differs: dict[int, tuple[str, ...]]  # session index → the fields that differ
    reason: str
    check: Check


KNOWN_DIFFERENCES: dict[str, Known] = {
    "fitparse__activity-large-fenxi2-multisport.fit": Known(
        {2: ("total_timer_time",), 4: ("total_timer_time",)},
        "no timer events for these legs: moving time, and the timer ran while standing",
        _leg_without_timer_events,
    ),
    "tormoder__misc_unterminated-strings.fit": Known(
        {0: ("avg_heart_rate",)}, "32 s of data", _short_file_hr
    ),
    "fitparse__garmin-fenix-5-run.fit": Known(
        {0: ("avg_heart_rate",)}, "57 s of data", _short_file_hr
    ),
    "fitparse__sample_mulitple_header.fit": Known(
        {1: ("total_distance",)}, "sparse 170 s transition", _short_sparse_transition
    ),
    "fitparse__event_timestamp.fit": Known(
        {0: ("avg_heart_rate",)},
        "pool swim: the device averages the strap's readings by beat, we by time",
        _pool_swim_strap_readings_weighed_by_beat,
    ),
    "fitdecode__garmin-fr935-cr.fit": Known(
        {0: ("avg_heart_rate",)},
        "the device averaged its wrist HR; the strap's stored HR disagrees",
        _wrist_average_beside_a_strap,
    ),
    "muktihari__big_activity.fit": Known(
        {0: ("total_distance",)},
        "synthetic file of one repeated record",
        _synthetic_benchmark_file,
    ),
}


# ---------------------------------------------------------------- tests


def test_every_corpus_fit_file_parses_or_is_rejected_with_a_reason(corpus: Path) -> None:
    files = corpus_files(corpus)
    assert len(files) >= 40
    rejected = {}
    for path in files:
        result = parsed(path)
        if isinstance(result, RejectedFile):
            assert result.reason
            rejected[path.name] = result.reason
        else:
            assert result, f"{path.name}: parsed to no activity"
            assert all(len(a.streams) or a.laps for a in result), path.name
    assert set(rejected) == set(EXPECTED_REJECTIONS), rejected
    for name, words in EXPECTED_REJECTIONS.items():
        assert words in rejected[name]
    for name in KEPT_DESPITE_THEIR_NAME:
        assert name not in rejected


def test_our_summary_agrees_with_the_device_session_values(corpus: Path) -> None:
    disagreements = []
    for row in reference_rows(corpus):
        result = parsed(corpus / "fit" / row.file)
        if isinstance(result, RejectedFile):
            assert row.file in EXPECTED_REJECTIONS
            continue
        activity = result[row.session]
        known = KNOWN_DIFFERENCES.get(row.file)
        for field in FIELDS:
            if agrees(activity, row, field):
                continue
            if known and field in known.differs.get(row.session, ()):
                continue
            disagreements.append(
                f"{row.file}#{row.session} {field}: ours {ours(activity, field)} "
                f"device {row.number(field)}"
            )
    assert not disagreements, "\n".join(disagreements)


@pytest.mark.parametrize("name", sorted(KNOWN_DIFFERENCES))
def test_each_known_difference_is_explained_by_its_reason(corpus: Path, name: str) -> None:
    """Every listed session and field still differs (an entry that agrees is stale) and the
    entry's own check holds."""
    known = KNOWN_DIFFERENCES[name]
    rows = {row.session: row for row in reference_rows(corpus) if row.file == name}
    result = parsed(corpus / "fit" / name)
    assert not isinstance(result, RejectedFile)
    assert set(known.differs) <= set(rows), f"{name}: no reference row for a listed session"
    stale = []
    for session, fields in known.differs.items():
        row, activity = rows[session], result[session]
        known.check(activity, row, corpus)
        stale += [f"#{session} {field}" for field in fields if agrees(activity, row, field)]
    assert not stale, f"{name}: {stale} agree now — remove them from KNOWN_DIFFERENCES"


def test_timer_time_comes_from_the_timer_events_of_every_session_that_has_them(
    corpus: Path,
) -> None:
    """Only the Fenix 2 multisport legs before its first timer event fall back to moving
    time; every other session the device timed has our `timer_s`."""
    without = []
    for row in reference_rows(corpus):
        result = parsed(corpus / "fit" / row.file)
        if isinstance(result, RejectedFile) or row.number("total_timer_time") is None:
            continue
        if result[row.session].summary.timer_s is None:
            without.append(f"{row.file}#{row.session}")
    fenix = "fitparse__activity-large-fenxi2-multisport.fit"
    assert without == [f"{fenix}#{session}" for session in range(6)]


# Sessions whose device wrote 10 m of ascent or more (below that, 5 % is under one 0.2 m
# altitude step) and where our ascent (docs/ascent.md) is more than 5 % away, with the reason.
ASCENT_AGREEMENT = 0.05
ASCENT_AGREEING_AT_LEAST = 18  # of 34; bench/ascent.py prints the table
ASCENT_OUTSIDE_5_PERCENT = {
    "fitparse__2015-10-13-08-43-15.fit#0": "Edge 200: GPS altitude, a sample every 7 s",
    "fitparse__activity-large-fenxi2-multisport.fit#0": "Fenix 2 first leg: -15 %, unexplained",
    "fitparse__activity-small-fenix2-run.fit#0": "Fenix 2: spiky altitude, +65 %",
    "fitparse__garmin-edge-500-activity.fit#0": "Edge 500: records hold less climb (-15 %)",
    "fitparse__sample-activity.fit#0": "Edge 500 smart recording (2 s): -16 %",
    "fitparse__sample_mulitple_header.fit#2": "920XT smart recording (6 s), 30 m in all",
    "muktihari__big_activity.fit#0": "synthetic: one repeated record, flat",
    "muktihari__triathlon_summary_first.fit#1": "157 s transition: 38 m vs 12 m",
    "muktihari__triathlon_summary_first.fit#2": "26 min low-relief leg: -12 %",
    "muktihari__triathlon_summary_first.fit#4": "26 min low-relief leg, 29 m in all",
    "sportslib__others_27-days-activity.fit#0": "Magellan 505, a sample every 2 s: -27 %",
    "sportslib__others_broken-dates.fit#0": "20 m in 1 m steps: 2.5 m off",
    "sportslib__rides_614953343.fit#0": "Edge 800: -7.7 %",
    "sportslib__rides_6783622686.fit#0": "Edge 1030: +7.9 %",
    "sportslib__runs_6914448270.fit#0": "Suunto 9 (no barometer): GPS altitude, +9 %",
    "sportslib__runs_6916663933.fit#0": "COROS APEX Pro, 1 m steps: -6 %",
}


def test_our_ascent_agrees_with_the_devices_within_5_percent_on_most_sessions(
    corpus: Path,
) -> None:
    """Devices integrate their barometer faster than they record, with their own filters: our
    ascent from the records agrees within 5 % on at least ASCENT_AGREEING_AT_LEAST sessions;
    every other one is listed with its reason (and an entry that agrees again is stale)."""
    agreeing, outside = 0, set()
    for row in reference_rows(corpus):
        device = row.number("total_ascent")
        result = parsed(corpus / "fit" / row.file)
        if device is None or device < 10 or isinstance(result, RejectedFile):
            continue
        mine = result[row.session].summary.ascent_m
        if mine is not None and abs(mine - device) <= ASCENT_AGREEMENT * device:
            agreeing += 1
        else:
            outside.add(f"{row.file}#{row.session}")
    assert outside == set(ASCENT_OUTSIDE_5_PERCENT)
    assert agreeing >= ASCENT_AGREEING_AT_LEAST


@cache
def reference_decode(path: Path) -> DecodedFit | None:
    try:
        return DECODERS["fitdecode"](path.read_bytes())
    except DecoderError:
        return None


@pytest.mark.parametrize("decoder", ["fitfast", "pyfitparsernative"])
def test_fast_decoders_give_the_same_records_as_fitdecode(corpus: Path, decoder: str) -> None:
    """Same record count and values; speeds within 1.5 mm/s: the fast decoders expand the
    16-bit speed into enhanced_speed with a float rounding that can lose 1 mm/s."""
    compared = 0
    for path in corpus_files(corpus):
        reference = reference_decode(path)
        try:
            fast = DECODERS[decoder](path.read_bytes())
        except DecoderError:
            continue  # this decoder refuses the file; parse_fit falls back
        assert reference is not None, path.name
        assert fast.record_count() == reference.record_count(), path.name
        for field in ("timestamp", "heart_rate", "distance", "power", "cadence"):
            _assert_same(fast, reference, field, path.name, atol=1e-6)
        for field in ("enhanced_speed", "position_lat", "position_long"):
            _assert_same(fast, reference, field, path.name, atol=1.5e-3)
        for kind in ("session", "lap", "length"):
            assert len(fast.of(kind)) == len(reference.of(kind)), (path.name, kind)
        compared += 1
    assert compared >= 35


@pytest.mark.parametrize("decoder", ["fitfast", "pyfitparsernative"])
def test_fast_decoders_give_the_same_activities_as_fitdecode(corpus: Path, decoder: str) -> None:
    for path in corpus_files(corpus)[::3]:  # every third file keeps this test quick
        try:
            fast = parse_fit_with(path.read_bytes(), decoder=decoder)
        except RejectedFile:
            continue
        slow = reference_activities(path)
        assert len(fast) == len(slow), path.name
        for mine, theirs in zip(fast, slow, strict=True):
            assert mine.started_at == theirs.started_at
            assert len(mine.streams) == len(theirs.streams), path.name
            assert mine.summary.timer_s == pytest.approx(theirs.summary.timer_s, abs=1e-3)
            for channel in ("hr_bpm", "distance_m", "speed_mps", "altitude_m"):
                a, b = getattr(mine.streams, channel), getattr(theirs.streams, channel)
                assert (a is None) == (b is None), (path.name, channel)
                if a is not None:
                    np.testing.assert_allclose(a, b, atol=1.5e-3, err_msg=path.name)


def reference_activities(path: Path) -> list[NormalizedActivity]:
    decoded = reference_decode(path)  # decoded once for both parity tests
    assert decoded is not None, path.name
    return activities_from(decoded)


def _assert_same(
    fast: DecodedFit, reference: DecodedFit, field: str, name: str, atol: float
) -> None:
    mine, theirs = fast.records.get(field), reference.records.get(field)
    if mine is None or theirs is None:
        # a column of NaN only is the same as no column
        assert mine is None or not np.isfinite(mine).any(), (name, field)
        assert theirs is None or not np.isfinite(theirs).any(), (name, field)
        return
    np.testing.assert_allclose(mine, theirs, atol=atol, rtol=0, err_msg=f"{name} {field}")
