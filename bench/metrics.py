"""Metric-core figures (DESIGN §8): per-activity metrics of a 6 h ride, Fitness/Fatigue/Form.

    .venv/bin/python bench/metrics.py

Pure: no database, no corpus. The 6 h ride is SYNTHETIC (seeded random numbers, not a
recording): 21,600 samples at 1 Hz of power (a random walk around 200 W with 30 s surges and
coasting zeros), HR following power with a slow upward drift, speed from a random walk and
altitude from a smooth profile; distance is the running sum of speed. The load history is
synthetic too: 100 athletes × 10 years of daily loads (about one rest day in three).
Each figure is the median of repeated runs; the machine is shared, so rerun before quoting.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics.metrics import decoupling, efforts, meanmax, pmc, zones  # noqa: E402

SIX_HOURS = 6 * 3600
TARGET_MEANMAX_MS = 10.0
TARGET_PER_ACTIVITY_MS = 30.0
TARGET_PMC_MS = 100.0
FTP_W, LTHR_BPM, HR_REST, HR_MAX = 250.0, 165.0, 50.0, 190.0


def median_ms(work: Callable[[], object], repeats: int = 20) -> float:
    work()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def synthetic_ride(seed: int = 6) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = SIX_HOURS
    power = 200 + np.cumsum(rng.normal(0, 3, n))
    power = np.clip(power - np.linspace(0, power.mean() - 200, n), 60, 450)
    surges = rng.random(n // 30) < 0.05
    power += np.repeat(surges, 30)[:n] * 200
    power[rng.random(n) < 0.04] = 0.0  # coasting
    power = np.clip(power + rng.normal(0, 15, n), 0, None)
    smooth = np.convolve(power, np.ones(60) / 60, mode="same")
    hr = 95 + 0.3 * smooth + np.linspace(0, 8, n) + rng.normal(0, 1.5, n)
    speed = np.clip(8 + np.cumsum(rng.normal(0, 0.05, n)) * 0.2, 3, 15)
    altitude = 300 + 150 * np.sin(np.arange(n) / 1800)
    distance = np.cumsum(speed)
    return {  # at the resolution the streams are stored in: 1 W, 1 bpm, 1 mm/s
        "time_s": np.arange(n, dtype=np.float64),
        "power_w": np.round(power),
        "hr_bpm": np.round(hr),
        "speed_mps": np.round(speed, 3),
        "altitude_m": altitude,
        "distance_m": distance,
    }


def report(label: str, ms: float, target: float | None = None) -> None:
    verdict = (
        "" if target is None else f"   target < {target:g} ms: {'ok' if ms < target else 'MISSED'}"
    )
    print(f"  {label:<48} {ms:8.2f} ms{verdict}")


def other_helpers_metrics(ride: dict[str, np.ndarray]) -> dict[str, Callable[[], object]]:
    """NP/TSS (power.py) and TRIMP/hrTSS (heart.py) when those modules exist."""
    work: dict[str, Callable[[], object]] = {}
    try:
        from analytics.metrics import power
    except ImportError:
        print("  (analytics.metrics.power not there: NP/TSS not timed)")
    else:

        def np_tss() -> object:
            np_w = power.normalized_power(ride["power_w"])
            return power.training_stress_score(SIX_HOURS, np_w, FTP_W)

        work["NP + IF + TSS (power.py)"] = np_tss
    try:
        from analytics.metrics import heart
    except ImportError:
        print("  (analytics.metrics.heart not there: TRIMP/hrTSS not timed)")
    else:

        def trimp_hr_tss() -> object:
            value = heart.trimp(ride["hr_bpm"], hr_rest_bpm=HR_REST, hr_max_bpm=HR_MAX, sex="M")
            return heart.hr_tss(
                value, lthr_bpm=LTHR_BPM, hr_rest_bpm=HR_REST, hr_max_bpm=HR_MAX, sex="M"
            )

        work["TRIMP + hrTSS (heart.py)"] = trimp_hr_tss
    return work


def per_activity(ride: dict[str, np.ndarray]) -> None:
    durations = meanmax.meanmax_durations(SIX_HOURS)
    dt_s = zones.sample_durations_s(ride["time_s"])
    power_bounds = [FTP_W * p / 100 for p in (55, 75, 90, 105, 120, 150)]
    hr_bounds = [LTHR_BPM * p / 100 for p in (85, 90, 95, 100, 103, 106)]
    print(
        f"6 h ride at 1 Hz (synthetic, {SIX_HOURS:,} samples); mean-max on {durations.size}"
        " durations (every second to 10 min, then ~1 %)"
    )
    work: dict[str, Callable[[], object]] = {
        "mean-max power": lambda: meanmax.mean_max(ride["power_w"], durations),
        "mean-max HR (NaN skipped)": lambda: meanmax.mean_max(
            ride["hr_bpm"], durations, nan="skip"
        ),
        "mean-max speed (NaN skipped)": lambda: meanmax.mean_max(
            ride["speed_mps"], durations, nan="skip", resolution=0.001
        ),
        "time in zones (power + HR)": lambda: (
            zones.time_in_zones(ride["power_w"], dt_s, power_bounds),
            zones.time_in_zones(ride["hr_bpm"], dt_s, hr_bounds),
        ),
        "decoupling (power, NP-style halves)": lambda: decoupling.decoupling(
            ride["power_w"], ride["hr_bpm"], kind="power"
        ),
        "best efforts (400 m … marathon)": lambda: efforts.best_efforts(
            ride["distance_m"], ride["time_s"]
        ),
        **other_helpers_metrics(ride),
    }
    timings = {label: median_ms(job) for label, job in work.items()}
    for label, ms in timings.items():
        target = TARGET_MEANMAX_MS if label.startswith("mean-max") else None
        report(label, ms, target)
    total = sum(timings.values())
    only_power = (
        total - timings["mean-max HR (NaN skipped)"] - timings["mean-max speed (NaN skipped)"]
    )
    report("all per-activity metrics above", total, TARGET_PER_ACTIVITY_MS)
    report("  … with mean-max of power only", only_power, TARGET_PER_ACTIVITY_MS)
    result = decoupling.decoupling(ride["power_w"], ride["hr_bpm"], kind="power")
    print(
        f"  (decoupling {result.decoupling_pct:.2f} %, steady={result.steady}, "
        f"CV {result.variability_cv:.2f}; best 5 min "
        f"{meanmax.mean_max(ride['power_w'], [300])[0]:.0f} W)"
    )


def fitness_fatigue_form() -> None:
    rng = np.random.default_rng(10)
    loads = rng.gamma(2.0, 40.0, size=(100, 3650)) * (rng.random((100, 3650)) > 0.3)
    print("Fitness/Fatigue/Form, 100 athletes × 10 years (synthetic daily loads)")
    report(
        "fitness_fatigue (day loop, vectorised over athletes)",
        median_ms(lambda: pmc.fitness_fatigue(loads), repeats=10),
        TARGET_PMC_MS,
    )
    report(
        "acute_chronic + ACWR bands",
        median_ms(lambda: pmc.acwr_band(pmc.acute_chronic(loads).acwr), repeats=10),
    )
    report("one athlete × 10 years", median_ms(lambda: pmc.fitness_fatigue(loads[0]), repeats=10))


def main() -> None:
    per_activity(synthetic_ride())
    fitness_fatigue_form()


if __name__ == "__main__":
    main()
