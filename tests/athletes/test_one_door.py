"""The one door: who sees and who edits which athletes."""

from __future__ import annotations

import datetime as dt

import pytest

from athletes.models import Athlete, CoachAthlete, Group, User, WellnessDay
from tests.factories import AthleteFactory, CoachAthleteFactory, CoachFactory

pytestmark = pytest.mark.django_db


def test_athlete_sees_only_themself(athlete: Athlete, other_athlete: Athlete) -> None:
    assert list(Athlete.objects.visible_to(athlete.user)) == [athlete]


def test_coach_sees_active_athletes_but_not_former_ones(
    coach: User, athlete: Athlete, former_athlete: Athlete, other_athlete: Athlete
) -> None:
    assert list(Athlete.objects.visible_to(coach)) == [athlete]


def test_former_coach_sees_nothing(former_coach: User, athlete: Athlete) -> None:
    assert not Athlete.objects.visible_to(former_coach).exists()


def test_view_only_coach_sees_but_cannot_edit(view_coach: User, athlete: Athlete) -> None:
    assert list(Athlete.objects.visible_to(view_coach)) == [athlete]
    assert not Athlete.objects.editable_by(view_coach).exists()


def test_edit_coach_edits_but_does_not_fully_manage(coach: User, athlete: Athlete) -> None:
    assert list(Athlete.objects.editable_by(coach)) == [athlete]
    assert not Athlete.objects.manageable_by(coach).exists()


def test_staff_without_relationship_sees_no_athlete_data(staff: User, athlete: Athlete) -> None:
    assert not Athlete.objects.visible_to(staff).exists()


def test_anonymous_sees_nothing(athlete: Athlete) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not Athlete.objects.visible_to(AnonymousUser()).exists()


def test_ending_a_relationship_removes_access_that_day(coach: User, athlete: Athlete) -> None:
    relation = CoachAthlete.objects.get(coach=coach, athlete=athlete)
    relation.status = CoachAthlete.Status.ENDED
    relation.ended_on = relation.started_on
    relation.save()
    assert not Athlete.objects.visible_to(coach).exists()


def _self_coached(email: str) -> Athlete:
    athlete = AthleteFactory(user__email=email)
    CoachAthleteFactory(
        coach=athlete.user, athlete=athlete, permission=CoachAthlete.Permission.EDIT
    )
    return athlete


def test_only_planners_plan_an_athlete_with_a_coach(
    coach: User, view_coach: User, former_coach: User, athlete: Athlete
) -> None:
    assert list(Athlete.objects.plannable_by(coach)) == [athlete]
    assert not Athlete.objects.plannable_by(athlete.user).exists()  # read-only plan
    assert not Athlete.objects.plannable_by(view_coach).exists()
    assert not Athlete.objects.plannable_by(former_coach).exists()


def test_a_self_coached_athlete_plans_for_themself() -> None:
    solo = _self_coached("solo@example.test")
    assert list(Athlete.objects.plannable_by(solo.user)) == [solo]
    assert list(Athlete.objects.coached_by(solo.user)) == [solo]


def test_the_athlete_and_a_full_coach_manage_but_an_edit_coach_does_not(
    coach: User, athlete: Athlete
) -> None:
    full_coach = CoachFactory(email="fullcoach@example.test")
    CoachAthleteFactory(coach=full_coach, athlete=athlete, permission=CoachAthlete.Permission.FULL)
    assert list(Athlete.objects.manageable_by(athlete.user)) == [athlete]
    assert list(Athlete.objects.manageable_by(full_coach)) == [athlete]
    assert list(Athlete.objects.editable_by(full_coach)) == [athlete]
    assert not Athlete.objects.manageable_by(coach).exists()


def test_anonymous_reaches_nobody_by_any_name(athlete: Athlete) -> None:
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    for name in ("visible_to", "editable_by", "plannable_by", "manageable_by", "coached_by"):
        assert not getattr(Athlete.objects, name)(anonymous).exists(), name
    assert not CoachAthlete.objects.visible_to(anonymous).exists()
    assert not Group.objects.visible_to(anonymous).exists()


def test_owned_rows_follow_their_athletes_door_by_the_same_four_names(
    coach: User, view_coach: User, athlete: Athlete, other_athlete: Athlete
) -> None:
    Athlete.objects.filter(id=athlete.id).update(wellness_shared_at=dt.datetime.now(dt.UTC))
    mine = WellnessDay.objects.create(athlete=athlete, day=dt.date(2026, 3, 2))
    WellnessDay.objects.create(athlete=other_athlete, day=dt.date(2026, 3, 2))
    rows = WellnessDay.objects
    assert list(rows.visible_to(view_coach)) == [mine]
    assert not rows.editable_by(view_coach).exists()
    assert list(rows.editable_by(athlete.user)) == [mine]
    assert list(rows.plannable_by(coach)) == [mine]
    assert not rows.plannable_by(athlete.user).exists()
    assert list(rows.manageable_by(athlete.user)) == [mine]
    assert not rows.manageable_by(coach).exists()


def test_relationships_are_seen_by_their_two_parties_and_groups_by_their_coach(
    coach: User, view_coach: User, athlete: Athlete, other_coach: User
) -> None:
    group = Group.objects.create(coach=coach, name="Tuesday track")
    group.athletes.add(athlete)
    assert CoachAthlete.objects.visible_to(athlete.user).count() == 2
    assert [r.athlete for r in CoachAthlete.objects.visible_to(view_coach)] == [athlete]
    assert not CoachAthlete.objects.visible_to(other_coach).exists()
    assert list(Group.objects.visible_to(coach)) == [group]
    assert not Group.objects.visible_to(athlete.user).exists()
