"""Aerobic decoupling (Pa:HR / Pw:HR), efficiency factor and metres per heartbeat (DESIGN §6).

Pure: numpy only. Inputs are on a 1 Hz grid: ``output`` is speed (m/s; graded speed for
running — the caller passes whichever it chose) or power (W), ``hr_bpm`` heart rate.

- Samples used: moving (``moving`` mask, when given) with both output and HR present; pauses
  and gaps are removed and the rest is closed up, so "time" below is moving time.
- Output of a stretch: speed → its mean; power → NP-style ``(mean of (30 s rolling mean)⁴)^¼``
  over the stretch (``power.normalized_power``; the stretch is closed up over pauses, so its
  rolling windows run across them).
- EF = output / mean HR of the same samples.
- Decoupling: the first 10 min of moving time are dropped (warm-up), the rest is split into two
  halves of equal moving time (the odd last sample goes to the second half) and
  ``decoupling % = (EF₁ - EF₂) / EF₁ × 100`` — positive means drift (HR rose for the same
  output, or output fell for the same HR).
- Steady: moving time (before the warm-up drop) of at least 40 min and variability not high —
  the coefficient of variation (SD / mean) of the 30 s rolling mean output over the steady part
  at most 0.25. An unsteady effort still gets its number, flagged ``steady = False``.
- Per-split variant (`split_decoupling`): EF of each lap between the given boundaries and each
  lap's decoupling against the first lap, ``(EF_first - EF_lap) / EF_first × 100``; no warm-up
  is dropped (the caller picks the laps).
- Metres per heartbeat = speed (m/min) / HR (bpm) = mean speed × 60 / mean HR.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from analytics.metrics.power import normalized_power

FloatArray = NDArray[np.float64]
Output = Literal["speed", "power"]

WARMUP_S = 600
MIN_STEADY_MOVING_S = 40 * 60
MAX_STEADY_CV = 0.25
ROLLING_S = 30


@dataclass(frozen=True, slots=True)
class Decoupling:
    """Decoupling % (None when unknown), both halves' EF, moving time (s) and steadiness."""

    decoupling_pct: float | None
    ef_first: float | None
    ef_second: float | None
    moving_s: float
    variability_cv: float | None
    steady: bool


@dataclass(frozen=True, slots=True)
class SplitEfficiency:
    """One lap: its EF (output/bpm) and decoupling % against the first lap (None = unknown)."""

    ef: float | None
    decoupling_pct: float | None


def _rolling_mean(values: FloatArray, window: int = ROLLING_S) -> FloatArray:
    """Trailing ``window``-sample means, only where a full window exists (``n - window + 1``)."""
    if values.size < window:
        return np.zeros(0)
    csum = np.concatenate(([0.0], np.cumsum(values)))
    return (csum[window:] - csum[:-window]) / window


def _output(values: FloatArray, kind: Output) -> float | None:
    if values.size == 0:
        return None
    if kind == "speed":
        return float(values.mean())
    return normalized_power(values)


def _ef(output: FloatArray, hr_bpm: FloatArray, kind: Output) -> float | None:
    value = _output(output, kind)
    if value is None or hr_bpm.size == 0:
        return None
    mean_hr = float(hr_bpm.mean())
    return value / mean_hr if mean_hr > 0 else None


def _usable(
    output: ArrayLike, hr_bpm: ArrayLike, moving: ArrayLike | None
) -> tuple[FloatArray, FloatArray]:
    out = np.asarray(output, dtype=np.float64).ravel()
    hr = np.asarray(hr_bpm, dtype=np.float64).ravel()
    if out.shape != hr.shape:
        raise ValueError("output and HR must have the same length")
    kept = np.isfinite(out) & np.isfinite(hr) & (hr > 0)
    if moving is not None:
        kept &= np.asarray(moving, dtype=bool).ravel()
    return out[kept], hr[kept]


def efficiency_factor(
    output: ArrayLike, hr_bpm: ArrayLike, *, kind: Output = "speed", moving: ArrayLike | None = None
) -> float | None:
    """EF of a whole activity: mean speed (m/s) or NP-style power (W) over mean HR (bpm)."""
    out, hr = _usable(output, hr_bpm, moving)
    return _ef(out, hr, kind)


def metres_per_beat(speed_mps: ArrayLike, hr_bpm: ArrayLike) -> float | None:
    """Metres per heartbeat: speed in m/min over HR in bpm (means over samples with both)."""
    speed, hr = _usable(speed_mps, hr_bpm, None)
    if speed.size == 0:
        return None
    return float(speed.mean()) * 60.0 / float(hr.mean())


def variability_cv(output: FloatArray) -> float | None:
    """Coefficient of variation (SD / mean) of the 30 s rolling mean of ``output``."""
    rolled = _rolling_mean(output)
    if rolled.size == 0 or rolled.mean() <= 0:
        return None
    return float(rolled.std() / rolled.mean())


def decoupling(
    output: ArrayLike,
    hr_bpm: ArrayLike,
    *,
    kind: Output = "speed",
    moving: ArrayLike | None = None,
    warmup_s: int = WARMUP_S,
) -> Decoupling:
    """Aerobic decoupling of a steady effort (module docstring: samples, halves, steadiness)."""
    out, hr = _usable(output, hr_bpm, moving)
    moving_s = float(out.size)
    out, hr = out[warmup_s:], hr[warmup_s:]
    half = out.size // 2
    ef_first = _ef(out[:half], hr[:half], kind)
    ef_second = _ef(out[half:], hr[half:], kind)
    pct = None
    if ef_first and ef_second is not None:
        pct = (ef_first - ef_second) / ef_first * 100.0
    cv = variability_cv(out)
    steady = moving_s >= MIN_STEADY_MOVING_S and cv is not None and cv <= MAX_STEADY_CV
    return Decoupling(
        decoupling_pct=pct,
        ef_first=ef_first,
        ef_second=ef_second,
        moving_s=moving_s,
        variability_cv=cv,
        steady=steady,
    )


def split_decoupling(
    output: ArrayLike,
    hr_bpm: ArrayLike,
    lap_starts_s: Sequence[float],
    *,
    kind: Output = "speed",
    moving: ArrayLike | None = None,
) -> list[SplitEfficiency]:
    """EF of each lap and its decoupling % against the first lap (per-split variant).

    ``lap_starts_s``: each lap's start in seconds from the first sample (= its index on the
    1 Hz grid), ascending; a lap runs to the next start, the last one to the end.
    """
    out = np.asarray(output, dtype=np.float64).ravel()
    hr = np.asarray(hr_bpm, dtype=np.float64).ravel()
    mask = np.ones(out.shape, dtype=bool) if moving is None else np.asarray(moving, dtype=bool)
    edges = [round(start) for start in lap_starts_s] + [out.size]
    efs = [_ef(*_usable(out[a:b], hr[a:b], mask[a:b]), kind) for a, b in itertools.pairwise(edges)]
    first = efs[0] if efs else None
    return [
        SplitEfficiency(
            ef=ef,
            decoupling_pct=(first - ef) / first * 100.0 if first and ef is not None else None,
        )
        for ef in efs
    ]
