"""Routes of the coaching app: the workout library, the workout editor's endpoints and the FIT
workout downloads."""

from __future__ import annotations

from django.urls import URLPattern, path

from coaching.views import library as views

urlpatterns: list[URLPattern] = [
    path("library/", views.template_list, name="template_list"),
    path("library/new/", views.template_create, name="template_create"),
    path("library/<int:template_id>/", views.template_detail, name="template_detail"),
    path("library/<int:template_id>/edit/", views.template_edit, name="template_edit"),
    path("library/<int:template_id>/delete/", views.template_delete, name="template_delete"),
    path(
        "library/<int:template_id>/duplicate/",
        views.template_duplicate,
        name="template_duplicate",
    ),
    path("library/<int:template_id>/plan/", views.template_plan, name="template_plan"),
    path("library/<int:template_id>/workout.fit", views.template_fit, name="template_fit"),
    path("workouts/preview/", views.workout_preview, name="workout_preview"),
    path("workouts/format/", views.workout_format, name="workout_format"),
    path(
        "athletes/<int:athlete_id>/plan/sessions/<int:session_id>/workout.fit",
        views.planned_session_fit,
        name="planned_session_fit",
    ),
]
