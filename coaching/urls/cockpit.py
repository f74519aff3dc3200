"""Routes of the coaching app: the coach's cockpit (the coach's landing page)."""

from __future__ import annotations

from django.urls import URLPattern, path

from coaching.views import cockpit as views

urlpatterns: list[URLPattern] = [path("cockpit/", views.cockpit, name="cockpit")]
