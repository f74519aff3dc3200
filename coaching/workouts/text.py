"""The text syntax of structured workouts: `parse` text into a `Workout`, `format_workout` back.

Pure, no Django. Reference with examples: docs/workout-syntax.md. Case-insensitive; spaces and
tabs are free between items::

    workout = node { SEP node }              SEP: new line , ; +
    node    = repeat | step
    repeat  = COUNT "x" ( "(" node { SEP node } ")" | repeat | step [ MARK items ] )
    step    = [ INTENT ] items               items: one duration (required), at most one
                                             target and one "note", in any order
    INTENT  = warmup|wu | cooldown|cd | recovery|rec | rest | active   (default: active)
    MARK    = r (recovery, as in 6x800m r2m) | rec | recovery | rest (rest)

Durations: `30s`, `10min`, `1h`, `1h30m`, `2m30s`, `1h30`, `1:30:00`, `4:30` (m:ss); `km`,
`mi`, `y`/`yd`, `mtr` (metres); `open`/`lap`. A lone `m` is minutes below 100 and metres from
100 (`10m` = 10 min, `800m` = 800 m), always metres in swims; in a compound (`1h30m`) minutes.
Targets: zones `Z2`, `Z2-Z3` (power for rides, heart rate otherwise; `Z2 HR`, `Z3 pace`,
`Z4 power` say it); `105% FTP`, `88% LTHR`, `105% pace` (of threshold speed); `150-160bpm`,
`250W`, `90rpm`/`180spm`, `RPE 6-7`; paces `@3:40/km`, `@3:30-3:40/km`, `@1:45/100m`, `/mi`,
`/500m`, speeds `30km/h`, `mph`, `m/s`. `@` may precede any target. Notes: `"..."` (`\\"`,
`\\\\`, `\\n` escapes).

A repeat of exactly two steps without intent keywords reads the clearly easier one as a
recovery (`pair_intents`): `5x (3m 105% FTP, 2m Z1)` is work then recovery.

`format_workout` prints the canonical text: one top-level node a line, children of a repeat
`, `-separated in parentheses, or `Nx<step>` / `Nx<step> r<recovery>` / `... rest <rest>` when
a repeat is one step with an optional recovery or rest (unless the pair reads back without
keywords); the intent keyword only when the step would not read as it without one. Every
printed number reads back to the same float (paces as m:ss/unit only when that inverts
exactly, else as m/s), so parse(format(w)) == w for every valid workout, and
format(parse(t)) == t for canonical text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import NoReturn

from coaching.workouts.tree import (
    MAX_DEPTH,
    MAX_REPEAT,
    MAX_STEPS,
    Duration,
    DurationKind,
    Intent,
    Node,
    Repeat,
    Step,
    Target,
    TargetKind,
    TargetMode,
    Workout,
    WorkoutError,
    _,
    check_duration,
    check_target,
)
from core.ranges import TARGET_RPE, ZONE_NUMBER
from core.units import (
    HOUR_S,
    METRES_PER_KM,
    METRES_PER_MILE,
    METRES_PER_YARD,
    MINUTE_S,
    clock_s,
)

MAX_ZONE = ZONE_NUMBER.high
MAX_RPE = TARGET_RPE.high
MAX_NOTE = 500
_LIMIT = 1e7  # a first guard on every number read; the plausible ranges (tree.check_*) follow

SYNTAX_HELP: tuple[tuple[str, str], ...] = (
    ("10m Z2", _("10 minutes in zone 2: power zones for rides, heart-rate zones otherwise")),
    ("wu 15m, cd 10m", _("Warm-up and cool-down; also recovery (rec) and rest")),
    ("5x (3m 105% FTP, 2m Z1)", _("Repeat a block 5 times; separate steps with , or new lines")),
    ("6x800m @3:40/km r2m", _("6 × 800 metres at 3:40 per km, each followed by 2 min recovery")),
    (
        "5x (3m Z4, 2m Z1) · 5x (3m Z4, active 2m Z1)",
        _(
            "Of two repeated steps, the easier one (lower target, Z1–Z2, “easy” in its note) is"
            " the recovery; write active to keep it a work step"
        ),
    ),
    ("1h30m · 45s · 1:30:00", _("Durations: h, m or min, s, or a clock")),
    ("400m · 2km · 5mi · open", _("Distances; m is minutes below 100, else metres; open: lap")),
    ("Z3 pace · 88% LTHR · 105% pace", _("Zones and percentages of FTP, LTHR or threshold pace")),
    ("150-160bpm · 250W · 90rpm · RPE 7", _("Heart rate, power, cadence or perceived effort")),
    ('"relaxed, high cadence"', _("A note for the athlete, in double quotes")),
)

_WS = r"[^\S\n]*"
_END = r"(?=[\s,;+()\"@]|$)"
_NUM = r"\d+(?:\.\d+)?"
_CLOCK = r"\d+:\d{2}(?:\.\d+)?"
_KINDS = r"lthr|hr|ftp|power|pwr|pace|speed|cadence|rpe"
_RANGE = rf"(?P<lo>{_NUM})(?:{_WS}-{_WS}(?P<hi>{_NUM}))?"

_SPACES = re.compile(_WS)
_SEPARATORS = re.compile(r"[\s,;+]*")
_REPEAT = re.compile(rf"(?P<count>\d+){_WS}[x×](?![a-z])", re.I)
_INTENT = re.compile(rf"(?:warm-?up|wu|cool-?down|cd|recovery|rec|rest|active){_END}", re.I)
_MARKER = re.compile(rf"r(?=\d|[^\S\n])|(?:recovery|rec|rest){_END}", re.I)
_OPEN = re.compile(rf"(?:open|lap(?:{_WS}button)?){_END}", re.I)
_CLOCK_TIME = re.compile(rf"\d+:\d{{2}}(?::\d{{2}})?(?:\.\d+)?{_END}")
_COMPOUND = re.compile(
    rf"(?:(?P<h>\d+)(?:hrs?|h))?(?:(?P<m>\d+)(?:mins?|m))?(?:(?P<s>{_NUM})(?:secs?|s))?{_END}", re.I
)
_HOURS_MINUTES = re.compile(rf"(?P<h>\d+)(?:hrs?|h)(?P<m>\d{{1,2}}){_END}", re.I)
_PACE = re.compile(
    rf"(?P<lo>{_CLOCK})(?:{_WS}-{_WS}(?P<hi>{_CLOCK}))?{_WS}/{_WS}(?P<pn>{_NUM})?{_WS}"
    rf"(?P<pu>[a-z]+){_END}",
    re.I,
)
_ZONE = re.compile(
    rf"(?:(?P<before>{_KINDS}){_WS})?z(?P<lo>{_NUM})(?:{_WS}-{_WS}z?(?P<hi>{_NUM}))?"
    rf"(?:{_WS}(?P<after>{_KINDS}))?{_END}",
    re.I,
)
_PERCENT = re.compile(
    rf"(?P<lo>{_NUM})(?:{_WS}%?{_WS}-{_WS}(?P<hi>{_NUM}))?{_WS}%"
    rf"(?:{_WS}(?:of{_WS})?(?P<basis>{_KINDS}){_END})?{_END}",
    re.I,
)
_RPE = re.compile(rf"rpe{_WS}{_RANGE}{_END}", re.I)
_QUANTITY = re.compile(rf"{_RANGE}{_WS}(?P<unit>[a-z]+(?:/[a-z]+)?){_END}", re.I)
_WORD = re.compile(r"[^\s,;+()\"@]+")
_NUMERIC = re.compile(r"[\d.:\-]*")
_VALID_NUMBER = re.compile(rf"{_NUM}|\d+(?::\d{{2}})+(?:\.\d+)?")
_NOTE = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
_ESCAPE = re.compile(r"\\(.)")

_STEP_END = frozenset(",;+\n)")
_UNESCAPE = {'"': '"', "\\": "\\", "n": "\n", "r": "\r"}
_INTENTS = {"wu": Intent.WARMUP, "cd": Intent.COOLDOWN, "rec": Intent.RECOVERY}
_KIND_WORDS = {
    "hr": TargetKind.HR,
    "lthr": TargetKind.HR,
    "ftp": TargetKind.POWER,
    "power": TargetKind.POWER,
    "pwr": TargetKind.POWER,
    "pace": TargetKind.PACE,
    "speed": TargetKind.PACE,
    "cadence": TargetKind.CADENCE,
    "rpe": TargetKind.RPE,
}
_SECONDS = {"s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1}
_MINUTES = dict.fromkeys(("min", "mins", "minute", "minutes"), MINUTE_S)
_HOURS = dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), HOUR_S)
_TIME_S = {**_SECONDS, **_MINUTES, **_HOURS}
_DISTANCE_M = {
    "km": METRES_PER_KM,
    **dict.fromkeys(("mtr", "meter", "meters", "metre", "metres"), 1.0),
    **dict.fromkeys(("mi", "mile", "miles"), METRES_PER_MILE),
    **dict.fromkeys(("y", "yd", "yds", "yard", "yards"), METRES_PER_YARD),
}
_ABSOLUTE = {
    "bpm": TargetKind.HR,
    **dict.fromkeys(("w", "watt", "watts"), TargetKind.POWER),
    "rpm": TargetKind.CADENCE,
    "spm": TargetKind.CADENCE,
}
# speed = value × numerator / denominator (m/s)
_SPEED = {
    **dict.fromkeys(("km/h", "kmh", "kph"), (METRES_PER_KM, float(HOUR_S))),
    "mph": (METRES_PER_MILE, float(HOUR_S)),
    **dict.fromkeys(("m/s", "mps"), (1.0, 1.0)),
}


def parse(text: str, *, sport: str) -> Workout:
    """The workout written in `text` for `sport` (a core.sports value); raises
    WorkoutError whose `position` is the offset of the offending character in `text`."""
    return _Parser(text, sport).workout()


def default_kind(sport: str) -> TargetKind:
    """What a bare zone or percentage targets: power for rides, heart rate otherwise."""
    return TargetKind.POWER if sport == "ride" else TargetKind.HR


def _minutes_or_metres(value: float, sport: str) -> Duration:
    """A lone `m`: metres in swims, else minutes below 100 and metres from 100."""
    if sport != "swim" and value < 100:
        return Duration(DurationKind.TIME, value * 60)
    return Duration(DurationKind.DISTANCE, value)


def _per_m(count: float, unit: str) -> float:
    """Metres in a pace's `/count unit` (`/km`, `/100m`, `/100yd`, `/mi`)."""
    return count * _DISTANCE_M.get(unit, 1.0)


