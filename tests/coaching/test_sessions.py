"""Planned-session services: validation, estimates, order within a day, re-estimation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models.signals import pre_save

from analytics.models import PlannedLoad
from athletes.models import Athlete, User
from coaching.models import PlannedSession
from coaching.services.estimates import planned_estimates_refresh
from coaching.services.sessions import (
    planned_session_create,
    planned_session_delete,
    planned_session_move,
    planned_session_update,
    week_publish,
)
from coaching.services.week_copy import week_copy_apply
from coaching.workouts.tree import WorkoutError
from tests.factories import ThresholdsFactory

MONDAY = dt.date(2026, 3, 9)
pytestmark = pytest.mark.django_db

# 10 min easy, 2 × 20 min at 100 % FTP with 5 min easy, 10 min easy.
THRESHOLD_RIDE = [
    {"intent": "warmup", "duration": {"kind": "time", "value": 600}},
    {
        "repeat": 2,
        "steps": [
            {
                "intent": "active",
                "duration": {"kind": "time", "value": 1200},
                "target": {"kind": "power", "mode": "percent", "low": 100, "high": 100},
            },
            {"intent": "recovery", "duration": {"kind": "time", "value": 300}},
        ],
    },
    {"intent": "cooldown", "duration": {"kind": "time", "value": 600}},
]


def _ride(athlete: Athlete, coach: User, day: dt.date = MONDAY, **fields: object) -> PlannedSession:
    fields.setdefault("steps", THRESHOLD_RIDE)
    return planned_session_create(
        athlete=athlete,
        by=coach,
        day=day,
        sport="ride",
        title="Threshold",
        **fields,
    )


def test_bad_steps_are_refused_and_nothing_is_stored(athlete: Athlete, coach: User) -> None:
    with pytest.raises(WorkoutError):
        planned_session_create(
            athlete=athlete,
            by=coach,
            day=MONDAY,
            sport="run",
            title="x",
            steps=[{"repeat": 0, "steps": []}],
        )
    assert not PlannedSession.objects.exists()


def test_a_structured_session_is_estimated_from_its_steps(athlete: Athlete, coach: User) -> None:
    ThresholdsFactory(athlete=athlete, sport="ride", valid_from=dt.date(2026, 1, 1), ftp_w=250)
    session = _ride(athlete, coach)
    assert session.est_duration_s == 600 + 2 * (1200 + 300) + 600
    # 40 min at IF 1.0 = 66.7 TSS; the rest is at the default easy intensity, so more than that.
    assert session.est_load is not None and session.est_load > 40 / 60 * 100


def test_an_unstructured_session_is_estimated_from_its_duration(
    athlete: Athlete, coach: User
) -> None:
    session = planned_session_create(
        athlete=athlete,
        by=coach,
        day=MONDAY,
        sport="run",
        title="Easy",
        duration_s=3600,
        session_type="endurance",
    )
    assert session.est_duration_s == 3600
    assert session.est_load is not None and 0 < session.est_load < 100


def test_moving_a_session_renumbers_both_days(athlete: Athlete, coach: User) -> None:
    first, second = _ride(athlete, coach), _ride(athlete, coach)
    tuesday = MONDAY + dt.timedelta(days=1)
    other = _ride(athlete, coach, day=tuesday)

    planned_session_move(session=second, day=tuesday, by=coach, position=0)

    assert list(
        PlannedSession.objects.filter(day=tuesday).order_by("order").values_list("id", flat=True)
    ) == [second.id, other.id]
    assert PlannedSession.objects.get(id=first.id).day == MONDAY


def test_a_new_ftp_re_estimates_the_sessions_from_its_day(athlete: Athlete, coach: User) -> None:
    ThresholdsFactory(athlete=athlete, sport="ride", valid_from=dt.date(2026, 1, 1), ftp_w=250)
    steps = [
        {
            "intent": "active",
            "duration": {"kind": "time", "value": 3600},
            "target": {"kind": "power", "mode": "absolute", "low": 250, "high": 250},
        }
    ]
    before = _ride(athlete, coach, steps=steps)
    after = _ride(athlete, coach, day=MONDAY + dt.timedelta(days=7), steps=steps)
    assert before.est_load == after.est_load == pytest.approx(100)  # 1 h at IF 1.0
    ThresholdsFactory(
        athlete=athlete, sport="ride", valid_from=MONDAY + dt.timedelta(days=1), ftp_w=300
    )

    changed = planned_estimates_refresh(
        athlete=athlete, sport="ride", since=MONDAY + dt.timedelta(days=1)
    )

    before.refresh_from_db()
    after.refresh_from_db()
    assert changed == {MONDAY + dt.timedelta(days=7)}
    assert before.est_load == pytest.approx(100)
    assert after.est_load == pytest.approx(100 * (250 / 300) ** 2)  # IF 0.833


def test_copying_a_week_to_another_athlete_uses_their_thresholds(
    athlete: Athlete, coach: User, other_athlete: Athlete
) -> None:
    ThresholdsFactory(
        athlete=athlete, sport="run", valid_from=dt.date(2026, 1, 1), threshold_speed_mps=4.0
    )
    ThresholdsFactory(
        athlete=other_athlete, sport="run", valid_from=dt.date(2026, 1, 1), threshold_speed_mps=3.0
    )
    planned_session_create(
        athlete=athlete,
        by=coach,
        day=MONDAY,
        sport="run",
        title="Tempo",
        steps=[
            {
                "intent": "active",
                "duration": {"kind": "time", "value": 1800},
                "target": {"kind": "pace", "mode": "percent", "low": 90, "high": 90},
            }
        ],
    )
    copy = week_copy_apply(
        athlete=athlete,
        week_start=MONDAY,
        to_week_start=MONDAY + dt.timedelta(days=7),
        to_athletes=[athlete, other_athlete],
        mode="merge",
        by=coach,
    )
    copies = list(PlannedSession.objects.filter(id__in=copy.added))
    mine, theirs = sorted(copies, key=lambda s: s.athlete_id != athlete.id)
    assert mine.day == theirs.day == MONDAY + dt.timedelta(days=7)
    assert mine.est_distance_m == pytest.approx(1800 * 4.0 * 0.9)
    assert theirs.est_distance_m == pytest.approx(1800 * 3.0 * 0.9)


def test_publishing_a_week_shows_its_drafts(athlete: Athlete, coach: User) -> None:
    _ride(athlete, coach, hidden=True)
    _ride(athlete, coach, day=MONDAY + dt.timedelta(days=7), hidden=True)
    assert week_publish(athlete=athlete, week_start=MONDAY, by=coach) == 1
    assert list(PlannedSession.objects.visible_to(athlete.user).values_list("day", flat=True)) == [
        MONDAY
    ]


def test_updating_refuses_fields_that_are_not_editable(athlete: Athlete, coach: User) -> None:
    session = _ride(athlete, coach)
    with pytest.raises(ValueError, match="not editable"):
        planned_session_update(session=session, by=coach, athlete_id=1)


def test_the_daily_load_carries_the_published_plan_of_past_days(
    athlete: Athlete, coach: User, django_capture_on_commit_callbacks: Any
) -> None:
    from activities.models import Activity
    from analytics.models import DailyLoad
    from analytics.pipeline import daily_load_recompute

    ThresholdsFactory(athlete=athlete, sport="ride", valid_from=dt.date(2026, 1, 1), ftp_w=250)
    Activity.objects.create(
        athlete=athlete,
        sport="run",
        started_at=dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC),
        day=dt.date(2026, 3, 1),
        moving_s=3600,
    )
    daily_load_recompute(athlete=athlete, since=dt.date(2026, 3, 1), today=MONDAY)
    with django_capture_on_commit_callbacks(execute=True):
        planned = _ride(athlete, coach)
        _ride(athlete, coach, hidden=True)  # a draft is not the plan yet

    row = DailyLoad.objects.get(athlete=athlete, day=MONDAY)
    assert row.planned_load == pytest.approx(planned.est_load)


def test_the_plans_load_per_day_is_handed_to_analytics_published_sessions_only(
    athlete: Athlete, coach: User, django_capture_on_commit_callbacks: Any
) -> None:
    day = MONDAY + dt.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        for minutes, hidden in ((60, False), (30, False), (90, True)):
            session = planned_session_create(
                athlete=athlete, by=coach, day=day, sport="run", title="Easy",
                duration_s=minutes * 60.0, session_type="endurance",
            )  # fmt: skip
            if hidden:
                planned_session_update(session=session, by=coach, hidden=True)
    published = PlannedSession.objects.filter(athlete=athlete, hidden=False)

    handed = PlannedLoad.objects.get(athlete=athlete, day=day).load

    assert handed == pytest.approx(sum(s.est_load or 0.0 for s in published))
    with django_capture_on_commit_callbacks(execute=True):
        for session in PlannedSession.objects.filter(athlete=athlete):
            planned_session_delete(session=session)
    assert not PlannedLoad.objects.filter(athlete=athlete).exists()


def test_an_edit_saves_only_what_it_changed(athlete: Athlete, coach: User) -> None:
    session = planned_session_create(
        athlete=athlete, by=coach, day=MONDAY, sport="run", title="Easy", duration_s=3600.0
    )

    def synced_meanwhile(sender: type[PlannedSession], instance: PlannedSession, **kw: Any) -> None:
        # A calendar sync rewrites the description between the coach's read and save.
        PlannedSession.objects.filter(id=instance.id).update(description="From TrainingPeaks")

    pre_save.connect(synced_meanwhile, sender=PlannedSession, dispatch_uid="synced")
    try:
        planned_session_update(session=session, by=coach, title="Steady")
        planned_session_move(session=session, day=MONDAY + dt.timedelta(days=1), by=coach)
    finally:
        pre_save.disconnect(dispatch_uid="synced", sender=PlannedSession)

    session.refresh_from_db()
    assert (session.title, session.day) == ("Steady", MONDAY + dt.timedelta(days=1))
    assert session.description == "From TrainingPeaks"


def test_a_session_remembers_who_changed_it_last(athlete: Athlete, coach: User) -> None:
    session = planned_session_create(
        athlete=athlete, by=coach, day=MONDAY, sport="run", title="Easy", duration_s=3600.0
    )
    assert (session.created_by, session.updated_by) == (coach, coach)

    planned_session_update(session=session, by=athlete.user, title="Steady")
    session.refresh_from_db()
    assert (session.created_by, session.updated_by) == (coach, athlete.user)

    planned_session_move(session=session, day=MONDAY + dt.timedelta(days=1), by=coach)
    session.refresh_from_db()
    assert session.updated_by == coach
