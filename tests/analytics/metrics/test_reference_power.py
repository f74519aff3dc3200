"""Our NP and TSS against the values devices wrote in their session messages, and Strava's.

Device TSS is compared like with like: the device's FTP (`threshold_power`) and the session's
timer time (`total_timer_time`: Garmin and Wahoo compute TSS over the time their timer ran).
Files that differ by more than 1 % each have a test that shows why.
"""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from activities.parsers.fit import parse_fit
from activities.types import NormalizedActivity
from analytics.metrics.power import normalized_power, power_1hz, training_stress_score

DEVICE_CSV = "reference/fit_device_session_values.csv"
ELEMNT_2019 = "fit/fitparse__2019-02-17-062644-ELEMNT-297E-195-0.fit"
EDGE_810 = "fit/fitparse__Edge810-Vector-2013-08-16-15-35-10.fit"
ELEMNT_BOLT = "fit/fitparse__elemnt-bolt-no-application-id-inside-developer-data-id.fit"
EDGE_800_TRAINER = "fit/fitparse__sample-activity-indoor-trainer.fit"
TRIATHLON = "fit/muktihari__triathlon_summary_first.fit"
ALL_ZERO = "fit/sportslib__others_27-days-activity.fit"
SRM = "fit/sportslib__others_broken-start-latlng.fit"
RIDE_7386 = "fit/sportslib__rides_7386755164.fit"
RIDE_7432 = "fit/sportslib__rides_7432332116.fit"
WAHOO_32_S = "fit/tormoder__misc_unterminated-strings.fit"
COROS_NO_POWER = "fit/fitparse__coros-pace-2-cycling-misaligned-fields.fit"

NP_WITHIN_1_PCT = [ELEMNT_2019, EDGE_810, ELEMNT_BOLT, EDGE_800_TRAINER, TRIATHLON, ALL_ZERO]
NP_WITHIN_1_PCT += [RIDE_7386, RIDE_7432]
NP_EXPLAINED = [SRM, WAHOO_32_S, COROS_NO_POWER]
TSS_WITHIN_1_PCT = [ELEMNT_2019, EDGE_810, RIDE_7386, RIDE_7432]
TSS_EXPLAINED = [ELEMNT_BOLT, EDGE_800_TRAINER, WAHOO_32_S, SRM]


@cache
def _rows(corpus: Path) -> dict[str, dict[str, str]]:
    """Device session rows that carry a normalized power, by file (one session each)."""
    with (corpus / DEVICE_CSV).open(newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["normalized_power"]]
    return {row["file"]: row for row in rows}


def _session(corpus: Path, name: str) -> NormalizedActivity:
    row = _rows(corpus)[name]
    return parse_fit((corpus / name).read_bytes())[int(row["session_index"])]


def _our_np(activity: NormalizedActivity) -> float:
    streams = activity.streams
    assert streams.power_w is not None
    grid = power_1hz(streams.time_s, streams.power_w)
    value = normalized_power(grid.channels[0], segment=grid.segment)
    assert value is not None
    return value


def _device(corpus: Path, name: str, field: str) -> float:
    return float(_rows(corpus)[name][field])


def test_every_device_np_in_the_corpus_is_checked_here(corpus: Path) -> None:
    rows = _rows(corpus)
    assert set(rows) == set(NP_WITHIN_1_PCT + NP_EXPLAINED)
    with_tss = {
        name
        for name, row in rows.items()
        if row["training_stress_score"] and float(row["threshold_power"] or 0) > 0
    }
    assert with_tss <= set(TSS_WITHIN_1_PCT + TSS_EXPLAINED)


@pytest.mark.parametrize("name", NP_WITHIN_1_PCT)
def test_our_np_is_within_1_pct_of_the_devices(corpus: Path, name: str) -> None:
    ours = _our_np(_session(corpus, name))
    assert ours == pytest.approx(_device(corpus, name, "normalized_power"), rel=0.01)


@pytest.mark.parametrize("name", TSS_WITHIN_1_PCT)
def test_our_tss_over_the_timer_time_is_within_1_pct_of_the_devices(
    corpus: Path, name: str
) -> None:
    ftp_w = _device(corpus, name, "threshold_power")
    timer_s = _device(corpus, name, "total_timer_time")
    ours = training_stress_score(timer_s, _our_np(_session(corpus, name)), ftp_w)
    assert ours == pytest.approx(_device(corpus, name, "training_stress_score"), rel=0.01)


def test_the_srm_head_unit_computed_its_np_from_samples_not_in_the_file(corpus: Path) -> None:
    """SRM PC8: its session max power (749 W) is above every recorded sample (729 W), so its NP
    comes from its own higher-rate data; ours from the 1 s records is 1.0 % lower. The session
    writes threshold_power 0, but its IF (0.662 = 151 / 228) uses the 228 W FTP the file
    carries: with it our TSS over the timer time is within 1 %."""
    activity = _session(corpus, SRM)
    assert activity.streams.power_w is not None
    assert _device(corpus, SRM, "max_power") > np.nanmax(activity.streams.power_w)
    ours = _our_np(activity)
    assert ours == pytest.approx(_device(corpus, SRM, "normalized_power"), rel=0.011)
    ftp_w = activity.thresholds.ftp_w
    assert ftp_w == 228.0
    assert _device(corpus, SRM, "intensity_factor") == pytest.approx(151 / ftp_w, abs=5e-4)
    tss = training_stress_score(_device(corpus, SRM, "total_timer_time"), ours, ftp_w)
    assert tss == pytest.approx(_device(corpus, SRM, "training_stress_score"), rel=0.01)


