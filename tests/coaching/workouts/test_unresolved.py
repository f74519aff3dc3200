"""Which target kinds of a workout an athlete's thresholds cannot resolve (a group plan skips
those athletes). Pure: no database."""

from __future__ import annotations

from coaching.workouts.resolve import unresolved_kinds
from coaching.workouts.tree import (
    AthleteThresholds,
    Duration,
    DurationKind,
    Intent,
    Repeat,
    Step,
    Target,
    TargetKind,
    TargetMode,
    Workout,
)


def _step(kind: TargetKind, mode: TargetMode, low: float) -> Step:
    return Step(Intent.ACTIVE, Duration(DurationKind.TIME, 600), Target(kind, mode, low, low))


WORKOUT = Workout(
    (
        _step(TargetKind.HR, TargetMode.ABSOLUTE, 150),
        Repeat(3, (_step(TargetKind.POWER, TargetMode.PERCENT, 95),)),
        _step(TargetKind.PACE, TargetMode.ZONE, 2),
        _step(TargetKind.POWER, TargetMode.ZONE, 2),
    )
)


def test_percent_and_zone_targets_without_their_threshold_or_zones_are_unresolved() -> None:
    kinds = unresolved_kinds(WORKOUT, sport="ride", thresholds=AthleteThresholds())

    assert kinds == [TargetKind.POWER, TargetKind.PACE]  # each once, absolute hr resolves


def test_nothing_is_unresolved_with_the_thresholds_and_zones_the_targets_need() -> None:
    thresholds = AthleteThresholds(
        ftp_w=250,
        zones={"pace": ((2.0, 3.0), (3.0, 4.0)), "power": ((0, 140), (140, 190))},
    )

    assert unresolved_kinds(WORKOUT, sport="ride", thresholds=thresholds) == []
