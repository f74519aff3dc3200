"""The metrics section of the activity page: load and its source, intensity and load scores,
decoupling and efficiency, time in zone, mean-max curves and best efforts."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.utils.translation import gettext, gettext_noop

from activities.models import Activity
from analytics.display.common import (
    Label,
    Shown,
    duration_text,
    efficiency_text,
    effort_name,
    label,
    shown,
)
from analytics.display.curves import ACTIVITY_DURATIONS_S, CurvePanel, curve_panel
from analytics.display.load_note import LoadNote, load_note
from analytics.metrics.registry import MEAN_MAX_CHANNELS
from analytics.models import ActivityMetrics
from analytics.selectors import activity_metrics_get, activity_zones, standard_distance
from athletes.models import Athlete, User
from athletes.templatetags.units import speed, zone_kind_label, zone_name, zone_range
from athletes.zones import Zone

# Registry keys shown as plain values, with their decimals.
VALUE_KEYS: tuple[tuple[str, int], ...] = (
    ("np_w", 0),
    ("intensity_factor", 2),
    ("tss", 0),
    ("trimp", 0),
    ("hr_tss", 0),
    ("rtss", 0),
    ("srpe", 0),
    ("dist_eq_km", 1),
)
# Load sources (analytics.metrics.load) that are registry metrics, and the two that are not.
REGISTRY_SOURCES = frozenset({"tss", "rtss", "hr_tss", "trimp", "srpe"})
OTHER_SOURCES = {
    "rpe": gettext_noop("estimate from RPE and duration"),
    "manual": gettext_noop("entered by hand"),
}
ZONE_KINDS = ("hr", "power", "pace")
MAX_POLLS = 60  # the empty state polls every 3 s for 3 minutes, then asks for a reload


@dataclass(frozen=True, slots=True)
class ZoneBar:
    """One zone: its number (1-based, for the colour), name, range, time and share."""

    number: int
    name: str
    range: str
    duration: str
    percent: float


@dataclass(frozen=True, slots=True)
class ZonePanel:
    """Time in the zones of one kind (heart rate, power or pace)."""

    kind: str
    title: str
    bars: list[ZoneBar]
    total: str
    from_laps: bool


@dataclass(frozen=True, slots=True)
class EffortRow:
    """A best effort: the distance's name, the time and its pace."""

    name: str
    time: str
    pace: str


@dataclass(frozen=True, slots=True)
class ActivityPanel:
    """What the metrics section shows; `metrics` None means not computed yet."""

    metrics: ActivityMetrics | None
    load: Shown | None
    values: list[Shown]
    note: LoadNote | None
    zones: list[ZonePanel]
    curves: list[CurvePanel]
    efforts: list[EffortRow]
    zones_label: Label
    efforts_label: Label
    next_poll: int


def activity_metrics_panel(
    *, viewer: User, athlete: Athlete, activity: Activity, poll: int = 0
) -> ActivityPanel:
    """The metrics section of an activity of `athlete` on the activity page."""
    metrics = activity_metrics_get(viewer=viewer, activity=activity)
    return activity_panel(athlete=athlete, activity=activity, metrics=metrics, poll=poll)


def activity_panel(
    *, athlete: Athlete, activity: Activity, metrics: ActivityMetrics | None, poll: int = 0
) -> ActivityPanel:
    """The metrics section of `activity` (shown in the athlete's units); `poll` counts the
    empty state's refreshes so far (0 on the page itself)."""
    sport = activity.sport
    panel = ActivityPanel(
        metrics=None,
        load=None,
        values=[],
        note=None,
        zones=[],
        curves=[],
        efforts=[],
        zones_label=label("time_in_zone_s", sport=sport),
        efforts_label=label("best_efforts_s", sport=sport),
        next_poll=poll + 1 if poll < MAX_POLLS else 0,
    )
    if metrics is None:
        return panel
    return replace(
        panel,
        metrics=metrics,
        load=_load(metrics, sport),
        values=_values(metrics, sport),
        note=load_note(athlete=athlete, activity=activity, metrics=metrics),
        zones=_zones(athlete, activity, metrics),
        curves=_curves(metrics, sport, athlete.units),
        efforts=_efforts(metrics, athlete.units),
    )


