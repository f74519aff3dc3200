"""Pages of the analytics app."""

from __future__ import annotations

from django.urls import URLPattern, path

from analytics import views

urlpatterns: list[URLPattern] = [
    path("metrics/", views.metrics_reference, name="metrics_reference"),
]
