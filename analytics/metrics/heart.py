"""Heart-rate load (DESIGN §6 "Heart rate"): Banister TRIMP and hrTSS.

TRIMP = Σ minutes × HRr × a·e^(b·HRr) over the samples, HRr = (HR - rest) / (max - rest)
clamped to [0, 1]; a, b = 0.64, 1.92 (male) or 0.86, 1.67 (female) — Banister's weighting.
hrTSS = TRIMP / TRIMP(1 h at LTHR) × 100, so one hour at lactate threshold scores 100 like TSS.
"""

from __future__ import annotations

import math

import numpy as np

from analytics.metrics.prep import FloatArray

BANISTER_WEIGHTS: dict[str, tuple[float, float]] = {"M": (0.64, 1.92), "F": (0.86, 1.67)}


def trimp(
    hr_bpm: FloatArray,
    *,
    hr_rest_bpm: float,
    hr_max_bpm: float,
    sex: str,
    dt_s: float | FloatArray = 1.0,
) -> float | None:
    """Banister TRIMP (arbitrary units) of HR samples (bpm), each lasting `dt_s` seconds (one
    value for a 1 Hz grid, or one per sample). Missing (NaN) samples add nothing. `sex` is
    "M" or "F". None when max ≤ rest or no sample has a heart rate."""
    a, b = _weights(sex)
    if hr_max_bpm <= hr_rest_bpm:
        return None
    hr = np.asarray(hr_bpm, dtype=np.float64)
    known = np.isfinite(hr)
    if not known.any():
        return None
    reserve = np.clip((hr - hr_rest_bpm) / (hr_max_bpm - hr_rest_bpm), 0.0, 1.0)
    minutes = np.broadcast_to(np.asarray(dt_s, dtype=np.float64), hr.shape) / 60.0
    weighted = minutes * reserve * a * np.exp(b * reserve)
    return float(weighted[known].sum())


def hr_tss(
    trimp: float | None,
    *,
    lthr_bpm: float,
    hr_rest_bpm: float,
    hr_max_bpm: float,
    sex: str,
) -> float | None:
    """hrTSS = TRIMP / TRIMP(60 min at LTHR) × 100 (LTHR, rest and max in bpm). None without a
    TRIMP or when LTHR is not above rest (the reference hour would score 0)."""
    a, b = _weights(sex)
    if trimp is None or hr_max_bpm <= hr_rest_bpm:
        return None
    reserve = min(max((lthr_bpm - hr_rest_bpm) / (hr_max_bpm - hr_rest_bpm), 0.0), 1.0)
    hour_at_lthr = 60.0 * reserve * a * math.exp(b * reserve)
    if hour_at_lthr <= 0:
        return None
    return trimp / hour_at_lthr * 100.0


def _weights(sex: str) -> tuple[float, float]:
    """Banister's (a, b) for "M" or "F"; anything else is a programming error."""
    try:
        return BANISTER_WEIGHTS[sex.upper()]
    except KeyError:
        raise ValueError(f"sex must be 'M' or 'F', not {sex!r}") from None
