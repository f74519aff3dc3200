"""The athletes' admin: only staff get in, secrets stay masked, users are made by email.
Every model's pages and their query budgets: tests/test_admin.py."""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token, TokenProxy

from athletes.models import Athlete, Goal, Invitation, User, WellnessDay
from core import crypto
from integrations.models import Connection
from tests.factories import GoalFactory

ACCESS_TOKEN = "strava-access-0123456789abcdef"
REFRESH_TOKEN = "refresh-9876543210"
SECRET = "JBSWY3DPEHPK3PXP"  # a TOTP secret


def _url(model: type[models.Model], view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def strava(athlete: Athlete) -> Connection:
    connection = Connection(athlete=athlete, provider=Connection.Provider.STRAVA)
    connection.set_credentials(
        {"access_token": ACCESS_TOKEN, "refresh_token": "refresh-9876543210"}
    )
    connection.save()
    return connection


def test_invitations_are_not_added_in_the_admin_because_the_token_travels_by_email(
    staff_client: Client,
) -> None:
    assert staff_client.get(_url(Invitation, "add")).status_code == 403


@pytest.mark.parametrize("view", ["changelist", "add"])
def test_non_staff_users_are_sent_to_the_admin_login(athlete: Athlete, view: str) -> None:
    client = Client()
    client.force_login(athlete.user)
    response = client.get(_url(Connection, view))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_anonymous_visitors_are_sent_to_the_admin_login(db: None) -> None:
    response = Client().get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_connection_change_page_never_shows_the_token(
    staff_client: Client, strava: Connection
) -> None:
    response = staff_client.get(_url(Connection, "change", strava.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert ACCESS_TOKEN not in html
    assert REFRESH_TOKEN not in html
    assert 'name="credentials"' not in html
    assert "access_token: ••••••ef" in html


def test_saving_a_connection_in_the_admin_keeps_its_credentials(
    staff_client: Client, strava: Connection
) -> None:
    response = staff_client.post(
        _url(Connection, "change", strava.pk),
        {
            "athlete": strava.athlete_id,
            "provider": "strava",
            "scopes": "read,activity:read_all",
            "status": "needs_user",
            "cursor": "{}",
            "lease_owner": "",
            "error": "",
        },
    )
    assert response.status_code == 302
    strava.refresh_from_db()
    assert strava.status == Connection.Status.NEEDS_USER
    assert strava.credentials_dict["access_token"] == ACCESS_TOKEN


def test_disconnect_action_clears_credentials_and_marks_the_connection_disconnected(
    staff_client: Client, strava: Connection
) -> None:
    response = staff_client.post(
        _url(Connection, "changelist"),
        {"action": "disconnect", admin.helpers.ACTION_CHECKBOX_NAME: [strava.pk]},
    )
    assert response.status_code == 302
    strava.refresh_from_db()
    assert strava.status == Connection.Status.DISCONNECTED
    assert strava.credentials_dict == {}


def test_invitation_change_page_shows_only_a_masked_token_hash(
    staff_client: Client, coach: User
) -> None:
    token_hash = "a3f1" * 16
    invitation = Invitation.objects.create(
        direction=Invitation.Direction.COACH_INVITES_ATHLETE,
        invited_by=coach,
        email="new@example.test",
        token_hash=token_hash,
        expires_at=timezone.now() + dt.timedelta(days=14),
    )
    response = staff_client.get(_url(Invitation, "change", invitation.pk))
    assert response.status_code == 200
    assert token_hash not in response.content.decode()


def test_user_search_finds_users_by_email(
    staff_client: Client, athlete: Athlete, other_athlete: Athlete
) -> None:
    response = staff_client.get(_url(User, "changelist"), {"q": "otherathlete@"})
    users = list(response.context["cl"].result_list)
    assert users == [other_athlete.user]


def test_staff_creates_a_user_with_an_email_and_no_username(staff_client: Client) -> None:
    response = staff_client.post(
        _url(User, "add"),
        {
            "email": "New.Runner@Example.test",
            "usable_password": "true",
            "password1": "a long enough passphrase 42",
            "password2": "a long enough passphrase 42",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.runner@example.test")
    assert user.check_password("a long enough passphrase 42")


def test_api_tokens_are_listed_masked(staff_client: Client, athlete: Athlete) -> None:
    token = Token.objects.create(user=athlete.user)
    response = staff_client.get(_url(TokenProxy, "changelist"))
    assert response.status_code == 200
    assert token.key not in response.content.decode()


def test_an_api_token_is_named_masked_and_never_moved_to_another_user(
    staff_client: Client, athlete: Athlete, other_athlete: Athlete
) -> None:
    token = Token.objects.create(user=athlete.user)
    change = _url(TokenProxy, "change", athlete.user.pk)
    for url in (change, _url(TokenProxy, "delete", athlete.user.pk)):
        html = staff_client.get(url).content.decode()
        assert token.key not in html
        assert f"••••••{token.key[-2:]}" in html
    assert staff_client.post(change, {"user": other_athlete.user.pk}).status_code == 403
    assert Token.objects.get(key=token.key).user == athlete.user


def test_a_second_factor_is_named_never_shown_and_resets_by_deleting_it(
    staff_client: Client, athlete: Athlete
) -> None:
    authenticator = Authenticator.objects.create(
        user=athlete.user, type=Authenticator.Type.TOTP, data={"secret": crypto.encrypt(SECRET)}
    )
    change = _url(Authenticator, "change", authenticator.pk)
    html = staff_client.get(change).content.decode()
    assert "secret" in html
    assert SECRET not in html
    assert authenticator.data["secret"] not in html
    assert staff_client.post(change, {"data": "{}"}).status_code == 403

    staff_client.post(_url(Authenticator, "delete", authenticator.pk), {"post": "yes"})
    assert not Authenticator.objects.filter(user=athlete.user).exists()


def test_sleep_and_goals_read_as_clock_times_and_kilometres(
    staff_client: Client, athlete: Athlete
) -> None:
    WellnessDay.objects.create(athlete=athlete, day=dt.date(2026, 3, 2), sleep_s=27300)
    GoalFactory(athlete=athlete, distance_m=21097.5, target_time_s=5400)
    wellness = staff_client.get(_url(WellnessDay, "changelist")).content.decode()
    goals = staff_client.get(_url(Goal, "changelist")).content.decode()
    assert "7:35:00" in wellness
    assert "21.1 km" in goals
    assert "1:30:00" in goals
