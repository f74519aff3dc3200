"""The plausible range of every number Paceline accepts or stores. Pure: stdlib only.

One home for the limits that forms, API serializers, the workout tree, the text syntax and the
ingest of recordings all check, so a value refused in one place is refused in every other.
Ranges are inclusive, in SI units named by the constant (`_S`, `_M`, `_BPM`, `_W`, `_MPS`,
`_SPM`, `_KCAL`). NaN, infinities and booleans are never in a range.

What people type (a planned session, a logged session, a workout step) gets tight ranges;
what devices record gets wider ones (a recording may last days), so a real recording is never
thrown away while a corrupt value (65535 bpm, 1e308 m) is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypedDict

from core.units import DAY_S, HOUR_S, is_finite_number

# Days people and clients may ask about: any training history, with room around it for the
# week, month and season arithmetic that starts from them.
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2199, 12, 31)


class Limits(TypedDict):
    """Keyword arguments of a Django form field or a DRF serializer field."""

    min_value: float
    max_value: float


@dataclass(frozen=True, slots=True)
class Range:
    """Inclusive bounds `low` ≤ value ≤ `high` of one quantity, in its SI unit."""

    low: float
    high: float

    def contains(self, value: object) -> bool:
        """Whether `value` is a finite number within the bounds."""
        return is_finite_number(value) and self.low <= value <= self.high

    def plausible(self, value: object) -> float | None:
        """`value` as a float when it is in range, else None (unknown)."""
        if is_finite_number(value) and self.low <= value <= self.high:
            return float(value)
        return None

    def as_limits(self) -> Limits:
        """`min_value` and `max_value` keyword arguments of a form or serializer field."""
        return {"min_value": self.low, "max_value": self.high}

    def scaled(self, factor: float) -> Range:
        """The same bounds in another unit (`factor` SI units per display unit: divide)."""
        return Range(self.low / factor, self.high / factor)


# --- sessions people plan or log (planner, workout library, manual log, CSV) --------------
SESSION_DURATION_S = Range(1, 48 * HOUR_S)
SESSION_DISTANCE_M = Range(0, 2_000_000)  # 2,000 km
SESSION_ASCENT_M = Range(0, 20_000)  # a double Everesting
SESSION_LOAD = Range(0, 2000)  # TSS-like points typed in by hand

# --- structured workout steps and targets (coaching.workouts) ------------------------------
STEP_DURATION_S = Range(1, 24 * HOUR_S)
STEP_DISTANCE_M = Range(1, 1_000_000)  # 1,000 km
REPEAT_COUNT = Range(1, 99)
ZONE_NUMBER = Range(1, 10)
TARGET_PERCENT = Range(1, 300)  # % of FTP, LTHR or threshold speed
TARGET_HR_BPM = Range(25, 250)
TARGET_POWER_W = Range(1, 3000)
TARGET_SPEED_MPS = Range(0.1, 30)  # pace targets are speeds: 2:47/km per 100 m … 108 km/h
TARGET_CADENCE_SPM = Range(1, 300)
TARGET_RPE = Range(0.5, 10)

# --- the athlete's account of a session ------------------------------------------------------
RPE_CR10 = Range(0, 10)  # Foster's modified CR-10: 0 rest … 10 maximal
FEEL = Range(1, 5)  # 1 very weak … 5 very strong

# --- thresholds and zones (athletes) ----------------------------------------------------------
HR_BPM = Range(25, 250)
FTP_W = Range(30, 2000)
THRESHOLD_SPEED_MPS = Range(0.5, 10)
CSS_MPS = Range(0.3, 3)
ZONE_BOUND_HR_BPM = HR_BPM
ZONE_BOUND_POWER_W = Range(1, 3000)
ZONE_BOUND_SPEED_MPS = Range(0.1, 12)
ZONE_BOUNDS: dict[str, Range] = {  # by zone kind (athletes.models.ZoneSet.Kind)
    "hr": ZONE_BOUND_HR_BPM,
    "power": ZONE_BOUND_POWER_W,
    "pace": ZONE_BOUND_SPEED_MPS,
}

# --- goals and races --------------------------------------------------------------------------
GOAL_DISTANCE_M = Range(1, 10_000_000)  # up to a transcontinental race
GOAL_ASCENT_M = Range(0, 100_000)
GOAL_TIME_S = Range(1, 30 * DAY_S)

# --- what recordings bring (files, exports, providers): wider, never zero-width ----------------
RECORDED_DURATION_S = Range(0, 30 * DAY_S)  # elapsed, moving, timer, lap start and length
RECORDED_DISTANCE_M = Range(0, 10_000_000)
RECORDED_ASCENT_M = Range(0, 100_000)
RECORDED_HR_BPM = Range(20, 260)
RECORDED_POWER_W = Range(0, 3000)
RECORDED_SPEED_MPS = Range(0, 60)  # a downhill skier, not a GPS glitch
RECORDED_CADENCE_SPM = Range(0, 300)
RECORDED_CALORIES_KCAL = Range(0, 50_000)
POOL_LENGTH_M = Range(10, 100)
LAP_LENGTHS = Range(0, 10_000)
LAP_STROKES = Range(0, 100_000)

# Summary and lap values of a recording by field name (activities.types.Summary / Lap).
RECORDED: dict[str, Range] = {
    "start_s": RECORDED_DURATION_S,
    "elapsed_s": RECORDED_DURATION_S,
    "moving_s": RECORDED_DURATION_S,
    "timer_s": RECORDED_DURATION_S,
    "distance_m": RECORDED_DISTANCE_M,
    "ascent_m": RECORDED_ASCENT_M,
    "descent_m": RECORDED_ASCENT_M,
    "avg_hr_bpm": RECORDED_HR_BPM,
    "max_hr_bpm": RECORDED_HR_BPM,
    "avg_power_w": RECORDED_POWER_W,
    "max_power_w": RECORDED_POWER_W,
    "avg_speed_mps": RECORDED_SPEED_MPS,
    "max_speed_mps": RECORDED_SPEED_MPS,
    "avg_cadence_spm": RECORDED_CADENCE_SPM,
    "calories_kcal": RECORDED_CALORIES_KCAL,
    "lengths": LAP_LENGTHS,
    "strokes": LAP_STROKES,
}

# Thresholds by field name (athletes.models.Thresholds and a file's own thresholds).
THRESHOLDS: dict[str, Range] = {
    "hr_max_bpm": HR_BPM,
    "hr_rest_bpm": HR_BPM,
    "lthr_bpm": HR_BPM,
    "ftp_w": FTP_W,
    "threshold_speed_mps": THRESHOLD_SPEED_MPS,
    "css_mps": CSS_MPS,
}
