"""Routes of the coaching app: planner."""

from __future__ import annotations

from django.urls import URLPattern, path

from coaching.views import planner as views

PLAN = "athletes/<int:athlete_id>/plan/"
SESSION = PLAN + "sessions/<int:session_id>/"

urlpatterns: list[URLPattern] = [
    path(PLAN, views.planner, name="planner"),
    path(PLAN + "month/", views.planner_month, name="planner_month"),
    path(PLAN + "days/<str:day>/", views.planner_day, name="planner_day"),
    path(PLAN + "templates/", views.planner_templates, name="planner_templates"),
    path(PLAN + "templates/apply/", views.planner_template_apply, name="planner_template_apply"),
    path(PLAN + "sessions/add/", views.planner_session_create, name="planner_session_create"),
    path(PLAN + "sessions/paste/", views.planner_session_paste, name="planner_session_paste"),
    path(SESSION + "edit/", views.planner_session_edit, name="planner_session_edit"),
    path(SESSION + "delete/", views.planner_session_delete, name="planner_session_delete"),
    path(SESSION + "move/", views.planner_session_move, name="planner_session_move"),
    path(PLAN + "week/copy/", views.planner_week_copy, name="planner_week_copy"),
    path(
        PLAN + "week/copies/<int:copy_id>/undo/",
        views.planner_week_copy_undo,
        name="planner_week_copy_undo",
    ),
    path(PLAN + "week/publish/", views.planner_week_publish, name="planner_week_publish"),
]
