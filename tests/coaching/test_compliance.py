"""Compliance that tells the truth (DESIGN §6): over-doing is off plan, a structured session
whose steps all missed is red whatever its volume, missed sessions and unplanned activities,
the rolling 4 weeks, and the per-athlete tallies of the coach's pages in a fixed number of
queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from athletes.models import Athlete, User
from athletes.services.thresholds import thresholds_set
from coaching.models import Link
from coaching.selectors.compliance import compliance_by_athlete
from coaching.selectors.planner import plan_week
from coaching.services.linking import autolink_days
from coaching.workouts.tree import to_data
from tests.coaching.planner_world import MONDAY, NOW, TODAY, client_for, day, done, linked, planned
from tests.coaching.test_journal_steps import DAY, FTP_W, PLAN, REPS, ride
from tests.factories import AthleteFactory, CoachAthleteFactory, CoachFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _week(viewer: Any, athlete: Athlete, week: dt.date = MONDAY, today: dt.date = TODAY) -> Any:
    return plan_week(viewer=viewer, athlete=athlete, week_start=week, today=today)


def test_doing_sixty_percent_more_than_planned_is_red_and_scores_zero(
    coach: User, athlete: Athlete
) -> None:
    session = planned(athlete, day(0), "Steady hour", duration_s=3600)
    linked(session, done(athlete, day(0), moving_s=1.6 * 3600))

    week = _week(coach, athlete)

    assert week.days[0].sessions[0].colour == "red"
    assert (week.compliance.red, week.compliance.judged) == (1, 1)
    assert week.compliance.pct == 0.0  # the old rule capped 1.6 at 1 and said 100 %


def test_a_structured_session_done_in_volume_but_with_no_step_on_target_is_red(
    coach: User, athlete: Athlete
) -> None:
    thresholds_set(
        athlete=athlete, sport="ride", valid_from=dt.date(2026, 1, 1), by=None, ftp_w=FTP_W
    )
    session = planned(athlete, DAY, "5 × 3 min VO2", sport="ride", steps=to_data(PLAN))
    activity = ride(athlete, dict.fromkeys(range(1, REPS + 1), 0.85))  # every rep at 85 % FTP
    linked(session, activity)

    plan = _week(coach, athlete, week=DAY, today=DAY + dt.timedelta(days=1)).days[1].sessions[0]

    assert plan.ratio is not None and plan.ratio.colour == "green"  # the time was done
    assert plan.steps_hit == 0.0
    assert plan.colour == "red"
    assert plan.verdict == "red"


def test_the_auto_linker_stores_the_share_of_steps_on_target(coach: User, athlete: Athlete) -> None:
    thresholds_set(
        athlete=athlete, sport="ride", valid_from=dt.date(2026, 1, 1), by=None, ftp_w=FTP_W
    )
    session = planned(athlete, DAY, "5 × 3 min VO2", sport="ride", steps=to_data(PLAN))
    ride(athlete, {4: 0.85})

    autolink_days(athlete_id=athlete.id, days=[DAY])

    link = Link.objects.get(session=session)
    assert link.kind == "auto"
    assert link.steps_hit == pytest.approx(0.8)


def test_a_session_without_steps_stores_no_share(coach: User, athlete: Athlete) -> None:
    session = planned(athlete, day(0), "Steady hour", duration_s=3600)

    link = linked(session, done(athlete, day(0)))

    assert link.steps_hit is None


def test_a_missed_session_is_counted_as_missed_and_scores_zero(
    coach: User, athlete: Athlete
) -> None:
    planned(athlete, day(1), "Missed tempo", duration_s=3600)
    kept = planned(athlete, day(2), "Kept", duration_s=3600)
    linked(kept, done(athlete, day(2)))

    week = _week(coach, athlete)

    assert (week.compliance.green, week.compliance.red, week.compliance.missed) == (1, 0, 1)
    assert week.compliance.pct == 50.0


def test_unplanned_activities_are_shown_but_not_scored(coach: User, athlete: Athlete) -> None:
    session = planned(athlete, day(0), "Steady hour", duration_s=3600)
    linked(session, done(athlete, day(0)))
    done(athlete, day(1), name="Unplanned jog")
    done(athlete, day(2), name="Another")

    week = _week(coach, athlete)

    assert (week.compliance.judged, week.compliance.unplanned) == (1, 2)
    assert week.compliance.pct == 100.0
    body = client_for(coach).get(f"/athletes/{athlete.id}/plan/").content.decode()
    assert "2 unplanned activities" in body
    assert 'data-count="green"' in body and "1 on plan" in body


def test_the_rolling_four_weeks_count_the_28_days_ending_on_the_weeks_sunday(
    coach: User, athlete: Athlete
) -> None:
    for weeks_back in (0, 1, 2, 3):
        on = day(0) - dt.timedelta(weeks=weeks_back)
        linked(planned(athlete, on, "On plan", duration_s=3600), done(athlete, on))
    planned(athlete, day(0) - dt.timedelta(weeks=2), "Missed", duration_s=3600)
    four_weeks_ago = day(0) - dt.timedelta(weeks=4)
    planned(athlete, four_weeks_ago, "Too old to count", duration_s=3600)

    week = _week(coach, athlete)

    assert (week.compliance.green, week.compliance.missed) == (1, 0)
    assert (week.rolling.green, week.rolling.missed) == (4, 1)
    assert week.rolling.pct == pytest.approx(80.0)
    body = client_for(coach).get(f"/athletes/{athlete.id}/plan/").content.decode()
    assert "Last 4 weeks" in body and "80 %" in body


def _athletes(coach: User, count: int) -> list[Athlete]:
    athletes = []
    for index in range(count):
        athlete = AthleteFactory(user__email=f"a{index}@example.test")
        CoachAthleteFactory(coach=coach, athlete=athlete)
        on_plan = planned(athlete, day(0), "On plan", duration_s=3600)
        linked(on_plan, done(athlete, day(0), load=50.0))
        overdone = planned(athlete, day(1), "Overdone", duration_s=3600)
        linked(overdone, done(athlete, day(1), moving_s=2 * 3600))
        planned(athlete, day(2), "Missed", duration_s=3600)
        planned(athlete, day(5), "Not yet", duration_s=3600)
        done(athlete, day(2), name="Unplanned")
        athletes.append(athlete)
    return athletes


@pytest.mark.parametrize("count", [1, 4])
def test_the_tallies_of_many_athletes_take_two_queries(
    coach: User, count: int, django_assert_num_queries: Any
) -> None:
    athletes = _athletes(coach, count)

    with django_assert_num_queries(2):
        tallies = compliance_by_athlete(
            viewer=coach, athletes=athletes, first=day(0), last=day(6), today=TODAY
        )

    assert set(tallies) == {athlete.id for athlete in athletes}
    for result in tallies.values():
        counts = (result.green, result.yellow, result.red, result.missed, result.unplanned)
        assert counts == (1, 0, 1, 1, 1)
        assert result.pct == pytest.approx(100 / 3)


def test_the_tallies_show_only_what_the_viewer_may_see(coach: User) -> None:
    mine = _athletes(coach, 1)[0]
    other_coach = CoachFactory(email="other@example.test")
    theirs = AthleteFactory(user__email="theirs@example.test")
    CoachAthleteFactory(coach=other_coach, athlete=theirs)
    linked(planned(theirs, day(0), "Theirs", duration_s=3600), done(theirs, day(0)))

    tallies = compliance_by_athlete(
        viewer=coach, athletes=[mine, theirs], first=day(0), last=day(6), today=TODAY
    )

    assert tallies[mine.id].judged == 3
    assert (tallies[theirs.id].judged, tallies[theirs.id].unplanned) == (0, 0)


def test_the_month_shows_each_weeks_counts_per_verdict(coach: User, athlete: Athlete) -> None:
    linked(planned(athlete, day(0), "On plan", duration_s=3600), done(athlete, day(0)))
    linked(
        planned(athlete, day(1), "Overdone", duration_s=3600), done(athlete, day(1), moving_s=7200)
    )
    planned(athlete, day(2), "Missed", duration_s=3600)

    body = (
        client_for(coach).get(f"/athletes/{athlete.id}/plan/month/?month=2026-03").content.decode()
    )

    assert 'data-counts="1/0/1/1"' in body
    assert "1 on plan · 0 partly · 1 off plan · 1 missed" in body
    assert "33 %" in body


def test_the_week_card_shows_the_share_of_steps_on_target(coach: User, athlete: Athlete) -> None:
    thresholds_set(
        athlete=athlete, sport="ride", valid_from=dt.date(2026, 1, 1), by=None, ftp_w=FTP_W
    )
    session = planned(athlete, DAY, "5 × 3 min VO2", sport="ride", steps=to_data(PLAN))
    linked(session, ride(athlete, {4: 0.85}))

    body = client_for(coach).get(f"/athletes/{athlete.id}/plan/?week={DAY}").content.decode()

    assert "steps on target: 80 %" in body


def test_the_activity_page_shows_the_worse_of_volume_and_steps(
    coach: User, athlete: Athlete
) -> None:
    thresholds_set(
        athlete=athlete, sport="ride", valid_from=dt.date(2026, 1, 1), by=None, ftp_w=FTP_W
    )
    session = planned(athlete, DAY, "5 × 3 min VO2", sport="ride", steps=to_data(PLAN))
    activity = ride(athlete, dict.fromkeys(range(1, REPS + 1), 0.85))
    linked(session, activity)

    html = (
        client_for(coach).get(f"/athletes/{athlete.id}/activities/{activity.id}/").content.decode()
    )

    panel = html.split('id="planned-session"')[1].split("</section>")[0]
    assert "compliance-dot compliance-red" in panel  # the time was done, no rep on target
