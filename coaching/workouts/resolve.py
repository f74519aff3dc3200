"""Absolute ranges of step targets (DESIGN §4, §6). Pure.

A `Target` is resolved against one athlete's thresholds and zones on one day into SI units:
bpm (hr), W (power), m/s (pace, low = slower), CR-10 (rpe), steps or revolutions per minute
(cadence).

- `ABSOLUTE`: low/high as they are;
- `PERCENT`: low/high % of the kind's threshold — FTP (power), LTHR (hr), threshold speed
  (pace); rpe and cadence have no threshold, so a percent target of theirs does not resolve;
- `ZONE`: from the low zone's lower bound to the high zone's upper bound of the athlete's zone
  set for that kind ("hr", "power", "pace"); zone numbers are 1-based whole numbers.
Unknown (None) when the threshold or zone set it needs is missing, or a zone number does not
exist.

`target_range` is the exact range (estimates use it, through `target_mid`); `compliance_range`
widens a single-value target (low == high once resolved) by `TOLERANCES` so that an executed
mean can meet it: ±3 % for power and pace, ±3 bpm for heart rate, ±3 spm/rpm for cadence,
±0.5 for RPE.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from coaching.workouts.tree import (
    AthleteThresholds,
    Target,
    TargetKind,
    TargetMode,
    Workout,
    flatten,
)

Range = tuple[float, float]

ZONE_SETS: dict[TargetKind, str] = {
    TargetKind.HR: "hr",
    TargetKind.POWER: "power",
    TargetKind.PACE: "pace",
}


@dataclass(frozen=True, slots=True)
class Tolerance:
    """Half-width of the band around a single-value target: the larger of `relative` × value
    and `absolute` (in the target's SI unit)."""

    relative: float = 0.0
    absolute: float = 0.0

    def band(self, value: float) -> Range:
        half = max(self.relative * abs(value), self.absolute)
        return value - half, value + half


TOLERANCES: dict[TargetKind, Tolerance] = {
    TargetKind.POWER: Tolerance(relative=0.03),
    TargetKind.PACE: Tolerance(relative=0.03),
    TargetKind.HR: Tolerance(absolute=3.0),
    TargetKind.CADENCE: Tolerance(absolute=3.0),
    TargetKind.RPE: Tolerance(absolute=0.5),
}


def threshold_of(kind: TargetKind, thresholds: AthleteThresholds) -> float | None:
    """The threshold a percent target of `kind` refers to (W, bpm or m/s); None when unknown,
    not positive, or `kind` has none (rpe, cadence)."""
    value = {
        TargetKind.POWER: thresholds.ftp_w,
        TargetKind.HR: thresholds.lthr_bpm,
        TargetKind.PACE: thresholds.threshold_speed_mps,
    }.get(kind)
    if value is None or not value > 0:
        return None
    return value


def target_range(target: Target, *, sport: str, thresholds: AthleteThresholds) -> Range | None:
    """The target as an absolute (low, high) range in SI units; None when it cannot be resolved.

    `thresholds` must be those of `sport` (thresholds are per sport); `sport` itself changes
    nothing in the resolution. A zone range may be open-ended (a top zone up to infinity, a
    first zone from 0) — `target_mid` closes it."""
    if target.mode is TargetMode.ABSOLUTE:
        return target.low, target.high
    if target.mode is TargetMode.PERCENT:
        reference = threshold_of(target.kind, thresholds)
        if reference is None:
            return None
        return target.low / 100.0 * reference, target.high / 100.0 * reference
    return _zone_range(target, _zones(target.kind, thresholds))


def target_mid(target: Target, *, sport: str, thresholds: AthleteThresholds) -> float | None:
    """The middle of the resolved range (SI units), the value estimates use. An open-ended
    zone (first zone starting at 0, top zone without an upper bound) is taken as wide as its
    neighbour zone first: Coggan's power Z1 (< 55 % FTP, Z2 55–75 %) counts as 35–55 %, its
    mid 45 %. None when the target does not resolve."""
    if target.mode is TargetMode.ZONE:
        closed = _zone_range(target, _closed(_zones(target.kind, thresholds)))
    else:
        closed = target_range(target, sport=sport, thresholds=thresholds)
    if closed is None or not all(math.isfinite(bound) for bound in closed):
        return None
    return (closed[0] + closed[1]) / 2.0


def compliance_range(target: Target, *, sport: str, thresholds: AthleteThresholds) -> Range | None:
    """The range an executed mean must fall in (inclusive): `target_range`, widened by the
    kind's `TOLERANCES` when it is a single value (low == high)."""
    resolved = target_range(target, sport=sport, thresholds=thresholds)
    if resolved is None or resolved[0] != resolved[1]:
        return resolved
    return TOLERANCES[target.kind].band(resolved[0])


def _zones(kind: TargetKind, thresholds: AthleteThresholds) -> tuple[Range, ...]:
    name = ZONE_SETS.get(kind)
    return thresholds.zones.get(name, ()) if name is not None else ()


def _zone_range(target: Target, zones: tuple[Range, ...]) -> Range | None:
    first, last = _zone_number(target.low, zones), _zone_number(target.high, zones)
    if first is None or last is None or first > last:
        return None
    return zones[first - 1][0], zones[last - 1][1]


def _zone_number(value: float, zones: tuple[Range, ...]) -> int | None:
    """`value` as a 1-based zone number of `zones`, None when it is not one."""
    if not float(value).is_integer() or not 1 <= value <= len(zones):
        return None
    return int(value)


def _closed(zones: tuple[Range, ...]) -> tuple[Range, ...]:
    """The zones with an open first zone (low ≤ 0) and an open top zone (high not finite or not
    above its low) given the width of their neighbour; a single zone stays as it is."""
    if len(zones) < 2:
        return zones
    bounded = list(zones)
    low, high = zones[0]
    if low <= 0 and (width := _width(zones[1])) is not None:
        bounded[0] = (max(0.0, high - width), high)
    low, high = zones[-1]
    if not (math.isfinite(high) and high > low) and (width := _width(zones[-2])) is not None:
        bounded[-1] = (low, low + width)
    return tuple(bounded)


def _width(zone: Range) -> float | None:
    """A zone's width, None when it is not a finite positive number."""
    width = zone[1] - zone[0]
    return width if math.isfinite(width) and width > 0 else None


def unresolved_kinds(
    workout: Workout, *, sport: str, thresholds: AthleteThresholds
) -> list[TargetKind]:
    """The target kinds of the workout's steps that do not resolve with these thresholds (a
    percent or zone target without its threshold or zone set), each once, in step order."""
    kinds: list[TargetKind] = []
    for flat in flatten(workout):
        target = flat.step.target
        if target is None or target.kind in kinds:
            continue
        if target_range(target, sport=sport, thresholds=thresholds) is None:
            kinds.append(target.kind)
    return kinds
