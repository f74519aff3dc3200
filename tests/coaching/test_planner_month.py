"""The month view's unplanned activities (done without a planned session, linking to the
activity) and its per-sport totals on each week row."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
import time_machine

from athletes.models import Athlete, User
from coaching.selectors.planner import plan_month
from tests.coaching.planner_world import NOW, TODAY, client_for, done, linked, planned

pytestmark = pytest.mark.django_db

TUESDAY = dt.date(2026, 3, 3)


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def week(athlete: Athlete) -> dict[str, object]:
    """Week of 2 March: a planned 1 h run done (linked, 10 km, load 60), a 90 min ride done
    without a plan (40 km, load 80), a planned 30 min swim not done yet."""
    run = planned(athlete, TUESDAY, "Tempo", duration_s=3600)
    linked(run, done(athlete, TUESDAY, moving_s=3600, distance_m=10000, load=60))
    ride = done(
        athlete, TUESDAY, sport="ride", moving_s=5400, distance_m=40000, load=80, name="Café ride"
    )
    planned(athlete, dt.date(2026, 3, 6), "Pool", sport="swim", duration_s=1800)
    return {"ride": ride}


def test_the_month_rows_carry_planned_and_done_totals_per_sport(
    coach: User, athlete: Athlete, week: dict[str, object]
) -> None:
    plan = plan_month(viewer=coach, athlete=athlete, month=TUESDAY, today=TODAY)

    row = next(w for w in plan.weeks if w.week_start == dt.date(2026, 3, 2))
    sports = {t.sport: t for t in row.sports}
    assert list(sports) == ["run", "ride", "swim"]  # the order of the sport choices
    assert sports["run"].planned.duration_s == 3600
    assert sports["run"].actual.distance_m == 10000
    assert sports["run"].actual.load == 60
    assert sports["ride"].planned.duration_s == 0  # nothing planned: zero, not unknown
    assert sports["ride"].actual.duration_s == 5400
    assert sports["ride"].actual.load == 80
    assert sports["swim"].planned.duration_s == 1800
    assert sports["swim"].actual.duration_s == 0
    assert next(w for w in plan.weeks if w.week_start == dt.date(2026, 3, 23)).sports == []


def test_an_activity_done_without_a_plan_is_marked_unplanned_and_links_to_it(
    coach: User, athlete: Athlete, week: dict[str, object]
) -> None:
    ride = week["ride"]

    body = client_for(coach).get(f"/athletes/{athlete.id}/plan/month/?month=2026-03").content
    page = body.decode()

    chips = re.findall(r'<a class="month-chip is-activity[^"]*"\s+href="([^"]+)"', page)
    assert chips == [f"/athletes/{athlete.id}/activities/{ride.id}/"]  # type: ignore[attr-defined]
    assert "is-unplanned" in page and ">Unplanned</span> Café ride" in page
    ride_totals = page.split('data-sport="ride"')[1].split('data-sport="swim"')[0]
    assert "Done 1 h 30 · 40 km · load 80" in ride_totals
    assert "Planned" not in ride_totals  # no ride was planned


def test_the_athlete_sees_their_own_unplanned_activities_in_french(
    athlete: Athlete, week: dict[str, object]
) -> None:
    client = client_for(athlete.user)
    client.cookies["django_language"] = "fr"

    page = client.get(f"/athletes/{athlete.id}/plan/month/?month=2026-03").content.decode()

    assert "Café ride" in page and 'data-sport="swim"' in page
    assert "Prévu 30 min" in page
