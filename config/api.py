"""The REST API router: /api/v1/ routes of every app are registered here."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
