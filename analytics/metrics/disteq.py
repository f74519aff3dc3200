"""Distance-equivalent (DESIGN §6): one number for volume across terrain and sports.

km-equivalent = distance_factor × km + ascent_factor × ascent_m, per sport:
run (trail runs included) and hike 1.0·km + 0.01·ascent_m (100 m of climb ≈ 1 km);
ride 0.3·km + 0.02·ascent_m; ski 1.0·km + 0.01·ascent_m. The factors are per athlete: pass
your own `DistEqFactors`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SportFactors:
    """km-equivalent per km of distance, and per metre of ascent."""

    per_km: float
    per_ascent_m: float


@dataclass(frozen=True, slots=True)
class DistEqFactors:
    """An athlete's factors per sport; trail runs are runs. Other sports have none."""

    run: SportFactors = SportFactors(1.0, 0.01)
    hike: SportFactors = SportFactors(1.0, 0.01)
    ride: SportFactors = SportFactors(0.3, 0.02)
    ski: SportFactors = SportFactors(1.0, 0.01)

    def for_sport(self, sport: str) -> SportFactors | None:
        """The factors of `sport` ("run", "hike", "ride", "ski"), else None."""
        return {"run": self.run, "hike": self.hike, "ride": self.ride, "ski": self.ski}.get(sport)


DEFAULT_FACTORS = DistEqFactors()


def distance_equivalent_km(
    *,
    sport: str,
    distance_m: float | None,
    ascent_m: float | None,
    factors: DistEqFactors = DEFAULT_FACTORS,
) -> float | None:
    """Distance-equivalent (km) of one activity: per_km × distance (km) + per_ascent_m × ascent
    (m); a missing ascent counts 0. None without a distance or for a sport without factors."""
    sport_factors = factors.for_sport(sport)
    if sport_factors is None or distance_m is None:
        return None
    climb_m = ascent_m if ascent_m is not None else 0.0
    return sport_factors.per_km * distance_m / 1000.0 + sport_factors.per_ascent_m * climb_m
