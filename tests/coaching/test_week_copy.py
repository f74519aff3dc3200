"""Copying a week with merge or replace: the preview of the target week's totals before →
after, what a replace removes and keeps, and the undo (its coach only, once, within the hour)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from athletes.models import Athlete, User
from coaching.models import Comment, LinkRefusal, PlannedSession, WeekCopy
from coaching.services.week_copy import week_copy_apply
from tests.coaching.planner_world import NOW, client_for, day, done, htmx_post, linked, planned
from tests.factories import AthleteFactory, CoachAthleteFactory

pytestmark = pytest.mark.django_db

NEXT = day(7)


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _copy(client: Any, athlete: Athlete, mode: str, *, confirm: bool, **extra: Any) -> Any:
    data = {"week": day(0), "to_week": NEXT, "athletes": [athlete.id], "mode": mode}
    if confirm:
        data["confirm"] = "on"
    return htmx_post(client, f"/athletes/{athlete.id}/plan/week/copy/", data | extra)


def _undo(client: Any, athlete: Athlete, copy_id: int) -> Any:
    return htmx_post(client, f"/athletes/{athlete.id}/plan/week/copies/{copy_id}/undo/")


def _week(athlete: Athlete) -> list[tuple[Any, ...]]:
    return list(
        PlannedSession.objects.filter(athlete=athlete, day__gte=NEXT)
        .order_by("id")
        .values_list("id", "day", "order", "title", "hidden", "est_duration_s", "created_at")
    )


@pytest.fixture
def weeks(athlete: Athlete) -> dict[str, PlannedSession]:
    """This week: a 1 h run and a 30 min draft. Next week: a 45 min run, an hour linked to
    an activity, and a commented 20 min session."""
    planned(athlete, day(1), "Tempo", duration_s=3600)
    planned(athlete, day(3), "Strides", duration_s=1800, hidden=True)
    loose = planned(athlete, NEXT, "Old easy run", duration_s=2700)
    tied = planned(athlete, NEXT + dt.timedelta(days=1), "Linked long run", duration_s=3600)
    linked(tied, done(athlete, NEXT + dt.timedelta(days=1)))
    talked = planned(athlete, NEXT + dt.timedelta(days=2), "Discussed", duration_s=1200)
    Comment.objects.create(athlete=athlete, session=talked, body="Can we move it?")
    return {"loose": loose, "tied": tied, "talked": talked}


def test_the_preview_shows_the_target_week_before_and_after_and_writes_nothing(
    coach: User, athlete: Athlete, weeks: dict[str, PlannedSession]
) -> None:
    before = _week(athlete)

    merge = _copy(client_for(coach), athlete, "merge", confirm=False).content.decode()
    replace = _copy(client_for(coach), athlete, "replace", confirm=False).content.decode()

    assert _week(athlete) == before
    assert not WeekCopy.objects.exists()
    assert "3 → 5" in merge and "2 h 05 → 3 h 35" in merge  # 45 + 60 + 20 min, + 1 h 30
    assert "1 session removed" in replace
    assert "2 sessions kept: linked to an activity or commented" in replace
    assert "3 → 4" in replace and "2 h 05 → 2 h 50" in replace
    assert 'name="confirm" value="on"' in replace


def test_replace_removes_only_sessions_without_activity_or_comments(
    coach: User, athlete: Athlete, weeks: dict[str, PlannedSession]
) -> None:
    response = _copy(client_for(coach), athlete, "replace", confirm=True)

    titles = set(
        PlannedSession.objects.filter(athlete=athlete, day__gte=NEXT).values_list(
            "title", flat=True
        )
    )
    assert response.status_code == 200
    assert titles == {"Linked long run", "Discussed", "Tempo", "Strides"}
    assert "Undo the copy" in response.content.decode()


def test_undo_puts_the_target_week_back_exactly_as_it_was(
    coach: User, athlete: Athlete, weeks: dict[str, PlannedSession]
) -> None:
    loose = weeks["loose"]
    LinkRefusal.objects.create(session=loose, activity=done(athlete, NEXT, name="Other"))
    before = _week(athlete)
    client = client_for(coach)
    _copy(client, athlete, "replace", confirm=True)
    copy = WeekCopy.objects.get()

    response = _undo(client, athlete, copy.id)

    assert response.status_code == 200
    assert "Copy undone." in response.content.decode()
    assert _week(athlete) == before  # the same ids, orders, estimates and dates
    assert LinkRefusal.objects.filter(session_id=loose.id).exists()


def test_a_merge_is_undone_by_deleting_its_copies(
    coach: User, athlete: Athlete, weeks: dict[str, PlannedSession]
) -> None:
    before = _week(athlete)
    client = client_for(coach)
    _copy(client, athlete, "merge", confirm=True)
    assert len(_week(athlete)) == len(before) + 2

    _undo(client, athlete, WeekCopy.objects.get().id)

    assert _week(athlete) == before


def test_replacing_a_week_with_itself_copies_what_it_held(coach: User, athlete: Athlete) -> None:
    planned(athlete, day(1), "Tempo", duration_s=3600)

    copy = week_copy_apply(
        athlete=athlete,
        week_start=day(0),
        to_week_start=day(0),
        to_athletes=[athlete],
        mode="replace",
        by=coach,
    )

    assert list(PlannedSession.objects.filter(athlete=athlete).values_list("title", flat=True)) == [
        "Tempo"
    ]
    assert len(copy.removed) == len(copy.added) == 1


def test_an_undo_cannot_be_replayed_expired_forged_or_used_by_another_coach(
    coach: User, other_coach: User, athlete: Athlete, weeks: dict[str, PlannedSession]
) -> None:
    client = client_for(coach)
    _copy(client, athlete, "merge", confirm=True)
    copy = WeekCopy.objects.get()
    second_coach = CoachAthleteFactory(athlete=athlete).coach
    stale = WeekCopy.objects.create(
        coach=coach, athlete=athlete, week_start=day(0), to_week_start=NEXT, mode="merge"
    )
    WeekCopy.objects.filter(id=stale.id).update(created_at=timezone.now() - dt.timedelta(hours=2))

    assert _undo(client_for(other_coach), athlete, copy.id).status_code == 404
    assert _undo(client_for(second_coach), athlete, copy.id).status_code == 404
    assert _undo(client, athlete, 987654).status_code == 404
    expired = _undo(client, athlete, stale.id)
    assert expired.status_code == 409
    assert "can no longer be undone" in expired.content.decode()
    assert _undo(client, athlete, copy.id).status_code == 200
    replayed = _undo(client, athlete, copy.id)
    assert replayed.status_code == 409
    assert "can no longer be undone" in replayed.content.decode()


def test_an_undo_is_only_for_the_athlete_it_was_made_from(
    coach: User, athlete: Athlete, weeks: dict[str, PlannedSession]
) -> None:
    other = AthleteFactory(user__email="other-own@example.test")
    CoachAthleteFactory(coach=coach, athlete=other)
    client = client_for(coach)
    _copy(client, athlete, "merge", confirm=True)

    assert _undo(client, other, WeekCopy.objects.get().id).status_code == 404


def test_without_javascript_the_week_page_offers_the_undo_of_the_copy(
    coach: User, athlete: Athlete, weeks: dict[str, PlannedSession]
) -> None:
    client = client_for(coach)
    data = {"week": day(0), "to_week": NEXT, "athletes": [athlete.id], "mode": "merge"}
    response = client.post(f"/athletes/{athlete.id}/plan/week/copy/", data | {"confirm": "on"})
    copy = WeekCopy.objects.get()

    page = client.get(response["Location"]).content.decode()
    forged = client.get(f"/athletes/{athlete.id}/plan/?undo=99999999999999999999").content.decode()

    assert response.status_code == 302 and f"undo={copy.id}" in response["Location"]
    assert f"/week/copies/{copy.id}/undo/" in page
    assert "Undo the copy" not in forged


def test_a_copy_with_a_bad_mode_is_the_form_again(coach: User, athlete: Athlete) -> None:
    response = _copy(client_for(coach), athlete, "swap", confirm=True)

    assert response.status_code == 200
    assert "HX-Retarget" not in response
    assert not WeekCopy.objects.exists()
