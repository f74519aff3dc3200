"""The private iCal feed of planned sessions: the athlete's page with the URL, "regenerate"
revoking the old URL, and the feed itself parsed back with icalendar."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from athletes.models import Athlete, User
from coaching.models import CalendarFeed, PlannedSession
from coaching.services.feeds import calendar_feed_regenerate
from coaching.services.sessions import planned_session_update
from coaching.workouts.text import format_workout
from coaching.workouts.tree import (
    Duration,
    DurationKind,
    Intent,
    Repeat,
    Step,
    Target,
    TargetKind,
    TargetMode,
    Workout,
    to_data,
)
from tests.coaching.journal_world import client_for, planned

NOW = dt.datetime(2026, 3, 20, 10, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
pytestmark = pytest.mark.django_db

INTERVALS = Workout(
    (
        Step(Intent.WARMUP, Duration(DurationKind.TIME, 900.0)),
        Repeat(
            5,
            (
                Step(
                    Intent.ACTIVE,
                    Duration(DurationKind.TIME, 180.0),
                    Target(TargetKind.HR, TargetMode.ABSOLUTE, 165.0, 175.0),
                ),
                Step(Intent.RECOVERY, Duration(DurationKind.TIME, 120.0)),
            ),
        ),
        Step(Intent.COOLDOWN, Duration(DurationKind.TIME, 600.0)),
    )
)


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _feed(url: str) -> Calendar:
    response = Client().get(url)  # no login: the token is the key
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def _events(calendar: Calendar) -> dict[str, dict[str, object]]:
    return {
        str(event["SUMMARY"]): {
            "uid": str(event["UID"]),
            "start": event.decoded("DTSTART"),
            "end": event.decoded("DTEND"),
            "description": str(event["DESCRIPTION"]),
            "categories": [str(c) for c in event["CATEGORIES"].cats],
        }
        for event in calendar.walk("VEVENT")
    }


def _feed_url_on_page(athlete: Athlete) -> str:
    html = (
        client_for(athlete.user).get(reverse("calendar_feed", args=[athlete.id])).content.decode()
    )
    start = html.index('value="https://') + len('value="')
    return html[start : html.index('"', start)]


def test_the_athlete_creates_a_private_https_url_and_reads_the_plan_from_it(
    athlete: Athlete, coach: User
) -> None:
    intervals = planned(
        athlete, coach, TODAY + dt.timedelta(days=2), "Track 5 × 3 min", minutes=None,
        steps=to_data(INTERVALS), description="On the track, spikes optional.",
    )  # fmt: skip
    planned(athlete, coach, TODAY - dt.timedelta(days=3), "Easy hour", sport="ride")
    client = client_for(athlete.user)

    response = client.post(reverse("calendar_feed_regenerate", args=[athlete.id]))
    assert response.status_code == 302
    url = _feed_url_on_page(athlete)
    assert url.startswith("https://testserver/calendar/") and url.endswith(".ics")

    events = _events(_feed(url.removeprefix("https://testserver")))

    assert set(events) == {"Track 5 × 3 min", "Easy hour"}
    track = events["Track 5 × 3 min"]
    assert track["uid"] == f"planned-session-{intervals.id}@paceline"
    assert (track["start"], track["end"]) == (
        TODAY + dt.timedelta(days=2),
        TODAY + dt.timedelta(days=3),
    )
    description = str(track["description"])
    assert format_workout(INTERVALS, sport="run") in description
    assert "On the track, spikes optional." in description
    assert "Planned: 0:50:00" in description  # 15 + 5 × (3 + 2) + 10 minutes
    assert track["categories"] == ["Run"]
    assert events["Easy hour"]["categories"] == ["Ride"]


def test_the_feed_lists_published_sessions_from_eight_weeks_back_to_twenty_six_ahead(
    athlete: Athlete, coach: User
) -> None:
    inside = {"First day": -56, "Last day": 182}
    outside = {"Too old": -57, "Too far": 183}
    for title, offset in (inside | outside).items():
        planned(athlete, coach, TODAY + dt.timedelta(days=offset), title)
    planned(athlete, coach, TODAY, "Draft", hidden=True)
    token = calendar_feed_regenerate(athlete=athlete)

    events = _events(_feed(reverse("calendar_feed_ics", args=[token])))

    assert set(events) == set(inside)


def test_an_event_keeps_its_uid_when_the_session_changes_and_moves(
    athlete: Athlete, coach: User
) -> None:
    session = planned(athlete, coach, TODAY, "Before")
    token = calendar_feed_regenerate(athlete=athlete)
    url = reverse("calendar_feed_ics", args=[token])
    before = _events(_feed(url))["Before"]["uid"]

    planned_session_update(
        session=session, by=coach, title="After", day=TODAY + dt.timedelta(days=1)
    )

    after = _events(_feed(url))["After"]
    assert after["uid"] == before and after["start"] == TODAY + dt.timedelta(days=1)


def test_regenerating_revokes_the_old_url(athlete: Athlete) -> None:
    old = calendar_feed_regenerate(athlete=athlete)
    client_for(athlete.user).post(reverse("calendar_feed_regenerate", args=[athlete.id]))
    new = _feed_url_on_page(athlete)

    assert Client().get(reverse("calendar_feed_ics", args=[old])).status_code == 404
    assert _feed(new.removeprefix("https://testserver")) is not None
    assert CalendarFeed.objects.count() == 1


def test_an_unknown_token_is_not_found(athlete: Athlete) -> None:
    calendar_feed_regenerate(athlete=athlete)

    assert Client().get(reverse("calendar_feed_ics", args=["nope"])).status_code == 404


def test_the_token_is_stored_encrypted_and_found_by_its_sha256(athlete: Athlete) -> None:
    token = calendar_feed_regenerate(athlete=athlete)

    feed = CalendarFeed.objects.get(athlete=athlete)
    assert feed.token == token
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM coaching_calendarfeed WHERE id = %s", [feed.id])
        stored = cursor.fetchone()[0]
    assert token not in stored


def test_before_the_first_url_the_page_offers_to_create_one(athlete: Athlete) -> None:
    url = reverse("calendar_feed", args=[athlete.id])
    html = client_for(athlete.user).get(url).content.decode()

    assert "Create my calendar URL" in html
    assert 'id="feed-url"' not in html
    assert not CalendarFeed.objects.exists()  # looking at the page creates nothing


@pytest.mark.parametrize("who", ["coach", "view_coach"])
def test_coaches_may_neither_see_nor_regenerate_the_athletes_url(
    athlete: Athlete, who: str, request: pytest.FixtureRequest
) -> None:
    token = calendar_feed_regenerate(athlete=athlete)
    client = client_for(request.getfixturevalue(who))

    page = client.get(reverse("calendar_feed", args=[athlete.id]))
    regenerate = client.post(reverse("calendar_feed_regenerate", args=[athlete.id]))

    assert (page.status_code, regenerate.status_code) == (403, 403)
    assert token not in page.content.decode()
    assert CalendarFeed.objects.get(athlete=athlete).token == token


def test_sessions_of_other_athletes_never_leak_into_a_feed(
    athlete: Athlete, other_athlete: Athlete, coach: User, other_coach: User
) -> None:
    planned(athlete, coach, TODAY, "Mine")
    planned(other_athlete, other_coach, TODAY, "Theirs")
    token = calendar_feed_regenerate(athlete=athlete)

    assert set(_events(_feed(reverse("calendar_feed_ics", args=[token])))) == {"Mine"}
    assert PlannedSession.objects.count() == 2
