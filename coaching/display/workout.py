"""What the workout pages show of a structured workout: the step list in words, the profile
chart (an inline SVG of `estimates.ProfileBar`) and the estimates. Computation only: no query.

Without an athlete, the chart is drawn for a reference athlete (`reference_thresholds`: FTP
250 W, LTHR 165 bpm, threshold speed 4 m/s — 1.4 m/s in the pool — with the app's default
zones) so that zone and absolute targets still get their shape; the numbers shown beside it
use no thresholds at all (times and distances that the steps themselves give).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from athletes.templatetags.units import distance, pace, swim_pace
from athletes.zones import (
    hr_zones_from_lthr,
    pace_zones_from_threshold_speed,
    power_zones_from_ftp,
    swim_zones_from_css,
)
from coaching.workouts.estimates import Estimate, ProfileBar, estimate, profile
from coaching.workouts.tree import (
    AthleteThresholds,
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
)
from core.units import (
    HOUR_S,
    IMPERIAL,
    KMH_PER_MPS,
    MINUTE_S,
    MPH_PER_MPS,
    format_duration,
    metres_per_distance_unit,
)

CHART_WIDTH = 1000.0
CHART_HEIGHT = 100.0
CHART_TOP_INTENSITY = 1.3  # intensity drawn at full height (capped above)
OPEN_SHARE = 0.04  # width of a step of unknown length, as a share of the known time
REST_HEIGHT = 2.0  # a rest step still shows as a thin line

INTENT_LABELS = {
    Intent.WARMUP: gettext_lazy("Warm-up"),
    Intent.ACTIVE: gettext_lazy("Active"),
    Intent.RECOVERY: gettext_lazy("Recovery"),
    Intent.COOLDOWN: gettext_lazy("Cool-down"),
    Intent.REST: gettext_lazy("Rest"),
}
KIND_LABELS = {
    TargetKind.HR: gettext_lazy("HR"),
    TargetKind.POWER: gettext_lazy("power"),
    TargetKind.PACE: gettext_lazy("pace"),
    TargetKind.RPE: gettext_lazy("RPE"),
    TargetKind.CADENCE: gettext_lazy("cadence"),
}
PERCENT_BASIS = {
    TargetKind.HR: gettext_lazy("LTHR"),
    TargetKind.POWER: gettext_lazy("FTP"),
    TargetKind.PACE: gettext_lazy("threshold pace"),
    TargetKind.RPE: gettext_lazy("RPE"),
    TargetKind.CADENCE: gettext_lazy("cadence"),
}


def reference_thresholds(sport: str) -> AthleteThresholds:
    """A typical athlete's thresholds and default zones, to draw a workout's shape."""
    speed = 1.4 if sport == "swim" else 4.0
    pace_zones = (
        swim_zones_from_css(speed) if sport == "swim" else pace_zones_from_threshold_speed(speed)
    )
    zones = {
        "hr": hr_zones_from_lthr(165.0),
        "power": power_zones_from_ftp(250.0),
        "pace": pace_zones,
    }
    return AthleteThresholds(
        ftp_w=250.0,
        lthr_bpm=165.0,
        hr_rest_bpm=50.0,
        hr_max_bpm=188.0,
        threshold_speed_mps=speed,
        zones={
            kind: tuple((z.low, math.inf if z.high is None else z.high) for z in ranges)
            for kind, ranges in zones.items()
        },
    )


# --- profile chart ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChartBar:
    """One bar in the chart's viewBox units (x right, y down) and its tooltip."""

    x: float
    y: float
    width: float
    height: float
    intent: str
    open: bool
    title: str


@dataclass(frozen=True, slots=True)
class ProfileChart:
    """An inline SVG chart: `bars` in a `width` × `height` viewBox; `threshold_y` is the line
    of intensity 1 (threshold); `total_s` the known time it spans."""

    bars: tuple[ChartBar, ...]
    total_s: float
    width: float = CHART_WIDTH
    height: float = CHART_HEIGHT
    threshold_y: float = CHART_HEIGHT * (1 - 1 / CHART_TOP_INTENSITY)


def profile_chart(bars: list[ProfileBar]) -> ProfileChart:
    """Bars of intensity over time; steps of unknown length get `OPEN_SHARE` of the time."""
    known_s = sum(bar.duration_s for bar in bars if not bar.open)
    nominal_s = known_s * OPEN_SHARE if known_s > 0 else 60.0
    widths_s = [nominal_s if bar.open else bar.duration_s for bar in bars]
    scale = CHART_WIDTH / sum(widths_s) if sum(widths_s) > 0 else 0.0
    chart_bars, x = [], 0.0
    for bar, width_s in zip(bars, widths_s, strict=True):
        ratio = min(max(bar.intensity, 0.0), CHART_TOP_INTENSITY) / CHART_TOP_INTENSITY
        height = max(REST_HEIGHT, ratio * CHART_HEIGHT)
        chart_bars.append(
            ChartBar(
                x=round(x, 2),
                y=round(CHART_HEIGHT - height, 2),
                width=round(width_s * scale, 2),
                height=round(height, 2),
                intent=bar.intent.value,
                open=bar.open,
                title=_bar_title(bar),
            )
        )
        x += width_s * scale
    return ProfileChart(bars=tuple(chart_bars), total_s=known_s)


