"""Power metrics (DESIGN §6 "Power"): Normalized Power, Intensity Factor, Training Stress Score.

Coggan's definitions: NP = (mean of the 30 s rolling mean of power, each raised to the 4th)^¼;
IF = NP / FTP; TSS = s · NP · IF / (FTP · 3600) · 100.

Our choices, checked against the devices' own session values in the corpus
(tests/analytics/metrics/test_reference_power.py):
- NP is computed on the 1 Hz grid of `prep.resample_1hz`; a missing power sample counts as
  0 W (a power meter that sends nothing is not producing power) — `power_1hz` fills before
  resampling, so a dropout is not interpolated from its neighbours;
- the 30 s rolling mean never crosses a pause: it restarts after each pause, and only complete
  windows count (the first 29 s of each segment open the window, the TrainingPeaks convention);
  a recording with no complete window has one shorter window: NP = its mean power.
"""

from __future__ import annotations

import numpy as np

from analytics.metrics.prep import FloatArray, IntArray, Resampled, resample_1hz

NP_WINDOW_S = 30


def power_1hz(time_s: FloatArray, power_w: FloatArray) -> Resampled:
    """Power (W) on the 1 Hz grid for NP: missing samples are 0 W, pauses left out."""
    filled = np.where(np.isfinite(power_w), power_w, 0.0)
    return resample_1hz(time_s, filled)


def normalized_power(
    power_w: FloatArray, *, segment: IntArray | None = None, window_s: int = NP_WINDOW_S
) -> float | None:
    """Normalized Power (W) of 1 Hz power: (mean of 30 s rolling means⁴)^¼.

    `segment` (from `resample_1hz`) restarts the rolling window after each pause; without it
    the samples are one unbroken run. NaN counts as 0 W. None when there is no sample.
    """
    power = np.where(np.isfinite(power_w), power_w, 0.0)
    if power.size == 0:
        return None
    ids = segment if segment is not None else np.zeros(power.size, dtype=np.int64)
    rolled = _rolling_means(power, ids, window_s)
    if rolled.size == 0:
        return float(power.mean())
    return float(np.mean(rolled**4) ** 0.25)


def _rolling_means(power_w: FloatArray, segment: IntArray, window_s: int) -> FloatArray:
    """Means of every complete `window_s` window that lies inside one segment."""
    sums = np.cumsum(np.concatenate(([0.0], power_w)))
    ends = np.arange(window_s, power_w.size + 1)
    inside = segment[ends - 1] == segment[ends - window_s]
    ends = ends[inside]
    means: FloatArray = (sums[ends] - sums[ends - window_s]) / window_s
    return means


def intensity_factor(np_w: float | None, ftp_w: float | None) -> float | None:
    """IF = NP / FTP (dimensionless). None without NP or a positive FTP."""
    if np_w is None or ftp_w is None or ftp_w <= 0:
        return None
    return np_w / ftp_w


def training_stress_score(
    duration_s: float | None, np_w: float | None, ftp_w: float | None
) -> float | None:
    """TSS = s · NP · IF / (FTP · 3600) · 100, s in seconds (we pass the moving time; a
    device's TSS uses its timer time). 100 = one hour at FTP. None when an input is missing."""
    factor = intensity_factor(np_w, ftp_w)
    if duration_s is None or np_w is None or ftp_w is None or factor is None:
        return None
    return duration_s * np_w * factor / (ftp_w * 3600.0) * 100.0
