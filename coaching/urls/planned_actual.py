"""Routes of the coaching app: planned vs actual (several athletes, or one)."""

from __future__ import annotations

from django.urls import URLPattern, path

from coaching.views import planned_actual as views

urlpatterns: list[URLPattern] = [
    path("planned-vs-actual/", views.planned_actual_roster, name="planned_actual"),
    path(
        "athletes/<int:athlete_id>/planned-vs-actual/",
        views.planned_actual_athlete,
        name="planned_actual_athlete",
    ),
]