def _speed_mps(value: float, unit: str) -> float:
    numerator, denominator = _SPEED[unit]
    return value * numerator / denominator


@dataclass
class _Parts:
    """The items of one step as they are read; `start` is where an error about it points."""

    start: int
    duration: Duration | None = None
    target: Target | None = None
    note: str | None = None

    @property
    def empty(self) -> bool:
        return self.duration is None and self.target is None and self.note is None

    def add(self, item: Duration | Target | str, position: int) -> None:
        if isinstance(item, Duration):
            check_duration(item, position)
            if self.duration is not None:
                raise WorkoutError(
                    _(
                        "A step has one duration: write 1h30m without spaces, or start a new step"
                        " with a comma or a new line."
                    ),
                    position,
                )
            self.duration = item
        elif isinstance(item, Target):
            check_target(item, position)
            if self.target is not None:
                raise WorkoutError(
                    _("A step has one target; start a new step with a comma."), position
                )
            self.target = item
        else:
            if self.note is not None:
                raise WorkoutError(
                    _("A step has one note; start a new step with a comma."), position
                )
            self.note = item

    def step(self, intent: Intent) -> Step:
        if self.duration is None:
            raise WorkoutError(
                _("A step needs a duration, e.g. 10m, 30s, 800m, 2km or open."), self.start
            )
        return Step(intent, self.duration, self.target, self.note or "")


