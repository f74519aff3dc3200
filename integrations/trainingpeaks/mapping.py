"""A TrainingPeaks calendar feed (iCal) → the planned sessions it holds. Pure: no Django.

What real feeds look like (../shared/research/integrations.md §3, corpus ical/
trainingpeaks_realwording/README.md): SUMMARY is "<Workout type>: <title>" (a race has no
prefix); DESCRIPTION starts "Workout type: X", then the coach's text, then key lines —
`Planned Time: H:MM`, `Distance Planned: 2500 m`, `Actual Time:`, `Actual Distance:`, `Speed:`,
`Pace:`, sometimes `TSS:`/`IF:`. Planned events are all-day; completed ones are timed, their
start a FLOATING local wall-clock time (no zone) — read in the athlete's zone, never as UTC;
a zoned or UTC value is converted to the athlete's zone before taking its day. DTEND is never
a duration (24 h for all-day events, start + planned time for timed ones).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar

MAX_BYTES = 5_000_000
MAX_EVENTS = 5_000
MAX_DEPTH = 4  # VCALENDAR > VEVENT > VALARM: a feed nests three deep at most

# TrainingPeaks' workout types → our sport words ("rest" for a day off).
WORKOUT_TYPES: dict[str, str] = {
    "run": "run",
    "bike": "ride",
    "mountain bike": "ride",
    "swim": "swim",
    "strength": "strength",
    "day off": "rest",
    "other": "other",
    "walk": "hike",
    "rowing": "row",
    "xc-ski": "ski",
    "x-train": "other",
    "cross-train": "other",
    "brick": "other",
    "custom": "other",
    "race": "other",
}
KEY_LINE = re.compile(
    r"^(Workout type|Planned Time|Actual Time|Distance Planned|Actual Distance|Speed|Pace|TSS|IF"
    r"|Planned Distance|Completed Time)\s*:\s*(.*)$",
    re.IGNORECASE,
)
CLOCK = re.compile(r"^(\d{1,3}):([0-5]\d)(?::([0-5]\d))?$")
DISTANCE = re.compile(r"^([\d.,]+)\s*(m|km|mi|yd)\b", re.IGNORECASE)
UNIT_METRES = {"m": 1.0, "km": 1000.0, "mi": 1609.344, "yd": 0.9144}


class FeedError(ValueError):
    """Not a feed we can read; `reason` says why in a line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class FeedSession:
    day: dt.date
    sport: str  # run, ride, swim, strength, hike, row, ski, other — or "rest" for a day off
    title: str
    planned_duration_s: int | None
    planned_distance_m: float | None
    completed: bool
    description: str = ""  # the coach's text, without the key lines
    workout_type: str = ""
    tss: float | None = None
    intensity_factor: float | None = None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["day"] = self.day.isoformat()
        return data


def parse_feed(body: bytes, tz: ZoneInfo) -> list[FeedSession]:
    """The feed's events as sessions, in file order; FeedError for anything unreadable."""
    if len(body) > MAX_BYTES:
        raise FeedError(f"the feed is larger than {MAX_BYTES // 1_000_000} MB")
    _check_nesting(body)
    try:
        calendar = Calendar.from_ical(body)
        events = calendar.walk("VEVENT")
    except RecursionError as error:
        raise FeedError("the feed nests too deeply to be a calendar") from error
    except Exception as error:  # icalendar raises many kinds for broken input
        raise FeedError(f"not an iCalendar feed ({type(error).__name__})") from error
    if len(events) > MAX_EVENTS:
        raise FeedError(f"the feed holds more than {MAX_EVENTS} events")
    sessions = []
    for event in events:
        try:
            session = _session(event, tz)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as error:
            raise FeedError(f"an event could not be read ({type(error).__name__})") from error
        if session is not None:
            sessions.append(session)
    return sessions


def _check_nesting(body: bytes) -> None:
    depth = 0
    for line in body.splitlines():
        head = line[:6].upper()
        if head == b"BEGIN:":
            depth += 1
            if depth > MAX_DEPTH:
                raise FeedError("the feed nests too deeply to be a calendar")
        elif head[:4] == b"END:":
            depth -= 1


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _session(event: Any, tz: ZoneInfo) -> FeedSession | None:
    day = _day(event.get("DTSTART"), tz)
    if day is None:
        return None
    summary = _text(event.get("SUMMARY")).strip()
    keys, coach_lines = _description(_text(event.get("DESCRIPTION")))
    workout_type = keys.get("workout type", "").strip()
    prefix, _sep, rest = summary.partition(":")
    if not workout_type and _sep and prefix.strip().lower() in WORKOUT_TYPES:
        workout_type = prefix.strip()
    title = summary
    if workout_type and _sep and prefix.strip().lower() == workout_type.lower():
        title = rest.strip()
    sport = WORKOUT_TYPES.get(workout_type.lower(), "other")
    return FeedSession(
        day=day,
        sport=sport,
        title=(title or workout_type or "TrainingPeaks")[:120],
        planned_duration_s=_clock(keys.get("planned time")),
        planned_distance_m=_distance(keys.get("distance planned") or keys.get("planned distance")),
        completed="actual time" in keys or "completed time" in keys,
        description="\n".join(coach_lines).strip()[:5000],
        workout_type=workout_type,
        tss=_number(keys.get("tss")),
        intensity_factor=_number(keys.get("if")),
    )


def _day(prop: Any, tz: ZoneInfo) -> dt.date | None:
    value = getattr(prop, "dt", None)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:  # floating: the athlete's wall clock
            return value.date()
        return value.astimezone(tz).date()
    if isinstance(value, dt.date):
        return value
    return None


def _description(text: str) -> tuple[dict[str, str], list[str]]:
    keys: dict[str, str] = {}
    coach: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        match = KEY_LINE.match(line.strip())
        if match:
            keys.setdefault(match.group(1).lower(), match.group(2).strip())
        else:
            coach.append(line.rstrip())
    return keys, coach


def _clock(text: str | None) -> int | None:
    """`H:MM` (hours and minutes, as TrainingPeaks writes it) or `H:MM:SS` → seconds."""
    match = CLOCK.match((text or "").strip())
    if not match:
        return None
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds or None


def _distance(text: str | None) -> float | None:
    match = DISTANCE.match((text or "").strip())
    if not match:
        return None
    value = _number(match.group(1))
    if value is None or value <= 0:
        return None
    return round(value * UNIT_METRES[match.group(2).lower()], 1)


def _number(text: str | None) -> float | None:
    try:
        value = float((text or "").strip().replace(",", "."))
    except ValueError:
        return None
    return value if 0 <= value < 1e6 else None
