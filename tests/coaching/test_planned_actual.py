"""Planned vs actual (coaching/selectors/planned_actual.py and its pages): the sums of each
metric per bucket and per athlete, the sport filter, daily and weekly buckets, drafts and
Strava-sourced activities left out, a fixed number of queries, the CSV, and the query string's
validation."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from athletes.models import Athlete, User
from coaching.selectors.planned_actual import Cell, planned_actual
from tests.coaching.builders import activity, session
from tests.coaching.planner_world import client_for
from tests.factories import AthleteFactory, CoachAthleteFactory, GroupFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)
SUNDAY2 = dt.date(2026, 3, 15)  # two weeks
NOW = dt.datetime(2026, 3, 5, 12, 0, tzinfo=dt.UTC)


def day(n: int) -> dt.date:
    return MONDAY + dt.timedelta(days=n)


def _table(viewer: User, athletes: list[Athlete], **options: object) -> object:
    values = {"first": MONDAY, "last": SUNDAY2, "metric": "time", "bucket": "week"} | options
    return planned_actual(viewer=viewer, athletes=athletes, **values)  # type: ignore[arg-type]


def test_time_sums_planned_estimates_and_moving_time_else_elapsed_per_week(
    coach: User, athlete: Athlete
) -> None:
    session(athlete, day(0), duration_s=3600)
    session(athlete, day(2), duration_s=3600)
    session(athlete, day(8), duration_s=1800)
    activity(athlete, day(0), moving_s=3000)
    activity(athlete, day(3), moving_s=0, elapsed_s=1200)  # no moving time: elapsed counts
    data = _table(coach, [athlete])
    row = data.rows[0]
    assert data.buckets == [MONDAY, day(7)]
    assert row.cells == [Cell(7200.0, 4200.0), Cell(1800.0, 0.0)]
    assert row.total == Cell(9000.0, 4200.0)
    assert row.total.percent == pytest.approx(100 * 4200 / 9000)


def test_distance_disteq_load_and_trimp_are_summed_from_estimates_and_metrics(
    coach: User, athlete: Athlete
) -> None:
    session(athlete, day(1), distance_m=12000, dist_eq_km=13.0, load=80, trimp=100)
    activity(athlete, day(1), distance_m=10000, ascent_m=200, load=70, trimp=90)  # no disteq
    activity(athlete, day(2), sport="ride", distance_m=30000, ascent_m=100, manual_load=40)
    activity(athlete, day(3), distance_m=5000, dist_eq_km=6.5, trimp=20)

    def total(metric: str) -> Cell:
        return _table(coach, [athlete], metric=metric).rows[0].total

    assert total("distance") == Cell(12000.0, 45000.0)
    # run 10 km + 200 m climb = 12 km-eq; ride 0.3 × 30 km + 0.02 × 100 m = 11; stored 6.5
    assert total("disteq").done == pytest.approx(29.5)
    assert total("disteq").planned == 13.0
    assert total("load") == Cell(80.0, 110.0)  # metrics' load, else the load entered
    assert total("trimp") == Cell(100.0, 110.0)


def test_planned_without_the_metric_is_unknown_and_nothing_planned_is_zero(
    coach: User, athlete: Athlete
) -> None:
    session(athlete, day(0), duration_s=3600)  # no TRIMP estimate
    data = _table(coach, [athlete], metric="trimp")
    assert data.rows[0].cells == [Cell(None, 0.0), Cell(0.0, 0.0)]
    assert data.rows[0].total.planned is None
    assert data.rows[0].total.percent is None


def test_the_sport_filter_keeps_only_that_sports_sessions_and_activities(
    coach: User, athlete: Athlete
) -> None:
    session(athlete, day(0), duration_s=3600)
    session(athlete, day(1), sport="ride", duration_s=7200)
    activity(athlete, day(0), moving_s=3000)
    activity(athlete, day(1), sport="ride", moving_s=6000)
    assert _table(coach, [athlete], sport="ride").rows[0].total == Cell(7200.0, 6000.0)
    assert _table(coach, [athlete], sport="run").rows[0].total == Cell(3600.0, 3000.0)
    assert _table(coach, [athlete], sport="swim").rows[0].total == Cell(0.0, 0.0)
    assert _table(coach, [athlete]).rows[0].total == Cell(10800.0, 9000.0)


def test_daily_buckets_are_the_athlete_local_days(coach: User, athlete: Athlete) -> None:
    session(athlete, day(2), duration_s=3600)
    activity(athlete, day(2), moving_s=1800)  # 23:30 in Paris: 22:30 UTC, still day(2)
    data = _table(coach, [athlete], bucket="day", first=day(1), last=day(3))
    assert data.buckets == [day(1), day(2), day(3)]
    assert data.rows[0].cells == [Cell(0.0, 0.0), Cell(3600.0, 1800.0), Cell(0.0, 0.0)]


def test_weekly_buckets_start_on_mondays_even_when_the_range_does_not(
    coach: User, athlete: Athlete
) -> None:
    session(athlete, day(9), duration_s=600)
    data = _table(coach, [athlete], first=day(3), last=day(9))
    assert data.buckets == [MONDAY, day(7)]
    assert data.rows[0].cells[1] == Cell(600.0, 0.0)


def test_drafts_and_days_outside_the_range_are_not_counted(coach: User, athlete: Athlete) -> None:
    session(athlete, day(0), duration_s=3600, hidden=True)
    session(athlete, day(-1), duration_s=3600)
    activity(athlete, day(14), moving_s=3600)
    assert _table(coach, [athlete]).rows[0].total == Cell(0.0, 0.0)


def test_a_coach_without_strava_consent_does_not_count_strava_activities(
    coach: User, athlete: Athlete
) -> None:
    activity(athlete, day(0), moving_s=1000)
    activity(athlete, day(1), moving_s=2000, provider="strava")
    assert _table(coach, [athlete]).rows[0].total.done == 1000.0
    assert _table(athlete.user, [athlete]).rows[0].total.done == 3000.0


def _squad(coach: User, size: int) -> list[Athlete]:
    athletes = []
    for n in range(size):
        member = AthleteFactory(user__email=f"squad{n}@example.test")
        CoachAthleteFactory(coach=coach, athlete=member)
        for offset in range(0, 40, 3):
            session(member, day(offset), duration_s=3600, load=50)
            activity(member, day(offset + 1), moving_s=3000, load=45)
        athletes.append(member)
    return athletes


@pytest.mark.parametrize(
    ("size", "bucket", "last", "planned"),
    [
        (1, "week", SUNDAY2, 250.0),  # sessions on days 0, 3, 6, 9, 12
        (1, "day", SUNDAY2, 250.0),
        (6, "day", dt.date(2029, 2, 25), 700.0),  # all 14 of them
        (6, "week", dt.date(2029, 2, 25), 700.0),
    ],
)
def test_two_queries_whatever_the_athletes_and_the_range(
    coach: User,
    django_assert_num_queries: object,
    size: int,
    bucket: str,
    last: dt.date,
    planned: float,
) -> None:
    athletes = _squad(coach, size)
    with django_assert_num_queries(2):  # type: ignore[operator]
        data = _table(coach, athletes, bucket=bucket, last=last, metric="load")
    assert [row.total.planned for row in data.rows] == [planned] * size


def _get(user: User, url: str, **params: str) -> object:
    return client_for(user).get(url, params)


def test_the_page_makes_as_many_queries_for_six_athletes_and_three_years_as_for_one(
    coach: User,
) -> None:
    url = reverse("planned_actual")
    _squad(coach, 1)
    with CaptureQueriesContext(connection) as one:
        assert _get(coach, url, first="2026-03-02", last="2026-03-15").status_code == 200
    _squad_more = [AthleteFactory(user__email=f"more{n}@example.test") for n in range(5)]
    for member in _squad_more:
        CoachAthleteFactory(coach=coach, athlete=member)
        session(member, day(1), duration_s=100)
    with CaptureQueriesContext(connection) as many:
        response = _get(coach, url, first="2026-03-02", last="2029-02-25", bucket="day")
        assert response.status_code == 200
    assert len(many) == len(one)


def _csv_rows(response: object) -> list[list[str]]:
    body = response.content.decode("utf-8")  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(body)))


def test_the_csv_of_one_athlete_is_the_table_with_the_unit_in_the_header(
    coach: User, athlete: Athlete
) -> None:
    session(athlete, day(0), distance_m=10000)
    activity(athlete, day(1), distance_m=12500)
    url = reverse("planned_actual_athlete", args=[athlete.id])
    params = {"first": "2026-03-02", "last": "2026-03-15", "metric": "distance"}
    response = _get(coach, url, **params, format="csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="planned-vs-actual-athlete-{athlete.id}-distance-per-week-'
        '2026-03-02-to-2026-03-15.csv"'
    )
    assert _csv_rows(response) == [
        ["Week of", "Planned (km)", "Done (km)", "%"],
        ["2026-03-02", "10.0", "12.5", "125%"],
        ["2026-03-09", "0.0", "0.0", "—"],
        ["Total", "10.0", "12.5", "125%"],
    ]
    page = _get(coach, url, **params).content.decode()
    assert "125%" in page and "12.5" in page


def test_the_csv_of_a_group_has_a_row_per_athlete_and_a_trio_per_bucket(
    coach: User, athlete: Athlete
) -> None:
    teammate = AthleteFactory(user__email="mate@example.test", user__first_name="Zoe")
    CoachAthleteFactory(coach=coach, athlete=teammate)
    outsider = AthleteFactory(user__email="out@example.test", user__first_name="Bob")
    CoachAthleteFactory(coach=coach, athlete=outsider)
    group = GroupFactory(coach=coach)
    group.athletes.set([athlete, teammate])
    session(athlete, day(0), duration_s=5400)
    activity(athlete, day(0), moving_s=2700)
    activity(teammate, day(8), moving_s=3600)
    response = _get(
        coach,
        reverse("planned_actual"),
        group=str(group.id),
        first="2026-03-02",
        last="2026-03-15",
        format="csv",
    )
    rows = _csv_rows(response)
    assert f"group-{group.id}-time-per-week" in response["Content-Disposition"]
    assert rows[0][:4] == [
        "Athlete",
        "2026-03-02 Planned (h:mm)",
        "2026-03-02 Done (h:mm)",
        "2026-03-02 %",
    ]
    assert rows[0][-3:] == ["Total Planned (h:mm)", "Total Done (h:mm)", "Total %"]
    assert rows[1:] == [
        [str(athlete), "1:30", "0:45", "50%", "0:00", "0:00", "—", "1:30", "0:45", "50%"],
        [str(teammate), "0:00", "0:00", "—", "0:00", "1:00", "—", "0:00", "1:00", "—"],
    ]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"first": "2026-13-01"}, "Enter a valid date."),
        ({"first": "2026-03-10", "last": "2026-03-01"}, "must not be after the last day"),
        ({"first": "2020-01-01", "last": "2026-03-01"}, "at most three years"),
        ({"metric": "watts"}, "Select a valid choice."),
        ({"sport": "curling"}, "Select a valid choice."),
        ({"bucket": "hour"}, "Select a valid choice."),
        ({"weeks": "5"}, "Select a valid choice."),
        ({"last": "0001-01-02"}, "Choose a later last day."),
    ],
)
def test_an_unreadable_query_string_is_a_400_with_the_reason(
    coach: User, athlete: Athlete, params: dict[str, str], message: str
) -> None:
    for url in (reverse("planned_actual"), reverse("planned_actual_athlete", args=[athlete.id])):
        response = _get(coach, url, **params)
        assert response.status_code == 400
        assert message in response.content.decode()


def test_the_default_range_is_the_last_eight_weeks_and_presets_replace_it(
    coach: User, athlete: Athlete
) -> None:
    url = reverse("planned_actual")
    with time_machine.travel(NOW, tick=False):
        page = _get(coach, url).content.decode()
        assert "From 2026-01-12 to 2026-03-08" in page
        preset = _get(coach, url, weeks="26", first="2026-03-01").content.decode()
        assert "From 2025-09-08 to 2026-03-08" in preset


def test_a_stranger_coach_gets_404_for_another_coachs_athlete_and_group(
    coach: User, athlete: Athlete, other_coach: User
) -> None:
    group = GroupFactory(coach=coach)
    url = reverse("planned_actual")
    assert _get(other_coach, url, athlete=str(athlete.id)).status_code == 404
    assert _get(other_coach, url, group=str(group.id)).status_code == 404
    own = reverse("planned_actual_athlete", args=[athlete.id])
    assert _get(other_coach, own).status_code == 404
    assert _get(other_coach, url, group="x").status_code == 404


def test_the_roster_page_shows_only_the_viewers_athletes(
    coach: User, athlete: Athlete, other_athlete: Athlete
) -> None:
    page = _get(coach, reverse("planned_actual"), first="2026-03-02", last="2026-03-15")
    text = page.content.decode()
    assert "Ada" in text and "Olga" not in text
    own = _get(athlete.user, reverse("planned_actual"), first="2026-03-02", last="2026-03-15")
    assert "Ada" in own.content.decode() and "Claire" not in own.content.decode()


def test_one_athlete_by_query_string_shows_the_athletes_buckets(
    coach: User, athlete: Athlete
) -> None:
    session(athlete, day(0), duration_s=3600)
    page = _get(
        coach,
        reverse("planned_actual"),
        athlete=str(athlete.id),
        first="2026-03-02",
        last="2026-03-08",
    ).content.decode()
    assert "Week of" in page and "1:00" in page and "Ada" in page


def test_empty_states(coach: User, athlete: Athlete) -> None:
    group = GroupFactory(coach=coach)
    empty_group = _get(coach, reverse("planned_actual"), group=str(group.id)).content.decode()
    assert "No athletes in this group yet." in empty_group
    nothing = _get(coach, reverse("planned_actual")).content.decode()
    assert "Nothing planned and nothing done in this period." in nothing


def test_the_coach_nav_the_roster_and_the_plan_pages_link_to_it(
    coach: User, athlete: Athlete
) -> None:
    roster = _get(coach, reverse("roster")).content.decode()
    assert roster.count(f'href="{reverse("planned_actual")}"') >= 2  # nav and roster
    own = reverse("planned_actual_athlete", args=[athlete.id])
    for name in ("planner", "planner_month"):
        page = _get(athlete.user, reverse(name, args=[athlete.id])).content.decode()
        assert f'href="{own}"' in page
