"""Who may create an account (PACELINE_SIGNUP): anyone, only invitees with the invited address,
or nobody (accounts made by an operator)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from athletes.models import User
from athletes.services.invitations import invitation_create
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def signup(client: Client, email: str) -> Any:
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "first_name": "Nina",
            "role": "athlete",
        },
    )


@pytest.mark.parametrize("mode", ["closed", "invitation"])
def test_without_an_invitation_nobody_signs_up_unless_signup_is_open(
    client: Client, settings: Any, mode: str
) -> None:
    settings.PACELINE_SIGNUP = mode

    page = client.get(reverse("account_signup"))
    response = signup(client, "stranger@example.test")

    assert "the sign up is currently closed" in page.content.decode()
    login_page = client.get(reverse("account_login")).content.decode()
    assert ">Sign up</a>" not in login_page  # the navigation offers no signup
    assert response.status_code == 200
    assert not User.objects.filter(email="stranger@example.test").exists()


def test_by_invitation_only_the_invited_address_signs_up_after_opening_the_link(
    client: Client, coach: User, settings: Any
) -> None:
    settings.PACELINE_SIGNUP = "invitation"
    _invitation, token = invitation_create(
        invited_by=coach, email="invited@example.test", direction="coach_to_athlete"
    )

    opened = client.get(reverse("invitation_respond", args=[token]))
    other = signup(client, "someone-else@example.test")
    invited = signup(client, "invited@example.test")

    assert opened.status_code == 302  # to the login page, the invitation kept for signup
    assert "Sign up with the address your invitation was sent to." in other.content.decode()
    assert not User.objects.filter(email="someone-else@example.test").exists()
    assert invited.status_code == 302
    assert User.objects.filter(email="invited@example.test").exists()


def test_an_answered_invitation_opens_signup_no_more(
    client: Client, coach: User, settings: Any
) -> None:
    settings.PACELINE_SIGNUP = "invitation"
    invitation, token = invitation_create(
        invited_by=coach, email="invited@example.test", direction="coach_to_athlete"
    )
    client.get(reverse("invitation_respond", args=[token]))
    invitation.status = invitation.Status.REVOKED
    invitation.save(update_fields=["status"])

    signup(client, "invited@example.test")

    assert not User.objects.filter(email="invited@example.test").exists()
