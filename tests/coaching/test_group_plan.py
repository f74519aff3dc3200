"""Planning one template for every athlete of a group on a day: each session scaled to the
athlete's own thresholds, a report per athlete of what was planned or why skipped, and only
the coach's own groups and templates."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from athletes.models import Athlete, Group, User
from athletes.services.groups import group_create, group_set_members
from coaching.models import PlannedSession, WorkoutTemplate
from tests.coaching.planner_world import NOW, client_for, day
from tests.factories import AthleteFactory, CoachAthleteFactory, ThresholdsFactory

pytestmark = pytest.mark.django_db

DAY = day(9)  # Wednesday of next week
TEMPO = [
    {
        "intent": "active",
        "duration": {"kind": "time", "value": 1800},
        "target": {"kind": "pace", "mode": "percent", "low": 90, "high": 90},
    }
]


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _athlete(coach: User, email: str, speed: float | None, **relationship: Any) -> Athlete:
    athlete = AthleteFactory(user__email=email, user__first_name=email.split("@")[0].title())
    CoachAthleteFactory(coach=coach, athlete=athlete, **relationship)
    if speed is not None:
        ThresholdsFactory(athlete=athlete, sport="run", threshold_speed_mps=speed)
    return athlete


@pytest.fixture
def squad(coach: User, athlete: Athlete) -> dict[str, Any]:
    """Ada (4 m/s threshold), Fast (5 m/s), Nothr (no run thresholds), Viewed (view-only)."""
    ThresholdsFactory(athlete=athlete, sport="run", threshold_speed_mps=4.0)
    fast = _athlete(coach, "fast@example.test", 5.0)
    bare = _athlete(coach, "nothr@example.test", None)
    viewed = _athlete(coach, "viewed@example.test", 4.5, permission="view")
    group = group_create(coach=coach, name="Squad")
    group_set_members(group=group, athletes=[athlete, fast, bare, viewed])
    template = WorkoutTemplate.objects.create(
        owner=coach, name="Tempo 30", sport="run", session_type="tempo", steps=TEMPO
    )
    return {"group": group, "template": template, "fast": fast, "bare": bare, "viewed": viewed}


def _post(client: Any, group: Group, data: dict[str, Any]) -> Any:
    return client.post(f"/groups/{group.id}/plan/", data)


def _form(squad: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"template": squad["template"].id, "day": DAY.isoformat()} | extra


def _line(page: str, athlete: Athlete) -> str:
    return page.split(f'data-athlete="{athlete.id}"')[1].split("</tr>")[0]


def test_the_preview_says_per_athlete_what_will_be_planned_and_writes_nothing(
    coach: User, athlete: Athlete, squad: dict[str, Any]
) -> None:
    response = _post(client_for(coach), squad["group"], _form(squad))

    page = response.content.decode()
    assert response.status_code == 200
    assert not PlannedSession.objects.exists()
    assert "Will be planned" in _line(page, athlete)
    assert "Will be planned" in _line(page, squad["fast"])
    assert "No thresholds for these targets on that day (no threshold pace" in _line(
        page, squad["bare"]
    )
    assert "You do not plan for this athlete" in _line(page, squad["viewed"])
    assert page.count('name="athletes"') == 4


def test_planning_scales_each_session_to_the_athletes_thresholds_and_reports_skips(
    coach: User, athlete: Athlete, squad: dict[str, Any]
) -> None:
    ids = [athlete.id, squad["fast"].id, squad["bare"].id, squad["viewed"].id]

    response = _post(
        client_for(coach),
        squad["group"],
        _form(squad, athletes=ids, confirm="on", hidden="on"),
    )

    sessions = {s.athlete_id: s for s in PlannedSession.objects.all()}
    assert response.status_code == 200
    assert set(sessions) == {athlete.id, squad["fast"].id}
    assert sessions[athlete.id].est_distance_m == pytest.approx(1800 * 4.0 * 0.9)
    assert sessions[squad["fast"].id].est_distance_m == pytest.approx(1800 * 5.0 * 0.9)
    assert all(
        s.hidden and s.day == DAY and s.template == squad["template"] for s in sessions.values()
    )
    page = response.content.decode()
    assert f"/athletes/{athlete.id}/plan/?week={DAY.isoformat()}" in _line(page, athlete)
    assert "Skipped:" in _line(page, squad["bare"])


def test_an_athlete_who_left_the_group_since_the_preview_is_skipped(
    coach: User, athlete: Athlete, squad: dict[str, Any]
) -> None:
    group_set_members(group=squad["group"], athletes=[athlete])

    response = _post(
        client_for(coach),
        squad["group"],
        _form(squad, athletes=[athlete.id, squad["fast"].id], confirm="on"),
    )

    assert "No longer in the group." in _line(response.content.decode(), squad["fast"])
    assert list(PlannedSession.objects.values_list("athlete_id", flat=True)) == [athlete.id]


def test_a_replayed_confirmation_plans_nothing_twice(
    coach: User, athlete: Athlete, squad: dict[str, Any]
) -> None:
    client = client_for(coach)
    data = _form(squad, athletes=[athlete.id], confirm="on")
    _post(client, squad["group"], data)

    again = _post(client, squad["group"], data)

    assert "Already planned from this template that day." in _line(again.content.decode(), athlete)
    assert PlannedSession.objects.count() == 1


def test_forged_ids_of_athletes_one_does_not_see_are_ignored(
    coach: User, athlete: Athlete, other_athlete: Athlete, squad: dict[str, Any]
) -> None:
    response = _post(
        client_for(coach),
        squad["group"],
        _form(squad, athletes=[athlete.id, other_athlete.id, "x", "9" * 40], confirm="on"),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert f'data-athlete="{other_athlete.id}"' not in page
    assert str(other_athlete) not in page
    assert not PlannedSession.objects.filter(athlete=other_athlete).exists()


def test_another_coachs_group_or_template_is_refused(
    coach: User, other_coach: User, athlete: Athlete, squad: dict[str, Any]
) -> None:
    foreign = WorkoutTemplate.objects.create(owner=other_coach, name="Theirs", sport="run")

    theirs = _post(client_for(other_coach), squad["group"], _form(squad, confirm="on"))
    as_athlete = client_for(athlete.user).get(f"/groups/{squad['group'].id}/plan/")
    bad_template = _post(client_for(coach), squad["group"], _form(squad, template=foreign.id))
    bad_day = _post(client_for(coach), squad["group"], _form(squad, day="2026-02-31"))

    assert theirs.status_code == 404
    assert as_athlete.status_code == 404
    assert bad_template.status_code == 400
    assert "Select a valid choice" in bad_template.content.decode()
    assert bad_day.status_code == 400
    assert not PlannedSession.objects.exists()


def test_the_group_page_links_to_planning_a_workout_for_it(
    coach: User, squad: dict[str, Any]
) -> None:
    page = client_for(coach).get(f"/roster/groups/{squad['group'].id}/").content.decode()

    assert f'href="/groups/{squad["group"].id}/plan/"' in page


def test_the_form_offers_the_coachs_own_templates_only(
    coach: User, other_coach: User, squad: dict[str, Any]
) -> None:
    WorkoutTemplate.objects.create(owner=other_coach, name="Someone else's", sport="run")

    page = client_for(coach).get(f"/groups/{squad['group'].id}/plan/").content.decode()

    assert "Tempo 30" in page
    assert "Someone else" not in page
