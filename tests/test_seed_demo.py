"""`manage.py seed_demo` (DESIGN §7): the JSON contract, idempotency, logins that work."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from athletes.models import Athlete, CoachAthlete, Goal, Group, Thresholds, User

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def seed_json(*args: str) -> dict[str, Any]:
    return json.loads(seed("--json", *args))


def test_json_output_has_exactly_the_contract_shape() -> None:
    data = seed_json()

    assert list(data) == ["coaches"]
    assert len(data["coaches"]) == 2
    for coach in data["coaches"]:
        assert set(coach) == {"email", "password", "athletes"}
        assert len(coach["athletes"]) == 4
        for athlete in coach["athletes"]:
            assert set(athlete) == {"email", "password"}


def test_athletes_option_sets_the_number_per_coach() -> None:
    data = seed_json("--athletes", "2")

    assert [len(coach["athletes"]) for coach in data["coaches"]] == [2, 2]
    assert Athlete.objects.count() == 4


def test_second_run_creates_nothing_and_prints_the_same_logins() -> None:
    first = seed_json()
    counts = [m.objects.count() for m in (User, Athlete, CoachAthlete, Thresholds, Goal, Group)]

    second = seed_json()

    assert second == first
    assert [
        m.objects.count() for m in (User, Athlete, CoachAthlete, Thresholds, Goal, Group)
    ] == counts


def test_same_seed_gives_the_same_numbers() -> None:
    seed("--seed", "7")
    first = list(Thresholds.objects.order_by("id").values_list("valid_from", "ftp_w", "lthr_bpm"))
    Thresholds.objects.all().delete()
    Goal.objects.all().delete()
    User.objects.all().delete()

    seed("--seed", "7")

    again = list(Thresholds.objects.order_by("id").values_list("valid_from", "ftp_w", "lthr_bpm"))
    assert again == first


def test_every_printed_login_authenticates() -> None:
    data = seed_json()
    logins = [(c["email"], c["password"]) for c in data["coaches"]]
    logins += [(a["email"], a["password"]) for c in data["coaches"] for a in c["athletes"]]

    for email, password in logins:
        assert Client().login(email=email, password=password), email


def test_exactly_one_athlete_coaches_themself() -> None:
    seed()

    self_coached = [r for r in CoachAthlete.objects.active() if r.is_self_coached]

    assert len(self_coached) == 1
    assert self_coached[0].permission == CoachAthlete.Permission.FULL


def test_each_coach_sees_their_printed_athletes_on_the_roster() -> None:
    data = seed_json()

    for entry in data["coaches"]:
        coach = User.objects.get(email=entry["email"])
        roster = set(Athlete.objects.coached_by(coach).values_list("user__email", flat=True))
        assert roster == {a["email"] for a in entry["athletes"]}


def test_thresholds_history_improves_over_the_year() -> None:
    seed()

    for athlete in Athlete.objects.exclude(thresholds=None):
        rows = list(athlete.thresholds.filter(sport="run").order_by("valid_from"))
        assert 2 <= len(rows) <= 3
        speeds = [row.threshold_speed_mps for row in rows]
        assert speeds == sorted(speeds)
        assert speeds[0] < speeds[-1]


def test_every_athlete_has_upcoming_a_b_and_c_goals() -> None:
    seed()

    for athlete in Athlete.objects.all():
        priorities = sorted(athlete.goals.values_list("priority", flat=True))
        assert priorities == ["A", "B", "C"], athlete


def test_demo_mixes_sexes_languages_units_and_time_zones() -> None:
    seed()

    athletes = Athlete.objects.all()

    assert {a.sex for a in athletes} == {"M", "F"}
    assert {a.language for a in athletes} == {"en", "fr"}
    assert {a.units for a in athletes} == {"metric", "imperial"}
    assert len({a.time_zone for a in athletes}) >= 4


def test_if_empty_leaves_a_populated_database_alone() -> None:
    User.objects.create_user("someone@example.test", "pw")

    output = seed("--if-empty")

    assert User.objects.count() == 1
    assert "no demo data" in output


def test_if_empty_reprints_the_logins_of_an_existing_demo() -> None:
    first = seed_json()

    again = seed_json("--if-empty")

    assert again == first


def test_demo_plans_link_each_activity_to_the_session_it_was_recorded_for() -> None:
    from activities.models import Activity, ActivitySource
    from coaching.models import Link, PlannedSession

    seed("--athletes", "1", "--weeks", "3")
    links = list(Link.objects.select_related("session"))
    sources = dict(
        ActivitySource.objects.filter(external_id__startswith="demo-").values_list(
            "activity_id", "external_id"
        )
    )

    assert Activity.objects.count() == len(links) > 10  # every demo activity found its session
    for link in links:
        day_and_index = link.session.external_uid.removeprefix("demo-")
        assert sources[link.activity_id].endswith(day_and_index)  # the very session it followed
    assert PlannedSession.objects.filter(hidden=True).exists()  # next weeks partly drafts
    assert Activity.objects.filter(rpe__isnull=False).count() > len(links) // 2

    counts = (PlannedSession.objects.count(), Link.objects.count())
    seed("--athletes", "1", "--weeks", "3")
    assert (PlannedSession.objects.count(), Link.objects.count()) == counts


def test_logins_link_to_the_served_address_and_include_the_staff_account(
    settings: Any,
) -> None:
    settings.PACELINE_BASE_URL = "http://127.0.0.1:8101"
    err = io.StringIO()
    out = io.StringIO()

    call_command("seed_demo", "--athletes", "1", stdout=out, stderr=err)

    output = out.getvalue()
    assert "http://127.0.0.1:8101/accounts/login/" in output
    assert "8000" not in output
    assert "staff    admin@demo.paceline.test" in output
    assert "http://127.0.0.1:8101/admin/" in output
    progress = err.getvalue().splitlines()
    assert any("Activities, plan and metrics 1/2" in line for line in progress)
    assert progress[-1].endswith("Done.")


def test_if_empty_reprints_the_staff_login_too(settings: Any) -> None:
    settings.PACELINE_BASE_URL = "http://127.0.0.1:8101"
    seed("--athletes", "1")

    again = seed("--if-empty")

    assert "admin@demo.paceline.test" in again
    assert "http://127.0.0.1:8101/accounts/login/" in again


def test_json_output_stays_the_contract_without_the_staff_account() -> None:
    data = seed_json("--athletes", "1")

    assert "admin@demo.paceline.test" not in json.dumps(data)
    assert User.objects.filter(email="admin@demo.paceline.test", is_superuser=True).exists()


def test_the_demo_staff_account_signs_in_through_the_site_and_opens_the_admin() -> None:
    seed("--athletes", "1")
    client = Client()

    response = client.post(
        "/accounts/login/",
        {"login": "admin@demo.paceline.test", "password": "paceline-demo"},
    )

    assert response.status_code == 302  # email verified: allauth lets it in
    assert client.get("/admin/").status_code == 200
    assert client.get("/").status_code == 200


def test_make_run_passes_the_served_address_to_every_step() -> None:
    if shutil.which("make") is None:
        pytest.skip("no make")
    root = Path(__file__).resolve().parent.parent
    manage = "MANAGE=printenv PACELINE_BASE_URL #"  # each step prints the address it gets
    command = ["make", "-s", "run", "PORT=8101", "UV=/bin/true", manage]
    env = {k: v for k, v in os.environ.items() if k != "PACELINE_BASE_URL"}

    lines = subprocess.run(
        command, cwd=root, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    given = subprocess.run(
        command,
        cwd=root,
        env={**env, "PACELINE_BASE_URL": "https://coach.example"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()

    assert lines == ["http://127.0.0.1:8101"] * 4  # migrate, seed_demo, sweep, runserver
    assert given == ["https://coach.example"] * 4


def test_demo_structured_sessions_follow_their_steps_with_now_and_then_a_missed_rep() -> None:
    from coaching.models import Link
    from coaching.selectors.journal import activity_step_report

    seed("--athletes", "1", "--weeks", "2")
    links = Link.objects.exclude(session__steps=[]).select_related("activity", "session")
    reports = [
        activity_step_report(activity=link.activity, session=link.session, units="metric")
        for link in links
    ]

    hits = [[row.hit for row in report.rows] for report in reports if report is not None]
    assert len(hits) >= 4  # the week's interval and tempo sessions of both athletes
    assert all(report is not None and report.method == "laps" for report in reports)
    assert any(all(hit is True for hit in rows) for rows in hits)  # every step as planned
    missed = [rows for rows in hits if False in rows]
    assert missed and all(rows.count(False) == 1 for rows in missed)  # one rep faded


def test_the_demo_plan_is_handed_to_analytics_and_its_a_races_reach_race_day() -> None:
    from analytics.models import PlannedLoad
    from analytics.pipeline import daily_load_recompute
    from analytics.selectors import fitness_get

    seed("--athletes", "1", "--weeks", "3")
    goal = Goal.objects.filter(priority="A", weekly_distance_m__isnull=False).first()
    assert goal is not None and PlannedLoad.objects.filter(athlete=goal.athlete).exists()
    athlete = goal.athlete
    today = athlete.local_today()
    daily_load_recompute(athlete=athlete, since=today, today=today)  # on commit, not run here
    fitness = fitness_get(viewer=athlete.user, athlete=athlete, today=today, span_days=42)
    assert fitness is not None and fitness.forecast is not None
    assert fitness.forecast.race is not None and fitness.forecast.race.day == goal.race_on
    assert any(fitness.forecast.planned)  # the published weeks ahead count, then the volume
    assert fitness.forecast.plan is not None and fitness.forecast.plan.weekly == 55.0
