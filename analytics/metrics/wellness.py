"""Wellness flags of one day, from the nights and mornings before it. Pure: no Django.

Rules (published on the Wellness page):
- **HRV low**: last night's HRV (ms) is below the device's baseline band (its low edge), or,
  when the device gives no band, below the athlete's own mean - 1 SD over the 28 days before
  (at least 14 of them measured).
- **Resting HR up**: the morning's resting heart rate (bpm) is at least 5 bpm above its mean
  over the 7 days before (at least 4 of them measured).
- **Short sleep**: under 6 h asleep. **Poor sleep**: a sleep score under 60.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

HRV_WINDOW_DAYS = 28
HRV_MIN_DAYS = 14
RHR_WINDOW_DAYS = 7
RHR_MIN_DAYS = 4
RHR_RISE_BPM = 5.0
SHORT_SLEEP_S = 6 * 3600
POOR_SLEEP_SCORE = 60

HRV_LOW = "hrv_low"
RHR_UP = "rhr_up"
SHORT_SLEEP = "short_sleep"
POOR_SLEEP = "poor_sleep"


@dataclass(frozen=True, slots=True)
class Day:
    """What the flags read of one day; None is not measured."""

    day: dt.date
    hrv_ms: float | None = None
    hrv_baseline_low_ms: float | None = None
    resting_hr_bpm: float | None = None
    sleep_s: float | None = None
    sleep_score: float | None = None


def wellness_flags(days: Sequence[Day]) -> dict[dt.date, list[str]]:
    """The flags of every day of `days` (any order; gaps allowed), in the order HRV, resting
    HR, sleep; the windows look back over calendar days, not over rows."""
    by_day = {d.day: d for d in days}
    return {d.day: _flags(d, by_day) for d in sorted(days, key=lambda d: d.day)}


def _flags(today: Day, by_day: dict[dt.date, Day]) -> list[str]:
    flags: list[str] = []
    if _hrv_low(today, by_day):
        flags.append(HRV_LOW)
    if _rhr_up(today, by_day):
        flags.append(RHR_UP)
    if today.sleep_s is not None and today.sleep_s < SHORT_SLEEP_S:
        flags.append(SHORT_SLEEP)
    if today.sleep_score is not None and today.sleep_score < POOR_SLEEP_SCORE:
        flags.append(POOR_SLEEP)
    return flags


def _before(today: dt.date, by_day: dict[dt.date, Day], days: int, field: str) -> list[float]:
    values = (
        getattr(by_day.get(today - dt.timedelta(days=n)), field, None) for n in range(1, days + 1)
    )
    return [float(v) for v in values if v is not None]


def hrv_floor(today: Day, by_day: dict[dt.date, Day]) -> float | None:
    """The HRV (ms) below which the day is flagged: the device's band, else mean - 1 SD."""
    if today.hrv_baseline_low_ms is not None:
        return today.hrv_baseline_low_ms
    history = _before(today.day, by_day, HRV_WINDOW_DAYS, "hrv_ms")
    if len(history) < HRV_MIN_DAYS:
        return None
    return statistics.fmean(history) - statistics.stdev(history)


def _hrv_low(today: Day, by_day: dict[dt.date, Day]) -> bool:
    floor = hrv_floor(today, by_day)
    return today.hrv_ms is not None and floor is not None and today.hrv_ms < floor


def _rhr_up(today: Day, by_day: dict[dt.date, Day]) -> bool:
    history = _before(today.day, by_day, RHR_WINDOW_DAYS, "resting_hr_bpm")
    if today.resting_hr_bpm is None or len(history) < RHR_MIN_DAYS:
        return False
    return today.resting_hr_bpm - statistics.fmean(history) >= RHR_RISE_BPM
