"""The manual log and the CSV import."""

from __future__ import annotations

from django.urls import URLPattern, path

from activities.views import manual as views

urlpatterns: list[URLPattern] = [
    path(
        "athletes/<int:athlete_id>/activities/log/",
        views.activity_log_manual,
        name="activity_log_manual",
    ),
    path(
        "athletes/<int:athlete_id>/activities/csv/",
        views.activity_csv_import,
        name="activity_csv_import",
    ),
]
