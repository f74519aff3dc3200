"""The metrics pipeline's rows in the admin: derived rows are read-only, curves are bounded, and
a stale chart can be recomputed on demand (what the sweep does, for the selected athletes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.test import Client
from django.urls import reverse

from analytics.models import DailyLoad, PendingLoad
from athletes.models import Athlete
from tests.analytics.builders import activity, curve, metrics

Commit = Callable[..., Any]


def test_recompute_now_rewrites_the_daily_load_of_the_selected_athletes(
    staff_client: Client,
    athlete: Athlete,
    other_athlete: Athlete,
    django_capture_on_commit_callbacks: Commit,
) -> None:
    day = athlete.local_today() - dt.timedelta(days=3)
    metrics(activity(athlete, day), load=50.0, load_source="rtss")
    PendingLoad.objects.create(athlete=athlete, since=day)
    PendingLoad.objects.create(athlete=other_athlete, since=day)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:analytics_pendingload_changelist"),
            {"action": "recompute_now", admin.helpers.ACTION_CHECKBOX_NAME: [athlete.pk]},
        )

    assert response.status_code == 302
    assert list(PendingLoad.objects.values_list("athlete", flat=True)) == [other_athlete.pk]
    assert DailyLoad.objects.get(athlete=athlete, day=day).load == 50.0


def test_pending_loads_are_never_deleted_in_the_admin(
    staff_client: Client, athlete: Athlete
) -> None:
    pending = PendingLoad.objects.create(athlete=athlete, since=dt.date(2026, 3, 2))
    delete = reverse("admin:analytics_pendingload_delete", args=[pending.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert PendingLoad.objects.filter(pk=pending.pk).exists()


def test_metrics_change_page_shows_the_curves_cut_and_read_only(
    staff_client: Client, athlete: Athlete
) -> None:
    long_curve = curve({second: 400.0 - second / 100 for second in range(1, 3001)})
    row = metrics(activity(athlete, dt.date(2026, 3, 2)), mean_max={"power_w": long_curve})
    html = staff_client.get(reverse("admin:analytics_activitymetrics_change", args=[row.pk]))
    text = html.content.decode()
    assert "&quot;power_w&quot;" in text
    assert "&quot;3000&quot;" not in text  # the curve's far end is cut
    assert "characters shown" in text
    assert 'name="mean_max"' not in text
