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


def pgettext_lazy(context: str, text: str) -> str:
    """Marks `text` for translation under `context` and returns it unchanged: named like
    Django's so that makemessages extracts it with its context, while core stays free of
    Django. Display code translates the name with pgettext(SUB_SPORT_CONTEXT, name)."""
    return text


SUB_SPORT_CONTEXT = "sub-sport"
# What people call each sub-sport (FIT sub-sport names, the values activities store): noun
# phrases, so that a translation never has to agree with a noun it does not see.
SUB_SPORT_NAMES: dict[str, str] = {
    "road": pgettext_lazy("sub-sport", "Road"),
    "street": pgettext_lazy("sub-sport", "Road"),
    "trail": pgettext_lazy("sub-sport", "Trail"),
    "track": pgettext_lazy("sub-sport", "Track"),
    "treadmill": pgettext_lazy("sub-sport", "Treadmill"),
    "indoor_running": pgettext_lazy("sub-sport", "Indoor run"),
    "ultra": pgettext_lazy("sub-sport", "Ultra"),
    "obstacle": pgettext_lazy("sub-sport", "Obstacle race"),
    "indoor_cycling": pgettext_lazy("sub-sport", "Indoor ride"),
    "spin": pgettext_lazy("sub-sport", "Spinning"),
    "mountain": pgettext_lazy("sub-sport", "Mountain bike"),
    "gravel_cycling": pgettext_lazy("sub-sport", "Gravel"),
    "cyclocross": pgettext_lazy("sub-sport", "Cyclo-cross"),
    "downhill": pgettext_lazy("sub-sport", "Downhill"),
    "track_cycling": pgettext_lazy("sub-sport", "Track cycling"),
    "virtual_activity": pgettext_lazy("sub-sport", "Virtual ride"),
    "e_bike_fitness": pgettext_lazy("sub-sport", "E-bike"),
    "e_bike_mountain": pgettext_lazy("sub-sport", "Electric mountain bike"),
    "hand_cycling": pgettext_lazy("sub-sport", "Handbike"),
    "commuting": pgettext_lazy("sub-sport", "Commute"),
    "lap_swimming": pgettext_lazy("sub-sport", "Pool"),
    "open_water": pgettext_lazy("sub-sport", "Open water"),
    "indoor_rowing": pgettext_lazy("sub-sport", "Indoor rowing"),
    "indoor_walking": pgettext_lazy("sub-sport", "Indoor walk"),
    "casual_walking": pgettext_lazy("sub-sport", "Walk"),
    "speed_walking": pgettext_lazy("sub-sport", "Speed walking"),
    "cross_country_skiing": pgettext_lazy("sub-sport", "Cross-country skiing"),
    "skate_skiing": pgettext_lazy("sub-sport", "Skate skiing"),
    "backcountry": pgettext_lazy("sub-sport", "Ski touring"),
    "resort": pgettext_lazy("sub-sport", "Downhill skiing"),
    "strength_training": pgettext_lazy("sub-sport", "Strength training"),
    "cardio_training": pgettext_lazy("sub-sport", "Cardio"),
    "hiit": pgettext_lazy("sub-sport", "HIIT"),
    "yoga": pgettext_lazy("sub-sport", "Yoga"),
    "pilates": pgettext_lazy("sub-sport", "Pilates"),
    "elliptical": pgettext_lazy("sub-sport", "Elliptical"),
    "stair_climbing": pgettext_lazy("sub-sport", "Stair climbing"),
}
# Sub-sports that say nothing more than the sport itself: not shown.
PLAIN_SUB_SPORTS = frozenset({"", "generic", "all", "training"})


def sub_sport_name(sub_sport: str) -> str | None:
    """The English name of a sub-sport ("lap_swimming" → "Pool"), a readable one for a value
    not in the table ("indoor_climbing" → "Indoor climbing"); None when it adds nothing."""
    if sub_sport in PLAIN_SUB_SPORTS:
        return None
    known = SUB_SPORT_NAMES.get(sub_sport)
    return known if known is not None else sub_sport.replace("_", " ").capitalize()


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
