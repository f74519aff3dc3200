"""Routes of the coaching app: planning for a whole group."""

from __future__ import annotations

from django.urls import URLPattern, path

from coaching.views import group_plan

urlpatterns: list[URLPattern] = [
    path("groups/<int:group_id>/plan/", group_plan.group_plan, name="group_plan"),
]
