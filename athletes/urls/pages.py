"""Home, "me" and profile settings pages."""

from __future__ import annotations

from django.urls import URLPattern, path

from athletes.views import pages as views

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("me/", views.me, name="me"),
    path("athletes/<int:athlete_id>/edit/", views.profile_edit, name="profile_edit"),
    path(
        "athletes/<int:athlete_id>/wellness/sharing/",
        views.wellness_sharing,
        name="wellness_sharing",
    ),
]