class _Parser:
    """Recursive descent over the text; `pos` is the offset being read."""

    def __init__(self, text: str, sport: str) -> None:
        self.text = text
        self.sport = sport
        self.pos = 0
        self.bare = False  # the last step read alone had no intent keyword

    def workout(self) -> Workout:
        nodes = self._nodes(depth=1)
        if self.pos < len(self.text):
            raise WorkoutError(_("This ) has no matching (."), self.pos)
        if not nodes:
            raise WorkoutError(_("The workout is empty: write a step, e.g. 10m Z2."), 0)
        total = 0
        for position, node in nodes:
            total += _step_count(node)
            if total > MAX_STEPS:
                raise WorkoutError(
                    _("A workout has at most %(count)d steps once repeats are unrolled."),
                    position,
                    count=MAX_STEPS,
                )
        return Workout(tuple(node for _position, node in nodes))

    # --- structure ---------------------------------------------------------------------------

    def _nodes(self, *, depth: int) -> list[tuple[int, Node]]:
        """Nodes up to the end of the text or a `)` (left unread); a pair of steps written
        without an intent keyword reads as work and recovery when one is easier."""
        nodes: list[tuple[int, Node]] = []
        bare: list[bool] = []
        while True:
            self._skip(_SEPARATORS)
            if self._peek() in ("", ")"):
                paired = depth > 1 and len(bare) == 2 and all(bare)
                return _with_recovery(nodes) if paired else nodes
            start = self.pos
            self.bare = False
            nodes.append((start, self._node(depth)))
            bare.append(self.bare)
            self._skip(_SPACES)
            if self._peek() not in _STEP_END and self._peek() != "":
                raise WorkoutError(_("Start the next step with a comma or a new line."), self.pos)

    def _node(self, depth: int) -> Node:
        match = _REPEAT.match(self.text, self.pos)
        if match:
            return self._repeat(match, depth)
        return self._step(recovery=False)[0]

    def _repeat(self, match: re.Match[str], depth: int) -> Repeat:
        count = int(match["count"])
        if not 1 <= count <= MAX_REPEAT:
            raise WorkoutError(
                _("A repeat count must be a whole number from 1 to %(max)d."),
                match.start("count"),
                max=MAX_REPEAT,
            )
        if depth >= MAX_DEPTH:
            raise WorkoutError(
                _("Repeats nest at most %(depth)d deep."), match.start(), depth=MAX_DEPTH - 1
            )
        self.pos = match.end()
        self._skip(_SPACES)
        if self._peek() == "(":
            return Repeat(count, self._group(depth + 1))
        if self._peek() in _STEP_END or self._peek() == "":
            raise WorkoutError(
                _("Write what to repeat after %(count)dx, e.g. 6x800m r2m or 5x (3m, 2m)."),
                self.pos,
                count=count,
            )
        inner = _REPEAT.match(self.text, self.pos)
        if inner:
            return Repeat(count, (self._repeat(inner, depth + 1),))
        steps = self._step(recovery=True)
        self.bare = False
        return Repeat(count, steps)

    def _group(self, depth: int) -> tuple[Node, ...]:
        opening = self.pos
        self.pos += 1
        nodes = self._nodes(depth=depth)
        if self.pos >= len(self.text):
            raise WorkoutError(_("This ( is never closed."), opening)
        self.pos += 1
        if not nodes:
            raise WorkoutError(_("A repeat needs at least one step."), opening)
        self.bare = False
        return tuple(node for _position, node in nodes)

    def _step(self, *, recovery: bool) -> tuple[Step, ...]:
        """One step; with `recovery` (a repeat's shorthand) also the step after `r`/`rest`."""
        parts = _Parts(self.pos)
        intent = self._intent()
        self.bare = intent is None
        while not self._step_ends():
            marker = _MARKER.match(self.text, self.pos) if recovery and not parts.empty else None
            if marker:
                return parts.step(intent or Intent.ACTIVE), self._recovery(marker)
            self._item(parts)
        return (parts.step(intent or Intent.ACTIVE),)

    def _recovery(self, marker: re.Match[str]) -> Step:
        rest = marker.group().lower() == "rest"
        self.pos = marker.end()
        parts = _Parts(marker.start())
        while not self._step_ends():
            self._item(parts)
        return parts.step(Intent.REST if rest else Intent.RECOVERY)

    def _intent(self) -> Intent | None:
        match = _INTENT.match(self.text, self.pos)
        if match is None:
            return None
        self.pos = match.end()
        word = match.group().lower().replace("-", "")
        return _INTENTS.get(word) or Intent(word)

    # --- items -------------------------------------------------------------------------------

    def _item(self, parts: _Parts) -> None:
        position = self.pos
        if self._peek() == '"':
            parts.add(self._note(), position)
            return
        repeat = _REPEAT.match(self.text, self.pos)
        if repeat:
            self._new_step(repeat)
        at = self._peek() == "@"
        if at:
            self.pos += 1
            if self._step_ends():
                raise WorkoutError(_("Write a target after @, e.g. @3:40/km."), position)
        value = self._value()
        if value is None:
            self._fail()
        if at and isinstance(value, Duration):
            raise WorkoutError(_("Write a target after @, e.g. @3:40/km."), position)
        parts.add(value, position)

    def _value(self) -> Duration | Target | None:
        readers = (self._open, self._clock, self._compound, self._pace, self._zone)
        for reader in (*readers, self._percent, self._rpe, self._quantity):
            value = reader()
            if value is not None:
                return value
        return None

    def _note(self) -> str:
        match = _NOTE.match(self.text, self.pos)
        if match is None:
            raise WorkoutError(_("This quote is never closed on its line."), self.pos)
        note = _ESCAPE.sub(lambda m: _UNESCAPE.get(m[1], m[0]), match[1])
        if len(note) > MAX_NOTE:
            raise WorkoutError(
                _("A step note has at most %(count)d characters."), self.pos, count=MAX_NOTE
            )
        self.pos = match.end()
        return note

    def _open(self) -> Duration | None:
        match = self._match(_OPEN)
        return None if match is None else Duration(DurationKind.OPEN)

    def _clock(self) -> Duration | None:
        match = self._match(_CLOCK_TIME)
        if match is None:
            return None
        return Duration(DurationKind.TIME, self._clock_value(match, 0))

    def _compound(self) -> Duration | None:
        match = _COMPOUND.match(self.text, self.pos) or _HOURS_MINUTES.match(self.text, self.pos)
        parts = match.groupdict() if match else {}
        groups = [name for name in ("h", "m", "s") if parts.get(name)]
        if match is None or len(groups) < 2:
            return None
        total = 0.0
        for name in groups:
            value = float(match[name])
            if name != groups[0] and value >= 60:
                raise WorkoutError(
                    _("%(value)s must be below 60 here."), match.start(name), value=match[name]
                )
            total += value * {"h": HOUR_S, "m": MINUTE_S, "s": 1}[name]
        self.pos = match.end()
        return Duration(DurationKind.TIME, self._checked(total, match.start()))

    def _pace(self) -> Target | None:
        match = self._match(_PACE)
        if match is None:
            return None
        unit = match["pu"].lower()
        if unit != "m" and unit not in _DISTANCE_M:
            raise _unknown_unit(f"/{match['pu']}", match.start("pu"))
        per_m = _per_m(float(match["pn"] or 1), unit)
        speeds = [
            self._checked(per_m / self._clock_value(match, name), match.start(name))
            for name in ("lo", "hi")
            if match[name]
        ]
        return Target(TargetKind.PACE, TargetMode.ABSOLUTE, min(speeds), max(speeds))

    def _zone(self) -> Target | None:
        match = self._match(_ZONE)
        if match is None:
            return None
        if match["before"] and match["after"]:
            raise WorkoutError(_("Say the kind of zone once."), match.start("after"))
        word = match["before"] or match["after"]
        kind = _KIND_WORDS[word.lower()] if word else default_kind(self.sport)
        self._within(match, 1, MAX_ZONE, _("Zones are numbered from 1 to %(max)s."))
        return Target(kind, TargetMode.ZONE, *self._range(match))

    def _percent(self) -> Target | None:
        match = self._match(_PERCENT)
        if match is None:
            return None
        word = match["basis"]
        kind = _KIND_WORDS[word.lower()] if word else default_kind(self.sport)
        return Target(kind, TargetMode.PERCENT, *self._range(match))

    def _rpe(self) -> Target | None:
        match = self._match(_RPE)
        if match is None:
            return None
        self._within(match, 0, MAX_RPE, _("RPE is a number above 0 and up to %(max)s."))
        return Target(TargetKind.RPE, TargetMode.ABSOLUTE, *self._range(match))

    def _quantity(self) -> Duration | Target | None:
        match = _QUANTITY.match(self.text, self.pos)
        if match is None:
            return None
        unit = match["unit"].lower()
        if unit in _ABSOLUTE:
            self.pos = match.end()
            return Target(_ABSOLUTE[unit], TargetMode.ABSOLUTE, *self._range(match))
        if unit in _SPEED:
            self.pos = match.end()
            low, high = self._range(match)
            low_mps, high_mps = (_speed_mps(low, unit), _speed_mps(high, unit))
            for speed in (low_mps, high_mps):
                self._checked(speed, match.start())
            return Target(TargetKind.PACE, TargetMode.ABSOLUTE, low_mps, high_mps)
        return self._duration(match, unit)

    def _duration(self, match: re.Match[str], unit: str) -> Duration:
        if unit == "x":
            raise WorkoutError(
                _("A repeat count must be a whole number from 1 to %(max)d."),
                match.start(),
                max=MAX_REPEAT,
            )
        if unit != "m" and unit not in _TIME_S and unit not in _DISTANCE_M:
            raise _unknown_unit(match["unit"], match.start("unit"))
        if match["hi"]:
            raise WorkoutError(_("A duration is one value, not a range."), match.start("hi"))
        value = self._number(match, "lo")
        self.pos = match.end()
        if unit == "m":
            duration = _minutes_or_metres(value, self.sport)
        elif unit in _TIME_S:
            duration = Duration(DurationKind.TIME, value * _TIME_S[unit])
        else:
            duration = Duration(DurationKind.DISTANCE, value * _DISTANCE_M[unit])
        self._checked(duration.value or 0.0, match.start())
        return duration

    # --- numbers -----------------------------------------------------------------------------

    def _range(self, match: re.Match[str]) -> tuple[float, float]:
        """(low, high) of a `lo[-hi]` match, sorted (`160-150bpm` is 150-160 bpm)."""
        low = self._number(match, "lo")
        high = self._number(match, "hi") if match["hi"] else low
        return min(low, high), max(low, high)

    def _number(self, match: re.Match[str], name: str) -> float:
        return self._checked(float(match[name]), match.start(name))

    def _within(self, match: re.Match[str], low: float, high: float, template: str) -> None:
        """Every number of the match from `low` to `high` (inclusive)."""
        for name in ("lo", "hi"):
            if match[name] and not low <= float(match[name]) <= high:
                raise WorkoutError(template, match.start(name), max=_number_text(high))

    def _clock_value(self, match: re.Match[str], group: int | str) -> float:
        clock = match[group]
        start = match.start(group)
        for part in re.finditer(r"(?<=:)\d+(?:\.\d+)?", clock):
            if float(part.group()) >= 60:
                raise WorkoutError(
                    _("%(value)s must be below 60 here."), start + part.start(), value=part.group()
                )
        return self._checked(clock_s(clock), start)

    def _checked(self, value: float, position: int) -> float:
        if not 0 < value < _LIMIT:
            raise WorkoutError(
                _("Use a value above 0 and below %(limit)s here."), position, limit="10,000,000"
            )
        return value

    # --- scanning ----------------------------------------------------------------------------

    def _peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _skip(self, pattern: re.Pattern[str]) -> None:
        match = pattern.match(self.text, self.pos)
        if match:
            self.pos = match.end()

    def _match(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        match = pattern.match(self.text, self.pos)
        if match:
            self.pos = match.end()
        return match

    def _step_ends(self) -> bool:
        self._skip(_SPACES)
        return self._peek() == "" or self._peek() in _STEP_END

    def _new_step(self, match: re.Match[str] | None) -> NoReturn:
        word = match.group() if match else self._peek()
        raise WorkoutError(
            _("%(word)s starts a new step: put a comma or a new line before it."),
            self.pos,
            word=word,
        )

    def _fail(self) -> NoReturn:
        """Explain why nothing can be read at `pos`."""
        if self._peek() == "(":
            raise WorkoutError(
                _("Parentheses group repeated steps, e.g. 5x (3m, 2m); notes go in quotes."),
                self.pos,
            )
        word_match = _WORD.match(self.text, self.pos)
        word = word_match.group() if word_match else self._peek()
        if _INTENT.match(self.text, self.pos):
            self._new_step(_INTENT.match(self.text, self.pos))
        if word[0] in "0123456789.-":
            self._fail_number(word)
        if re.match(r"r\d", word, re.I) or word.lower() == "r":
            raise WorkoutError(
                _("A recovery (r2m) follows a repeated step, e.g. 6x800m r2m."), self.pos
            )
        raise WorkoutError(_("Unknown word %(word)r."), self.pos, word=word)

    def _fail_number(self, word: str) -> NoReturn:
        prefix = _NUMERIC.match(word)
        number = prefix.group() if prefix else ""
        if not all(_VALID_NUMBER.fullmatch(part) for part in number.split("-")):
            raise WorkoutError(_("%(text)r is not a number."), self.pos, text=number)
        if number == word:
            raise WorkoutError(
                _("%(number)s needs a unit, e.g. 10m, 30s, 800m, 2km or 250W."),
                self.pos,
                number=number,
            )
        raise _unknown_unit(word[len(number) :], self.pos + len(number))


def _unknown_unit(unit: str, position: int) -> WorkoutError:
    return WorkoutError(
        _("Unknown unit %(unit)r: use s, min, h, m, km, mi, %%, bpm, W, rpm or /km."),
        position,
        unit=unit,
    )


# --- work and recovery ------------------------------------------------------------------------

# words of a note that make its step the easy one (notes are in the coach's language)
EASY_WORDS = frozenset(
    ("easy", "rec", "recovery", "jog", "walk", "spin", "facile", "récup", "récupération")
)
EASY_ZONE = 2  # Z1 and Z2 are easy
EASY_PERCENT = 80  # up to 80 % of the threshold is easy


def pair_intents(first: Step, second: Step) -> tuple[Intent, Intent]:
    """The intents of a repeat's two steps written without an intent keyword: the clearly
    easier one is a recovery (`5x (3m 105% FTP, 2m Z1)`), else both are active.

    A step is easier than the other when both have targets of the same kind and mode
    (cadence aside) and its range lies wholly below; or its target is easy (a zone up to Z2, a
    percentage up to 80 %, RPE up to 3) and the other has a target that is not; or its note
    has one of `EASY_WORDS` and the other's does not."""
    first_easier, second_easier = _easier(first, second), _easier(second, first)
    if first_easier == second_easier:
        return Intent.ACTIVE, Intent.ACTIVE
    return (Intent.RECOVERY, Intent.ACTIVE) if first_easier else (Intent.ACTIVE, Intent.RECOVERY)


def _easier(step: Step, other: Step) -> bool:
    if _easy_note(step.note) and not _easy_note(other.note):
        return True
    mine, theirs = step.target, other.target
    if mine is None or theirs is None or TargetKind.CADENCE in (mine.kind, theirs.kind):
        return False
    if (mine.kind, mine.mode) == (theirs.kind, theirs.mode):
        return mine.high < theirs.low
    return _easy_target(mine) and not _easy_target(theirs)


def _easy_note(note: str) -> bool:
    return not EASY_WORDS.isdisjoint(re.findall(r"[^\W\d_]+", note.lower()))


def _easy_target(target: Target) -> bool:
    if target.mode is TargetMode.ZONE:
        return target.high <= EASY_ZONE
    if target.mode is TargetMode.PERCENT:
        return target.high <= EASY_PERCENT
    return target.kind is TargetKind.RPE and target.high <= 3


def _with_recovery(nodes: list[tuple[int, Node]]) -> list[tuple[int, Node]]:
    """Two bare steps of a repeat, with the easier one made a recovery (`pair_intents`)."""
    (first_at, first), (second_at, second) = nodes
    assert isinstance(first, Step) and isinstance(second, Step)
    first_intent, second_intent = pair_intents(first, second)
    return [
        (first_at, replace(first, intent=first_intent)),
        (second_at, replace(second, intent=second_intent)),
    ]


def _step_count(node: Node) -> int:
    if isinstance(node, Step):
        return 1
    return node.count * sum(_step_count(child) for child in node.children)


# --- printing --------------------------------------------------------------------------------

_BASIS = {
    TargetKind.POWER: "FTP",
    TargetKind.HR: "LTHR",
    TargetKind.PACE: "pace",
    TargetKind.CADENCE: "cadence",
    TargetKind.RPE: "RPE",
}
_ZONE_KIND = {**_BASIS, TargetKind.POWER: "power", TargetKind.HR: "HR"}
# pace display units (per count × unit) tried in order, the first exact one wins; rides use
# km/h then mph; the last resort is m/s
_PACE_UNITS = {"swim": ((100, "m"), (100, "yd")), "row": ((500, "m"),)}


def format_workout(workout: Workout, *, sport: str) -> str:
    """The canonical text of `workout` for `sport`: `parse(format_workout(w)) == w`."""
    return "\n".join(_format_node(node, sport) for node in workout.nodes)


def _format_node(node: Node, sport: str) -> str:
    if isinstance(node, Step):
        return _format_step(node, sport)
    body = _shorthand(node.children, sport)
    if body is None:
        children = ", ".join(_format_children(node.children, sport))
        return f"{node.count}x ({children})"
    return f"{node.count}x{_glue(body)}{body}"


def _format_children(children: tuple[Node, ...], sport: str) -> list[str]:
    """A repeat's children; a pair of steps without intent keywords when they read back as
    they are (`pair_intents`), else `active` where the pair would read as a recovery."""
    match children:
        case (Step() as first, Step() as second):
            read_as = pair_intents(first, second)
            if (first.intent, second.intent) == read_as:
                return [_step_items(first, sport), _step_items(second, sport)]
            if (first.intent, second.intent) == (Intent.ACTIVE, Intent.ACTIVE):
                return [
                    _format_step(step, sport, keyword=intent is not Intent.ACTIVE)
                    for step, intent in zip(children, read_as, strict=True)
                    if isinstance(step, Step)
                ]
    return [_format_node(child, sport) for child in children]


def _shorthand(children: tuple[Node, ...], sport: str) -> str | None:
    """`800m` or `800m r2m` / `100m rest 20s` for a repeat of one step (+ recovery or rest),
    unless the pair reads back without keywords (`5x (3m Z4, 2m Z1)`, `pair_intents`)."""
    match children:
        case (Step() as work,):
            return _format_step(work, sport)
        case (Step() as work, Step(intent=Intent.RECOVERY) as after) if pair_intents(
            work, after
        ) != (work.intent, after.intent):
            items = _step_items(after, sport)
            return f"{_format_step(work, sport)} r{_glue(items)}{items}"
        case (Step() as work, Step(intent=Intent.REST) as after):
            return f"{_format_step(work, sport)} rest {_step_items(after, sport)}"
    return None


def _glue(text: str) -> str:
    return "" if text[:1].isdigit() else " "


def _format_step(step: Step, sport: str, *, keyword: bool = False) -> str:
    """The step with its intent keyword when not active (or always, with `keyword`)."""
    items = _step_items(step, sport)
    if step.intent is Intent.ACTIVE and not keyword:
        return items
    return f"{step.intent.value} {items}"


def _step_items(step: Step, sport: str) -> str:
    items = [_format_duration(step.duration, sport)]
    if step.target is not None:
        items.append(_format_target(step.target, sport))
    if step.note:
        note = step.note.replace("\\", "\\\\").replace('"', '\\"')
        items.append('"' + note.replace("\n", "\\n").replace("\r", "\\r") + '"')
    return " ".join(items)


def _format_duration(duration: Duration, sport: str) -> str:
    if duration.kind is DurationKind.OPEN:
        return "open"
    if duration.value is None:
        raise WorkoutError(_("A timed or distance step needs a positive duration."))
    if duration.kind is DurationKind.TIME:
        return _format_time(duration.value, sport)
    return _format_distance(duration.value, sport)


def _format_time(seconds: float, sport: str) -> str:
    """`1h30m`, `2m30s`, `45s` (`min` in swims, where a lone `m` is metres)."""
    if not seconds.is_integer():
        return f"{_number_text(seconds)}s"
    hours, rest = divmod(int(seconds), HOUR_S)
    minutes, secs = divmod(rest, MINUTE_S)
    minute = "min" if sport == "swim" else "m"
    parts = ((hours, "h"), (minutes, minute), (secs, "s"))
    return "".join(f"{count}{unit}" for count, unit in parts if count)


def _format_distance(metres: float, sport: str) -> str:
    """`800m`, `1.5km` (metres in swims), else `5mi`/`100yd` when that is exact, else the
    exact metres (`mtr` below 100 outside swims, where a lone `m` would be minutes)."""
    swim = sport == "swim"
    if metres.is_integer() and (swim or metres >= 100):
        km = _number_text(metres / METRES_PER_KM)
        if not swim and metres >= METRES_PER_KM and float(km) * _DISTANCE_M["km"] == metres:
            return f"{km}km"
        return f"{int(metres)}m"
    unit = "yd" if swim else "mi"
    for digits in (0, 1, 2):
        text = _number_text(round(metres / _DISTANCE_M[unit], digits))
        if float(text) * _DISTANCE_M[unit] == metres:
            return f"{text}{unit}"
    return f"{_number_text(metres)}{'m' if swim or metres >= 100 else 'mtr'}"


def _format_target(target: Target, sport: str) -> str:
    values = _range_text(target.low, target.high)
    if target.mode is TargetMode.PERCENT:
        return f"{values}% {_BASIS[target.kind]}"
    if target.mode is TargetMode.ZONE:
        zones = "-".join(f"Z{value}" for value in values.split("-"))
        if target.kind is default_kind(sport):
            return zones
        return f"{zones} {_ZONE_KIND[target.kind]}"
    if target.kind is TargetKind.PACE:
        return _format_speed(target.low, target.high, sport)
    if target.kind is TargetKind.RPE:
        return f"RPE {values}"
    cadence = "rpm" if sport == "ride" else "spm"
    unit = {TargetKind.HR: "bpm", TargetKind.POWER: "W"}.get(target.kind, cadence)
    return f"{values}{unit}"


def _format_speed(low_mps: float, high_mps: float, sport: str) -> str:
    """`@3:30-3:40/km` (faster first), `@1:45/100m`, `@30km/h` in rides; the imperial unit
    when only it gives back the stored speeds exactly, else `@3.5m/s`."""
    if sport == "ride":
        shown = [(u, [_speed_text(low_mps, u), _speed_text(high_mps, u)]) for u in ("km/h", "mph")]
    else:
        units = _PACE_UNITS.get(sport, ((1, "km"), (1, "mi")))
        shown = [
            (
                f"/{str(count) * (count > 1)}{unit}",
                [_pace_text(v, _per_m(count, unit)) for v in (high_mps, low_mps)],
            )
            for count, unit in units
        ]
    for unit, texts in shown:
        if None not in texts:
            return f"@{_joined(texts, low_mps == high_mps)}{unit}"
    return f"@{_range_text(low_mps, high_mps)}m/s"


def _joined(texts: list[str | None], single: bool) -> str:
    return str(texts[0]) if single else f"{texts[0]}-{texts[1]}"


def _pace_text(speed_mps: float, per_m: float) -> str | None:
    """`m:ss` (or `m:ss.f`, `m:ss.ff`) per `per_m` metres giving back the speed exactly."""
    seconds = per_m / speed_mps
    for digits in (0, 1, 2):
        scale = 10**digits
        total = round(seconds * scale)
        minutes, rest = divmod(total, 60 * scale)
        whole, fraction = divmod(rest, scale)
        text = f"{minutes}:{whole:02d}" + (f".{fraction:0{digits}d}" if digits else "")
        if total > 0 and per_m / clock_s(text) == speed_mps:
            return text
    return None


def _speed_text(speed_mps: float, unit: str) -> str | None:
    numerator, denominator = _SPEED[unit]
    for digits in (0, 1, 2):
        text = _number_text(round(speed_mps * denominator / numerator, digits))
        if float(text) > 0 and _speed_mps(float(text), unit) == speed_mps:
            return text
    return None


def _range_text(low: float, high: float) -> str:
    if low == high:
        return _number_text(low)
    return f"{_number_text(low)}-{_number_text(high)}"


def _number_text(value: float) -> str:
    """The shortest decimal that reads back to `value`, never in exponent notation."""
    if value.is_integer():
        return str(int(value))
    return format(Decimal(repr(value)), "f")
