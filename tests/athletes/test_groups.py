"""A coach's groups: create, rename, members among their own athletes only, delete, scope."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from athletes.models import Athlete, CoachAthlete, Group, User
from athletes.services.groups import GroupError, group_create, group_set_members
from tests.factories import GroupFactory

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_coach_creates_a_group_and_lands_on_its_page(coach: User) -> None:
    response = _client(coach).post(reverse("group_list"), {"name": "  Marathon squad "})

    group = Group.objects.get(coach=coach)
    assert group.name == "Marathon squad"
    assert response.status_code == 302
    assert response["Location"] == reverse("group_detail", args=[group.id])


def test_a_duplicate_group_name_is_shown_as_a_form_error(coach: User) -> None:
    GroupFactory(coach=coach, name="Trail")

    response = _client(coach).post(reverse("group_list"), {"name": "trail"})

    assert response.status_code == 200
    assert "You already have a group with this name." in response.content.decode()
    assert Group.objects.filter(coach=coach).count() == 1


def test_two_coaches_may_use_the_same_group_name(coach: User, other_coach: User) -> None:
    group_create(coach=coach, name="Juniors")

    assert group_create(coach=other_coach, name="Juniors").coach == other_coach


def test_the_group_list_shows_an_empty_state(coach: User) -> None:
    html = _client(coach).get(reverse("group_list")).content.decode()

    assert "No groups yet" in html


def test_a_coach_renames_a_group(coach: User) -> None:
    group = GroupFactory(coach=coach, name="Old")

    response = _client(coach).post(
        reverse("group_detail", args=[group.id]), {"action": "rename", "name": "New"}
    )

    assert response.status_code == 302
    group.refresh_from_db()
    assert group.name == "New"


def test_a_coach_sets_members_among_their_athletes(coach: User, athlete: Athlete) -> None:
    group = GroupFactory(coach=coach)

    response = _client(coach).post(
        reverse("group_detail", args=[group.id]), {"action": "members", "athletes": [athlete.id]}
    )

    assert response.status_code == 302
    assert list(group.athletes.all()) == [athlete]
    html = _client(coach).get(reverse("roster")).content.decode()
    assert group.name in html


def test_the_members_form_rejects_athletes_the_coach_does_not_coach(
    coach: User, athlete: Athlete, other_athlete: Athlete, former_athlete: Athlete
) -> None:
    group = GroupFactory(coach=coach)
    client = _client(coach)

    for outsider in (other_athlete, former_athlete):
        response = client.post(
            reverse("group_detail", args=[group.id]),
            {"action": "members", "athletes": [athlete.id, outsider.id]},
        )
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    assert not group.athletes.exists()


def test_the_service_refuses_members_the_coach_does_not_coach(
    coach: User, other_athlete: Athlete, former_athlete: Athlete
) -> None:
    group = GroupFactory(coach=coach)

    with pytest.raises(GroupError):
        group_set_members(group=group, athletes=[other_athlete])
    with pytest.raises(ValueError):
        group_set_members(group=group, athletes=[former_athlete])
    assert not group.athletes.exists()


def test_a_view_only_coach_may_still_group_their_athletes(
    view_coach: User, athlete: Athlete
) -> None:
    group = GroupFactory(coach=view_coach)

    group_set_members(group=group, athletes=[athlete])

    assert list(group.athletes.all()) == [athlete]
    assert CoachAthlete.objects.get(coach=view_coach).permission == CoachAthlete.Permission.VIEW


def test_deleting_a_group_keeps_its_athletes_on_the_roster(coach: User, athlete: Athlete) -> None:
    group = GroupFactory(coach=coach)
    group.athletes.add(athlete)
    client = _client(coach)

    response = client.post(reverse("group_delete", args=[group.id]))

    assert response.status_code == 302
    assert not Group.objects.exists()
    assert str(athlete.user) in client.get(reverse("roster")).content.decode()


def test_another_coachs_group_is_not_found(coach: User, other_coach: User) -> None:
    group = GroupFactory(coach=other_coach, name="Theirs")
    client = _client(coach)

    assert client.get(reverse("group_detail", args=[group.id])).status_code == 404
    rename = client.post(
        reverse("group_detail", args=[group.id]), {"action": "rename", "name": "Mine"}
    )
    assert rename.status_code == 404
    assert client.post(reverse("group_delete", args=[group.id])).status_code == 404
    group.refresh_from_db()
    assert group.name == "Theirs"
    assert "Theirs" not in client.get(reverse("group_list")).content.decode()


def test_someone_who_is_not_a_coach_cannot_list_groups(athlete: Athlete) -> None:
    assert _client(athlete.user).get(reverse("group_list")).status_code == 403
