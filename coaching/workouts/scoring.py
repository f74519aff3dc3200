"""Scoring compliance over a period (DESIGN §6 "Compliance"). Pure.

A judged session has a verdict: its colour, or "missed" (a published session of a past day
with nothing linked). A structured session's colour is the worse of its volume colour
(`compliance.session_compliance`) and its step colour (`step_colour` of the share of active
steps on target). Scores: green 1, yellow 0.5, red or missed 0; a period's compliance is the
mean score of its judged sessions, × 100. Activities without a planned session are
"unplanned": counted beside, never scored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from coaching.workouts.compliance import Colour

Verdict = Literal["green", "yellow", "red", "missed"]

STEPS_GREEN = 0.8
STEPS_YELLOW = 0.5
SCORES: dict[Verdict, float] = {"green": 1.0, "yellow": 0.5, "red": 0.0, "missed": 0.0}
_RANK: dict[Colour, int] = {"green": 0, "yellow": 1, "red": 2}


def step_colour(share_hit: float | None) -> Colour | None:
    """The colour of a share (0–1) of active steps on target: green from 0.8, yellow from
    0.5, red below; None when no step was judged."""
    if share_hit is None:
        return None
    if share_hit >= STEPS_GREEN:
        return "green"
    return "yellow" if share_hit >= STEPS_YELLOW else "red"


def session_colour(volume: Colour | None, steps_hit: float | None) -> Colour | None:
    """The worse of the volume colour and the step colour (either may be unknown)."""
    steps = step_colour(steps_hit)
    if volume is None or steps is None:
        return volume or steps
    return volume if _RANK[volume] >= _RANK[steps] else steps


@dataclass(frozen=True, slots=True)
class Tally:
    """Judged sessions counted per verdict, and the unplanned activities beside them."""

    green: int = 0
    yellow: int = 0
    red: int = 0
    missed: int = 0
    unplanned: int = 0

    @property
    def judged(self) -> int:
        return self.green + self.yellow + self.red + self.missed

    @property
    def pct(self) -> float | None:
        """Mean score of the judged sessions × 100; None when none was judged."""
        if not self.judged:
            return None
        score = self.green * SCORES["green"] + self.yellow * SCORES["yellow"]
        return 100.0 * score / self.judged

    @property
    def colour(self) -> Colour | None:
        """The colour of the % on the step scale (green from 80 %, yellow from 50 %)."""
        pct = self.pct
        return None if pct is None else step_colour(pct / 100.0)


def tally(verdicts: Iterable[Verdict | None], *, unplanned: int = 0) -> Tally:
    """Count the verdicts (None: not judged, skipped)."""
    counts: dict[Verdict, int] = {"green": 0, "yellow": 0, "red": 0, "missed": 0}
    for verdict in verdicts:
        if verdict is not None:
            counts[verdict] += 1
    return Tally(**counts, unplanned=unplanned)
