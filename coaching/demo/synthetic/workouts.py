"""Workout structures: warm-up, main set and cool-down as blocks of constant intensity. Pure.

Intensity is a fraction of the sport's threshold: threshold speed for running and hiking,
FTP for riding, CSS for swimming; for strength it only drives heart rate. Intensity 0 is a
standstill (rest between swim sets or strength sets).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.sports import Sport


@dataclass(frozen=True, slots=True)
class Block:
    """A stretch at one intensity; `intent` becomes the lap's intensity label."""

    duration_s: int
    intensity: float
    intent: str  # warmup | active | recovery | cooldown | rest


@dataclass(frozen=True, slots=True)
class Workout:
    name: str
    blocks: tuple[Block, ...]

    @property
    def duration_s(self) -> int:
        return sum(b.duration_s for b in self.blocks)


# Steady intensity of each kind, per sport family (fraction of threshold).
STEADY: dict[str, dict[str, float]] = {
    "run": {"easy": 0.74, "long": 0.76, "recovery": 0.68, "tempo": 0.92, "interval": 1.07},
    "ride": {"easy": 0.62, "long": 0.66, "recovery": 0.52, "tempo": 0.86, "interval": 1.08},
    "swim": {"easy": 0.86, "long": 0.88, "recovery": 0.8, "tempo": 0.95, "interval": 1.02},
    "hike": {"easy": 0.32, "long": 0.32, "recovery": 0.3, "tempo": 0.36, "interval": 0.38},
}
EASY_SPIN = {"run": 0.62, "ride": 0.5, "swim": 0.78, "hike": 0.3}


def _family(sport: Sport) -> str:
    return sport.value if sport.value in STEADY else "run"


def _minutes(value: float) -> int:
    return round(float(value)) * 60


def steady_workout(sport: Sport, kind: str, duration_s: int, rng: np.random.Generator) -> Workout:
    """Warm-up, one steady block at the kind's intensity, cool-down."""
    family = _family(sport)
    warm = min(_minutes(10 + 5 * rng.random()), duration_s // 4)
    cool = min(_minutes(5 + 5 * rng.random()), duration_s // 6)
    steady = STEADY[family][kind] * (1 + 0.03 * rng.standard_normal())
    main = max(duration_s - warm - cool, 60)
    blocks = (
        Block(warm, EASY_SPIN[family], "warmup"),
        Block(main, steady, "active"),
        Block(cool, EASY_SPIN[family] * 0.95, "cooldown"),
    )
    names = {"easy": "Easy", "long": "Long", "recovery": "Recovery"}
    return Workout(f"{names.get(kind, 'Steady')} {_noun(sport)}", blocks)


def interval_workout(sport: Sport, kind: str, duration_s: int, rng: np.random.Generator) -> Workout:
    """Warm-up, repeats of work and recovery, cool-down; tempo = longer, easier repeats."""
    family = _family(sport)
    tempo = kind == "tempo"
    work = _minutes(float(rng.choice([10, 12, 15, 20] if tempo else [3, 4, 5, 6])))
    rest = _minutes(3.0 if tempo else float(rng.choice([2, 3])))
    if family == "swim":
        work = _minutes(float(rng.choice([5, 8, 10] if tempo else [2, 3, 4])))
        rest = 15 + 5 * int(rng.integers(0, 4))
    warm, cool = _minutes(15), _minutes(10)
    reps = int(np.clip((duration_s - warm - cool) // (work + rest), 2, 12))
    target = STEADY[family]["tempo" if tempo else "interval"] * (1 + 0.02 * rng.standard_normal())
    rest_intensity = 0.0 if family == "swim" else EASY_SPIN[family] * 0.9
    main: list[Block] = []
    for rep in range(reps):
        main.append(Block(work, target, "active"))
        if rep < reps - 1:
            main.append(Block(rest, rest_intensity, "rest" if family == "swim" else "recovery"))
    blocks = (
        Block(warm, EASY_SPIN[family], "warmup"),
        *main,
        Block(cool, EASY_SPIN[family], "cooldown"),
    )
    label = "Tempo" if tempo else "Intervals"
    return Workout(f"{label} {reps} × {work // 60 or work} {'min' if work >= 60 else 's'}", blocks)


def strength_workout(sport: Sport, kind: str, duration_s: int, rng: np.random.Generator) -> Workout:
    """Sets of about 45 s (heart rate up) and 90 s of rest, after a short warm-up."""
    blocks: list[Block] = [Block(_minutes(8), 0.45, "warmup")]
    while sum(b.duration_s for b in blocks) < duration_s - 150:
        blocks.append(Block(int(rng.integers(35, 60)), 0.7, "active"))
        blocks.append(Block(int(rng.integers(75, 120)), 0.35, "rest"))
    return Workout("Strength and conditioning", tuple(blocks))


def _noun(sport: Sport) -> str:
    return {"run": "run", "ride": "ride", "swim": "swim", "hike": "hike"}.get(
        sport.value, "session"
    )


BUILDERS: dict[str, Callable[[Sport, str, int, np.random.Generator], Workout]] = {
    "easy": steady_workout,
    "long": steady_workout,
    "recovery": steady_workout,
    "tempo": interval_workout,
    "intervals": interval_workout,
    "strength": strength_workout,
}


def workout_build(sport: Sport, kind: str, duration_s: int, rng: np.random.Generator) -> Workout:
    """The blocks of a session of this kind lasting about `duration_s`."""
    return BUILDERS[kind](sport, kind, duration_s, rng)
