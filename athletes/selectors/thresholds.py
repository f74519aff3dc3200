"""Reads of effective-dated thresholds and zones: the values and zones in force on a day.

Carry-forward: a thresholds row need not repeat every value. A value missing from the row in
force is taken from the newest older row of the same sport that has it. Sport fallback: a sport
without its own thresholds (hike, ski, row, strength) uses the "other" rows; when the sport has
no heart-rate values at all, they come from the "other" rows, then from the "run" rows.
Before the first row of a sport, that first row applies (`rows_in_force`; the values then say
they are assumed on that day): a history imported before anyone entered thresholds counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from athletes.models import Athlete, Thresholds, ZoneSet
from athletes.zones import (
    Zone,
    hr_zones_from_lthr,
    hr_zones_from_max,
    pace_zones_from_threshold_speed,
    power_zones_from_ftp,
    swim_zones_from_css,
    zones_from_bounds,
)
from core.ranges import THRESHOLDS, ZONE_BOUNDS
from core.sports import THRESHOLD_SPORTS, Sport

THRESHOLD_FIELDS = Thresholds.VALUE_FIELDS
HR_FIELDS = Thresholds.HR_FIELDS
HR_FALLBACK_SPORTS: tuple[str, ...] = (Sport.OTHER, Sport.RUN)
# The zone kinds worth showing per threshold sport, in display order.
KINDS_BY_SPORT: dict[str, tuple[str, ...]] = {
    Sport.RUN: ("hr", "pace", "power"),
    Sport.RIDE: ("hr", "power"),
    Sport.SWIM: ("hr", "pace"),
    Sport.OTHER: ("hr", "power", "pace"),
}


@dataclass(frozen=True, slots=True)
class ThresholdValues:
    """The thresholds in force on a day (SI units), after carry-forward and sport fallback."""

    valid_from: dt.date
    hr_max_bpm: int | None = None
    hr_rest_bpm: int | None = None
    lthr_bpm: int | None = None
    ftp_w: int | None = None
    threshold_speed_mps: float | None = None
    css_mps: float | None = None
    estimated: bool = False  # the row in force was estimated and nobody confirmed it yet

    def assumed_on(self, day: dt.date) -> bool:
        """True when these values start after `day`: the sport's first row, assumed before."""
        return self.valid_from > day


@dataclass(frozen=True, slots=True)
class ZonesInForce:
    """The zones of one sport and kind on a day; `zone_set` is set when they are custom."""

    sport: str
    kind: str
    zones: tuple[Zone, ...]
    zone_set: ZoneSet | None = None

    @property
    def custom(self) -> bool:
        return self.zone_set is not None


@dataclass(frozen=True, slots=True)
class SportThresholds:
    """One sport's values and zones in force on a day, and (optionally) its history rows."""

    sport: str
    values: ThresholdValues | None
    zones: tuple[ZonesInForce, ...]
    history: tuple[Thresholds, ...] = field(default=())

    @property
    def known_zones(self) -> tuple[ZonesInForce, ...]:
        return tuple(z for z in self.zones if z.zones)


def own_sport(sport: str) -> str:
    """The sport whose rows hold this sport's thresholds and zone sets ("other" for hike…)."""
    return sport if sport in THRESHOLD_SPORTS else Sport.OTHER.value


def _newest_first(rows: Iterable[Thresholds], sport: str) -> list[Thresholds]:
    return sorted((r for r in rows if r.sport == sport), key=lambda r: r.valid_from, reverse=True)


def _carried(rows: Sequence[Thresholds], names: Iterable[str]) -> dict[str, object]:
    """Each value from the newest row that has it (rows are newest first). A stored value
    outside its plausible range (a row from before values were checked) counts as empty."""
    values: dict[str, object] = {}
    for name in names:
        plausible = (THRESHOLDS[name].plausible(getattr(r, name)) for r in rows)
        values[name] = next((value for value in plausible if value is not None), None)
    return values


def custom_zones(zone_set: ZoneSet) -> list[Zone] | None:
    """The zones of a custom zone set, or None when its stored bounds are not usable (a row
    from before bounds were checked): the derived zones apply instead."""
    limits = ZONE_BOUNDS.get(zone_set.kind)
    if limits is None or not all(limits.contains(bound) for bound in zone_set.bounds):
        return None
    try:
        return zones_from_bounds(zone_set.bounds, zone_set.names)
    except (ValueError, TypeError):
        return None


def values_from_rows(
    rows: Iterable[Thresholds], *, sport: str, fallback: bool = True
) -> ThresholdValues | None:
    """Values in force from rows already limited to `valid_from <= day` (any sport, any order).

    Pure over its input: callers fetch the rows once (one query) and may ask for several sports.
    """
    rows = list(rows)
    own = _newest_first(rows, own_sport(sport))
    values = _carried(own, THRESHOLD_FIELDS)
    valid_from = own[0].valid_from if own else None
    values["estimated"] = bool(own) and own[0].source == Thresholds.Source.ESTIMATED
    if fallback and all(values[name] is None for name in HR_FIELDS):
        for other in HR_FALLBACK_SPORTS:
            hr_rows = _newest_first(rows, other) if other != own_sport(sport) else []
            hr_values = _carried(hr_rows, HR_FIELDS)
            if any(v is not None for v in hr_values.values()):
                values.update(hr_values)
                valid_from = valid_from or hr_rows[0].valid_from
                break
    if valid_from is None:
        return None
    return ThresholdValues(valid_from=valid_from, **values)  # type: ignore[arg-type]


