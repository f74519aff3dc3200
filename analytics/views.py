"""Pages of the analytics app: the metrics reference (formulas, variants, worked examples), an
athlete's fitness and records pages, and an activity's metrics section (polled while computed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_GET

from analytics.display.activity import MAX_POLLS, activity_panel
from analytics.display.fitness import fitness_page
from analytics.display.records import records_page
from analytics.display.wellness import wellness_page
from analytics.metrics.registry import METRICS, Aggregation, Metric
from analytics.reference import SECTION_KEYS
from analytics.selectors import activity_with_metrics_get
from analytics.selectors.fitness import thresholds_assumptions
from athletes.models import User
from athletes.selectors.athletes import athlete_get
from athletes.selectors.wellness import athlete_get_for_wellness
from core.sports import Sport

# Every label and unit word of analytics/metrics/registry.py, marked so that makemessages
# extracts them (the metric core stays free of Django). A test keeps this list complete.
REGISTRY_STRINGS = (
    gettext_noop("Elapsed time"),
    gettext_noop("Moving time"),
    gettext_noop("Distance"),
    gettext_noop("Ascent"),
    gettext_noop("Descent"),
    gettext_noop("Average heart rate"),
    gettext_noop("Max heart rate"),
    gettext_noop("Average power"),
    gettext_noop("Max power"),
    gettext_noop("Average speed"),
    gettext_noop("Average cadence"),
    gettext_noop("Normalized power"),
    gettext_noop("Intensity factor"),
    gettext_noop("Training stress score"),
    gettext_noop("Grade-adjusted speed"),
    gettext_noop("Running training stress score"),
    gettext_noop("TRIMP"),
    gettext_noop("Heart-rate training stress score"),
    gettext_noop("Session RPE load"),
    gettext_noop("Weekly monotony"),
    gettext_noop("Weekly strain"),
    gettext_noop("Training load"),
    gettext_noop("Distance-equivalent"),
    gettext_noop("Fitness"),
    gettext_noop("Fatigue"),
    gettext_noop("Form"),
    gettext_noop("Acute load (7 days)"),
    gettext_noop("Chronic load (28 days)"),
    gettext_noop("Acute:chronic workload ratio"),
    gettext_noop("Aerobic decoupling"),
    gettext_noop("Efficiency factor"),
    gettext_noop("Metres per heartbeat"),
    gettext_noop("Time in zone"),
    gettext_noop("Mean-max power"),
    gettext_noop("Mean-max speed"),
    gettext_noop("Mean-max heart rate"),
    gettext_noop("Best efforts"),
    gettext_noop("Compliance"),
    gettext_noop("points"),
    gettext_noop("output/bpm"),
)

AGGREGATION_NAMES: dict[Aggregation, str] = {
    Aggregation.SUM: gettext_noop("Sum"),
    Aggregation.MAX: gettext_noop("Highest"),
    Aggregation.MIN: gettext_noop("Lowest"),
    Aggregation.MEAN: gettext_noop("Mean weighted by moving time"),
    Aggregation.LAST: gettext_noop("Value on the last day"),
}
SPORT_ORDER = tuple(sport.value for sport in Sport)


@dataclass(frozen=True, slots=True)
class MetricRow:
    """One registry metric as the reference table shows it (texts in the active language)."""

    key: str
    label: str
    unit: str
    aggregation: str
    sports: tuple[str, ...]


def metric_row(metric: Metric) -> MetricRow:
    """The table row of `metric`: translated label, unit word and aggregation; sports in the
    order of `core.sports.Sport`."""
    return MetricRow(
        key=metric.key,
        label=gettext(metric.label),
        unit=gettext(metric.unit) if metric.unit else "",
        aggregation=gettext(AGGREGATION_NAMES[metric.aggregation]),
        sports=tuple(sport for sport in SPORT_ORDER if sport in metric.sports),
    )


@login_required
@require_GET
def metrics_reference(request: HttpRequest) -> HttpResponse:
    """The metrics reference: every registry metric, our formulas, variants and examples."""
    rows = {key: metric_row(metric) for key, metric in METRICS.items()}
    sections = {section: [rows[key] for key in keys] for section, keys in SECTION_KEYS.items()}
    context = {"rows": list(rows.values()), "sections": sections}
    return render(request, "analytics/metrics_reference.html", context)


# --- athlete and activity pages ---------------------------------------------------------------


def _poll(request: HttpRequest) -> int:
    """How many times the empty metrics section has refreshed itself (`?poll=`), 0 if unsure."""
    try:
        return max(0, min(int(request.GET.get("poll", "0")), MAX_POLLS))
    except ValueError:
        return 0


@login_required
@require_GET
def activity_metrics(request: HttpRequest, athlete_id: int, activity_id: int) -> HttpResponse:
    """The metrics section of one activity alone: what its "being computed" state polls."""
    user = cast(User, request.user)
    athlete = athlete_get(viewer=user, athlete_id=athlete_id)
    activity, metrics = activity_with_metrics_get(
        viewer=user, athlete=athlete, activity_id=activity_id
    )
    panel = activity_panel(athlete=athlete, activity=activity, metrics=metrics, poll=_poll(request))
    context = {"athlete": athlete, "activity": activity, "panel": panel}
    return render(request, "analytics/partials/_activity_metrics.html", context)


@login_required
@require_GET
def fitness(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """Fitness, Fatigue and Form over a chosen range, acute:chronic load and the forecast."""
    user = cast(User, request.user)
    athlete = athlete_get(viewer=user, athlete_id=athlete_id)
    page = fitness_page(
        viewer=user,
        athlete=athlete,
        range_key=request.GET.get("range", ""),
        today=athlete.local_today(),
    )
    assumed = thresholds_assumptions(athlete=athlete)
    context = {"athlete": athlete, "page": page, "assumed": assumed}
    return render(request, "analytics/fitness.html", context)


@login_required
@require_GET
def wellness(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """Sleep, HRV, resting HR, body battery, stress, weight and steps with each day's flags:
    the athlete's own; coaches only while the athlete shares it (403 otherwise)."""
    user = cast(User, request.user)
    athlete = athlete_get_for_wellness(viewer=user, athlete_id=athlete_id)
    page = wellness_page(
        viewer=user,
        athlete=athlete,
        range_key=request.GET.get("range", ""),
        today=athlete.local_today(),
    )
    context = {"athlete": athlete, "page": page, "is_self": athlete.user_id == user.id}
    return render(request, "analytics/wellness.html", context)


@login_required
@require_GET
def records(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """Season mean-max curves of one sport and the personal records."""
    user = cast(User, request.user)
    athlete = athlete_get(viewer=user, athlete_id=athlete_id)
    page = records_page(
        viewer=user,
        athlete=athlete,
        season=request.GET.get("season", ""),
        sport=request.GET.get("sport", ""),
        today=athlete.local_today(),
    )
    return render(request, "analytics/records.html", {"athlete": athlete, "page": page})
