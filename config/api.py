"""The REST API router: /api/v1/ routes of every app are registered here."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from analytics import api as analytics_api
from athletes import api_views
from coaching import api as coaching_api

urlpatterns: list[URLPattern | URLResolver] = [
    path("auth/token/", api_views.TokenView.as_view(), name="api-token"),
    path("me/", api_views.MeView.as_view(), name="api-me"),
    path("athletes/", api_views.AthleteListView.as_view(), name="api-athlete-list"),
    path(
        "athletes/<int:athlete_id>/",
        api_views.AthleteDetailView.as_view(),
        name="api-athlete-detail",
    ),
    path(
        "athletes/<int:athlete_id>/goals/",
        api_views.GoalListView.as_view(),
        name="api-athlete-goals",
    ),
    path(
        "athletes/<int:athlete_id>/thresholds/",
        api_views.ThresholdsListView.as_view(),
        name="api-athlete-thresholds",
    ),
    path(
        "athletes/<int:athlete_id>/daily-load/",
        analytics_api.DailyLoadListView.as_view(),
        name="api-athlete-daily-load",
    ),
    path(
        "athletes/<int:athlete_id>/activities/<int:activity_id>/metrics/",
        analytics_api.ActivityMetricsView.as_view(),
        name="api-activity-metrics",
    ),
    path(
        "athletes/<int:athlete_id>/plan/",
        coaching_api.PlanWeekView.as_view(),
        name="api-athlete-plan",
    ),
    path(
        "athletes/<int:athlete_id>/plan/sessions/<int:session_id>/",
        coaching_api.PlanSessionView.as_view(),
        name="api-athlete-plan-session",
    ),
]
