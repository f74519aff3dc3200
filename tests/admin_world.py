"""Rows of every model the admin shows, for the admin tests (tests/test_admin.py): each call of
`admin_rows` adds `count` coached athletes with one of everything, and `children` of each kind
of child row (laps, sources, comments, group members…), so that a query budget measured on a
small world can be checked on a larger one.

Rows are written directly (no services): the admin shows whatever is stored.
"""

from __future__ import annotations

import datetime as dt
import uuid

import numpy as np
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group as AuthGroup
from django.utils import timezone
from rest_framework.authtoken.models import Token

from activities.models import Activity, ActivitySource, ImportJob, Lap, Streams
from activities.services.files import activity_file_store
from activities.streams_codec import CODEC_VERSION, encode_streams
from activities.types import Streams as StreamColumns
from analytics.models import ActivityMetrics, DailyLoad, PendingLoad, PlannedLoad
from athletes.models import Athlete, CoachAthlete, Invitation, WellnessDay, ZoneSet
from coaching.models import (
    AttentionDismissal,
    AttentionSettings,
    CalendarFeed,
    Comment,
    CommentRead,
    Link,
    LinkRefusal,
    PlannedSession,
    WeekCopy,
    WorkoutTemplate,
)
from coaching.workouts.text import parse
from coaching.workouts.tree import to_data
from core import crypto
from core.models import OutboxMessage
from integrations.models import Connection, RawPayload, SyncRun, WebhookEvent
from tests.factories import CoachAthleteFactory, GoalFactory, GroupFactory, ThresholdsFactory

DAY = dt.date(2026, 3, 2)
STEPS = to_data(parse("warmup 15m, 5x (3m Z4, 2m Z1), cooldown 10m", sport="run"))
CALENDAR_TOKEN = "calendar-feed-token-in-clear"
EMAIL_TOKEN = "invitation-token-in-clear"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def admin_rows(count: int, *, children: int) -> None:
    """`count` coached athletes, each with one row of every model and `children` children."""
    for _ in range(count):
        relationship = CoachAthleteFactory()
        _people(relationship, children)
        activity = _activity(relationship.athlete, children)
        _analytics(activity)
        _coaching(relationship, activity, children)
        _system(relationship.athlete)


def _unique() -> str:
    return uuid.uuid4().hex


def _people(relationship: CoachAthlete, children: int) -> None:
    athlete, coach = relationship.athlete, relationship.coach
    members = [athlete, *(CoachAthleteFactory(coach=coach).athlete for _ in range(children))]
    for _ in range(children):
        GroupFactory(coach=coach).athletes.add(*members)
    Invitation.objects.create(
        direction=Invitation.Direction.COACH_INVITES_ATHLETE,
        invited_by=coach,
        email=f"{_unique()[:8]}@example.test",
        token_hash=_unique() * 2,
        email_token=EMAIL_TOKEN,
        expires_at=timezone.now() + dt.timedelta(days=14),
        relationship=relationship,
    )
    ThresholdsFactory(athlete=athlete, created_by=coach)
    ZoneSet.objects.create(
        athlete=athlete,
        sport="run",
        kind=ZoneSet.Kind.HR,
        valid_from=DAY,
        bounds=[130, 145, 160, 172],
        names=["Z1", "Z2", "Z3", "Z4", "Z5"],
        created_by=coach,
    )
    GoalFactory(athlete=athlete, target_time_s=3 * 3600 + 15 * 60)
    WellnessDay.objects.create(
        athlete=athlete, day=DAY, sleep_s=27000, resting_hr_bpm=48, raw={"sleep": {"deep": 5400}}
    )
    Token.objects.create(user=athlete.user)
    Authenticator.objects.create(
        user=athlete.user,
        type=Authenticator.Type.TOTP,
        data={"secret": crypto.encrypt(TOTP_SECRET)},
    )
    AuthGroup.objects.create(name=f"Operators {_unique()[:8]}")
    connection = Connection(athlete=athlete, provider=Connection.Provider.STRAVA)
    connection.set_credentials({"access_token": _unique(), "refresh_token": _unique()})
    connection.save()
    run = SyncRun.objects.create(
        connection=connection,
        kind=SyncRun.Kind.ACTIVITIES,
        counts={"fetched": 3, "created": 2, "skipped": 1},
        errors=[{"item": "activity 12", "error": "bad file"}],
    )
    RawPayload.objects.create(
        connection=connection,
        run=run,
        kind="activity",
        external_id=_unique()[:12],
        body={"id": 12, "name": "Morning ride", "laps": [{"distance": 1000.0}]},
        sha256=_unique().ljust(64, "0")[:64],
    )
    WebhookEvent.objects.create(
        provider=Connection.Provider.STRAVA,
        key=_unique().ljust(64, "0")[:64],
        connection=connection,
        owner_id="13408",
        object_type="activity",
        object_id=_unique()[:12],
        aspect_type="update",
        updates={"title": "Morning ride"},
        event_time=dt.datetime.combine(DAY, dt.time(9), tzinfo=dt.UTC),
    )


