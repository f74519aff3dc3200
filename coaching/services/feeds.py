"""The athlete's private iCal feed of planned sessions (issue 5, "iCal feed out").

The feed URL carries a random token (32 bytes, URL-safe). Only its SHA-256 is searchable
(`CalendarFeed.token_hash`, unique); the token itself is kept encrypted so the athlete can copy
the URL again. Regenerating replaces both: the old URL answers 404 from then on.

The calendar lists the published sessions from 8 weeks before to 26 weeks after the athlete's
local today, one all-day event each: a stable UID per session (calendar apps update the event
when the session changes or moves), the title as summary, the steps in the text syntax, the
description and the estimates as description, the sport as category.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from athletes.models import Athlete
from athletes.templatetags.units import distance, duration, sport_label
from coaching.models import CalendarFeed, PlannedSession
from coaching.workouts.text import format_workout
from coaching.workouts.tree import WorkoutError, from_data
from core.units import is_finite_number

TOKEN_BYTES = 32
WEEKS_BACK = 8
WEEKS_AHEAD = 26
PRODID = "-//Paceline//Planned sessions//EN"


def token_hash(token: str) -> str:
    """The SHA-256 (hex) under which a feed token is looked up."""
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_regenerate(*, athlete: Athlete) -> str:
    """A new private token for the athlete's feed (created on first use); the previous URL
    stops working at once. Returns the token (to build the URL)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        CalendarFeed.objects.update_or_create(
            athlete=athlete, defaults={"token_hash": token_hash(token), "token": token}
        )
    return token


def feed_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The days the feed covers (inclusive): 8 weeks back to 26 weeks ahead of `today`."""
    return today - dt.timedelta(weeks=WEEKS_BACK), today + dt.timedelta(weeks=WEEKS_AHEAD)


def calendar_feed_events(*, athlete: Athlete, today: dt.date) -> bytes:
    """The iCalendar document (RFC 5545) of the athlete's published sessions around `today`,
    written in the athlete's language and units."""
    first, last = feed_window(today)
    sessions = PlannedSession.objects.filter(
        athlete=athlete, hidden=False, day__range=(first, last)
    ).order_by("day", "order", "id")
    with translation.override(athlete.language):
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", _("Paceline plan · %(name)s") % {"name": athlete})
        for session in sessions:
            calendar.add_component(_event(session, athlete.units))
    return bytes(calendar.to_ical())


def session_uid(session: PlannedSession) -> str:
    """The event UID of a session: stable for the session's life, whatever changes in it."""
    return f"planned-session-{session.id}@paceline"


def _event(session: PlannedSession, units: str) -> Event:
    event = Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", session.updated_at.astimezone(dt.UTC))
    event.add("last-modified", session.updated_at.astimezone(dt.UTC))
    event.add("dtstart", session.day)
    event.add("dtend", session.day + dt.timedelta(days=1))
    event.add("summary", session.title)
    event.add("description", session_text(session, units))
    event.add("categories", [str(sport_label(session.sport))])
    event.add("transp", "TRANSPARENT")
    return event


def session_text(session: PlannedSession, units: str) -> str:
    """The event description: session type, steps (text syntax), description, estimates."""
    parts = [str(session.get_session_type_display())]
    steps = _steps_text(session)
    if steps:
        parts.append(steps)
    if session.description.strip():
        parts.append(session.description.strip())
    estimates = _estimates_text(session, units)
    if estimates:
        parts.append(estimates)
    return "\n\n".join(parts)


def _steps_text(session: PlannedSession) -> str:
    try:
        workout = from_data(session.steps)
    except WorkoutError:
        return ""
    return format_workout(workout, sport=session.sport) if workout.nodes else ""


def _estimates_text(session: PlannedSession, units: str) -> str:
    """ "Planned: 1:05:00 · 12.3 km · load 65" with what is known (finite: an old row's
    extreme values are left out)."""
    values = []
    if is_finite_number(session.est_duration_s) and session.est_duration_s:
        values.append(duration(session.est_duration_s))
    if is_finite_number(session.est_distance_m) and session.est_distance_m:
        values.append(distance(session.est_distance_m, units))
    if is_finite_number(session.est_load) and session.est_load:
        values.append(_("load %(load)d") % {"load": round(session.est_load)})
    if not values:
        return ""
    return _("Planned: %(values)s") % {"values": " · ".join(values)}
