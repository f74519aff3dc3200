"""The REST API router: /api/v1/ routes of every app are registered here."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from athletes import api_views

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
]
