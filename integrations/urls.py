"""The Connections page and its Garmin actions."""

from __future__ import annotations

from django.urls import URLPattern, path

from integrations import views

GARMIN = "athletes/<int:athlete_id>/connections/garmin"
CALENDAR = "athletes/<int:athlete_id>/connections/trainingpeaks"

urlpatterns: list[URLPattern] = [
    path("athletes/<int:athlete_id>/connections/", views.connections, name="connections"),
    path(f"{GARMIN}/", views.garmin_card, name="garmin_card"),
    path(f"{GARMIN}/connect/", views.garmin_connect, name="garmin_connect"),
    path(f"{GARMIN}/attempts/<int:attempt_id>/code/", views.garmin_code, name="garmin_code"),
    path(f"{GARMIN}/sync/", views.garmin_sync_now, name="garmin_sync_now"),
    path(f"{GARMIN}/backfill/", views.garmin_backfill, name="garmin_backfill"),
    path(f"{GARMIN}/disconnect/", views.garmin_disconnect, name="garmin_disconnect"),
    path(f"{CALENDAR}/", views.calendar_card, name="calendar_card"),
    path(f"{CALENDAR}/connect/", views.calendar_connect, name="calendar_connect"),
    path(f"{CALENDAR}/pull/", views.calendar_pull, name="calendar_pull"),
    path(f"{CALENDAR}/disconnect/", views.calendar_disconnect, name="calendar_disconnect"),
]
