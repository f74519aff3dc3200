"""Routes of the coaching app: the athlete's home (their own data: no athlete id)."""

from __future__ import annotations

from django.urls import URLPattern, path

from coaching.views import home

urlpatterns: list[URLPattern] = [
    path("today/", home.athlete_home, name="athlete_home"),
    path(
        "today/activities/<int:activity_id>/rpe/",
        home.athlete_home_rpe,
        name="athlete_home_rpe",
    ),
]
