"""The coach's roster, ending relationships from either side, permissions, self-coaching."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from athletes.models import Athlete, CoachAthlete, Group, User
from athletes.selectors.relationships import coaches_of, invitations_for, roster_list
from athletes.services.invitations import invitation_create
from athletes.services.relationships import relationship_end, relationship_set_permission
from integrations.models import Connection
from tests.factories import AthleteFactory, CoachAthleteFactory, GroupFactory, UserFactory

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _relation(coach: User, athlete: Athlete) -> CoachAthlete:
    return CoachAthlete.objects.active().get(coach=coach, athlete=athlete)


def test_the_roster_lists_active_athletes_but_not_former_or_other_coaches_ones(
    coach: User, athlete: Athlete, former_athlete: Athlete, other_athlete: Athlete
) -> None:
    page = _client(coach).get(reverse("roster"))

    assert page.status_code == 200
    html = page.content.decode()
    assert str(athlete.user) in html
    assert "Edit (plan, comment, thresholds)" in html
    assert str(former_athlete.user) not in html
    assert str(other_athlete.user) not in html


def test_the_roster_shows_an_empty_state_with_an_invite_button(other_coach: User) -> None:
    html = _client(other_coach).get(reverse("roster")).content.decode()

    assert "No athletes yet" in html
    assert reverse("invitation_create") in html


def test_the_roster_lists_pending_invitations_with_revoke_buttons(coach: User) -> None:
    invitation, _token = invitation_create(
        invited_by=coach, email="pending@example.test", direction="coach_to_athlete"
    )

    html = _client(coach).get(reverse("roster")).content.decode()

    assert "pending@example.test" in html
    assert reverse("invitation_revoke", args=[invitation.id]) in html


def test_someone_who_is_not_a_coach_gets_a_friendly_forbidden_page(athlete: Athlete) -> None:
    response = _client(athlete.user).get(reverse("roster"))

    assert response.status_code == 403
    assert "The roster is for coaches" in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(db: None) -> None:
    response = Client().get(reverse("roster"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_roster_filters_by_group(coach: User, athlete: Athlete) -> None:
    second = AthleteFactory(user__first_name="Bertrand")
    CoachAthleteFactory(coach=coach, athlete=second)
    group = GroupFactory(coach=coach, name="Trail squad")
    group.athletes.add(second)

    html = _client(coach).get(reverse("roster"), {"group": group.id}).content.decode()

    assert "Bertrand" in html
    assert str(athlete.user) not in html


def test_filtering_by_another_coachs_group_or_garbage_is_not_found(
    coach: User, other_coach: User
) -> None:
    foreign = GroupFactory(coach=other_coach)
    client = _client(coach)

    assert client.get(reverse("roster"), {"group": foreign.id}).status_code == 404
    assert client.get(reverse("roster"), {"group": "abc"}).status_code == 404


def _roster_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("roster")).status_code == 200
    return len(queries)


def _add_athletes(coach: User, count: int, group: Group) -> None:
    for _ in range(count):
        relation = CoachAthleteFactory(coach=coach)
        group.athletes.add(relation.athlete)


def test_the_roster_page_runs_a_fixed_number_of_queries_for_3_or_30_athletes(
    coach: User, django_assert_max_num_queries: Any
) -> None:
    group = GroupFactory(coach=coach)
    client = _client(coach)
    _add_athletes(coach, 3, group)
    invitation_create(invited_by=coach, email="q@example.test", direction="coach_to_athlete")
    with django_assert_max_num_queries(12):
        small = _roster_queries(client)
    _add_athletes(coach, 27, group)
    with django_assert_max_num_queries(12):
        large = _roster_queries(client)

    assert small == large


def test_roster_list_runs_four_queries_whatever_the_roster_size(
    coach: User, django_assert_num_queries: Any
) -> None:
    group = GroupFactory(coach=coach)
    _add_athletes(coach, 30, group)

    with django_assert_num_queries(4):  # athletes, relationships, groups, connections
        rows = roster_list(viewer=coach)
        summary = [
            (a.user.email, a.relationship.permission, [g.name for g in a.roster_groups])
            for a in rows
        ]

    assert len(summary) == 30


def test_the_coach_ends_a_relationship_and_no_longer_sees_the_athlete_that_day(
    coach: User, athlete: Athlete
) -> None:
    relation = _relation(coach, athlete)
    client = _client(coach)

    response = client.post(reverse("relationship_end", args=[relation.id]))

    assert response.status_code == 302
    relation.refresh_from_db()
    assert relation.status == CoachAthlete.Status.ENDED
    assert relation.ended_by == coach
    assert relation.ended_on == athlete.local_today()
    assert not Athlete.objects.visible_to(coach).exists()
    assert str(athlete.user) not in client.get(reverse("roster")).content.decode()


def test_the_athlete_ends_a_relationship_and_the_former_coach_loses_access(
    coach: User, athlete: Athlete
) -> None:
    relation = _relation(coach, athlete)

    response = _client(athlete.user).post(reverse("relationship_end", args=[relation.id]))

    assert response.status_code == 302
    relation.refresh_from_db()
    assert relation.status == CoachAthlete.Status.ENDED
    assert relation.ended_by == athlete.user
    assert not Athlete.objects.visible_to(coach).exists()
    assert str(athlete.user) not in _client(coach).get(reverse("roster")).content.decode()


def test_a_stranger_cannot_end_a_relationship(
    coach: User, athlete: Athlete, other_coach: User
) -> None:
    relation = _relation(coach, athlete)

    response = _client(other_coach).post(reverse("relationship_end", args=[relation.id]))

    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        relationship_end(relationship=relation, by=other_coach, today=dt.date(2026, 3, 2))
    relation.refresh_from_db()
    assert relation.status == CoachAthlete.Status.ACTIVE


def test_ending_a_relationship_removes_the_athlete_from_that_coachs_groups_only(
    coach: User, athlete: Athlete, other_coach: User
) -> None:
    mine = GroupFactory(coach=coach)
    mine.athletes.add(athlete)
    CoachAthleteFactory(coach=other_coach, athlete=athlete)
    theirs = GroupFactory(coach=other_coach)
    theirs.athletes.add(athlete)

    relationship_end(
        relationship=_relation(coach, athlete), by=athlete.user, today=dt.date(2026, 3, 2)
    )

    assert not mine.athletes.exists()
    assert list(theirs.athletes.all()) == [athlete]


def test_a_new_relationship_can_start_after_one_ended(coach: User, athlete: Athlete) -> None:
    relationship_end(relationship=_relation(coach, athlete), by=coach, today=dt.date(2026, 3, 2))

    CoachAthleteFactory(coach=coach, athlete=athlete)

    assert list(Athlete.objects.visible_to(coach)) == [athlete]


def test_ending_through_htmx_returns_an_empty_body(coach: User, athlete: Athlete) -> None:
    relation = _relation(coach, athlete)

    response = _client(coach).post(
        reverse("relationship_end", args=[relation.id]), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert response.content == b""


def test_the_athlete_changes_their_coachs_permission(coach: User, athlete: Athlete) -> None:
    relation = _relation(coach, athlete)

    response = _client(athlete.user).post(
        reverse("relationship_permission", args=[relation.id]), {"permission": "view"}
    )

    assert response.status_code == 302
    relation.refresh_from_db()
    assert relation.permission == CoachAthlete.Permission.VIEW
    assert not Athlete.objects.editable_by(coach).exists()


def test_the_coach_cannot_change_their_own_permission(coach: User, athlete: Athlete) -> None:
    relation = _relation(coach, athlete)

    response = _client(coach).post(
        reverse("relationship_permission", args=[relation.id]), {"permission": "full"}
    )

    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        relationship_set_permission(relationship=relation, permission="full", by=coach)
    relation.refresh_from_db()
    assert relation.permission == CoachAthlete.Permission.EDIT


def test_a_stranger_cannot_touch_a_relationships_permission(
    coach: User, athlete: Athlete, other_athlete: Athlete
) -> None:
    relation = _relation(coach, athlete)

    response = _client(other_athlete.user).post(
        reverse("relationship_permission", args=[relation.id]), {"permission": "full"}
    )

    assert response.status_code == 404


def test_an_invalid_permission_is_refused_without_change(coach: User, athlete: Athlete) -> None:
    relation = _relation(coach, athlete)

    response = _client(athlete.user).post(
        reverse("relationship_permission", args=[relation.id]), {"permission": "owner"}
    )

    assert response.status_code == 302
    relation.refresh_from_db()
    assert relation.permission == CoachAthlete.Permission.EDIT


def test_the_invitations_page_shows_both_sides_of_each_relationship_with_end_buttons(
    coach: User, athlete: Athlete
) -> None:
    relation = _relation(coach, athlete)
    end_url = reverse("relationship_end", args=[relation.id])

    athlete_page = _client(athlete.user).get(reverse("invitation_list")).content.decode()
    coach_page = _client(coach).get(reverse("invitation_list")).content.decode()

    assert end_url in athlete_page
    assert reverse("relationship_permission", args=[relation.id]) in athlete_page
    assert "Invite my coach" in athlete_page
    assert end_url in coach_page
    assert reverse("relationship_permission", args=[relation.id]) not in coach_page


def test_starting_self_coaching_puts_the_user_on_their_own_roster(db: None) -> None:
    user = UserFactory(first_name="Selma")
    client = _client(user)

    response = client.post(reverse("self_coaching_start"))

    assert response.status_code == 302
    athlete = Athlete.objects.get(user=user)
    assert [r.coach for r in coaches_of(athlete=athlete)] == [user]
    assert "Selma" in client.get(reverse("roster")).content.decode()


def test_invitations_for_lists_sent_and_received_pending_invitations(
    coach: User, other_athlete: Athlete
) -> None:
    sent, _token = invitation_create(
        invited_by=coach, email="someone@example.test", direction="coach_to_athlete"
    )
    received, _token = invitation_create(
        invited_by=other_athlete.user, email="COACH@example.test", direction="athlete_to_coach"
    )

    assert invitations_for(user=coach) == ([sent], [received])
    assert invitations_for(user=other_athlete.user) == ([received], [])


def test_a_connection_that_needs_the_athlete_shows_on_the_roster(
    client: Client, coach: User, athlete: Athlete
) -> None:
    Connection.objects.create(
        athlete=athlete,
        provider=Connection.Provider.GARMIN,
        status=Connection.Status.NEEDS_USER,
        status_reason="Garmin asks you to sign in again.",
    )
    client.force_login(coach)
    html = client.get(reverse("roster")).content.decode()
    assert "Garmin Connect: needs the athlete" in html
    assert 'title="Garmin asks you to sign in again."' in html
