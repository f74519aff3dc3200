"""Training zones derived from thresholds. Pure: stdlib only.

Every zone is a half-open band `[low, high)` in SI units (bpm, W, m/s); the first zone starts at
0 (or at the published floor) and the top zone has `high = None`. A value exactly on a boundary
belongs to the upper zone. Percentages are kept as integers and divided by 100 so that hand-checked
boundaries are exact (170 bpm x 95 % = 161.5 bpm, not 161.49999…).
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Zone:
    """One training zone: a label and its band `[low, high)` in SI units; top zone high=None."""

    name: str
    low: float
    high: float | None


def zones_from_bounds(bounds: Sequence[float], names: Sequence[str]) -> list[Zone]:
    """Zones from the lower bound of each zone above the first (SI, strictly ascending).

    `names` holds one label per zone, so `len(names) == len(bounds) + 1`. The first zone starts
    at 0 and the last one is open-ended. Raises ValueError on a shape or ordering mistake.
    """
    if len(names) != len(bounds) + 1:
        raise ValueError("names must hold one label more than bounds")
    if any(not math.isfinite(b) or b <= 0 for b in bounds):
        raise ValueError("bounds must be positive numbers")
    if any(b >= nxt for b, nxt in itertools.pairwise(bounds)):
        raise ValueError("bounds must be strictly ascending")
    lows = [0.0, *(float(b) for b in bounds)]
    highs: list[float | None] = [*lows[1:], None]
    return [Zone(name=n, low=lo, high=hi) for n, lo, hi in zip(names, lows, highs, strict=True)]


def zone_index(value: float, zones: Sequence[Zone]) -> int:
    """Index of the zone holding `value`; below the first boundary is zone 0, above the top the
    last zone. Raises ValueError when `zones` is empty."""
    if not zones:
        raise ValueError("no zones")
    lows = [zone.low for zone in zones[1:]]
    return bisect.bisect_right(lows, value)


def _scaled(reference: float, percents: Sequence[int], names: Sequence[str]) -> list[Zone]:
    return zones_from_bounds([reference * pct / 100 for pct in percents], names)


FRIEL_LTHR_NAMES = ("Z1", "Z2", "Z3", "Z4", "Z5a", "Z5b", "Z5c")
FRIEL_LTHR_PERCENTS = (85, 90, 95, 100, 103, 106)


def hr_zones_from_lthr(lthr_bpm: float) -> list[Zone]:
    """Seven heart-rate zones (bpm) as % of lactate-threshold heart rate — Joe Friel's zones.

    Source: J. Friel, *The Triathlete's Training Bible* (run LTHR table): Z1 < 85 %,
    Z2 85-89 %, Z3 90-94 %, Z4 95-99 %, Z5a 100-102 %, Z5b 103-106 %, Z5c > 106 %. Read as
    continuous bands: boundaries at 85, 90, 95, 100, 103 and 106 % of LTHR.
    """
    return _scaled(lthr_bpm, FRIEL_LTHR_PERCENTS, FRIEL_LTHR_NAMES)


HR_MAX_NAMES = ("Z1", "Z2", "Z3", "Z4", "Z5")
HR_MAX_PERCENTS = (50, 60, 70, 80, 90)


def hr_zones_from_max(hr_max_bpm: float, hr_rest_bpm: float | None = None) -> list[Zone]:
    """Five heart-rate zones (bpm) at 50/60/70/80/90 %, used when no LTHR is known.

    Without a resting HR: % of HRmax (the common five-zone model). With one: Karvonen's method,
    rest + % x (max - rest), i.e. % of heart-rate reserve. Z1 starts at the 50 % floor; anything
    below it still counts as Z1 in `zone_index`.
    """
    rest = hr_rest_bpm or 0.0
    floors = [rest + (hr_max_bpm - rest) * pct / 100 for pct in HR_MAX_PERCENTS]
    highs: list[float | None] = [*floors[1:], None]
    return [
        Zone(name=n, low=lo, high=hi) for n, lo, hi in zip(HR_MAX_NAMES, floors, highs, strict=True)
    ]


COGGAN_NAMES = (
    "Active recovery",
    "Endurance",
    "Tempo",
    "Threshold",
    "VO2max",
    "Anaerobic",
    "Neuromuscular",
)
COGGAN_PERCENTS = (55, 75, 90, 105, 120, 150)


def power_zones_from_ftp(ftp_w: float) -> list[Zone]:
    """Seven power zones (W) as % of FTP — Andrew Coggan's classic levels.

    Source: Allen & Coggan, *Training and Racing with a Power Meter*: Active recovery < 55 %,
    Endurance 56-75 %, Tempo 76-90 %, Threshold 91-105 %, VO2max 106-120 %, Anaerobic
    121-150 %, Neuromuscular > 150 %. Read as continuous bands: boundaries at 55, 75, 90, 105,
    120 and 150 % of FTP (a value on a boundary goes to the upper level).
    """
    return _scaled(ftp_w, COGGAN_PERCENTS, COGGAN_NAMES)


PACE_NAMES = ("Z1", "Z2", "Z3", "Z4", "Z5", "Z6")
PACE_PERCENTS = (78, 88, 95, 101, 105)


def pace_zones_from_threshold_speed(threshold_speed_mps: float) -> list[Zone]:
    """Six running pace zones (m/s) as % of threshold speed — Paceline's variant of Friel's.

    Friel's run pace zones are % of threshold *pace* (time per km): Z1 slower than 129 %,
    Z2 114-129 %, Z3 106-113 %, Z4 99-105 %, then Z5a-c. Inverted to speed and rounded they give
    the boundaries 78, 88, 95 and 101 % of threshold speed; we split the fast end at 105 %:
    Z1 < 78 %, Z2 78-88 %, Z3 88-95 %, Z4 95-101 %, Z5 101-105 %, Z6 > 105 %.
    """
    return _scaled(threshold_speed_mps, PACE_PERCENTS, PACE_NAMES)


SWIM_NAMES = ("Recovery", "Endurance", "Tempo", "Threshold", "VO2max", "Sprint")
SWIM_PERCENTS = (85, 92, 97, 101, 105)


def swim_zones_from_css(css_mps: float) -> list[Zone]:
    """Six swim pace zones (m/s) as % of critical swim speed (CSS) — Paceline's variant.

    CSS zones are usually given as offsets in s/100 m from CSS pace (Swim Smooth style); we use
    % of CSS speed so they scale with every swimmer: Recovery < 85 %, Endurance 85-92 %,
    Tempo 92-97 %, Threshold 97-101 % (CSS itself), VO2max 101-105 %, Sprint > 105 %.
    """
    return _scaled(css_mps, SWIM_PERCENTS, SWIM_NAMES)
