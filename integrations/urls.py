"""The Connections page and its providers' actions; Strava's OAuth callback and webhook."""

from __future__ import annotations

from django.urls import URLPattern, path

from integrations import views

GARMIN = "athletes/<int:athlete_id>/connections/garmin"
CALENDAR = "athletes/<int:athlete_id>/connections/trainingpeaks"
STRAVA = "athletes/<int:athlete_id>/connections/strava"

urlpatterns: list[URLPattern] = [
    path("athletes/<int:athlete_id>/connections/", views.connections, name="connections"),
    path(f"{GARMIN}/", views.garmin_card, name="garmin_card"),
    path(f"{GARMIN}/connect/", views.garmin_connect, name="garmin_connect"),
    path(f"{GARMIN}/attempts/<int:attempt_id>/code/", views.garmin_code, name="garmin_code"),
    path(f"{GARMIN}/sync/", views.garmin_sync_now, name="garmin_sync_now"),
    path(f"{GARMIN}/backfill/", views.garmin_backfill, name="garmin_backfill"),
    path(f"{GARMIN}/disconnect/", views.garmin_disconnect, name="garmin_disconnect"),
    path(f"{STRAVA}/", views.strava_card, name="strava_card"),
    path(f"{STRAVA}/connect/", views.strava_connect, name="strava_connect"),
    path(f"{STRAVA}/sync/", views.strava_sync_now, name="strava_sync_now"),
    path(f"{STRAVA}/backfill/", views.strava_backfill, name="strava_backfill"),
    path(f"{STRAVA}/options/", views.strava_options, name="strava_options"),
    path(f"{STRAVA}/disconnect/", views.strava_disconnect, name="strava_disconnect"),
    # Addresses given to Strava (the app's callback domain, the webhook subscription):
    path("strava/callback/", views.strava_callback, name="strava_callback"),
    path("strava/webhook/", views.strava_webhook, name="strava_webhook"),
    path(f"{CALENDAR}/", views.calendar_card, name="calendar_card"),
    path(f"{CALENDAR}/connect/", views.calendar_connect, name="calendar_connect"),
    path(f"{CALENDAR}/pull/", views.calendar_pull, name="calendar_pull"),
    path(f"{CALENDAR}/disconnect/", views.calendar_disconnect, name="calendar_disconnect"),
]
