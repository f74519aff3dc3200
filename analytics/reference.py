"""Where each registry metric is explained on the metrics reference page (its HTML anchors)."""

from __future__ import annotations

# The registry keys each section of the page documents, in page order (the HTML anchors use
# hyphens where these names use underscores).
SECTION_KEYS: dict[str, tuple[str, ...]] = {
    "preparation": ("elapsed_s", "moving_s"),
    "power": ("np_w", "intensity_factor", "tss"),
    "running": ("graded_speed_mps", "rtss", "intensity_factor"),
    "heart_rate": ("trimp", "hr_tss"),
    "rpe": ("srpe", "monotony", "strain"),
    "load": ("load",),
    "distance_equivalent": ("dist_eq_km",),
    "fitness": ("fitness", "fatigue", "form"),
    "acwr": ("acute_load", "chronic_load", "acwr"),
    "decoupling": ("decoupling_pct",),
    "efficiency": ("efficiency_factor", "metres_per_beat"),
    "zones": ("time_in_zone_s",),
    "mean_max": ("mean_max_power_w", "mean_max_speed_mps", "mean_max_hr_bpm"),
    "best_efforts": ("best_efforts_s",),
}
ON_FOOT_SECTIONS = ("running",)  # a runner's IF is explained with rTSS, a rider's with TSS


def reference_anchor(key: str, *, on_foot: bool = False) -> str:
    """The anchor ("power", "heart-rate"…) of the section explaining registry metric `key`;
    "all-metrics" (the table of every metric) when no section does."""
    sections = [name for name, keys in SECTION_KEYS.items() if key in keys]
    if on_foot:
        sections.sort(key=lambda name: name not in ON_FOOT_SECTIONS)
    return sections[0].replace("_", "-") if sections else "all-metrics"
