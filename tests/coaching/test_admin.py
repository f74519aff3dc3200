"""Coaching in the admin: steps read as the workout text, never edited as raw JSON nor lost on
save; estimates are read-only; a calendar feed's token is never shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from athletes.models import Athlete
from coaching.models import CalendarFeed, PlannedSession
from coaching.services.feeds import calendar_feed_regenerate
from coaching.workouts.text import parse
from coaching.workouts.tree import to_data

STEPS = to_data(parse("warmup 15m, 5x (3m Z4, 2m Z1), cooldown 10m", sport="run"))


@pytest.fixture
def session(athlete: Athlete) -> PlannedSession:
    return PlannedSession.objects.create(
        athlete=athlete,
        day=dt.date(2026, 3, 2),
        sport="run",
        title="Threshold intervals",
        steps=STEPS,
        est_load=55.0,
        source=PlannedSession.Source.COACH,
    )


def test_planned_session_page_shows_steps_as_text_and_estimates_read_only(
    staff_client: Client, session: PlannedSession
) -> None:
    html = staff_client.get(reverse("admin:coaching_plannedsession_change", args=[session.pk]))
    text = html.content.decode()
    assert "warmup 15m\n5x (3m Z4, 2m Z1)\ncooldown 10m" in text
    assert 'name="steps"' not in text
    assert 'name="est_load"' not in text


def test_saving_a_planned_session_in_the_admin_keeps_its_steps_and_estimates(
    staff_client: Client, session: PlannedSession, athlete: Athlete
) -> None:
    response = staff_client.post(
        reverse("admin:coaching_plannedsession_change", args=[session.pk]),
        {
            "athlete": athlete.pk,
            "day": "2026-03-02",
            "order": "0",
            "sport": "run",
            "session_type": "intervals",
            "title": "Threshold intervals (moved)",
            "description": "",
            "source": "coach",
            "external_uid": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    session.refresh_from_db()
    assert (session.title, session.steps, session.est_load) == (
        "Threshold intervals (moved)",
        STEPS,
        55.0,
    )


def test_steps_that_no_longer_parse_are_shown_as_stored(
    staff_client: Client, session: PlannedSession
) -> None:
    PlannedSession.objects.filter(pk=session.pk).update(steps=[{"kind": "mystery"}])
    html = staff_client.get(reverse("admin:coaching_plannedsession_change", args=[session.pk]))
    assert "&quot;mystery&quot;" in html.content.decode()


def test_calendar_feed_token_is_never_shown_nor_editable(
    staff_client: Client, athlete: Athlete
) -> None:
    token = calendar_feed_regenerate(athlete=athlete)
    feed = CalendarFeed.objects.get(athlete=athlete)
    change = reverse("admin:coaching_calendarfeed_change", args=[feed.pk])
    for url in (reverse("admin:coaching_calendarfeed_changelist"), change):
        html = staff_client.get(url).content.decode()
        assert token not in html
        assert feed.token_hash not in html
        assert "••••••" in html
    assert staff_client.post(change, {"token": "chosen"}).status_code == 403
    assert staff_client.get(reverse("admin:coaching_calendarfeed_add")).status_code == 403