def _bar_title(bar: ProfileBar) -> str:
    length = _("open") if bar.open else format_duration(bar.duration_s)
    return f"{INTENT_LABELS[bar.intent]} · {length} · {round(bar.intensity * 100)}%"


# --- steps in words --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StepRow:
    """One node of the step list as shown: a step (intent, duration, target, note in words)
    or a repeat (`count` × `children`)."""

    kind: str
    intent: str = ""
    intent_label: str = ""
    duration: str = ""
    target: str = ""
    note: str = ""
    count: int = 0
    children: tuple[StepRow, ...] = field(default_factory=tuple)


def step_rows(workout: Workout, *, sport: str, units: str) -> list[StepRow]:
    """The workout's nodes in words, in display units."""
    return [_row(node, sport, units) for node in workout.nodes]


def _row(node: Node, sport: str, units: str) -> StepRow:
    if isinstance(node, Repeat):
        children = tuple(_row(child, sport, units) for child in node.children)
        return StepRow(kind="repeat", count=node.count, children=children)
    return _step_row(node, sport, units)


def _step_row(step: Step, sport: str, units: str) -> StepRow:
    return StepRow(
        kind="step",
        intent=step.intent.value,
        intent_label=str(INTENT_LABELS[step.intent]),
        duration=duration_label(step.duration, sport=sport, units=units),
        target="" if step.target is None else target_label(step.target, sport=sport, units=units),
        note=step.note,
    )


def duration_label(duration: Duration, *, sport: str, units: str) -> str:
    """ "10 min", "1:30:00", "45 s", "800 m", "5 km" (or miles), "open"."""
    value = duration.value or 0.0
    if duration.kind is DurationKind.OPEN:
        return _("open (lap button)")
    if duration.kind is DurationKind.DISTANCE:
        short = sport == "swim" or value < metres_per_distance_unit(units)
        return f"{_number(value)} m" if short else distance(value, units)
    if value < 60:
        return _("%(seconds)s s") % {"seconds": _number(value)}
    if value < HOUR_S and value % MINUTE_S == 0:
        return _("%(minutes)d min") % {"minutes": value // MINUTE_S}
    text = format_duration(value)
    return text.removeprefix("0:").removeprefix("0") if value < HOUR_S else text


def target_label(target: Target, *, sport: str, units: str) -> str:
    """ "Z2 HR", "105% FTP", "150–160 bpm", "4:30–4:20 /km", "RPE 7", "90 rpm"…"""
    if target.mode is TargetMode.ZONE:
        zones = "–".join(f"Z{_number(v)}" for v in _distinct(target.low, target.high))
        return f"{zones} {KIND_LABELS[target.kind]}"
    if target.mode is TargetMode.PERCENT:
        return f"{_range(target.low, target.high)}% {PERCENT_BASIS[target.kind]}"
    if target.kind is TargetKind.PACE:
        return _speed_label(target.low, target.high, sport, units)
    if target.kind is TargetKind.RPE:
        return f"RPE {_range(target.low, target.high)}"
    unit = {TargetKind.HR: "bpm", TargetKind.POWER: "W"}.get(target.kind)
    unit = unit or ("rpm" if sport == "ride" else "spm")
    return f"{_range(target.low, target.high)} {unit}"


def _speed_label(low_mps: float, high_mps: float, sport: str, units: str) -> str:
    """Slower first: "5:00–4:40 /km"; rides as km/h or mph."""
    if sport == "ride":
        factor, unit = (MPH_PER_MPS, "mph") if units == IMPERIAL else (KMH_PER_MPS, "km/h")
        return f"{_range(round(low_mps * factor, 1), round(high_mps * factor, 1))} {unit}"
    shown = [swim_pace(v) if sport == "swim" else pace(v, units) for v in (low_mps, high_mps)]
    if low_mps == high_mps:
        return shown[0]
    slow, fast = shown[0].rsplit(" ", 1)[0], shown[1]
    return f"{slow}–{fast}"


def _distinct(low: float, high: float) -> tuple[float, ...]:
    return (low,) if low == high else (low, high)


def _range(low: float, high: float) -> str:
    return "–".join(_number(value) for value in _distinct(low, high))


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")


# --- the whole view --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WorkoutView:
    """A workout as the pages show it. `estimate` is computed with the athlete's thresholds
    (`for_athlete` True) or none; `chart` with the athlete's or the reference thresholds."""

    workout: Workout
    rows: list[StepRow]
    chart: ProfileChart
    estimate: Estimate
    for_athlete: bool


def workout_view(
    workout: Workout, *, sport: str, units: str, thresholds: AthleteThresholds | None = None
) -> WorkoutView:
    """The step list, chart and estimates of `workout` (no query)."""
    known = thresholds if thresholds is not None else AthleteThresholds()
    drawn = thresholds if thresholds is not None else reference_thresholds(sport)
    return WorkoutView(
        workout=workout,
        rows=step_rows(workout, sport=sport, units=units),
        chart=profile_chart(profile(workout, sport=sport, thresholds=drawn)),
        estimate=estimate(workout, sport=sport, thresholds=known),
        for_athlete=thresholds is not None,
    )
