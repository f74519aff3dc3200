"""Fitness to race day: the forecast runs to the next A race over the planned sessions, then
over the race's weekly-volume plan calibrated on the athlete's history; time constants per
athlete."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from analytics.metrics import pmc
from analytics.models import DailyLoad
from analytics.pipeline import daily_load_recompute
from analytics.selectors import fitness_get
from athletes.models import Athlete, Goal, User
from athletes.services.profiles import athlete_profile_update
from coaching.services.sessions import planned_session_create
from tests.analytics import builders as b
from tests.analytics.builders import DAY, TODAY
from tests.factories import GoalFactory

pytestmark = pytest.mark.django_db

RACE_ON = TODAY + 182 * DAY  # Friday 18 September 2026: six months out
# Sat 21, Sun 22 and Wed 25 March: this week and the next one are the plan's.
PLANNED = {TODAY + 1 * DAY: 60.0, TODAY + 2 * DAY: 90.0, TODAY + 5 * DAY: 120.0}
LAST_PLANNED = TODAY + 9 * DAY  # Sunday 29 March: the end of the last planned week
RUN_DAYS = (1, 3, 6)  # Tuesday, Thursday, Sunday
RATES = [6.0, 7.0, 8.0, 8.0, 9.0, 10.0] * 2  # load points per km of 12 runs of 10 km


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(b.NOW, tick=False):
        yield


def _history(athlete: Athlete) -> None:
    """Sixty stored days ending today (Fitness 50, Fatigue 60 today) and 12 runs of 10 km on
    Tuesdays, Thursdays and Sundays of the last four weeks, at RATES points per km."""
    b.days(athlete, TODAY - 59 * DAY, [0.0] * 60, fitness=[50.0] * 60, fatigue=[60.0] * 60)
    runs = [d for d in (TODAY - n * DAY for n in range(1, 29)) if d.weekday() in RUN_DAYS]
    for day, rate in zip(runs, RATES, strict=True):
        b.metrics(b.activity(athlete, day, distance_m=10000.0), load=rate * 10)


def _race(athlete: Athlete, **fields: Any) -> Goal:
    defaults = {"name": "Lyon Marathon", "priority": "A", "race_on": RACE_ON, "sport": "run"}
    return GoalFactory(athlete=athlete, **{**defaults, **fields})


def _page(client: Client, athlete: Athlete) -> str:
    client.force_login(athlete.user)
    return html.unescape(client.get(reverse("fitness", args=(athlete.id,))).content.decode())


def _expected(athlete: Athlete, planned: dict[dt.date, float], rate: float) -> pmc.FitnessFatigue:
    days = [TODAY + n * DAY for n in range(1, 183)]
    last = LAST_PLANNED
    per_day = 50.0 * rate / len(RUN_DAYS)
    loads = [
        planned.get(d, 0.0) if d <= last else (per_day if d.weekday() in RUN_DAYS else 0.0)
        for d in days
    ]
    return pmc.forecast(
        np.zeros(0), loads, ctl0=50.0, atl0=60.0, ctl_days=athlete.fitness_days,
        atl_days=athlete.fatigue_days,
    )  # fmt: skip


def _fitness(athlete: Athlete) -> Any:
    return fitness_get(viewer=athlete.user, athlete=athlete, today=TODAY, span_days=91)


def test_the_forecast_reaches_an_a_race_six_months_out_with_its_form_on_race_day(
    athlete: Athlete,
) -> None:
    _history(athlete)
    b.planned(athlete, PLANNED)
    _race(athlete, weekly_distance_m=50000.0)
    _race(athlete, name="Later A race", race_on=RACE_ON + 30 * DAY)
    _race(athlete, name="A B race before", priority="B", race_on=TODAY + 40 * DAY)

    forecast = _fitness(athlete).forecast
    expected = _expected(athlete, PLANNED, rate=8.0)  # the median of RATES

    assert forecast.days[0] == TODAY + DAY and forecast.days[-1] == RACE_ON
    assert forecast.race.day == RACE_ON and forecast.race.name == "Lyon Marathon"
    assert forecast.fitness == pytest.approx(expected.fitness.tolist())
    assert forecast.race.fitness == pytest.approx(expected.fitness[-1])
    assert forecast.race.fatigue == pytest.approx(expected.fatigue[-1])
    assert forecast.race.form == pytest.approx(expected.form[-1])
    assert forecast.plan.rate.median == 8.0 and forecast.plan.weekdays == RUN_DAYS
    assert forecast.plan.first_day == LAST_PLANNED + DAY


def test_planned_days_use_the_plan_and_the_weekly_volume_starts_after_the_last_one(
    athlete: Athlete,
) -> None:
    _history(athlete)
    b.planned(athlete, PLANNED)
    _race(athlete, weekly_distance_m=50000.0)

    forecast = _fitness(athlete).forecast
    loads = zip(forecast.planned, forecast.volume, strict=True)
    by_day = dict(zip(forecast.days, loads, strict=True))

    assert by_day[TODAY + 2 * DAY] == (90.0, 0.0)
    assert by_day[TODAY + 4 * DAY] == (0.0, 0.0)  # a Tuesday of a planned week: the plan's rest
    after = [(d, v) for d, (_p, v) in by_day.items() if d > LAST_PLANNED]
    assert {d.weekday() for d, v in after if v} == set(RUN_DAYS)
    assert sum(v for _d, v in after[:7]) == pytest.approx(50.0 * 8.0)  # 50 km at 8 points/km


def test_the_band_is_form_at_the_quartiles_of_the_load_per_km(athlete: Athlete) -> None:
    _history(athlete)
    b.planned(athlete, PLANNED)
    _race(athlete, weekly_distance_m=50000.0)

    forecast = _fitness(athlete).forecast
    race = forecast.race
    planned_weeks = [i for i, d in enumerate(forecast.days) if d <= LAST_PLANNED + DAY]

    for i in planned_weeks:  # no band while the plan decides (and on the first day after it)
        assert forecast.form_low[i] == forecast.form[i] == forecast.form_high[i]
    assert race.form_low == pytest.approx(_expected(athlete, PLANNED, rate=9.0).form[-1])
    assert race.form_high == pytest.approx(_expected(athlete, PLANNED, rate=7.0).form[-1])
    assert race.form_low < race.form < race.form_high


def test_adding_a_planned_session_moves_the_race_day(
    athlete: Athlete, coach: User, django_capture_on_commit_callbacks: Any
) -> None:
    _history(athlete)
    _race(athlete, weekly_distance_m=50000.0)
    before = _fitness(athlete).forecast.race

    with django_capture_on_commit_callbacks(execute=True):
        session = planned_session_create(
            athlete=athlete, by=coach, day=RACE_ON - 2 * DAY, sport="run", title="Shakeout",
            duration_s=2 * 3600.0, session_type="endurance",
        )  # fmt: skip
    forecast = _fitness(athlete).forecast
    race_week = [i for i, d in enumerate(forecast.days) if d >= RACE_ON - 4 * DAY]

    assert session.est_load and forecast.planned[race_week[2]] == pytest.approx(session.est_load)
    assert [forecast.volume[i] for i in race_week] == [0.0] * 5  # the race week is the plan's
    assert forecast.race.form != pytest.approx(before.form)
    assert forecast.race.fatigue != pytest.approx(before.fatigue)


def test_without_history_the_page_says_the_load_per_km_is_not_calibrated(
    athlete: Athlete, client: Client
) -> None:
    b.days(athlete, TODAY - 9 * DAY, [0.0] * 10, fitness=[50.0] * 10, fatigue=[60.0] * 10)
    _race(athlete, weekly_distance_m=50000.0)

    forecast = _fitness(athlete).forecast
    text = _page(client, athlete)

    assert forecast.plan.rate is None
    assert forecast.volume == [0.0] * 182  # no load invented
    assert "Not enough history to calibrate your load per km" in text
    assert "bar-assumed" not in text
    assert "Race day: Lyon Marathon" in text


def test_the_page_marks_race_day_with_its_projected_form(athlete: Athlete, client: Client) -> None:
    _history(athlete)
    b.planned(athlete, PLANNED)
    _race(athlete, weekly_distance_m=50000.0)
    race = _fitness(athlete).forecast.race

    text = _page(client, athlete)

    assert "Race day: Lyon Marathon" in text
    assert f"<dd data-race-form>{race.form:.0f} " in text
    assert text.count('class="race-dot"') == 2  # wide and narrow
    assert 'class="bar bar-assumed"' in text  # the weekly volume's load, on the load chart
    assert "at 8.0 points per km (the median of 12 sessions" in text
    assert "<td>Fri 18 Sep 2026</td>" in text  # the forecast table ends on race day


def test_without_an_a_race_the_forecast_keeps_its_28_days(athlete: Athlete) -> None:
    _history(athlete)
    b.planned(athlete, PLANNED)
    _race(athlete, priority="B")

    forecast = _fitness(athlete).forecast

    assert forecast.days[-1] == TODAY + 28 * DAY and forecast.race is None


def test_time_constants_default_to_42_and_7(athlete: Athlete) -> None:
    assert (athlete.fitness_days, athlete.fatigue_days) == (42, 7)


def test_the_athletes_time_constants_change_the_forecast(athlete: Athlete) -> None:
    _history(athlete)
    b.planned(athlete, PLANNED)
    _race(athlete, weekly_distance_m=50000.0)
    default = _fitness(athlete).forecast

    Athlete.objects.filter(id=athlete.id).update(fitness_days=28, fatigue_days=5)
    athlete.refresh_from_db()
    short = _fitness(athlete).forecast

    assert short.fitness == pytest.approx(_expected(athlete, PLANNED, rate=8.0).fitness.tolist())
    assert short.race.form != pytest.approx(default.race.form)


def test_changing_the_time_constants_recomputes_the_stored_chart(
    athlete: Athlete, django_capture_on_commit_callbacks: Any
) -> None:
    for n, load in enumerate([80.0, 0.0, 120.0, 60.0, 0.0, 100.0]):
        b.metrics(b.activity(athlete, TODAY - (5 - n) * DAY), load=load)
    daily_load_recompute(athlete=athlete, since=TODAY - 5 * DAY, today=TODAY)
    loads = [80.0, 0.0, 120.0, 60.0, 0.0, 100.0]

    with django_capture_on_commit_callbacks(execute=True):
        athlete_profile_update(athlete=athlete, by=athlete.user, fitness_days=30, fatigue_days=5)

    rows = DailyLoad.objects.filter(athlete=athlete).order_by("day")
    expected = pmc.fitness_fatigue(loads, ctl_days=30, atl_days=5)
    assert [r.fitness for r in rows] == pytest.approx(expected.fitness.tolist())
    assert [r.fatigue for r in rows] == pytest.approx(expected.fatigue.tolist())
    assert expected.fitness[-1] != pytest.approx(pmc.fitness_fatigue(loads).fitness[-1])


def test_a_week_whose_planned_sessions_are_done_stays_the_plans(athlete: Athlete) -> None:
    _history(athlete)
    _race(athlete, weekly_distance_m=50000.0)
    sunday = TODAY + 2 * DAY
    assert _fitness(athlete).forecast.volume[1] > 0  # Sunday: a run day of the volume plan

    b.planned(athlete, {TODAY - 3 * DAY: 80.0})  # this week's Tuesday, done
    forecast = _fitness(athlete).forecast

    assert forecast.days[1] == sunday and forecast.volume[:2] == [0.0, 0.0]
    assert forecast.planned[:2] == [0.0, 0.0]
    assert forecast.plan.first_day == TODAY + 3 * DAY  # Monday 23 March