def _load(metrics: ActivityMetrics, sport: str) -> Shown | None:
    if metrics.load is None:
        return None
    value = shown("load", metrics.load, sport=sport)
    source = metrics.load_source
    if source in REGISTRY_SOURCES:
        note = label(source, sport=sport).label
    else:
        note = gettext(OTHER_SOURCES[source]) if source in OTHER_SOURCES else source
    return Shown(metric=value.metric, text=value.text, note=note)


def _values(metrics: ActivityMetrics, sport: str) -> list[Shown]:
    values = [
        shown(key, getattr(metrics, key), decimals, sport=sport)
        for key, decimals in VALUE_KEYS
        if getattr(metrics, key) is not None
    ]
    ef = metrics.efficiency_factor
    if metrics.decoupling_pct is not None:
        values.append(shown("decoupling_pct", metrics.decoupling_pct, 1, sport=sport))
    elif ef is not None:  # computed, but not kept: the effort was not steady (DESIGN §6)
        values.append(Shown(label("decoupling_pct", sport=sport), gettext("not steady")))
    if ef is not None:
        metric = label("efficiency_factor", sport=sport)
        text = efficiency_text(ef, power=_ef_from_power(metrics, sport))
        values.append(Shown(replace(metric, unit=""), text))
    return values


def _ef_from_power(metrics: ActivityMetrics, sport: str) -> bool:
    """Whether EF divided power (as analytics.metrics.activity chose: power on rides, or
    without speed) rather than speed."""
    curves = metrics.mean_max or {}
    has_power = metrics.np_w is not None or bool(curves.get("power_w"))
    return has_power and (sport == "ride" or not curves.get("speed_mps"))


def _zones(athlete: Athlete, activity: Activity, metrics: ActivityMetrics) -> list[ZonePanel]:
    stored = metrics.time_in_zone_s or {}
    kinds = [kind for kind in ZONE_KINDS if stored.get(kind)]
    zones = activity_zones(athlete=athlete, activity=activity, kinds=kinds)
    from_laps = stored.get("source") == "lap"
    return [
        _zone_panel(kind, stored[kind], zones[kind], activity.sport, athlete.units, from_laps)
        for kind in kinds
    ]


def _zone_panel(
    kind: str, seconds: list[float], zones: list[Zone], sport: str, units: str, from_laps: bool
) -> ZonePanel:
    """Bars of one kind; zones changed since the computation (another count) show as Z1…"""
    total = sum(seconds)
    known = len(zones) == len(seconds)
    bars = [
        ZoneBar(
            number=i + 1,
            name=zone_name(zones[i].name) if known else gettext("Z%(n)d") % {"n": i + 1},
            range=zone_range(zones[i], kind, units, sport) if known else "",
            duration=duration_text(s),
            percent=100.0 * s / total if total else 0.0,
        )
        for i, s in enumerate(seconds)
    ]
    title = zone_kind_label(kind)
    return ZonePanel(kind, title, bars, duration_text(total), from_laps)


def _curves(metrics: ActivityMetrics, sport: str, units: str) -> list[CurvePanel]:
    panels = []
    for channel in MEAN_MAX_CHANNELS:
        curve = (metrics.mean_max or {}).get(channel)
        if not curve:
            continue
        pairs = sorted((int(d), float(v)) for d, v in curve.items() if v is not None)
        durations, values = [d for d, _v in pairs], [v for _d, v in pairs]
        panel = curve_panel(
            channel, durations, values, sport=sport, units=units, marks_s=ACTIVITY_DURATIONS_S
        )
        panels.append(panel)
    return panels


def _efforts(metrics: ActivityMetrics, units: str) -> list[EffortRow]:
    efforts = sorted(
        (standard_distance(float(d)), float(s))
        for d, s in (metrics.best_efforts_s or {}).items()
        if s
    )
    return [
        EffortRow(
            name=effort_name(metres),
            time=duration_text(seconds),
            pace=speed(metres / seconds, "run", units),
        )
        for metres, seconds in efforts
    ]
