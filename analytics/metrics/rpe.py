"""Session RPE load (DESIGN §6 "RPE"), Foster's method.

sRPE = CR-10 RPE × session minutes (arbitrary units). Over one week of daily sRPE (rest days
0): monotony = mean / SD of the 7 daily values (population SD, the week being the whole set),
strain = weekly sRPE × monotony.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

WEEK_DAYS = 7


def srpe(rpe_cr10: float | None, duration_s: float | None) -> float | None:
    """Foster's session RPE: RPE (CR-10, 0–10) × duration in minutes. None when either is
    missing."""
    if rpe_cr10 is None or duration_s is None:
        return None
    return rpe_cr10 * duration_s / 60.0


def weekly_monotony(daily_srpe: Sequence[float]) -> float | None:
    """Mean / population SD of the week's 7 daily sRPE values (rest days are 0). None when
    the SD is 0 (every day the same load, or no load at all): monotony is then unbounded."""
    days = _week(daily_srpe)
    spread = float(days.std())
    if spread == 0:
        return None
    return float(days.mean()) / spread


def weekly_strain(daily_srpe: Sequence[float]) -> float | None:
    """Weekly sRPE sum × monotony. None when the monotony is (see `weekly_monotony`)."""
    monotony = weekly_monotony(daily_srpe)
    if monotony is None:
        return None
    return float(_week(daily_srpe).sum()) * monotony


def _week(daily_srpe: Sequence[float]) -> np.ndarray:
    days = np.asarray(daily_srpe, dtype=np.float64)
    if days.shape != (WEEK_DAYS,):
        raise ValueError(f"a week has {WEEK_DAYS} daily values, not {days.size}")
    return days