def rows_in_force(rows: Iterable[Thresholds], day: dt.date) -> list[Thresholds]:
    """The rows that count on `day`: those started by then, and for a sport whose rows all
    start later, its first row (before an athlete's first row of a sport, that row applies;
    `ThresholdValues.assumed_on` tells). Pure over its input: the one home of this rule."""
    rows = list(rows)
    started = [r for r in rows if r.valid_from <= day]
    sports = {r.sport for r in started}
    firsts: dict[str, Thresholds] = {}
    for row in rows:
        if row.sport not in sports and (
            row.sport not in firsts or row.valid_from < firsts[row.sport].valid_from
        ):
            firsts[row.sport] = row
    return started + list(firsts.values())


def _rows_in_force(athlete: Athlete, day: dt.date) -> list[Thresholds]:
    return rows_in_force(Thresholds.objects.filter(athlete=athlete), day)


def thresholds_on(*, athlete: Athlete, sport: str, day: dt.date) -> ThresholdValues | None:
    """The values in force on `day` (athlete-local date), or None when nothing is known yet.

    The newest row with `valid_from <= day` wins, with carry-forward and sport fallback;
    before the sport's first row, that row applies (`rows_in_force`).
    """
    return values_from_rows(_rows_in_force(athlete, day), sport=sport)


def thresholds_history(*, athlete: Athlete) -> list[Thresholds]:
    """Every thresholds row of the athlete, by sport then newest first."""
    return list(Thresholds.objects.filter(athlete=athlete).order_by("sport", "-valid_from"))


def derived_zones(values: ThresholdValues | None, *, sport: str, kind: str) -> list[Zone]:
    """Zones derived from thresholds: HR from LTHR (Friel) else HRmax/rest; power from FTP
    (Coggan); pace from threshold speed, or from CSS for swimming. Empty when unknown."""
    if values is None:
        return []
    if kind == ZoneSet.Kind.HR:
        if values.lthr_bpm:
            return hr_zones_from_lthr(values.lthr_bpm)
        return hr_zones_from_max(values.hr_max_bpm, values.hr_rest_bpm) if values.hr_max_bpm else []
    if kind == ZoneSet.Kind.POWER:
        return power_zones_from_ftp(values.ftp_w) if values.ftp_w else []
    if kind == ZoneSet.Kind.PACE and own_sport(sport) == Sport.SWIM:
        return swim_zones_from_css(values.css_mps) if values.css_mps else []
    if kind == ZoneSet.Kind.PACE and values.threshold_speed_mps:
        return pace_zones_from_threshold_speed(values.threshold_speed_mps)
    return []


def _zone_set_in_force(
    zone_sets: Iterable[ZoneSet], *, sport: str, kind: str, day: dt.date
) -> ZoneSet | None:
    candidates = [
        z
        for z in zone_sets
        if z.sport == own_sport(sport) and z.kind == kind and z.valid_from <= day
    ]
    return max(candidates, key=lambda z: z.valid_from, default=None)


def _in_force(
    rows: Sequence[Thresholds], zone_sets: Sequence[ZoneSet], *, sport: str, kind: str, day: dt.date
) -> ZonesInForce:
    zone_set = _zone_set_in_force(zone_sets, sport=sport, kind=kind, day=day)
    zones = custom_zones(zone_set) if zone_set is not None else None
    if zones is None:
        zones = derived_zones(values_from_rows(rows, sport=sport), sport=sport, kind=kind)
    return ZonesInForce(sport=sport, kind=kind, zones=tuple(zones), zone_set=zone_set)


def zones_in_force(*, athlete: Athlete, sport: str, kind: str, day: dt.date) -> ZonesInForce:
    """The zones in force on `day`: the custom zone set in force if any, else derived ones."""
    zone_sets = list(
        ZoneSet.objects.filter(
            athlete=athlete, sport=own_sport(sport), kind=kind, valid_from__lte=day
        )
    )
    return _in_force(_rows_in_force(athlete, day), zone_sets, sport=sport, kind=kind, day=day)


def zones_on(*, athlete: Athlete, sport: str, kind: str, day: dt.date) -> list[Zone]:
    """The zone list (SI bounds) in force on `day`; empty when nothing is known."""
    return list(zones_in_force(athlete=athlete, sport=sport, kind=kind, day=day).zones)


def thresholds_overview(
    *, athlete: Athlete, day: dt.date, with_history: bool = False
) -> list[SportThresholds]:
    """Per threshold sport: values and zones in force on `day` (two or three queries in all)."""
    rows = _rows_in_force(athlete, day)
    zone_sets = list(ZoneSet.objects.filter(athlete=athlete, valid_from__lte=day))
    history = thresholds_history(athlete=athlete) if with_history else []
    return [
        SportThresholds(
            sport=sport.value,
            values=values_from_rows(rows, sport=sport, fallback=False),
            zones=tuple(
                _in_force(rows, zone_sets, sport=sport, kind=kind, day=day)
                for kind in KINDS_BY_SPORT[sport]
            ),
            history=tuple(r for r in history if r.sport == sport),
        )
        for sport in THRESHOLD_SPORTS
    ]
