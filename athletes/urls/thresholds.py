"""The athlete overview, thresholds and zones, goals and races."""

from __future__ import annotations

from django.urls import URLPattern, path

from athletes.views import thresholds as views

urlpatterns: list[URLPattern] = [
    path("athletes/<int:athlete_id>/", views.athlete_detail, name="athlete_detail"),
    path("athletes/<int:athlete_id>/thresholds/", views.thresholds_page, name="thresholds"),
    path("athletes/<int:athlete_id>/thresholds/add/", views.thresholds_add, name="thresholds_add"),
    path(
        "athletes/<int:athlete_id>/thresholds/<int:row_id>/confirm/",
        views.thresholds_confirm_view,
        name="thresholds_confirm",
    ),
    path(
        "athletes/<int:athlete_id>/thresholds/<int:row_id>/delete/",
        views.thresholds_delete_view,
        name="thresholds_delete",
    ),
    path(
        "athletes/<int:athlete_id>/zones/<int:zone_set_id>/confirm/",
        views.zones_confirm_view,
        name="zones_confirm",
    ),
    path(
        "athletes/<int:athlete_id>/zones/<str:sport>/<str:kind>/",
        views.zones_edit,
        name="zones_edit",
    ),
    path("athletes/<int:athlete_id>/goals/", views.goals_page, name="goal_list"),
    path("athletes/<int:athlete_id>/goals/add/", views.goal_add, name="goal_create"),
    path("athletes/<int:athlete_id>/goals/<int:goal_id>/", views.goal_edit, name="goal_edit"),
    path(
        "athletes/<int:athlete_id>/goals/<int:goal_id>/delete/",
        views.goal_delete_view,
        name="goal_delete",
    ),
]