def test_a_32_second_wahoo_file_has_one_window_of_np_and_a_tss_at_device_resolution(
    corpus: Path,
) -> None:
    """32 s of records: every 30 s window holds all the non-zero power, so NP from the records
    is Σpower / 30 = 45.1 W whatever the window; the device says 46 W but its max power
    (125 W) is above every record (123 W) — it saw samples the file lacks. Its TSS is stored to
    0.1: ours over the timer time rounds to the same 0.1."""
    activity = _session(corpus, WAHOO_32_S)
    power = activity.streams.power_w
    assert power is not None
    assert _device(corpus, WAHOO_32_S, "max_power") > np.nanmax(power)
    ours = _our_np(activity)
    assert ours == pytest.approx(np.nansum(power) / 30)
    assert ours == pytest.approx(_device(corpus, WAHOO_32_S, "normalized_power"), rel=0.025)
    ftp_w = _device(corpus, WAHOO_32_S, "threshold_power")
    tss = training_stress_score(_device(corpus, WAHOO_32_S, "total_timer_time"), ours, ftp_w)
    assert tss is not None
    assert round(tss, 1) == _device(corpus, WAHOO_32_S, "training_stress_score")


def test_the_edge_800_counts_tss_over_the_seconds_with_power(corpus: Path) -> None:
    """Edge 800 on a trainer: over the timer time (2,262 s) our TSS is 2.3 % above its 50.8;
    its number needs about 2,200 s, the seconds that carry power above 0 (2,192: 41 samples
    have no power and 29 are 0 W). Over those seconds ours is within 1 %."""
    activity = _session(corpus, EDGE_800_TRAINER)
    power = activity.streams.power_w
    assert power is not None
    ours, ftp_w = _our_np(activity), _device(corpus, EDGE_800_TRAINER, "threshold_power")
    device_tss = _device(corpus, EDGE_800_TRAINER, "training_stress_score")
    timer_s = _device(corpus, EDGE_800_TRAINER, "total_timer_time")
    over_timer = training_stress_score(timer_s, ours, ftp_w)
    assert over_timer is not None and over_timer > device_tss * 1.015
    with_power_s = float((np.nan_to_num(power) > 0).sum())
    assert training_stress_score(with_power_s, ours, ftp_w) == pytest.approx(device_tss, rel=0.01)


def test_the_elemnt_bolt_starts_counting_tss_once_its_first_30_s_window_is_full(
    corpus: Path,
) -> None:
    """A 132 s ride: its TSS of 1.5 (stored to 0.1) needs 97–103 s at its own IF of 0.735,
    not the 132 s timer (2.0). Over timer - 30 s our TSS rounds to the device's 1.5."""
    ours, ftp_w = (
        _our_np(_session(corpus, ELEMNT_BOLT)),
        _device(corpus, ELEMNT_BOLT, "threshold_power"),
    )
    timer_s = _device(corpus, ELEMNT_BOLT, "total_timer_time")
    device_tss = _device(corpus, ELEMNT_BOLT, "training_stress_score")
    over_timer = training_stress_score(timer_s, ours, ftp_w)
    assert over_timer is not None and round(over_timer, 1) > device_tss
    after_window = training_stress_score(timer_s - 30, ours, ftp_w)
    assert after_window is not None and round(after_window, 1) == device_tss


def test_a_ride_without_a_power_meter_has_no_np_where_the_device_wrote_0(corpus: Path) -> None:
    """COROS PACE 2: no power stream; its session says NP 0 and average power 0 W. We give no
    NP (None: unknown), not 0 W."""
    activity = _session(corpus, COROS_NO_POWER)
    assert activity.streams.power_w is None
    assert _device(corpus, COROS_NO_POWER, "normalized_power") == 0
    assert _device(corpus, COROS_NO_POWER, "avg_power") == 0
    assert normalized_power(np.zeros(0)) is None


def _strava_streams(path: Path) -> dict[str, np.ndarray]:
    streams = json.loads(path.read_text())
    return {
        s["type"]: np.array(s["data"], dtype=np.float64)
        for s in streams
        if s["type"] in ("time", "watts")
    }


def _exponential_average(power_w: np.ndarray, tau_s: float) -> np.ndarray:
    """Skiba's xPower smoothing: a 25 s exponentially weighted average, 1 Hz."""
    k = 1 - np.exp(-1 / tau_s)
    out, level = np.empty_like(power_w), 0.0
    for i, value in enumerate(power_w.tolist()):
        level += k * (value - level)
        out[i] = level
    return out


def test_stravas_weighted_average_watts_is_an_exponential_average_not_np(corpus: Path) -> None:
    """Strava's weighted_average_watts (171 W) is not Coggan's NP: Strava smooths with a 25 s
    exponential average (Skiba's xPower). On its own 1 Hz stream our NP is 180 W (+5.4 %);
    the 25 s exponential variant gives 173 W (+1.2 %). The rest: the stream covers 6,500 s of
    the 7,034 s activity and holds 858 kJ of the 922 kJ Strava counted."""
    reference = json.loads((corpus / "reference/strava_computed_values.json").read_text())
    activity = next(a for a in reference["activities"] if a.get("weighted_average_watts"))
    streams = _strava_streams(corpus / activity["streams_file"])
    grid = power_1hz(streams["time"], streams["watts"])
    weighted_w = float(activity["weighted_average_watts"])
    ours = normalized_power(grid.channels[0], segment=grid.segment)
    assert ours is not None and ours > weighted_w * 1.03
    smoothed = _exponential_average(grid.channels[0], 25.0)
    assert float(np.mean(smoothed**4) ** 0.25) == pytest.approx(weighted_w, rel=0.02)
    assert streams["watts"].sum() / 1000 < activity["kilojoules"] * 0.95
