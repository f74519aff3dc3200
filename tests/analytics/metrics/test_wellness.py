"""Wellness flags from hand-made days (no database)."""

from __future__ import annotations

import datetime as dt

from analytics.metrics.wellness import (
    HRV_LOW,
    POOR_SLEEP,
    RHR_UP,
    SHORT_SLEEP,
    Day,
    wellness_flags,
)

MONDAY = dt.date(2026, 3, 2)


def _on(n: int, **values: float | None) -> Day:
    return Day(day=MONDAY + dt.timedelta(days=n), **values)  # type: ignore[arg-type]


def test_hrv_below_the_devices_band_is_flagged_and_inside_it_is_not() -> None:
    days = [
        _on(0, hrv_ms=44.0, hrv_baseline_low_ms=48.0),
        _on(1, hrv_ms=50.0, hrv_baseline_low_ms=48.0),
    ]
    flags = wellness_flags(days)
    assert flags[MONDAY] == [HRV_LOW]
    assert flags[MONDAY + dt.timedelta(days=1)] == []


def test_without_a_band_hrv_is_read_against_the_athletes_own_28_days() -> None:
    # 20 nights alternating 58 and 62 ms: mean 60, SD about 2.05 → floor about 57.9.
    history = [_on(n, hrv_ms=58.0 if n % 2 else 62.0) for n in range(20)]
    low, fine = _on(20, hrv_ms=57.0), _on(21, hrv_ms=58.5)
    flags = wellness_flags([*history, low, fine])
    assert flags[low.day] == [HRV_LOW]
    assert flags[fine.day] == []


def test_a_short_hrv_history_flags_nothing_without_a_band() -> None:
    days = [_on(n, hrv_ms=60.0 + n) for n in range(13)] + [_on(13, hrv_ms=20.0)]
    assert wellness_flags(days)[days[-1].day] == []


def test_resting_hr_five_bpm_over_its_7_day_mean_is_flagged() -> None:
    week = [_on(n, resting_hr_bpm=48.0) for n in range(7)]
    up, almost = _on(7, resting_hr_bpm=53.0), _on(8, resting_hr_bpm=52.0)
    flags = wellness_flags([*week, up, almost])
    assert flags[up.day] == [RHR_UP]
    # The 7 days before the 8th include the 53: mean 48.7, so 52 is 3.3 above.
    assert flags[almost.day] == []


def test_resting_hr_needs_four_mornings_before_it() -> None:
    days = [_on(0, resting_hr_bpm=45.0), _on(1, resting_hr_bpm=45.0), _on(2, resting_hr_bpm=45.0)]
    spike = _on(3, resting_hr_bpm=60.0)
    assert wellness_flags([*days, spike])[spike.day] == []


def test_gaps_are_calendar_days_not_rows() -> None:
    old = [_on(n, resting_hr_bpm=40.0) for n in range(7)]
    later = _on(20, resting_hr_bpm=60.0)  # the week before it was not measured
    assert wellness_flags([*old, later])[later.day] == []


def test_short_and_poor_sleep() -> None:
    short = _on(0, sleep_s=5 * 3600 + 59 * 60, sleep_score=70.0)
    poor = _on(1, sleep_s=8 * 3600, sleep_score=59.0)
    both = _on(2, sleep_s=4 * 3600, sleep_score=30.0)
    fine = _on(3, sleep_s=6 * 3600, sleep_score=60.0)
    flags = wellness_flags([short, poor, both, fine])
    assert flags[short.day] == [SHORT_SLEEP]
    assert flags[poor.day] == [POOR_SLEEP]
    assert flags[both.day] == [SHORT_SLEEP, POOR_SLEEP]
    assert flags[fine.day] == []


def test_unmeasured_values_raise_no_flag() -> None:
    assert wellness_flags([_on(0)]) == {MONDAY: []}
