"""Fitness, Fatigue and Form (the performance-management chart) and the acute:chronic ratio.

DESIGN §6. Pure: numpy only. Loads are daily training loads (TSS-like points, one value per
calendar day, oldest first); a rest day is 0 load and a NaN day counts as a rest day.

- Fitness (CTL) and Fatigue (ATL) are exponentially weighted moving averages of the daily load:
  ``X(d) = X(d-1) + k·(load(d) - X(d-1))`` with ``k = 1 - e^(-1/τ)``; τ = 42 days for Fitness and
  7 days for Fatigue by default. ``X(-1)`` is the starting value (``ctl0``, ``atl0``).
- Form (TSB) is yesterday's balance: ``Form(d) = Fitness(d-1) - Fatigue(d-1)`` and
  ``Form(0) = ctl0 - atl0`` — the form you wake up with, before the day's session.
- Acute/chronic: trailing 7- and 28-day means of the load (the day itself included; NaN until
  the window is full) and ACWR = acute / chronic (the coupled ratio: the 28 days include the 7),
  banded at 0.8 / 1.3 / 1.5.

Every function accepts one athlete (1-D: days) or many at once (2-D: athletes × days).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

CTL_DAYS = 42.0
ATL_DAYS = 7.0
ACUTE_DAYS = 7
CHRONIC_DAYS = 28

# ACWR bands: below 0.8 low, 0.8–1.3 optimal, 1.3–1.5 high, 1.5 and above very high.
ACWR_LOW = 0.8
ACWR_HIGH = 1.3
ACWR_VERY_HIGH = 1.5
BAND_UNKNOWN = "unknown"
BAND_LOW = "low"
BAND_OPTIMAL = "optimal"
BAND_HIGH = "high"
BAND_VERY_HIGH = "very_high"


@dataclass(frozen=True, slots=True, eq=False)
class FitnessFatigue:
    """Fitness (CTL), Fatigue (ATL) and Form (TSB) per day, in load points; the input's shape."""

    fitness: FloatArray
    fatigue: FloatArray
    form: FloatArray


@dataclass(frozen=True, slots=True, eq=False)
class AcuteChronic:
    """Trailing 7-day (acute) and 28-day (chronic) mean daily load and their ratio (ACWR)."""

    acute: FloatArray
    chronic: FloatArray
    acwr: FloatArray


def decay_constant(days: float) -> float:
    """``k = 1 - e^(-1/τ)`` for a time constant of ``days`` (τ > 0)."""
    if not days > 0:
        raise ValueError("time constant must be positive")
    return 1.0 - math.exp(-1.0 / days)


def _as_loads(load: ArrayLike) -> FloatArray:
    loads = np.asarray(load, dtype=np.float64)
    if loads.ndim not in (1, 2):
        raise ValueError("load must be 1-D (days) or 2-D (athletes × days)")
    return np.nan_to_num(loads, nan=0.0, posinf=0.0, neginf=0.0)


def _start(value: ArrayLike, loads: FloatArray) -> FloatArray:
    """A starting value per athlete (a scalar is shared), shaped like one day's column."""
    return np.broadcast_to(np.asarray(value, dtype=np.float64), loads.shape[:-1]).copy()


def fitness_fatigue(
    load: ArrayLike,
    *,
    ctl0: ArrayLike = 0.0,
    atl0: ArrayLike = 0.0,
    ctl_days: float = CTL_DAYS,
    atl_days: float = ATL_DAYS,
) -> FitnessFatigue:
    """Fitness, Fatigue and Form from daily loads (load points/day; module docstring formulas).

    ``load``: days (1-D) or athletes × days (2-D); NaN days are rest days (0). ``ctl0``/``atl0``:
    Fitness and Fatigue the day before the first day — a scalar, or one value per athlete.
    The recursion runs day by day, vectorised over athletes and over both averages at once.
    """
    loads = _as_loads(load)
    k = np.array([decay_constant(ctl_days), decay_constant(atl_days)])
    shape = (2, *loads.shape[:-1])
    state = np.stack([_start(ctl0, loads), _start(atl0, loads)]).reshape(shape)
    keep = (1.0 - k).reshape((2,) + (1,) * (len(shape) - 1))
    gain = k.reshape(keep.shape)
    # Day-major (days, 2, athletes…) so that each day's update reads and writes contiguous rows.
    inputs = gain[None, ...] * np.moveaxis(loads, -1, 0)[:, None, ...]
    out = np.empty_like(inputs)
    for day in range(inputs.shape[0]):
        state *= keep
        state += inputs[day]
        out[day] = state
    series = np.moveaxis(out, 0, -1)  # (2, athletes…, days)
    fitness = np.ascontiguousarray(series[0])
    fatigue = np.ascontiguousarray(series[1])
    form = np.empty_like(fitness)
    if form.shape[-1]:
        form[..., 0] = _start(ctl0, loads) - _start(atl0, loads)
        form[..., 1:] = fitness[..., :-1] - fatigue[..., :-1]
    return FitnessFatigue(fitness=fitness, fatigue=fatigue, form=form)


