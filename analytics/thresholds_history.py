"""An athlete's thresholds and zone sets, read once for the metrics of many activities.

`analytics.pipeline` computes hundreds of activities at a time (a history import, a thresholds
change): asking `thresholds_on` and `zones_on` for each would cost about ten queries per
activity. This reads the athlete's rows once (two queries) and answers the same questions with
the same rules (athletes/selectors/thresholds.py: carry-forward, sport fallback, a custom zone
set in force winning over derived zones).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from athletes.models import Athlete, Thresholds, ZoneSet
from athletes.selectors.thresholds import (
    ThresholdValues,
    custom_zones,
    derived_zones,
    own_sport,
    rows_in_force,
    values_from_rows,
)


@dataclass(frozen=True, slots=True)
class ThresholdsHistory:
    """An athlete's thresholds rows and zone sets, read once (two queries) for many
    activities; answers exactly what `thresholds_on` and `zones_on` answer for a day."""

    rows: tuple[Thresholds, ...]
    zone_sets: tuple[ZoneSet, ...]

    @classmethod
    def of(cls, athlete: Athlete) -> ThresholdsHistory:
        return cls(
            rows=tuple(Thresholds.objects.filter(athlete=athlete)),
            zone_sets=tuple(ZoneSet.objects.filter(athlete=athlete)),
        )

    def values_on(self, sport: str, day: dt.date) -> ThresholdValues | None:
        """The values in force on `day` (carry-forward, sport fallback and the first row
        assumed before it included)."""
        return values_from_rows(rows_in_force(self.rows, day), sport=sport)

    def bounds_on(self, sport: str, kind: str, day: dt.date) -> tuple[float, ...]:
        """Lower bounds of the zones above Z1 in force on `day`: the newest custom zone set
        in force, else zones derived from the values (empty: none known)."""
        custom = [
            z
            for z in self.zone_sets
            if z.sport == own_sport(sport) and z.kind == kind and z.valid_from <= day
        ]
        zones = custom_zones(max(custom, key=lambda z: z.valid_from)) if custom else None
        if zones is None:
            zones = derived_zones(self.values_on(sport, day), sport=sport, kind=kind)
        return tuple(zone.low for zone in zones[1:])
