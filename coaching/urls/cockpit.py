"""Routes of the coaching app: the coach's cockpit (the coach's landing page) and its
attention queue."""

from __future__ import annotations

from django.urls import URLPattern, path

from coaching.views import attention
from coaching.views import cockpit as views

urlpatterns: list[URLPattern] = [
    path("cockpit/", views.cockpit, name="cockpit"),
    path("cockpit/attention/", attention.attention_settings, name="attention_settings"),
    path(
        "cockpit/attention/<int:athlete_id>/hide/",
        attention.attention_dismiss_view,
        name="attention_dismiss",
    ),
]
