"""The one door: who sees and who edits which athletes."""

from __future__ import annotations

import pytest

from athletes.models import Athlete, CoachAthlete, User

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
    assert not Athlete.objects.fully_managed_by(coach).exists()


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
