"""The tasks of every provider, gathered where Celery's autodiscovery looks (`<app>.tasks`):
a worker knows them all from its start, before anything else imported a provider package."""

from __future__ import annotations

from integrations.garmin.tasks import garmin_login_task, garmin_sync_task
from integrations.strava.tasks import strava_event_task, strava_sync_task
from integrations.trainingpeaks.tasks import calendar_pull_task

__all__ = [
    "calendar_pull_task",
    "garmin_login_task",
    "garmin_sync_task",
    "strava_event_task",
    "strava_sync_task",
]
