"""The one sport list and the one reading of sport names. Pure: stdlib only (parsers, provider
mappings and the metric core import it)."""

from __future__ import annotations

import re
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


# Sports that carry their own thresholds; the others use the "other" row, then the run row for HR.
THRESHOLD_SPORTS: tuple[Sport, ...] = (Sport.RUN, Sport.RIDE, Sport.SWIM, Sport.OTHER)
# Sports done on foot: pace zones, grade-adjusted speed, rTSS and best efforts apply.
ON_FOOT_SPORTS: frozenset[Sport] = frozenset({Sport.RUN, Sport.HIKE})
# Below these speeds (m/s) a sample is standing still: one table for summaries and metrics.
MOVING_SPEED_MPS: dict[str, float] = {
    Sport.RUN: 0.5,
    Sport.HIKE: 0.5,
    Sport.RIDE: 1.0,
    Sport.SKI: 1.0,
    Sport.ROW: 0.5,
    Sport.SWIM: 0.2,
}

# Above these speeds (m/s) a sample is a GPS spike, not the athlete: one table for the metrics.
# Generous on purpose (a fast descent, a sprint): a spike below them is caught by its jump.
MAX_PLAUSIBLE_SPEED_MPS: dict[str, float] = {
    Sport.RUN: 12.5,  # 45 km/h, above any sprint
    Sport.HIKE: 12.5,
    Sport.RIDE: 33.4,  # 120 km/h
    Sport.SKI: 42.0,  # 150 km/h
    Sport.ROW: 8.0,
    Sport.SWIM: 3.0,
}
# A sample faster than the last plausible one by more than SPEED_NOISE_MPS plus this much per
# second since it is a GPS jump: no one on foot, bike or skis gains 3 m/s every second.
MAX_SPEED_GAIN_MPS_PER_S = 3.0
SPEED_NOISE_MPS = 3.0  # what a noisy 1 Hz GPS speed may jump between two good samples

# What a provider, a file or a person calls a sport → our family. An entry matches where a word
# of the name begins with it (an entry may span words: "multi_sport"); the FIRST matching entry
# wins, so the entries that name no sport (a transition between legs, a multisport parent)
# come before the legs' own words ("swimToBikeTransition" is a transition, not a swim).
SPORT_WORDS: tuple[tuple[str, Sport], ...] = (
    ("transition", Sport.OTHER),
    ("multi_sport", Sport.OTHER),
    ("horseback", Sport.OTHER),  # "horseback_riding" is not a ride
    ("swim", Sport.SWIM),
    ("run", Sport.RUN),
    ("jog", Sport.RUN),
    ("cycl", Sport.RIDE),
    ("handcycl", Sport.RIDE),
    ("bik", Sport.RIDE),
    ("ride", Sport.RIDE),
    ("riding", Sport.RIDE),
    ("mtb", Sport.RIDE),
    ("hik", Sport.HIKE),
    ("walk", Sport.HIKE),
    ("ski", Sport.SKI),
    ("snowboard", Sport.SKI),
    ("row", Sport.ROW),
    ("paddl", Sport.ROW),
    ("strength", Sport.STRENGTH),
    ("weight", Sport.STRENGTH),
    ("trail", Sport.RUN),  # a bare "trail" is a trail run; "trail ride" is a ride (above)
)
# Words that name a variant of a sport (FIT sub-sport names where there is one).
SUB_SPORT_WORDS: dict[Sport, dict[str, str]] = {
    Sport.RUN: {"treadmill": "treadmill", "trail": "trail", "track": "track", "street": "street"},
    Sport.RIDE: {
        "road": "road",
        "mountain": "mountain",
        "mtb": "mountain",
        "gravel": "gravel_cycling",
        "indoor": "indoor_cycling",
        "virtual": "virtual_activity",
    },
    Sport.SWIM: {"pool": "lap_swimming", "lap": "lap_swimming", "open": "open_water"},
}
# Words: runs of letters, also split where camelCase starts a new word ("TrailRun").
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+")


def name_words(text: str) -> list[str]:
    """The lower-case words of a name: "Trail Run", "trail_running", "TrailRun" → trail, run."""
    return [word.lower() for word in _WORD.findall(text)]


def sport_from_words(text: str) -> Sport | None:
    """The sport family a type, file or device name speaks of ("road_biking" → ride,
    "Weight Training" → strength, "swimToBikeTransition_v2" → other), or None when no word
    of it names one (see SPORT_WORDS for the matching rule)."""
    joined = "_" + "_".join(name_words(text))
    return next((sport for entry, sport in SPORT_WORDS if "_" + entry in joined), None)


def guess_sport(text: str) -> tuple[Sport, str] | None:
    """(sport, sub_sport) named by a type, file or device name ("road_biking" → ride, road);
    the sub-sport is "generic" when no word names a variant; None when no sport is named."""
    sport = sport_from_words(text)
    if sport is None:
        return None
    variants = SUB_SPORT_WORDS.get(sport, {})
    words = name_words(text)
    return sport, next((variants[word] for word in words if word in variants), "generic")
