"""Pages of the analytics app."""

from __future__ import annotations

from django.urls import URLPattern, path

from analytics import views

urlpatterns: list[URLPattern] = [
    path("metrics/", views.metrics_reference, name="metrics_reference"),
    path("athletes/<int:athlete_id>/fitness/", views.fitness, name="fitness"),
    path("athletes/<int:athlete_id>/records/", views.records, name="records"),
    path("athletes/<int:athlete_id>/wellness/", views.wellness, name="wellness"),
    path(
        "athletes/<int:athlete_id>/activities/<int:activity_id>/metrics/",
        views.activity_metrics,
        name="activity_metrics",
    ),
]
