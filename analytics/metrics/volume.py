"""A weekly-volume plan turned into daily load, calibrated on the athlete's own history.

Pure: numpy and stdlib. Beyond the last planned session the forecast needs a load per day; the
athlete (or coach) states a weekly volume — km or hours — and the athlete's history says how
much load one km (or one hour) of that sport costs them:

- Calibration: per activity, load / volume (points per km or per hour); the median is the rate
  used, the 25th and 75th percentiles its spread (the forecast's band). Activities without a
  load or a volume are left out; fewer than ``MIN_ACTIVITIES`` give no calibration (the caller
  says so and falls back).
- Training days: the weekdays the athlete usually trains on, from the days of their activities
  — a weekday is usual when it was trained on in at least half as many weeks as the most-trained
  weekday; the week's volume is shared equally over them. Without history, all seven days.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

MIN_ACTIVITIES = 5
USUAL_DAY_SHARE = 0.5  # a weekday is usual at half the count of the most-trained weekday


@dataclass(frozen=True, slots=True)
class LoadRate:
    """Load per unit of volume (points per km or per hour): median and quartiles of ``count``
    activities."""

    median: float
    p25: float
    p75: float
    count: int


def load_rate(loads: ArrayLike, volumes: ArrayLike) -> LoadRate | None:
    """Load per unit of volume from past activities (one load and one volume each, e.g. km).

    Pairs with a non-finite or non-positive load or volume are left out; None with fewer than
    ``MIN_ACTIVITIES`` pairs left. Percentiles are numpy's linear ones."""
    load = np.asarray(loads, dtype=np.float64)
    volume = np.asarray(volumes, dtype=np.float64)
    usable = np.isfinite(load) & np.isfinite(volume) & (load > 0) & (volume > 0)
    rates = load[usable] / volume[usable]
    if rates.size < MIN_ACTIVITIES:
        return None
    p25, median, p75 = np.percentile(rates, [25, 50, 75])
    return LoadRate(median=float(median), p25=float(p25), p75=float(p75), count=int(rates.size))


def training_weekdays(days: Sequence[dt.date]) -> tuple[int, ...]:
    """The usual training weekdays (0 = Monday) from the days activities were done on (module
    docstring rule); all seven without any day."""
    weeks_per_weekday = Counter(day.weekday() for day in set(days))
    if not weeks_per_weekday:
        return tuple(range(7))
    most = max(weeks_per_weekday.values())
    return tuple(sorted(w for w, n in weeks_per_weekday.items() if n >= USUAL_DAY_SHARE * most))


def volume_plan_loads(
    days: Sequence[dt.date], *, weekly_volume: float, rate: float, weekdays: Sequence[int]
) -> FloatArray:
    """Daily load (points) of a weekly volume (km or hours) at ``rate`` points per unit: each
    week's volume shared equally over ``weekdays`` (0 = Monday), 0 on the other days."""
    if not weekdays:
        raise ValueError("a weekly plan needs at least one training weekday")
    per_day = weekly_volume * rate / len(set(weekdays))
    return np.array([per_day if day.weekday() in weekdays else 0.0 for day in days])