def forecast(
    load_past: ArrayLike,
    planned_future: ArrayLike,
    *,
    ctl0: ArrayLike = 0.0,
    atl0: ArrayLike = 0.0,
    ctl_days: float = CTL_DAYS,
    atl_days: float = ATL_DAYS,
) -> FitnessFatigue:
    """Fitness, Fatigue and Form for the future days only, continuing the same recursion.

    ``load_past``: the actual daily loads up to today (days, or athletes × days), starting from
    ``ctl0``/``atl0``; ``planned_future``: the planned sessions' estimated load for each day
    after it (0 for a day without a plan). Equal to running `fitness_fatigue` over both joined
    and keeping the future part; Form of the first future day is today's Fitness - Fatigue.
    """
    past = _as_loads(load_past)
    future = _as_loads(planned_future)
    if past.shape[:-1] != future.shape[:-1]:
        raise ValueError("past and planned loads must cover the same athletes")
    history = fitness_fatigue(past, ctl0=ctl0, atl0=atl0, ctl_days=ctl_days, atl_days=atl_days)
    if past.shape[-1]:
        ctl0, atl0 = history.fitness[..., -1], history.fatigue[..., -1]
    return fitness_fatigue(future, ctl0=ctl0, atl0=atl0, ctl_days=ctl_days, atl_days=atl_days)


def _trailing_mean(loads: FloatArray, days: int) -> FloatArray:
    """Mean of the last ``days`` days, the day itself included; NaN until the window is full."""
    csum = np.cumsum(loads, axis=-1)
    out = np.full(loads.shape, np.nan)
    if loads.shape[-1] >= days:
        window = csum[..., days - 1 :].copy()
        window[..., 1:] -= csum[..., :-days]
        out[..., days - 1 :] = window / days
    return out


def acute_chronic(
    load: ArrayLike, *, acute_days: int = ACUTE_DAYS, chronic_days: int = CHRONIC_DAYS
) -> AcuteChronic:
    """Trailing 7- and 28-day mean daily loads (load points/day) and ACWR = acute/chronic.

    Rolling simple means of the daily load (rest and NaN days count 0); NaN until a full window
    of days exists; ACWR is NaN where the chronic mean is NaN or 0.
    """
    loads = _as_loads(load)
    acute = _trailing_mean(loads, acute_days)
    chronic = _trailing_mean(loads, chronic_days)
    with np.errstate(divide="ignore", invalid="ignore"):
        acwr = np.where(chronic > 0, acute / chronic, np.nan)
    return AcuteChronic(acute=acute, chronic=chronic, acwr=acwr)


def acwr_band(acwr: ArrayLike) -> NDArray[np.str_]:
    """Band label per day: "low" (< 0.8), "optimal" (0.8 to < 1.3), "high" (1.3 to < 1.5),
    "very_high" (≥ 1.5), "unknown" (NaN). A ratio on a boundary belongs to the upper band."""
    ratio = np.asarray(acwr, dtype=np.float64)
    labels = np.select(
        [np.isnan(ratio), ratio < ACWR_LOW, ratio < ACWR_HIGH, ratio < ACWR_VERY_HIGH],
        [BAND_UNKNOWN, BAND_LOW, BAND_OPTIMAL, BAND_HIGH],
        default=BAND_VERY_HIGH,
    )
    return np.asarray(labels, dtype=np.str_)