def _activity(athlete: Athlete, children: int) -> Activity:
    activity = Activity.objects.create(
        athlete=athlete,
        sport="run",
        started_at=dt.datetime.combine(DAY, dt.time(7), tzinfo=dt.UTC),
        day=DAY,
        elapsed_s=3725.0,
        moving_s=3600.0,
        distance_m=12300.0,
        avg_speed_mps=12300.0 / 3600,
        name="Easy run",
        warnings=["a warning"],
    )
    time_s = np.arange(0.0, 600.0)
    columns = StreamColumns(time_s=time_s, hr_bpm=140 + time_s % 20, speed_mps=3.3 + 0 * time_s)
    Streams.objects.create(
        activity=activity,
        provider="device_file",
        codec_version=CODEC_VERSION,
        sample_count=len(time_s),
        channels=["time_s", "hr_bpm", "speed_mps"],
        data=encode_streams(columns),
    )
    for index in range(children):
        Lap.objects.create(
            activity=activity, index=index, start_s=600.0 * index, elapsed_s=600.0, distance_m=2e3
        )
        file, _created = activity_file_store(
            athlete=athlete, data=_unique().encode(), filename=f"run-{index}.fit"
        )
        ActivitySource.objects.create(
            athlete=athlete,
            activity=activity,
            provider="device_file",
            external_id=_unique(),
            session_index=index,
            file=file,
            summary={"distance_m": 12300.0},
            raw={"records": list(range(2000))},
        )
    ImportJob.objects.create(
        athlete=athlete,
        kind=ImportJob.Kind.FILES,
        original_name="history.zip",
        size_bytes=3_500_000,
        total=children,
        cursor=children,
        results=[{"name": f"{index}.fit", "outcome": "created"} for index in range(children)],
    )
    return activity


def _analytics(activity: Activity) -> None:
    curve = {str(second): 300.0 - second / 10 for second in range(1, 601)}
    ActivityMetrics.objects.create(
        activity=activity,
        load=61.5,
        load_source="rtss",
        rtss=61.5,
        time_in_zone_s={"hr": [600.0, 1800.0, 1200.0, 0.0, 0.0], "source": "streams"},
        mean_max={"power_w": curve, "hr_bpm": curve},
        best_efforts_s={"1000": 250.0},
        algorithm_version=1,
        computed_at=timezone.now(),
    )
    DailyLoad.objects.create(
        athlete=activity.athlete, day=DAY, load=61.5, load_by_source={"rtss": 61.5}
    )
    PlannedLoad.objects.create(athlete=activity.athlete, day=DAY, load=55.0)
    PendingLoad.objects.create(athlete=activity.athlete, since=DAY)


def _coaching(relationship: CoachAthlete, activity: Activity, children: int) -> None:
    athlete, coach = relationship.athlete, relationship.coach
    template = WorkoutTemplate.objects.create(
        owner=coach, name="Threshold intervals", sport="run", steps=STEPS, duration_s=2700.0
    )
    template.shared_with.add(*coach.coach_groups.all())
    session = PlannedSession.objects.create(
        athlete=athlete,
        day=DAY,
        sport="run",
        title="Threshold intervals",
        steps=STEPS,
        est_duration_s=2700.0,
        est_distance_m=9000.0,
        est_load=55.0,
        source=PlannedSession.Source.TEMPLATE,
        template=template,
        created_by=coach,
        updated_by=coach,
    )
    Link.objects.create(
        athlete=athlete, session=session, activity=activity, kind=Link.Kind.AUTO, confidence=0.9
    )
    other = PlannedSession.objects.create(
        athlete=athlete, day=DAY, order=1, sport="run", title="Strides", source="coach"
    )
    LinkRefusal.objects.create(session=other, activity=activity, created_by=athlete.user)
    for index in range(children):
        Comment.objects.create(athlete=athlete, author=coach, session=session, body=f"Note {index}")
    Comment.objects.create(athlete=athlete, author=athlete.user, activity=activity, body="Done")
    CommentRead.objects.create(user=coach, session=session, read_at=timezone.now())
    CalendarFeed.objects.create(athlete=athlete, token_hash=_unique() * 2, token=CALENDAR_TOKEN)
    WeekCopy.objects.create(
        coach=coach,
        athlete=athlete,
        week_start=DAY,
        to_week_start=DAY,
        mode=WeekCopy.Mode.REPLACE,
        removed=[{"fields": {"id": other.id, "title": "Strides"}, "refusals": []}],
        added=[session.id],
    )
    AttentionSettings.objects.get_or_create(coach=coach)
    AttentionDismissal.objects.create(
        coach=coach, athlete=athlete, kind="plan", fingerprint=DAY.isoformat(), until=DAY
    )


def _system(athlete: Athlete) -> None:
    OutboxMessage.objects.create(
        subscriber="analytics.activities_changed",
        topic="ActivitiesChanged",
        payload={"athlete_id": athlete.id, "activity_ids": [], "since": DAY.isoformat()},
        available_at=timezone.now() + dt.timedelta(days=1),
    )
