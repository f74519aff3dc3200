"""Activity load (DESIGN §6 "Activity load"): the one number that feeds Fitness/Fatigue/Form.

The athlete's load model picks it:
- `auto`: power TSS, else rTSS, else hrTSS, else an RPE estimate hours × (RPE/7)² × 100 (RPE 7
  on CR-10 taken as threshold effort, so one hour at RPE 7 scores 100 like the others);
- `trimp`: Banister TRIMP;
- `srpe`: Foster's session RPE (given, or RPE × minutes).
The source of the value is returned with it, so it can be stored beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from analytics.metrics.rpe import srpe as session_rpe

LOAD_MODELS = ("auto", "trimp", "srpe")
RPE_AT_THRESHOLD = 7.0


@dataclass(frozen=True, slots=True)
class LoadResult:
    """A load value and where it came from: "tss", "rtss", "hr_tss", "rpe", "trimp", "srpe"."""

    value: float
    source: str


def activity_load(
    *,
    model: str,
    tss: float | None = None,
    rtss: float | None = None,
    hr_tss: float | None = None,
    trimp: float | None = None,
    srpe: float | None = None,
    rpe: float | None = None,
    duration_s: float | None = None,
) -> LoadResult | None:
    """The activity's load under `model` ("auto", "trimp" or "srpe"). None when the model's
    inputs are all missing; the explicit models never fall back to another scale."""
    if model == "trimp":
        return LoadResult(trimp, "trimp") if trimp is not None else None
    if model == "srpe":
        value = srpe if srpe is not None else session_rpe(rpe, duration_s)
        return LoadResult(value, "srpe") if value is not None else None
    if model != "auto":
        raise ValueError(f"unknown load model {model!r}; expected one of {LOAD_MODELS}")
    for value, source in ((tss, "tss"), (rtss, "rtss"), (hr_tss, "hr_tss")):
        if value is not None:
            return LoadResult(value, source)
    estimate = rpe_load_estimate(rpe, duration_s)
    return LoadResult(estimate, "rpe") if estimate is not None else None


def rpe_load_estimate(rpe: float | None, duration_s: float | None) -> float | None:
    """TSS-like estimate from perceived effort: hours × (RPE / 7)² × 100 (RPE on CR-10)."""
    if rpe is None or duration_s is None:
        return None
    return duration_s / 3600.0 * (rpe / RPE_AT_THRESHOLD) ** 2 * 100.0
