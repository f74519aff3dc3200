"""The sport taxonomy shared by every app. Pure: no Django (used by parsers and metrics too)."""

from __future__ import annotations

from enum import StrEnum


class Sport(StrEnum):
    """A sport family; variants (trail, treadmill, indoor, open water…) are sub-sports."""

    RUN = "run"
    RIDE = "ride"
    SWIM = "swim"
    HIKE = "hike"
    SKI = "ski"
    ROW = "row"
    STRENGTH = "strength"
    OTHER = "other"


SPORT_LABELS: dict[Sport, str] = {
    Sport.RUN: "Run",
    Sport.RIDE: "Ride",
    Sport.SWIM: "Swim",
    Sport.HIKE: "Hike",
    Sport.SKI: "Ski",
    Sport.ROW: "Row",
    Sport.STRENGTH: "Strength",
    Sport.OTHER: "Other",
}

# Sports that carry their own thresholds; the others use the "other" row, then the run row for HR.
THRESHOLD_SPORTS: tuple[Sport, ...] = (Sport.RUN, Sport.RIDE, Sport.SWIM, Sport.OTHER)
