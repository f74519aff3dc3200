"""The athlete's home (/today/): today's sessions with their steps and the FIT download, yesterday
with its compliance, the RPE prompt of yesterday and today, the week strip, Form and wellness at
a glance, the next race — each with its empty state, only the viewer's own data, and a fixed
number of queries."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from activities.models import Activity
from activities.services.journal import activity_journal_update
from athletes.models import Athlete, Goal, User, WellnessDay
from tests.analytics import builders
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
    power_steps,
)
from tests.factories import GoalFactory

pytestmark = pytest.mark.django_db

YESTERDAY = TODAY - dt.timedelta(days=1)
URL = "/today/"
# Measured: session, user, profile language, the viewer's athlete, the planning right, sessions,
# activities, goals of the days, activities waiting for an RPE, the next race, DailyLoad rows,
# the next A race and planned loads (the forecast), wellness nights, the navigation's own
# athlete, connections' problems.
HOME_QUERIES = 16


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _page(user: User, *, language: str = "en") -> str:
    client = client_for(user)
    client.cookies["django_language"] = language
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str, css: str) -> str:
    """The HTML of the <section> whose class list holds `css`."""
    match = re.search(rf'<section class="[^"]*\b{css}\b.*?</section>', html, re.DOTALL)
    assert match is not None, f"no section .{css}"
    return match.group(0)


# --- home and access ------------------------------------------------------------------------


def test_home_sends_an_athlete_to_this_page_and_a_coach_to_the_cockpit(
    athlete: Athlete, coach: User
) -> None:
    assert client_for(athlete.user).get("/")["Location"] == URL
    assert client_for(coach).get("/")["Location"] == reverse("cockpit")


def test_the_page_is_404_for_someone_without_an_athlete_profile(coach: User, staff: User) -> None:
    for user in (coach, staff):
        assert client_for(user).get(URL).status_code == 404
    assert Client().get(URL).status_code == 302  # to the login page


def test_the_page_shows_only_the_viewers_own_data(athlete: Athlete, other_athlete: Athlete) -> None:
    planned(other_athlete, TODAY, "Olga's intervals")
    done(other_athlete, YESTERDAY, name="Olga's long run")
    GoalFactory(athlete=other_athlete, race_on=TODAY + dt.timedelta(days=30), name="Olga's race")
    WellnessDay.objects.create(athlete=other_athlete, day=TODAY, sleep_s=30000, hrv_ms=71.0)
    builders.days(other_athlete, TODAY - dt.timedelta(days=3), [50.0] * 4)
    mine = planned(athlete, TODAY, "Ada's tempo")

    html = _page(athlete.user)

    assert "Ada&#x27;s tempo" in html and f"home-session-{mine.id}" in html
    for theirs in ("Olga", "71 ms"):
        assert theirs not in html
    assert "No activities yet: Fitness, Fatigue and Form appear" in html
    assert "No A or B race ahead." in html


def test_a_brand_new_athlete_sees_an_empty_state_in_every_block(athlete: Athlete) -> None:
    html = _page(athlete.user)

    assert "Nothing planned today: a rest day, or a free one." in html
    assert "Nothing planned or recorded yesterday." in html
    assert 'id="home-rpe"' in html and "How did it feel?" in html  # present but hidden
    assert re.search(r'id="home-rpe"[^>]*hidden', html)
    assert "Nothing to judge yet." in html
    assert "No activities yet: Fitness, Fatigue and Form appear" in html
    assert reverse("activity_upload", args=[athlete.id]) in html
    assert "No sleep, HRV or resting heart rate recorded for last night." in html
    assert "No A or B race ahead." in html


def test_the_page_speaks_french(athlete: Athlete) -> None:
    session = planned(athlete, TODAY, "Seuil", sport="ride", steps=power_steps(220, 20))
    missed = planned(athlete, YESTERDAY, "Footing", duration_s=1800.0)

    html = _page(athlete.user, language="fr")

    assert '<html lang="fr"' in html
    assert "Télécharger pour la montre (FIT)" in html
    assert reverse("planned_session_fit", args=[athlete.id, session.id]) in html
    assert "Manqué" in _section(html, "home-yesterday") and missed.title in html


# --- today ----------------------------------------------------------------------------------


def test_today_shows_each_session_with_estimates_steps_and_the_fit_download(
    athlete: Athlete,
) -> None:
    structured = planned(athlete, TODAY, "Sweet spot", sport="ride", steps=power_steps(220, 45))
    free = planned(athlete, TODAY, "Easy jog", duration_s=1800.0, distance_m=5000.0)
    planned(athlete, TODAY + dt.timedelta(days=1), "Tomorrow's swim", sport="swim")

    today = _section(_page(athlete.user), "home-today")

    assert today.index("Sweet spot") < today.index("Easy jog")
    assert "45 min" in today and "220 W" in today  # the step in words
    assert 'class="workout-steps"' in today
    fit = reverse("planned_session_fit", args=[athlete.id, structured.id])
    assert f'href="{fit}"' in today
    assert reverse("planned_session_fit", args=[athlete.id, free.id]) not in today  # no steps
    assert "30 min" in today and "5 km" in today
    assert "Tomorrow" not in today
    assert "Nothing planned today" not in today


def test_the_athlete_of_a_coach_does_not_see_the_coachs_drafts(athlete: Athlete) -> None:
    planned(athlete, TODAY, "Published tempo")
    planned(athlete, TODAY, "Draft intervals", hidden=True)
    planned(athlete, day(5), "Draft long run", duration_s=7200.0, hidden=True)

    html = _page(athlete.user)

    assert "Published tempo" in html
    assert "Draft" not in html and "2 h 00" not in _section(html, "home-week")


def test_today_shows_what_is_already_done(athlete: Athlete) -> None:
    session = planned(athlete, TODAY, "Easy hour", duration_s=3600.0)
    linked(session, done(athlete, TODAY, name="Lunch run"))
    done(athlete, TODAY, sport="ride", name="Commute")

    today = _section(_page(athlete.user), "home-today")

    assert "Done:" in today and "Lunch run" in today
    assert "Other activities" in today and "Commute" in today


# --- yesterday and the RPE prompt ---------------------------------------------------------------


def test_yesterday_shows_done_sessions_with_their_compliance_missed_ones_and_extras(
    athlete: Athlete,
) -> None:
    on_plan = planned(athlete, YESTERDAY, "Long run", duration_s=3600.0)
    linked(on_plan, done(athlete, YESTERDAY, moving_s=3600.0, name="Sunday long"))
    planned(athlete, YESTERDAY, "Strides", duration_s=1200.0)
    done(athlete, YESTERDAY, sport="ride", name="Spin")
    done(athlete, YESTERDAY - dt.timedelta(days=1), name="Two days ago")

    yesterday = _section(_page(athlete.user), "home-yesterday")

    assert "Long run" in yesterday and "Sunday long" in yesterday
    assert "compliance-green" in yesterday and "(100 %)" in yesterday
    assert "Strides" in yesterday and "Missed" in yesterday and "compliance-red" in yesterday
    assert "Spin" in yesterday
    assert "Two days ago" not in yesterday


def test_on_a_monday_yesterday_is_the_sunday_of_last_week(athlete: Athlete) -> None:
    sunday = MONDAY - dt.timedelta(days=1)
    done(athlete, sunday, name="Sunday ride", sport="ride")
    with time_machine.travel(dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC), tick=False):
        html = _page(athlete.user)

    assert "Sunday ride" in _section(html, "home-yesterday")
    assert "Sunday ride" not in _section(html, "home-week")


def test_the_rpe_prompt_lists_yesterdays_and_todays_activities_without_rpe(
    athlete: Athlete,
) -> None:
    today = done(athlete, TODAY, name="Today's run")
    yesterday = done(athlete, YESTERDAY, name="Yesterday's ride", sport="ride")
    older = done(athlete, TODAY - dt.timedelta(days=2), name="Older run")
    rated = done(athlete, YESTERDAY, name="Rated run")
    activity_journal_update(activity=rated, by=athlete.user, rpe=4, feel=None, notes="")

    prompt = _section(_page(athlete.user), "home-rpe")

    for shown in (today, yesterday):
        assert reverse("athlete_home_rpe", args=[shown.id]) in prompt
    for hidden in (older, rated):
        assert reverse("athlete_home_rpe", args=[hidden.id]) not in prompt
    assert prompt.index("Today&#x27;s run") < prompt.index("Yesterday&#x27;s ride")
    assert " hidden" not in prompt.split(">", 1)[0]


def test_logging_rpe_from_the_home_saves_it_and_the_activity_leaves_the_prompt(
    athlete: Athlete,
) -> None:
    first = done(athlete, YESTERDAY, name="Hill repeats")
    second = done(athlete, TODAY, name="Shakeout")
    client = client_for(athlete.user)

    response = htmx_post(client, reverse("athlete_home_rpe", args=[first.id]), {"rpe": "7"})

    first.refresh_from_db()
    assert (first.rpe, first.feel) == (7, None)
    block = response.content.decode()
    assert "Logged: Hill repeats." in block
    assert reverse("athlete_home_rpe", args=[first.id]) not in block
    assert reverse("athlete_home_rpe", args=[second.id]) in block

    plain = client.post(reverse("athlete_home_rpe", args=[second.id]), {"rpe": "3", "feel": "4"})
    assert plain.status_code == 302 and plain["Location"] == URL
    second.refresh_from_db()
    assert (second.rpe, second.feel) == (3, 4)


def test_an_rpe_log_without_the_effort_is_refused_and_says_why(athlete: Athlete) -> None:
    run = done(athlete, YESTERDAY)

    block = htmx_post(
        client_for(athlete.user), reverse("athlete_home_rpe", args=[run.id]), {"feel": "3"}
    )

    assert "Choose how hard the session was." in block.content.decode()
    run.refresh_from_db()
    assert run.rpe is None


def test_without_javascript_a_refused_rpe_log_comes_back_home_with_the_reason(
    athlete: Athlete,
) -> None:
    run = done(athlete, YESTERDAY)

    response = client_for(athlete.user).post(
        reverse("athlete_home_rpe", args=[run.id]), {"feel": "3"}, follow=True
    )

    assert response.redirect_chain == [(URL, 302)]
    assert "Choose how hard the session was." in response.content.decode()


def test_the_week_strip_falls_back_to_load_when_no_time_is_known(athlete: Athlete) -> None:
    gym = done(athlete, day(0), load=55.0, name="Gym")
    Activity.objects.filter(id=gym.id).update(moving_s=None, elapsed_s=None)

    days = _strip_days(_page(athlete.user))

    assert "load 55" in days[0]


def test_nobody_logs_rpe_on_someone_elses_activity(
    athlete: Athlete, other_athlete: Athlete, coach: User
) -> None:
    run = done(athlete, YESTERDAY)
    url = reverse("athlete_home_rpe", args=[run.id])

    for user in (other_athlete.user, coach):
        assert client_for(user).post(url, {"rpe": "5"}).status_code == 404
    run.refresh_from_db()
    assert run.rpe is None


# --- the week strip -----------------------------------------------------------------------------


def _strip_days(html: str) -> list[str]:
    week = _section(html, "home-week")
    return re.findall(r'<li class="week-strip-day.*?</li>', week, re.DOTALL)


def test_the_week_strip_shows_monday_to_sunday_planned_vs_done_and_compliance(
    athlete: Athlete,
) -> None:
    good = planned(athlete, day(0), "Monday easy", duration_s=3600.0)
    linked(good, done(athlete, day(0), moving_s=3600.0))
    planned(athlete, day(1), "Tuesday missed", duration_s=2700.0)
    partial = planned(athlete, day(2), "Wednesday half", duration_s=3600.0)
    linked(partial, done(athlete, day(2), moving_s=2400.0))
    planned(athlete, day(5), "Saturday long", duration_s=7200.0)
    done(athlete, MONDAY - dt.timedelta(days=1), name="Last Sunday")

    html = _page(athlete.user)
    days = _strip_days(html)

    assert len(days) == 7
    assert "is-today" in days[3] and "is-past" in days[2] and "is-past" not in days[4]
    assert "compliance-green" in days[0] and "1 h 00" in days[0]
    assert "compliance-missed" in days[1] and "45 min" in days[1]
    assert "compliance-yellow" in days[2] and "40 min" in days[2]
    assert "is-planned" in days[5] and "2 h 00" in days[5]
    assert 'href="{}"'.format(reverse("planner_day", args=[athlete.id, "2026-03-08"])) in days[6]
    totals = _section(html, "home-week").split('class="week-strip-totals"')[1]
    assert "4 h 45" in totals  # planned: 1 h + 45 min + 1 h + 2 h
    assert "1 h 40" in totals  # done this week, not last Sunday
    assert "50 %" in totals  # DESIGN §6 scores: on plan 1, partly 0.5, missed 0
    assert 'data-count="missed"' in totals and "1 missed" in totals


# --- Form and wellness ----------------------------------------------------------------------


def test_form_shows_todays_values_and_their_change_over_seven_days(athlete: Athlete) -> None:
    first = TODAY - dt.timedelta(days=9)
    fitness = [40.0 + n for n in range(10)]  # 49 today, 42 a week ago
    fatigue = [60.0 - 2 * n for n in range(10)]  # 42 today, 56 a week ago
    form = [fit - fat for fit, fat in zip(fitness, fatigue, strict=True)]
    builders.days(athlete, first, [50.0] * 10, fitness=fitness, fatigue=fatigue, form=form)

    glance = _section(_page(athlete.user), "home-glance")

    stats = re.findall(r'<div class="stat[^"]*">.*?</div>', glance, re.DOTALL)
    assert "49" in stats[0] and "+7 in 7 days" in stats[0]
    assert "42" in stats[1] and "\u221214 in 7 days" in stats[1]
    assert "form-fresh" in stats[2] and "+21 in 7 days" in stats[2]
    assert "Fresh: rested and ready for a race or a key session." in glance
    assert "Latest values" not in glance


def test_form_says_which_day_its_values_are_from_when_today_has_none(athlete: Athlete) -> None:
    builders.days(athlete, TODAY - dt.timedelta(days=5), [50.0, 40.0, 30.0])

    glance = _section(_page(athlete.user), "home-glance")

    assert "Latest values" in glance
    assert "\u2014 in 7 days" in glance  # no value a week before that day


def test_last_nights_wellness_shows_sleep_hrv_resting_hr_and_flags(athlete: Athlete) -> None:
    for n in range(1, 15):
        WellnessDay.objects.create(
            athlete=athlete, day=TODAY - dt.timedelta(days=n), hrv_ms=60.0, resting_hr_bpm=48
        )
    WellnessDay.objects.create(
        athlete=athlete,
        day=TODAY,
        sleep_s=25500,
        hrv_ms=40.0,
        hrv_baseline_low_ms=50.0,
        hrv_baseline_high_ms=70.0,
        resting_hr_bpm=47,
    )

    glance = _section(_page(athlete.user), "home-glance")

    assert "7\u00a0h\u00a005" in glance
    assert "40 ms" in glance and "47 bpm" in glance
    assert "HRV below baseline" in glance


def test_wellness_of_two_nights_ago_is_not_last_nights(athlete: Athlete) -> None:
    WellnessDay.objects.create(athlete=athlete, day=TODAY - dt.timedelta(days=2), hrv_ms=61.0)

    glance = _section(_page(athlete.user), "home-glance")

    assert "61 ms" not in glance
    assert "No sleep, HRV or resting heart rate recorded for last night." in glance


# --- the next race ------------------------------------------------------------------------------


def test_the_next_race_is_the_next_a_race_with_days_to_go_and_projected_form(
    athlete: Athlete,
) -> None:
    builders.days(athlete, TODAY - dt.timedelta(days=9), [50.0] * 10)
    GoalFactory(athlete=athlete, race_on=TODAY + dt.timedelta(days=10), name="Tune-up 10k",
                priority=Goal.Priority.B)  # fmt: skip
    GoalFactory(athlete=athlete, race_on=TODAY + dt.timedelta(days=40), name="Spring marathon")
    GoalFactory(athlete=athlete, race_on=TODAY - dt.timedelta(days=3), name="Past race")

    race = _section(_page(athlete.user), "home-race")

    assert "Spring marathon" in race and "badge-a" in race
    assert "in 40 days" in race
    assert "Projected Form on race day" in race and "data-race-form" in race
    assert "Tune-up" not in race and "Past race" not in race


def test_without_an_a_race_the_next_b_race_shows_without_a_projection(athlete: Athlete) -> None:
    builders.days(athlete, TODAY - dt.timedelta(days=9), [50.0] * 10)
    GoalFactory(athlete=athlete, race_on=TODAY + dt.timedelta(days=12), name="Half marathon",
                priority=Goal.Priority.B)  # fmt: skip
    GoalFactory(athlete=athlete, race_on=TODAY + dt.timedelta(days=5), name="Club race",
                priority=Goal.Priority.C)  # fmt: skip

    race = _section(_page(athlete.user), "home-race")

    assert "Half marathon" in race and "in 12 days" in race
    assert "Club race" not in race
    assert "Projected Form" not in race


def test_a_race_today_says_today(athlete: Athlete) -> None:
    GoalFactory(athlete=athlete, race_on=TODAY, name="City 10k")

    race = _section(_page(athlete.user), "home-race")

    assert "City 10k" in race and "today" in race


# --- queries --------------------------------------------------------------------------------


def _fill(athlete: Athlete, size: int) -> None:
    """`size` sessions (with steps) and activities on each of yesterday, today and the rest of
    the week, goals, wellness nights and Fitness rows."""
    for index in range(size):
        for on in (YESTERDAY, TODAY, day(index % 7)):
            session = planned(athlete, on, f"Session {index}", steps=power_steps(200, 30))
            linked(session, done(athlete, on, load=50.0, name=f"Done {index}"))
            done(athlete, on, sport="ride", name=f"Extra {index}")
        GoalFactory(athlete=athlete, race_on=TODAY + dt.timedelta(days=20 + index))
        WellnessDay.objects.create(
            athlete=athlete, day=TODAY - dt.timedelta(days=index), hrv_ms=60.0, sleep_s=27000
        )
    builders.days(athlete, TODAY - dt.timedelta(days=size + 8), [50.0] * (size + 9))


@pytest.mark.parametrize("size", [1, 12])
def test_the_page_runs_a_fixed_number_of_queries(
    athlete: Athlete, size: int, django_assert_num_queries: Any
) -> None:
    _fill(athlete, size)
    client = client_for(athlete.user)
    assert Activity.objects.filter(athlete=athlete).count() >= 6 * size

    with django_assert_num_queries(HOME_QUERIES):
        response = client.get(URL)

    assert response.status_code == 200
