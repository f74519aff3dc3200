"""Planning in the week grid: add from a template or from scratch, edit, delete, drag and
drop, copy/paste, copy a week to other weeks and athletes, the template picker and the day
card."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import time_machine

from athletes.models import Athlete, User
from athletes.services.groups import group_create, group_set_members
from coaching.models import PlannedSession, WorkoutTemplate
from tests.coaching.planner_world import (
    NOW,
    client_for,
    day,
    htmx_post,
    planned,
    power_steps,
)
from tests.factories import AthleteFactory, CoachAthleteFactory, CoachFactory, ThresholdsFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _plan(athlete: Athlete, path: str) -> str:
    return f"/athletes/{athlete.id}/plan/{path}"


def _titles(athlete: Athlete, on: object) -> list[str]:
    sessions = PlannedSession.objects.filter(athlete=athlete, day=on).order_by("order", "id")
    return [s.title for s in sessions]


def _orders(athlete: Athlete, on: object) -> list[int]:
    sessions = PlannedSession.objects.filter(athlete=athlete, day=on).order_by("order", "id")
    return [s.order for s in sessions]


# --- adding ------------------------------------------------------------------------------------


def test_adding_from_a_template_plans_it_on_the_day_and_closes_the_dialog(
    coach: User, athlete: Athlete
) -> None:
    template = WorkoutTemplate.objects.create(
        owner=coach, name="Threshold 3x10", sport="run", session_type="intervals", duration_s=3600
    )

    response = htmx_post(
        client_for(coach),
        _plan(athlete, "templates/apply/"),
        {"template": template.id, "day": day(2).isoformat(), "week": day(0).isoformat()},
    )

    session = PlannedSession.objects.get(athlete=athlete)
    assert (session.day, session.title, session.template_id) == (
        day(2),
        "Threshold 3x10",
        template.id,
    )
    assert session.source == PlannedSession.Source.TEMPLATE
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#planner-week"
    assert response["HX-Trigger"] == "planner-saved"
    assert "Threshold 3x10" in response.content.decode()


def test_a_template_of_another_coach_cannot_be_planned(
    coach: User, athlete: Athlete, other_coach: User
) -> None:
    foreign = WorkoutTemplate.objects.create(owner=other_coach, name="Secret", sport="run")

    response = htmx_post(
        client_for(coach),
        _plan(athlete, "templates/apply/"),
        {"template": foreign.id, "day": day(2).isoformat()},
    )

    assert response.status_code == 400
    assert not PlannedSession.objects.filter(athlete=athlete).exists()


def test_adding_as_a_draft_from_a_template_hides_it(coach: User, athlete: Athlete) -> None:
    template = WorkoutTemplate.objects.create(owner=coach, name="Hills", sport="run")

    htmx_post(
        client_for(coach),
        _plan(athlete, "templates/apply/"),
        {"template": template.id, "day": day(4).isoformat(), "hidden": "on"},
    )

    assert PlannedSession.objects.get(athlete=athlete).hidden


def test_adding_from_scratch_reads_the_steps_text_and_estimates_the_session(
    coach: User, athlete: Athlete
) -> None:
    response = htmx_post(
        client_for(coach),
        _plan(athlete, "sessions/add/"),
        {
            "day": day(3).isoformat(),
            "sport": "run",
            "session_type": "intervals",
            "title": "VO2 5x3",
            "steps_text": "warmup 15m\n5x (3m Z5, 2m Z1)\ncooldown 10m",
            "week": day(0).isoformat(),
        },
    )

    session = PlannedSession.objects.get(athlete=athlete)
    assert response.status_code == 200
    assert session.title == "VO2 5x3"
    assert session.est_duration_s == 50 * 60
    assert len(session.steps) == 3


def test_bad_steps_text_shows_where_the_error_is_in_the_dialog(
    coach: User, athlete: Athlete
) -> None:
    response = htmx_post(
        client_for(coach),
        _plan(athlete, "sessions/add/"),
        {
            "day": day(3).isoformat(),
            "sport": "run",
            "session_type": "intervals",
            "title": "Broken",
            "steps_text": "5x (3m Z5, 2m Z1",
        },
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "HX-Retarget" not in response
    assert "line 1, column" in body
    assert not PlannedSession.objects.filter(athlete=athlete).exists()


def test_the_add_dialog_offers_templates_and_the_form_for_the_clicked_day(
    coach: User, athlete: Athlete
) -> None:
    WorkoutTemplate.objects.create(owner=coach, name="Long run 2h", sport="run")

    response = client_for(coach).get(
        _plan(athlete, "sessions/add/?day=2026-03-06&week=2026-03-02"), HTTP_HX_REQUEST="true"
    )

    body = response.content.decode()
    assert "Long run 2h" in body
    assert 'value="2026-03-06"' in body
    assert "<html" not in body  # a partial for the dialog


def test_without_javascript_adding_redirects_back_to_the_week(
    coach: User, athlete: Athlete
) -> None:
    response = client_for(coach).post(
        _plan(athlete, "sessions/add/"),
        {
            "day": "2026-03-12",
            "sport": "run",
            "session_type": "endurance",
            "title": "Jog",
            "duration_text": "40",
            "week": "2026-03-12",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"/athletes/{athlete.id}/plan/?week=2026-03-09"


# --- the template picker -----------------------------------------------------------------------


def test_the_template_search_matches_names_and_tags_of_usable_templates_only(
    coach: User, athlete: Athlete, other_coach: User
) -> None:
    WorkoutTemplate.objects.create(owner=coach, name="Threshold 3x10", sport="run")
    WorkoutTemplate.objects.create(owner=coach, name="Sunday long", sport="run", tags=["aerobic"])
    WorkoutTemplate.objects.create(owner=other_coach, name="Threshold secret", sport="run")
    client = client_for(coach)

    by_name = client.get(_plan(athlete, "templates/?q=thresh"), HTTP_HX_REQUEST="true")
    by_tag = client.get(_plan(athlete, "templates/?q=AEROBIC"), HTTP_HX_REQUEST="true")

    assert "Threshold 3x10" in by_name.content.decode()
    assert "Threshold secret" not in by_name.content.decode()
    assert "Sunday long" not in by_name.content.decode()
    assert "Sunday long" in by_tag.content.decode()


# --- editing and deleting ----------------------------------------------------------------------


def test_editing_a_session_shows_its_steps_as_text_and_saves_the_changes(
    coach: User, athlete: Athlete
) -> None:
    session = planned(athlete, day(1), "Tempo", steps=power_steps(200, 30), sport="ride")
    client = client_for(coach)

    form = client.get(_plan(athlete, f"sessions/{session.id}/edit/"), HTTP_HX_REQUEST="true")
    saved = htmx_post(
        client,
        _plan(athlete, f"sessions/{session.id}/edit/"),
        {
            "day": day(2).isoformat(),
            "sport": "ride",
            "session_type": "tempo",
            "title": "Tempo moved",
            "steps_text": "40m 210W",
            "week": day(0).isoformat(),
        },
    )

    session.refresh_from_db()
    assert "30m 200W" in form.content.decode()
    assert saved.status_code == 200
    assert (session.day, session.title, session.est_duration_s) == (day(2), "Tempo moved", 2400)


def test_deleting_a_session_removes_it_from_the_week(coach: User, athlete: Athlete) -> None:
    session = planned(athlete, day(1), "To delete")

    response = htmx_post(
        client_for(coach), _plan(athlete, f"sessions/{session.id}/delete/"), {"week": "2026-03-02"}
    )

    assert response.status_code == 200
    assert "To delete" not in response.content.decode()
    assert not PlannedSession.objects.filter(id=session.id).exists()


def test_a_session_of_another_athlete_is_not_found(
    coach: User, athlete: Athlete, other_athlete: Athlete
) -> None:
    foreign = planned(other_athlete, day(1), "Not yours")

    response = htmx_post(client_for(coach), _plan(athlete, f"sessions/{foreign.id}/delete/"))

    assert response.status_code == 404
    assert PlannedSession.objects.filter(id=foreign.id).exists()


# --- drag and drop -----------------------------------------------------------------------------


def test_dragging_a_session_to_another_day_renumbers_that_day(
    coach: User, athlete: Athlete
) -> None:
    planned(athlete, day(0), "A")
    b = planned(athlete, day(0), "B")
    planned(athlete, day(0), "C")
    planned(athlete, day(2), "D")
    planned(athlete, day(2), "E")

    response = htmx_post(
        client_for(coach),
        _plan(athlete, f"sessions/{b.id}/move/"),
        {"day": day(2).isoformat(), "position": 1, "week": day(0).isoformat()},
    )

    assert response.status_code == 200
    assert _titles(athlete, day(2)) == ["D", "B", "E"]
    assert _orders(athlete, day(2)) == [0, 1, 2]
    assert _titles(athlete, day(0)) == ["A", "C"]
    body = response.content.decode()
    assert body.index(">B<") > body.index(">D<")


def test_dragging_within_a_day_reorders_it(coach: User, athlete: Athlete) -> None:
    planned(athlete, day(0), "A")
    planned(athlete, day(0), "B")
    c = planned(athlete, day(0), "C")

    htmx_post(
        client_for(coach), _plan(athlete, f"sessions/{c.id}/move/"), {"day": day(0), "position": 0}
    )

    assert _titles(athlete, day(0)) == ["C", "A", "B"]
    assert _orders(athlete, day(0)) == [0, 1, 2]


def test_a_move_without_a_day_is_refused(coach: User, athlete: Athlete) -> None:
    session = planned(athlete, day(0), "A")

    response = htmx_post(client_for(coach), _plan(athlete, f"sessions/{session.id}/move/"))

    assert response.status_code == 400


# --- copy and paste ----------------------------------------------------------------------------


def test_pasting_a_copied_session_adds_a_copy_on_the_day(coach: User, athlete: Athlete) -> None:
    session = planned(athlete, day(1), "Hill repeats", duration_s=3000)

    response = htmx_post(
        client_for(coach),
        _plan(athlete, "sessions/paste/"),
        {"session": session.id, "day": day(4).isoformat(), "week": day(0).isoformat()},
    )

    assert response.status_code == 200
    assert _titles(athlete, day(1)) == ["Hill repeats"]
    assert _titles(athlete, day(4)) == ["Hill repeats"]


def test_a_session_can_be_pasted_into_another_athletes_plan(coach: User, athlete: Athlete) -> None:
    second = AthleteFactory(user__email="second@example.test")
    CoachAthleteFactory(coach=coach, athlete=second)
    session = planned(athlete, day(1), "Shared workout")

    htmx_post(
        client_for(coach),
        _plan(second, "sessions/paste/"),
        {"session": session.id, "day": day(2).isoformat()},
    )

    assert _titles(second, day(2)) == ["Shared workout"]


def test_a_session_of_an_athlete_one_does_not_plan_for_cannot_be_pasted(
    coach: User, athlete: Athlete, other_athlete: Athlete
) -> None:
    foreign = planned(other_athlete, day(1), "Not yours")

    response = htmx_post(
        client_for(coach),
        _plan(athlete, "sessions/paste/"),
        {"session": foreign.id, "day": day(2).isoformat()},
    )

    assert response.status_code == 404
    assert _titles(athlete, day(2)) == []


# --- copying a week ----------------------------------------------------------------------------


def test_copying_a_week_scales_each_copy_to_that_athletes_thresholds(
    coach: User, athlete: Athlete
) -> None:
    second = AthleteFactory(user__email="second@example.test")
    CoachAthleteFactory(coach=coach, athlete=second)
    ThresholdsFactory(athlete=athlete, sport="ride", ftp_w=250, threshold_speed_mps=None)
    ThresholdsFactory(athlete=second, sport="ride", ftp_w=200, threshold_speed_mps=None)
    # One hour at 200 W: IF 0.8 (load 64) at FTP 250, IF 1.0 (load 100) at FTP 200.
    planned(athlete, day(1), "Sweet spot hour", sport="ride", steps=power_steps(200))
    planned(athlete, day(3), "Easy spin", sport="ride", duration_s=1800, hidden=True)

    response = htmx_post(
        client_for(coach),
        _plan(athlete, "week/copy/"),
        {
            "week": day(0).isoformat(),
            "to_week": day(9).isoformat(),
            "athletes": [athlete.id, second.id],
            "mode": "merge",
            "confirm": "on",
        },
    )

    own = PlannedSession.objects.get(athlete=athlete, day=day(8), title="Sweet spot hour")
    theirs = PlannedSession.objects.get(athlete=second, day=day(8), title="Sweet spot hour")
    assert response.status_code == 200
    assert "4 sessions copied to the week of Mon 9 Mar 2026." in response.content.decode()
    assert own.est_load == pytest.approx(64.0)
    assert theirs.est_load == pytest.approx(100.0)
    assert PlannedSession.objects.get(athlete=second, day=day(10)).hidden  # drafts stay drafts


def test_the_copy_dialog_offers_the_coachs_groups_to_tick_at_once(
    coach: User, athlete: Athlete
) -> None:
    second = AthleteFactory(user__email="second@example.test")
    CoachAthleteFactory(coach=coach, athlete=second)
    group_set_members(group=group_create(coach=coach, name="Squad"), athletes=[athlete, second])

    response = client_for(coach).get(
        _plan(athlete, "week/copy/?week=2026-03-02"), HTTP_HX_REQUEST="true"
    )

    body = response.content.decode()
    ticked = re.search(r'data-athletes="([0-9,]+)">Squad<', body)
    assert ticked is not None
    assert set(ticked.group(1).split(",")) == {str(athlete.id), str(second.id)}
    assert 'value="2026-03-09"' in body  # next week by default


def test_a_week_cannot_be_copied_to_an_athlete_one_only_views(
    coach: User, athlete: Athlete
) -> None:
    viewed = AthleteFactory(user__email="viewed@example.test")
    CoachAthleteFactory(coach=coach, athlete=viewed, permission="view")
    planned(athlete, day(1), "Tempo")
    client = client_for(coach)

    form = client.get(_plan(athlete, "week/copy/?week=2026-03-02"), HTTP_HX_REQUEST="true")
    response = htmx_post(
        client,
        _plan(athlete, "week/copy/"),
        {
            "week": day(0).isoformat(),
            "to_week": day(7).isoformat(),
            "athletes": [viewed.id],
            "mode": "merge",
            "confirm": "on",
        },
    )

    assert str(viewed) not in form.content.decode()
    assert "HX-Retarget" not in response  # the form again, with its error
    assert not PlannedSession.objects.filter(athlete=viewed).exists()


# --- the day card ------------------------------------------------------------------------------


def test_the_day_card_shows_the_steps_as_text_the_profile_and_what_was_done(
    coach: User, athlete: Athlete
) -> None:
    ThresholdsFactory(athlete=athlete, sport="ride", ftp_w=250, threshold_speed_mps=None)
    planned(athlete, day(1), "Sweet spot hour", sport="ride", steps=power_steps(220))

    response = client_for(coach).get(_plan(athlete, "days/2026-03-03/"), HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert response.status_code == 200
    assert "Sweet spot hour" in body
    assert "1h 220W" in body
    assert "<svg" in body and 'class="bar intent-active' in body
    assert "workout.fit" in body


def test_a_day_that_is_not_a_date_is_not_found(coach: User, athlete: Athlete) -> None:
    response = client_for(coach).get(_plan(athlete, "days/someday/"))

    assert response.status_code == 404


def test_an_athlete_of_another_coach_has_no_planner_for_this_coach(
    athlete: Athlete, other_athlete: Athlete
) -> None:
    stranger = CoachFactory(email="stranger@example.test")

    response = client_for(stranger).get(f"/athletes/{athlete.id}/plan/")

    assert response.status_code == 404
