"""A logged-out invitee's first hour: the login and signup pages say who invites them, the
invitation survives signup and email confirmation and is accepted in one click; strangers'
tokens get a clear page, never an acceptance."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from athletes.adapters import INVITATION_SESSION_KEY
from athletes.models import Athlete, CoachAthlete, Invitation, User
from athletes.services.invitations import invitation_accept, invitation_create
from tests.factories import PASSWORD, AthleteFactory, UserFactory

pytestmark = pytest.mark.django_db
INVITED = "nina@example.test"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()  # allauth's rate limits
    yield
    cache.clear()


@pytest.fixture
def invited(coach: User) -> tuple[Invitation, str]:
    return invitation_create(invited_by=coach, email=INVITED, direction="coach_to_athlete")


def _signup(client: Client, email: str = INVITED, **extra: str) -> Any:
    data = {
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "first_name": "Nina",
        "role": "athlete",
        **extra,
    }
    return client.post(reverse("account_signup"), data)


def _confirmation_path() -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def _coaches_of(email: str) -> list[str]:
    active = CoachAthlete.objects.active().filter(athlete__user__email=email)
    return list(active.values_list("coach__email", flat=True))


# --- Who invites -----------------------------------------------------------------------------


def test_the_login_and_signup_pages_say_who_invites_and_what_accepting_means(
    client: Client, invited: tuple[Invitation, str]
) -> None:
    _invitation, token = invited

    opened = client.get(reverse("invitation_respond", args=[token]))
    login = client.get(opened["Location"]).content.decode()
    signup = client.get(reverse("account_signup")).content.decode()

    for page in (login, signup):
        assert "<strong>Claire Coach</strong> (coach@example.test) invites you" in page
        assert "As your coach they will plan your training" in page
        assert f"<strong>{INVITED}</strong>, the address the invitation was sent to" in page
    assert "invites you" not in Client().get(reverse("account_login")).content.decode()


def test_signup_is_prefilled_with_the_invited_address_and_side(
    client: Client, invited: tuple[Invitation, str]
) -> None:
    client.get(reverse("invitation_respond", args=[invited[1]]))

    page = client.get(reverse("account_signup")).content.decode()

    assert f'value="{INVITED}"' in page
    assert re.search(r'value="athlete"[^>]*checked|checked[^>]*value="athlete"', page)


def test_a_coach_invited_by_an_athlete_signs_up_as_a_coach_and_reads_so(
    client: Client, athlete: Athlete
) -> None:
    _invitation, token = invitation_create(
        invited_by=athlete.user, email="new.coach@example.test", direction="athlete_to_coach"
    )
    client.get(reverse("invitation_respond", args=[token]))

    page = client.get(reverse("account_signup")).content.decode()

    assert "invites you to be their coach on Paceline" in page
    assert re.search(r'value="coach"[^>]*checked|checked[^>]*value="coach"', page)


# --- Carried through signup and confirmation --------------------------------------------------


def test_after_signup_and_confirmation_the_invitee_lands_on_it_and_accepts_in_one_click(
    client: Client, invited: tuple[Invitation, str]
) -> None:
    _invitation, token = invited
    client.get(reverse("invitation_respond", args=[token]))
    assert _signup(client).status_code == 302

    confirmed = client.post(_confirmation_path())

    respond = reverse("invitation_respond", args=[token])
    assert confirmed["Location"] == respond  # logged in, on the invitation
    assert "Claire Coach" in client.get(respond).content.decode()
    accepted = client.post(respond, {"action": "accept"})
    assert accepted.status_code == 302
    assert _coaches_of(INVITED) == ["coach@example.test"]
    assert INVITATION_SESSION_KEY not in client.session


def test_confirming_in_another_browser_then_logging_in_leads_to_the_invitation(
    client: Client, invited: tuple[Invitation, str]
) -> None:
    client.get(reverse("invitation_respond", args=[invited[1]]))
    _signup(client)
    other_browser = Client()
    other_browser.post(_confirmation_path())

    landed = other_browser.post(reverse("account_login"), {"login": INVITED, "password": PASSWORD})

    assert landed["Location"] == reverse("invitation_list")
    page = other_browser.get(landed["Location"]).content.decode()
    assert "Claire Coach" in page
    assert 'value="accept"' in page


def test_a_plain_login_still_lands_home(client: Client, athlete: Athlete) -> None:
    landed = client.post(
        reverse("account_login"), {"login": athlete.user.email, "password": PASSWORD}
    )

    assert landed["Location"] == reverse("home")


# --- Sex on signup ----------------------------------------------------------------------------


def test_signup_asks_sex_optionally_and_unknown_stays_not_given(client: Client, db: None) -> None:
    page = client.get(reverse("account_signup")).content.decode()
    _signup(client, "a@example.test")
    _signup(Client(), "b@example.test", sex="F")

    assert 'name="sex"' in page
    assert "Not given" in page
    first = Athlete.objects.get(user__email="a@example.test")
    second = Athlete.objects.get(user__email="b@example.test")
    assert (first.sex, first.metric_sex) == ("", "M")
    assert (second.sex, second.metric_sex) == ("F", "F")


def test_the_profile_says_what_an_unknown_sex_affects(client: Client, db: None) -> None:
    athlete = AthleteFactory(sex=Athlete.Sex.UNKNOWN)
    client.force_login(athlete.user)

    page = client.get(reverse("athlete_detail", args=[athlete.id])).content.decode()

    assert "Not given" in page
    assert "male TRIMP coefficients" in page


# --- Strangers --------------------------------------------------------------------------------


def test_a_forged_token_gets_a_clear_page_and_keeps_nothing(client: Client, db: None) -> None:
    response = client.get(reverse("invitation_respond", args=["forged-token-123"]))

    assert response.status_code == 404
    assert "This invitation does not exist." in response.content.decode()
    assert INVITATION_SESSION_KEY not in client.session


@pytest.mark.parametrize("state", ["expired", "used"])
def test_an_expired_or_used_invitation_says_so_before_any_signup(
    client: Client, coach: User, invited: tuple[Invitation, str], state: str
) -> None:
    invitation, token = invited
    if state == "expired":
        Invitation.objects.filter(id=invitation.id).update(
            expires_at=timezone.now() - dt.timedelta(minutes=1)
        )
    else:
        invitation_accept(token=token, user=UserFactory(email=INVITED))

    response = client.get(reverse("invitation_respond", args=[token]))
    signup = client.get(reverse("account_signup")).content.decode()

    assert response.status_code == 410
    assert "This invitation can no longer be used" in response.content.decode()
    assert INVITATION_SESSION_KEY not in client.session
    assert "invites you" not in signup


def test_an_invitation_that_expires_during_signup_is_not_accepted_nor_a_crash(
    client: Client, invited: tuple[Invitation, str]
) -> None:
    invitation, token = invited
    client.get(reverse("invitation_respond", args=[token]))
    _signup(client)
    Invitation.objects.filter(id=invitation.id).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )

    confirmed = client.post(_confirmation_path())
    answer = client.post(reverse("invitation_respond", args=[token]), {"action": "accept"})

    assert confirmed["Location"] == reverse("home")
    assert answer.status_code == 410
    assert "This invitation has expired. Ask for a new one." in answer.content.decode()
    assert _coaches_of(INVITED) == []


def test_the_opened_token_does_not_let_another_user_accept_it(
    client: Client, invited: tuple[Invitation, str]
) -> None:
    _invitation, token = invited
    stranger = UserFactory(email="stranger@example.test")
    client.get(reverse("invitation_respond", args=[token]))

    landed = client.post(reverse("account_login"), {"login": stranger.email, "password": PASSWORD})
    answer = client.post(reverse("invitation_respond", args=[token]), {"action": "accept"})

    assert landed["Location"] == reverse("home")  # not steered to someone else's invitation
    assert answer.status_code == 403
    assert _coaches_of(stranger.email) == []
    assert Invitation.objects.get(email=INVITED).status == Invitation.Status.PENDING


def test_a_stranger_signing_up_with_their_own_address_cannot_accept_it(
    client: Client, invited: tuple[Invitation, str]
) -> None:
    _invitation, token = invited
    client.get(reverse("invitation_respond", args=[token]))
    _signup(client, "someone@example.test")

    confirmed = client.post(_confirmation_path())
    answer = client.post(reverse("invitation_respond", args=[token]), {"action": "accept"})

    assert confirmed["Location"] != reverse("invitation_respond", args=[token])
    assert answer.status_code == 403
    assert _coaches_of("someone@example.test") == []


# --- Small print ------------------------------------------------------------------------------


def test_the_expiry_time_ends_with_one_full_stop(
    client: Client, invited: tuple[Invitation, str]
) -> None:
    invitation, token = invited
    Invitation.objects.filter(id=invitation.id).update(
        expires_at=dt.datetime(2099, 3, 4, 8, 17, tzinfo=dt.UTC)
    )
    client.force_login(UserFactory(email=INVITED))

    page = client.get(reverse("invitation_respond", args=[token])).content.decode()

    # One formatter for a moment, and one full stop after it (it was "8:17 a.m..").
    assert "This invitation expires on Wed 4 Mar 2099, 08:17." in page
    assert ".." not in page.replace("...", "")


def test_account_emails_are_branded_paceline_not_the_host(client: Client, db: None) -> None:
    _signup(client, "a@example.test")

    message = mail.outbox[-1]

    assert message.subject.startswith("[Paceline] ")
    assert "Hello from Paceline!" in message.body
    assert "testserver" not in message.subject
    assert "Hello from testserver" not in message.body


def test_invitation_links_use_the_configured_base_url(coach: User, settings: Any) -> None:
    from athletes.services.invitations import invitation_accept_url

    settings.PACELINE_BASE_URL = "http://127.0.0.1:8101"

    assert invitation_accept_url(token="abc").startswith("http://127.0.0.1:8101/invitations/")
