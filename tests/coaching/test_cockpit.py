"""The coach's cockpit: one row per athlete, each column from crafted data, tenancy, filters,
sorting, weeks, and a fixed number of queries whatever the athletes and their history."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from activities.models import Activity
from analytics.models import DailyLoad
from athletes.models import Athlete, CoachAthlete, Goal, Group, User, WellnessDay
from coaching.models import AttentionDismissal, Comment, PlannedSession
from coaching.selectors.cockpit import CockpitRow, cockpit_get, cockpit_sort
from integrations.models import Connection
from tests.analytics.builders import days as daily_loads
from tests.coaching.planner_world import (
    MONDAY,
    NOW,
    TODAY,
    client_for,
    day,
    done,
    linked,
    planned,
)
from tests.factories import AthleteFactory, CoachAthleteFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
URL = "/cockpit/"


@pytest.fixture
def frozen() -> object:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _session(athlete: Athlete, on: dt.date, title: str = "Run", **estimates: float) -> Any:
    """A published session whose estimates are exactly these (crafted, not estimated)."""
    session = planned(athlete, on, title, duration_s=3600)
    PlannedSession.objects.filter(id=session.id).update(
        **{"est_duration_s": None, "est_distance_m": None, "est_load": None} | estimates
    )
    session.refresh_from_db()
    return session


def _row(coach: User, athlete: Athlete, week: dt.date = MONDAY) -> CockpitRow:
    page = cockpit_get(viewer=coach, week_start=week)
    return next(row for row in page.rows if row.athlete.id == athlete.id)


# --- the landing page and the door ----------------------------------------------------------------


def test_a_coach_lands_on_the_cockpit(coach: User) -> None:
    response = client_for(coach).get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("cockpit")


def test_the_cockpit_lists_only_the_coachs_athletes(
    coach: User, athlete: Athlete, other_athlete: Athlete, former_athlete: Athlete
) -> None:
    response = client_for(coach).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="cockpit-athlete-{athlete.id}"' in html
    assert f'id="cockpit-athlete-{other_athlete.id}"' not in html
    assert f'id="cockpit-athlete-{former_athlete.id}"' not in html


def test_a_former_coach_sees_no_row_of_their_former_athlete(
    athlete: Athlete, former_coach: User
) -> None:
    response = client_for(former_coach).get(URL)
    assert response.status_code == 200
    assert f"cockpit-athlete-{athlete.id}" not in response.content.decode()


def test_an_athlete_gets_what_the_roster_gives_non_coaches(athlete: Athlete) -> None:
    response = client_for(athlete.user).get(URL)
    assert response.status_code == 403
    assert "The roster is for coaches" in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(db: None) -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_coach_without_athletes_is_invited_to_invite(coach: User) -> None:
    html = client_for(coach).get(URL).content.decode()
    assert "No athletes yet" in html
    assert reverse("invitation_create") in html


def test_the_nav_and_the_roster_link_to_the_cockpit(coach: User, athlete: Athlete) -> None:
    html = client_for(coach).get(reverse("roster")).content.decode()
    assert html.count(f'href="{URL}"') >= 2  # the nav, the roster's header


# --- the week, planned vs done --------------------------------------------------------------------


def test_the_week_sums_published_sessions_and_every_activity(coach: User, athlete: Athlete) -> None:
    _session(athlete, day(0), est_duration_s=3600, est_distance_m=10000, est_load=60)
    _session(athlete, day(5), est_duration_s=5400, est_distance_m=15000, est_load=90)
    draft = _session(athlete, day(6), est_duration_s=9999, est_load=999)
    PlannedSession.objects.filter(id=draft.id).update(hidden=True)
    done(athlete, day(0), moving_s=3000, distance_m=9000, load=50, dist_eq_km=9.5)
    done(athlete, day(1), moving_s=1800, distance_m=5000, manual_load=20)
    done(athlete, day(-1), moving_s=7200, load=500)  # last week: not counted
    row = _row(coach, athlete)
    assert row.planned.duration_s == 9000
    assert row.planned.distance_m == 25000
    assert row.planned.load == 150
    assert row.done.duration_s == 4800
    assert row.done.distance_m == 14000
    assert row.done.load == 70
    assert row.done.dist_eq_km == pytest.approx(9.5 + 5.0)
    assert row.load_ratio == pytest.approx(70 / 150)


def test_session_verdicts_and_compliance_come_from_the_compliance_selector(
    coach: User, athlete: Athlete
) -> None:
    linked(_session(athlete, day(0), est_load=100), done(athlete, day(0), load=100))  # green
    linked(_session(athlete, day(1), est_load=100), done(athlete, day(1), load=60))  # yellow
    linked(_session(athlete, day(2), est_load=100), done(athlete, day(2), load=20))  # red
    _session(athlete, day(1), "Missed", est_load=100)  # past, no activity: missed
    _session(athlete, day(5), "Saturday", est_load=100)  # future: not judged
    linked(_session(athlete, day(-7), est_load=100), done(athlete, day(-7), load=100))
    row = _row(coach, athlete)
    week = row.compliance.week
    assert (week.green, week.yellow, week.red, week.missed) == (1, 1, 1, 1)
    assert week.pct == pytest.approx(100 * (1 + 0.5 + 0 + 0) / 4)  # DESIGN §6 scores
    rolling = row.compliance.rolling
    assert rolling.judged == 5
    assert rolling.pct == pytest.approx(100 * (1 + 0.5 + 0 + 0 + 1) / 5)


def test_weeks_move_by_the_week_parameter(coach: User, athlete: Athlete) -> None:
    _session(athlete, day(7), "Next week", est_load=80)
    row = _row(coach, athlete, week=day(9))
    assert row.planned.load == 80
    html = client_for(coach).get(URL, {"week": day(9).isoformat()}).content.decode()
    assert f"week={MONDAY.isoformat()}" in html  # previous
    assert f"week={day(14).isoformat()}" in html  # next


# --- fitness, last activity, race -----------------------------------------------------------------


def test_fitness_fatigue_form_today_their_change_and_the_acwr(
    coach: User, athlete: Athlete
) -> None:
    first = TODAY - dt.timedelta(days=34)
    loads = [50.0] * 28 + [80.0] * 7
    fitness = [float(n) for n in range(35)]
    daily_loads(athlete, first, loads, fitness=fitness, fatigue=fitness, form=[-5.0] * 35)
    DailyLoad.objects.create(athlete=athlete, day=TODAY + dt.timedelta(days=1), fitness=999)
    row = _row(coach, athlete)
    assert row.state is not None
    assert row.state.latest.day == TODAY
    assert row.state.latest.fitness == 34
    assert row.state.fitness_change == 7
    assert row.state.form_change == 0
    assert row.state.latest.acwr == pytest.approx(80 / ((21 * 50 + 7 * 80) / 28))
    assert row.state.latest.band == "high"


def test_the_last_activity_is_the_latest_one_with_its_load(coach: User, athlete: Athlete) -> None:
    done(athlete, day(-20), name="Old one", load=10)
    latest = done(athlete, day(2), name="Tempo", load=77)
    row = _row(coach, athlete)
    assert row.last_activity is not None
    assert row.last_activity.activity.id == latest.id
    assert row.last_activity.load == 77
    html = client_for(coach).get(URL).content.decode()
    assert reverse("activity_detail", args=[athlete.id, latest.id]) in html


def test_strava_activities_are_hidden_without_consent(coach: User, athlete: Athlete) -> None:
    strava = done(athlete, day(3), name="Strava ride", load=40)
    Activity.objects.filter(id=strava.id).update(primary_provider="strava")
    done(athlete, day(1), name="Own file", load=30)
    row = _row(coach, athlete)
    assert row.last_activity is not None
    assert row.last_activity.activity.name == "Own file"
    assert row.done.load == 30


def test_days_to_the_next_a_race(coach: User, athlete: Athlete) -> None:
    Goal.objects.create(athlete=athlete, name="B race", race_on=day(10), priority="B")
    Goal.objects.create(athlete=athlete, name="Past A", race_on=day(-3), priority="A")
    Goal.objects.create(athlete=athlete, name="Marathon", race_on=TODAY + dt.timedelta(days=40))
    Goal.objects.create(athlete=athlete, name="Later A", race_on=TODAY + dt.timedelta(days=90))
    Goal.objects.filter(name__in=["Marathon", "Later A"]).update(priority="A")
    row = _row(coach, athlete)
    assert row.next_race is not None and row.next_race.name == "Marathon"
    assert row.days_to_race == 40


# --- what waits for the coach ---------------------------------------------------------------------


def test_counts_unlinked_activities_missing_rpe_unread_comments_and_problems(
    coach: User, athlete: Athlete
) -> None:
    linked(planned(athlete, day(0)), done(athlete, day(0)))  # linked, no RPE
    done(athlete, day(1))  # unlinked, no RPE
    rated = done(athlete, day(2))  # unlinked, RPE
    rated.rpe = 5
    rated.save()
    done(athlete, TODAY - dt.timedelta(days=30))  # unlinked, too old for RPE
    done(athlete, TODAY - dt.timedelta(weeks=9))  # too old for both
    Comment.objects.create(athlete=athlete, author=athlete.user, activity=rated, body="Hard")
    Comment.objects.create(athlete=athlete, author=coach, activity=rated, body="Mine: read")
    Connection.objects.create(athlete=athlete, provider="garmin", status="needs_user")
    Connection.objects.create(athlete=athlete, provider="strava", status="active")
    row = _row(coach, athlete)
    assert row.unlinked == 3
    assert row.without_rpe == 2
    assert row.unread == 1
    assert row.connection_problems == 1


def test_each_athlete_counts_from_their_own_today(coach: User, athlete: Athlete) -> None:
    """At noon UTC on Thursday it is already Friday in Auckland, still Thursday in Paris."""
    kiwi = AthleteFactory(user__first_name="Kiri", time_zone="Pacific/Auckland")
    CoachAthleteFactory(coach=coach, athlete=kiwi)
    done(kiwi, day(4))  # Friday: today in Auckland
    done(athlete, day(4))  # Friday: tomorrow in Paris (a planned-ahead log)
    done(kiwi, TODAY - dt.timedelta(weeks=8))  # Thursday 8 weeks ago: 8 weeks and a day ago
    done(athlete, TODAY - dt.timedelta(weeks=8))  # exactly 8 weeks ago in Paris: counted
    assert _row(coach, kiwi).today == day(4)
    assert (_row(coach, kiwi).without_rpe, _row(coach, kiwi).unlinked) == (1, 1)
    assert (_row(coach, athlete).without_rpe, _row(coach, athlete).unlinked) == (0, 1)


def test_an_unreadable_week_is_this_week(coach: User, athlete: Athlete) -> None:
    html = client_for(coach).get(URL, {"week": "not-a-day"}).content.decode()
    assert f"week={day(-7).isoformat()}" in html
    assert f"week={day(7).isoformat()}" in html


# --- groups and sorting ---------------------------------------------------------------------------


def test_the_group_filter_narrows_the_rows(coach: User, athlete: Athlete) -> None:
    second = AthleteFactory(user__first_name="Bea")
    CoachAthleteFactory(coach=coach, athlete=second)
    group = Group.objects.create(coach=coach, name="Elite")
    group.athletes.add(second)
    html = client_for(coach).get(URL, {"group": group.id}).content.decode()
    assert f"cockpit-athlete-{second.id}" in html
    assert f"cockpit-athlete-{athlete.id}" not in html


def test_another_coachs_group_is_404(coach: User, other_coach: User) -> None:
    group = Group.objects.create(coach=other_coach, name="Theirs")
    assert client_for(coach).get(URL, {"group": group.id}).status_code == 404
    assert client_for(coach).get(URL, {"group": "x"}).status_code == 404


def test_sorting_by_a_column_puts_unknown_values_last(coach: User, athlete: Athlete) -> None:
    second = AthleteFactory(user__first_name="Bea")
    CoachAthleteFactory(coach=coach, athlete=second)
    third = AthleteFactory(user__first_name="Cyd")
    CoachAthleteFactory(coach=coach, athlete=third)
    done(athlete, day(0), load=10)
    done(second, day(0), load=90)
    rows = cockpit_get(viewer=coach, week_start=MONDAY).rows
    by_load, key = cockpit_sort(rows, sort="-load")
    assert key == "-load"
    assert [row.athlete.id for row in by_load][:2] == [second.id, athlete.id]
    by_name, key = cockpit_sort(rows, sort="'; DROP TABLE")
    assert key == "name"
    assert [row.athlete.id for row in by_name] == [athlete.id, second.id, third.id]
    html = client_for(coach).get(URL, {"sort": "-load"}).content.decode()
    order = [int(n) for n in re.findall(r'id="cockpit-athlete-(\d+)"', html)]
    assert order == [second.id, athlete.id, third.id]
    assert 'aria-sort="descending"' in html


# --- a fixed number of queries --------------------------------------------------------------------


def _history(coach: User, count: int) -> None:
    for n in range(count):
        athlete = AthleteFactory(user__first_name=f"Runner{n}")
        CoachAthleteFactory(coach=coach, athlete=athlete, permission=CoachAthlete.Permission.EDIT)
        for week in range(6):
            monday = MONDAY - dt.timedelta(weeks=week)
            session = _session(athlete, monday, est_load=60)
            linked(session, done(athlete, monday, load=55))
            done(athlete, monday + dt.timedelta(days=2), load=30)
        daily_loads(athlete, TODAY - dt.timedelta(days=40), [40.0] * 41)
        Goal.objects.create(athlete=athlete, name="A", race_on=day(30), priority="A")
        Connection.objects.create(athlete=athlete, provider="garmin", status="error")
        Comment.objects.create(
            athlete=athlete,
            author=athlete.user,
            body="Hi",
            activity=Activity.objects.filter(athlete=athlete).first(),
        )
        _attention(coach, athlete)


def _attention(coach: User, athlete: Athlete) -> None:
    """What feeds the attention queue: a missed key session, shared wellness, a dismissal."""
    planned(athlete, day(1), "Intervals", session_type="intervals")
    Athlete.objects.filter(id=athlete.id).update(wellness_shared_at=NOW)
    for n in range(29):
        WellnessDay.objects.create(
            athlete=athlete, day=TODAY - dt.timedelta(days=n), hrv_ms=60 + n % 3, sleep_s=18000
        )
    AttentionDismissal.objects.create(coach=coach, athlete=athlete, kind="plan", fingerprint="x")


def _queries(client: Client, django_assert_max_num_queries: DjangoAssertNumQueries) -> int:
    with django_assert_max_num_queries(100) as captured:
        assert client.get(URL).status_code == 200
    return len(captured.captured_queries)


def test_the_page_costs_the_same_at_one_and_at_eight_athletes(
    coach: User,
    django_assert_num_queries: DjangoAssertNumQueries,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(coach)
    _history(coach, 1)
    client.get(URL)  # warm the session and the caches the page shares with others
    one = _queries(client, django_assert_max_num_queries)
    assert one <= 18 + 8  # the cockpit's 18, plus the attention queue's 8
    _history(coach, 7)
    with django_assert_num_queries(one):
        response = client.get(URL)
    page = response.content.decode()
    assert len(re.findall(r'id="cockpit-athlete-', page)) == 8
    assert len(re.findall(r'data-kind="missed_key"', page)) == 8
    assert len(re.findall(r'data-kind="sleep"', page)) == 8
