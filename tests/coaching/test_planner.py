"""The weekly planner: week boundaries in the athlete's time zone, what each day shows, totals
planned vs actual, compliance colours, drafts, and the month view."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from athletes.models import Athlete, CoachAthlete, User
from coaching.selectors.planner import plan_week
from tests.coaching.planner_world import (
    MONDAY,
    NOW,
    TODAY,
    client_for,
    day,
    done,
    htmx_post,
    linked,
    planned,
)
from tests.factories import AthleteFactory, CoachAthleteFactory, GoalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _url(athlete: Athlete, week: dt.date | None = None) -> str:
    base = f"/athletes/{athlete.id}/plan/"
    return base if week is None else f"{base}?week={week.isoformat()}"


def _week(viewer: Any, athlete: Athlete, week: dt.date = MONDAY) -> Any:
    return plan_week(viewer=viewer, athlete=athlete, week_start=week, today=TODAY)


def _coached(coach: User, time_zone: str, email: str) -> Athlete:
    athlete = AthleteFactory(user__email=email, time_zone=time_zone)
    CoachAthleteFactory(coach=coach, athlete=athlete)
    return athlete


# --- the week and its days --------------------------------------------------------------------


def test_the_default_week_is_this_week_in_the_athletes_time_zone(coach: User) -> None:
    auckland = _coached(coach, "Pacific/Auckland", "kiwi@example.test")
    los_angeles = _coached(coach, "America/Los_Angeles", "angeleno@example.test")
    client = client_for(coach)

    # Sunday 1 March 23:30 UTC: already Monday 2 March in Auckland, still Sunday in LA.
    with time_machine.travel(dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC), tick=False):
        kiwi = client.get(_url(auckland))
        angeleno = client.get(_url(los_angeles))

    assert kiwi.context["week"].week_start == dt.date(2026, 3, 2)
    assert kiwi.context["week"].today == dt.date(2026, 3, 2)
    assert 'id="day-2026-03-02"' in kiwi.content.decode()
    assert angeleno.context["week"].week_start == dt.date(2026, 2, 23)
    assert angeleno.context["week"].today == dt.date(2026, 3, 1)


def test_any_day_of_a_week_shows_that_week_from_monday_to_sunday(
    coach: User, athlete: Athlete
) -> None:
    planned(athlete, day(6), "Sunday long run")
    planned(athlete, day(7), "Next Monday run")

    response = client_for(coach).get(_url(athlete, dt.date(2026, 3, 5)))

    week = response.context["week"]
    assert [d.day for d in week.days] == [MONDAY + dt.timedelta(days=n) for n in range(7)]
    body = response.content.decode()
    assert "Monday" in body
    assert "Sunday" in body
    assert "Sunday long run" in body
    assert "Next Monday run" not in body
    assert "?week=2026-02-23" in body  # previous
    assert "?week=2026-03-09" in body  # next


def test_an_unreadable_week_falls_back_to_this_week(coach: User, athlete: Athlete) -> None:
    response = client_for(coach).get(f"/athletes/{athlete.id}/plan/?week=next-tuesday")

    assert response.context["week"].week_start == MONDAY


def test_weekday_names_follow_the_viewers_language(coach: User, athlete: Athlete) -> None:
    client = client_for(coach)
    client.cookies["django_language"] = "fr"

    body = client.get(_url(athlete)).content.decode()

    assert "lundi" in body
    assert "dimanche" in body


def test_a_day_shows_its_sessions_its_unlinked_activities_and_its_goals(
    coach: User, athlete: Athlete
) -> None:
    run = planned(athlete, day(1), "Intervals 6x800", session_type="intervals", duration_s=3000)
    linked(run, done(athlete, day(1), name="Track session"))
    done(athlete, day(1), sport="ride", name="Commute ride", moving_s=1200, distance_m=6000)
    GoalFactory(athlete=athlete, race_on=day(6), name="Spring 10K", priority="B")

    week = _week(coach, athlete)
    tuesday, sunday = week.days[1], week.days[6]

    assert [p.session.title for p in tuesday.sessions] == ["Intervals 6x800"]
    assert tuesday.sessions[0].done is not None
    assert tuesday.sessions[0].done.activity.name == "Track session"
    assert [d.activity.name for d in tuesday.unlinked] == ["Commute ride"]
    assert [g.name for g in sunday.goals] == ["Spring 10K"]
    body = client_for(coach).get(_url(athlete)).content.decode()
    assert "Track session" in body
    assert "Commute ride" in body
    assert "Spring 10K" in body


# --- totals ------------------------------------------------------------------------------------


def test_week_totals_add_the_planned_estimates_and_what_the_activities_did(
    coach: User, athlete: Athlete
) -> None:
    # No thresholds: an unstructured hour counts at IF 0.75 ("other"), an easy half hour at
    # IF 0.65 ("endurance"); load = hours × IF² × 100.
    planned(athlete, day(0), "Hour", duration_s=3600)
    planned(athlete, day(2), "Easy", session_type="endurance", duration_s=1800)
    done(athlete, day(0), moving_s=3500, distance_m=10000, load=60.0, dist_eq_km=10.5)
    done(athlete, day(2), moving_s=1800, distance_m=5000, ascent_m=100, manual_load=20.0)
    done(athlete, day(7), moving_s=7200, distance_m=20000, load=120.0)  # next week

    week = _week(coach, athlete)

    assert week.planned.duration_s == 5400
    assert week.planned.load == pytest.approx(56.25 + 21.125)
    assert week.actual.duration_s == 5300
    assert week.actual.distance_m == 15000
    assert week.actual.dist_eq_km == pytest.approx(10.5 + 6.0)  # 5 km + 100 m × 0.01
    assert week.actual.load == pytest.approx(80.0)
    body = client_for(coach).get(_url(athlete)).content.decode()
    assert "1 h 30" in body  # planned time
    assert "1 h 28" in body  # done: 5300 s


# --- compliance --------------------------------------------------------------------------------


def test_a_missed_session_of_a_past_day_is_red_and_later_ones_are_not_judged_yet(
    coach: User, athlete: Athlete
) -> None:
    planned(athlete, day(1), "Tuesday tempo", duration_s=3600)
    planned(athlete, day(3), "Today's run", duration_s=3600)
    planned(athlete, day(4), "Friday run", duration_s=3600)

    week = _week(coach, athlete)
    tuesday, today, friday = (
        week.days[1].sessions[0],
        week.days[3].sessions[0],
        week.days[4].sessions[0],
    )

    assert tuesday.colour == "red"
    assert tuesday.missed
    assert today.colour is None
    assert friday.colour is None
    body = client_for(coach).get(_url(athlete)).content.decode()
    assert "compliance-red" in body
    assert "Missed" in body


def test_a_session_done_as_planned_is_green_and_a_miss_counts_zero_in_the_week(
    coach: User, athlete: Athlete
) -> None:
    monday = planned(athlete, day(0), "Steady hour", duration_s=3600)
    linked(monday, done(athlete, day(0), moving_s=3600))  # no load: compared on duration
    planned(athlete, day(1), "Missed tempo", duration_s=3600)
    wednesday = planned(athlete, day(2), "Long", duration_s=3600)
    linked(wednesday, done(athlete, day(2), moving_s=4680))  # 1.3: yellow, scores 0.5

    week = _week(coach, athlete)
    sessions = [d.sessions[0] for d in week.days[:3]]

    assert [s.colour for s in sessions] == ["green", "red", "yellow"]
    assert [s.verdict for s in sessions] == ["green", "missed", "yellow"]
    assert sessions[0].ratio is not None and sessions[0].ratio.basis == "duration"
    assert week.compliance.judged == 3
    assert (week.compliance.green, week.compliance.yellow, week.compliance.missed) == (1, 1, 1)
    assert week.compliance.pct == pytest.approx(100 * 1.5 / 3)  # (1 + 0.5 + 0) / 3
    assert week.compliance.colour == "yellow"


def test_compliance_compares_load_when_the_activity_has_one(coach: User, athlete: Athlete) -> None:
    session = planned(athlete, day(0), "Hour", duration_s=3600)  # est. load 56.25
    linked(session, done(athlete, day(0), moving_s=3600, load=30.0))

    plan = _week(coach, athlete).days[0].sessions[0]

    assert plan.ratio is not None
    assert plan.ratio.basis == "load"
    assert plan.colour == "yellow"  # 30 / 56.25 = 0.53


def test_a_week_without_any_judged_session_has_no_compliance(coach: User, athlete: Athlete) -> None:
    planned(athlete, day(5), "Saturday run", duration_s=3600)

    week = _week(coach, athlete)

    assert week.compliance.pct is None
    assert week.compliance.colour is None


# --- drafts ------------------------------------------------------------------------------------


def test_drafts_are_hidden_from_the_athlete_until_the_week_is_published(
    coach: User, athlete: Athlete
) -> None:
    planned(athlete, day(4), "Secret intervals", duration_s=3600, hidden=True)
    planned(athlete, day(5), "Published run", duration_s=3600)
    coach_page = client_for(coach).get(_url(athlete)).content.decode()
    athlete_before = client_for(athlete.user).get(_url(athlete)).content.decode()

    publish = htmx_post(
        client_for(coach), f"/athletes/{athlete.id}/plan/week/publish/", {"week": "2026-03-04"}
    )
    athlete_after = client_for(athlete.user).get(_url(athlete)).content.decode()

    assert "Secret intervals" in coach_page
    assert "Publish 1 draft" in coach_page
    assert "Secret intervals" not in athlete_before
    assert "Published run" in athlete_before
    assert publish.status_code == 200
    assert "1 draft published." in publish.content.decode()
    assert "Secret intervals" in athlete_after


def test_a_past_draft_is_not_judged_as_missed(coach: User, athlete: Athlete) -> None:
    planned(athlete, day(0), "Draft on Monday", duration_s=3600, hidden=True)

    plan = _week(coach, athlete).days[0].sessions[0]

    assert plan.colour is None
    assert not plan.missed


# --- who sees what ---------------------------------------------------------------------------


def test_the_athlete_of_a_coach_sees_the_plan_read_only(coach: User, athlete: Athlete) -> None:
    planned(athlete, day(4), "Friday run", duration_s=3600)

    body = client_for(athlete.user).get(_url(athlete)).content.decode()

    assert "Friday run" in body
    assert "is-editable" not in body
    assert "plan-handle" not in body
    assert "Copy week" not in body


def test_the_athlete_logs_a_session_from_a_day_up_to_today_with_its_date_prefilled(
    coach: User, athlete: Athlete
) -> None:
    log = reverse("activity_log_manual", args=[athlete.id])

    week = client_for(athlete.user).get(_url(athlete)).content.decode()
    detail = client_for(athlete.user).get(
        reverse("planner_day", args=[athlete.id, day(1).isoformat()])
    )
    coach_week = client_for(coach).get(_url(athlete)).content.decode()

    links = {d.isoformat() for d in map(day, range(7)) if f"{log}?day={d.isoformat()}" in week}
    assert links == {day(n).isoformat() for n in range(4)}  # Monday to today (Thursday)
    assert f"{log}?day={day(1).isoformat()}" in detail.content.decode()
    assert log not in coach_week  # the coach plans; the athlete logs what was done


def test_a_self_coached_athlete_plans_their_own_week(db: None) -> None:
    athlete = AthleteFactory(user__email="solo@example.test")
    CoachAthleteFactory(
        coach=athlete.user, athlete=athlete, permission=CoachAthlete.Permission.FULL
    )
    client = client_for(athlete.user)

    page = client.get(_url(athlete)).content.decode()
    added = htmx_post(
        client,
        f"/athletes/{athlete.id}/plan/sessions/add/",
        {
            "day": "2026-03-06",
            "sport": "run",
            "session_type": "endurance",
            "title": "Solo run",
            "duration_text": "45",
            "week": "2026-03-02",
        },
    )

    assert "is-editable" in page
    assert added.status_code == 200
    assert "Solo run" in added.content.decode()


# --- the month -----------------------------------------------------------------------------------


def test_the_month_shows_calendar_weeks_with_chips_and_weekly_totals(
    coach: User, athlete: Athlete
) -> None:
    planned(athlete, dt.date(2026, 3, 3), "Tempo Tuesday", duration_s=3600)
    planned(athlete, dt.date(2026, 3, 31), "Last day", duration_s=1800)
    done(athlete, dt.date(2026, 3, 3), moving_s=3600)

    response = client_for(coach).get(f"/athletes/{athlete.id}/plan/month/?month=2026-03")

    plan = response.context["plan"]
    assert plan.weeks[0].week_start == dt.date(2026, 2, 23)
    assert plan.weeks[-1].week_start == dt.date(2026, 3, 30)
    assert len(plan.weeks) == 6
    assert plan.weeks[1].planned.duration_s == 3600
    assert plan.weeks[1].actual.duration_s == 3600
    body = response.content.decode()
    assert "Tempo Tuesday" in body
    assert "Last day" in body
    assert f"/athletes/{athlete.id}/plan/?week=2026-03-02" in body
    assert "?month=2026-04" in body


def test_the_athlete_page_the_roster_and_the_athletes_menu_link_to_the_planner(
    coach: User, athlete: Athlete
) -> None:
    plan_url = f'href="/athletes/{athlete.id}/plan/"'

    detail = client_for(coach).get(f"/athletes/{athlete.id}/").content.decode()
    roster = client_for(coach).get("/roster/").content.decode()
    own_page = client_for(athlete.user).get(f"/athletes/{athlete.id}/").content.decode()

    assert plan_url in detail
    assert plan_url in roster
    assert plan_url in own_page
