"""What analytics shows on the activity page (wired in config/wiring.py, ACTIVITY_PANELS): the
metrics section, which polls until the activity's metrics are computed."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from activities.models import Activity
from activities.panels import Panel
from analytics.display.activity import activity_metrics_panel
from athletes.models import Athlete, User

METRICS = "analytics/partials/_activity_metrics.html"


def activity_analytics_panels(
    request: HttpRequest, *, athlete: Athlete, activity: Activity
) -> list[Panel]:
    """The metrics section, after the planned session."""
    viewer = cast(User, request.user)
    panel = activity_metrics_panel(viewer=viewer, athlete=athlete, activity=activity)
    context = {"athlete": athlete, "activity": activity, "panel": panel}
    html = render_to_string(METRICS, context, request=request)
    return [Panel("main", mark_safe(html))]  # noqa: S308 — our own template
