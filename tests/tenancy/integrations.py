"""Tenancy rows of the Connections page (integrations/urls.py): the athlete (and a coach with
`full` rights, tested in tests/integrations/test_views.py) manages connections; coaches with
lesser rights see the athlete but are refused (403); everyone else does not see them (404)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from integrations.models import Connection, LoginAttempt
from tests.tenancy.base import READ, Row, _all, _athlete

MANAGE = READ | {"coach": 403, "view_coach": 403}


def _attempt(w: dict[str, Any]) -> dict[str, Any]:
    return {"athlete_id": w["athlete"].id, "attempt_id": w["garmin_attempt"].id}


ROWS: list[Row] = [
    Row("connections", MANAGE, _athlete),
    Row("garmin_card", MANAGE, _athlete),
    # Empty forms: the athlete gets the form back with its errors (no sign-in reaches Garmin).
    Row("garmin_connect", MANAGE | {"athlete": 400}, _athlete, method="post"),
    Row("garmin_code", MANAGE | {"athlete": 400}, _attempt, method="post"),
    Row("garmin_backfill", MANAGE | {"athlete": 400}, _athlete, method="post"),
    Row("garmin_sync_now", MANAGE | {"athlete": 302}, _athlete, method="post"),
    Row("garmin_disconnect", MANAGE | {"athlete": 302}, _athlete, method="post"),
]


def world(w: dict[str, Any]) -> dict[str, Any]:
    """A connected Garmin account with a sign-in waiting for its code."""
    connection = Connection(athlete=w["athlete"], provider=Connection.Provider.GARMIN)
    connection.set_credentials({"tokens": '{"di_token": "x"}', "display_name": "runner"})
    connection.save()
    attempt = LoginAttempt.objects.create(
        connection=connection,
        state=LoginAttempt.State.NEEDS_CODE,
        expires_at=timezone.now() + dt.timedelta(minutes=10),
    )
    calendar = Connection(athlete=w["athlete"], provider=Connection.Provider.TRAININGPEAKS)
    calendar.set_credentials({"feed_url": "https://www.trainingpeaks.com/ical/SECRET.ics"})
    calendar.save()
    strava = Connection(
        athlete=w["athlete"], provider=Connection.Provider.STRAVA, external_user_id="13408"
    )
    strava.set_credentials({"access_token": "a", "refresh_token": "r", "expires_at": 0})
    strava.save()
    return {"garmin": connection, "garmin_attempt": attempt, "calendar": calendar, "strava": strava}


ROWS += [
    Row("calendar_card", MANAGE, _athlete),
    Row("calendar_connect", MANAGE | {"athlete": 400}, _athlete, method="post"),
    Row("calendar_pull", MANAGE | {"athlete": 302}, _athlete, method="post"),
    Row("calendar_disconnect", MANAGE | {"athlete": 302}, _athlete, method="post"),
]

# Strava: the webhook is Strava's door (no login; a wrong verify token is refused to anyone);
# the OAuth callback without this session's state sends everyone home.
ROWS += [
    Row("strava_card", MANAGE, _athlete),
    Row("strava_connect", MANAGE | {"athlete": 302}, _athlete, method="post"),
    Row("strava_sync_now", MANAGE | {"athlete": 302}, _athlete, method="post"),
    Row("strava_backfill", MANAGE | {"athlete": 400}, _athlete, method="post"),
    Row("strava_options", MANAGE | {"athlete": 302}, _athlete, method="post"),
    Row("strava_disconnect", MANAGE | {"athlete": 302}, _athlete, method="post"),
    Row("strava_callback", _all(302)),
    Row("strava_webhook", _all(403, anon=403)),
]
