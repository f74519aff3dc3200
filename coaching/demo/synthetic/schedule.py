"""The weekly pattern of demo training: which session on which day, and how long. Pure.

Monday is the rest day (swimmers swim), intervals on Tuesday, tempo on Thursday, the long
session on Saturday or Sunday. Volume grows by about a third from the first week to the last;
every fourth week is a recovery week at 70 %. About one session in fifteen is skipped.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from core.sports import Sport

# Weekday (Monday = 0) → sessions as (sport, kind, base minutes, sub-sport).
Pattern = dict[int, tuple[tuple[str, str, int, str], ...]]
PATTERNS: dict[str, Pattern] = {
    "runner": {
        1: (("run", "intervals", 60, "road"),),
        2: (("run", "easy", 45, "road"), ("strength", "strength", 35, "")),
        3: (("run", "tempo", 60, "road"),),
        4: (("run", "recovery", 35, "road"),),
        5: (("run", "easy", 50, "road"),),
        6: (("run", "long", 100, "road"),),
    },
    "trail": {
        1: (("run", "intervals", 60, "trail"),),
        2: (("run", "easy", 50, "trail"),),
        3: (("run", "tempo", 60, "road"), ("strength", "strength", 35, "")),
        5: (("run", "long", 130, "trail"),),
        6: (("hike", "long", 180, "hiking"),),
    },
    "cyclist": {
        1: (("ride", "intervals", 75, "road"),),
        2: (("run", "easy", 35, "road"),),
        3: (("ride", "tempo", 90, "road"),),
        4: (("ride", "recovery", 50, "road"),),
        5: (("ride", "long", 200, "road"),),
        6: (("ride", "easy", 100, "road"),),
    },
    "triathlete": {
        0: (("swim", "easy", 45, "lap_swimming"),),
        1: (("run", "intervals", 55, "road"), ("swim", "intervals", 50, "lap_swimming")),
        2: (("ride", "tempo", 75, "road"),),
        3: (("swim", "tempo", 50, "lap_swimming"), ("run", "easy", 40, "road")),
        5: (("ride", "long", 170, "road"),),
        6: (("run", "long", 85, "road"),),
    },
}
START_HOURS = {"weekday": (6.5, 12.25, 18.25), "weekend": (8.5, 9.0, 9.75)}
SECOND_SESSION_HOUR = 18.75
SKIP_PROBABILITY = 1 / 15
LONGEST_S = 4 * 3600  # demo rides stop at 4 h (keeps the seed fast)


@dataclass(frozen=True, slots=True)
class SessionSpec:
    """One planned demo session: athlete-local day and start, sport, kind and duration."""

    day: dt.date
    index: int  # n-th session of the day, from 0
    start_local: dt.time
    sport: Sport
    sub_sport: str
    kind: str  # easy | long | recovery | tempo | intervals | strength
    duration_s: int


def volume_factor(week: int, weeks: int) -> float:
    """Training volume of week `week` (0-based) of `weeks`: +35 % over the block, every fourth
    week a recovery week at 70 %."""
    growth = 0.85 + 0.35 * week / max(weeks - 1, 1)
    return growth * (0.7 if week % 4 == 3 else 1.0)


def _start(day: dt.date, index: int, rng: random.Random) -> dt.time:
    hours = START_HOURS["weekend" if day.weekday() >= 5 else "weekday"]
    hour = SECOND_SESSION_HOUR if index else rng.choice(hours)
    minutes = int(hour * 60) + rng.randint(-10, 10)
    return dt.time(minutes // 60, minutes % 60)


def demo_schedule(
    profile: str, *, first_day: dt.date, last_day: dt.date, seed: int
) -> list[SessionSpec]:
    """Every planned session from `first_day` to `last_day` (inclusive) for a demo profile."""
    rng = random.Random(f"{profile}-{seed}")  # noqa: S311 — demo data, not secrets
    pattern = PATTERNS[profile]
    weeks = (last_day - first_day).days // 7 + 1
    sessions: list[SessionSpec] = []
    day = first_day
    while day <= last_day:
        factor = volume_factor((day - first_day).days // 7, weeks)
        for index, (sport, kind, minutes, sub_sport) in enumerate(pattern.get(day.weekday(), ())):
            if rng.random() < SKIP_PROBABILITY:
                continue
            duration_s = int(min(minutes * 60 * factor * rng.uniform(0.9, 1.1), LONGEST_S))
            start = _start(day, index, rng)
            sessions.append(
                SessionSpec(day, index, start, Sport(sport), sub_sport, kind, duration_s)
            )
        day += dt.timedelta(days=1)
    return sessions
