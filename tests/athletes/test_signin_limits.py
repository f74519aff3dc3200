"""Password guessing, as an attacker tries it: every way in (web form, API token, admin) shares
one failed-login limit per account and per client address; X-Forwarded-For counts only from
trusted proxies; a two-factor answer reveals nothing about the password."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from athletes.models import Athlete
from tests.factories import PASSWORD, AthleteFactory

TOKEN_URL = "/api/v1/auth/token/"
LOGIN_URL = "/accounts/login/"
ADDRESSES = (f"203.0.113.{n}" for n in itertools.count(1))


@pytest.fixture(autouse=True)
def _fresh_counters() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def token(email: str, password: str, **headers: str) -> int:
    response = APIClient().post(
        TOKEN_URL, {"email": email, "password": password}, format="json", headers=headers
    )
    return int(response.status_code)


def web_login(email: str, password: str, **headers: str) -> Any:
    return Client().post(LOGIN_URL, {"login": email, "password": password}, headers=headers)


def test_rotating_forwarded_for_headers_do_not_reset_the_limit(athlete: Athlete) -> None:
    email = athlete.user.email
    statuses = [token(email, f"guess-{n}", X_Forwarded_For=next(ADDRESSES)) for n in range(60)]

    assert statuses[:5] == [400] * 5
    assert set(statuses[5:]) == {429}  # 55 guesses refused unread
    assert token(email, PASSWORD, X_Forwarded_For=next(ADDRESSES)) == 429  # even the right one


def test_guessing_many_accounts_from_one_address_is_limited_too(db: None) -> None:
    victims = [AthleteFactory().user.email for _ in range(12)]

    statuses = [token(email, "guess") for email in victims]

    assert statuses[:10] == [400] * 10
    assert statuses[10:] == [429, 429]  # ten failures a minute per client address


def test_an_account_locked_on_the_web_form_gets_no_token(athlete: Athlete) -> None:
    for n in range(5):
        assert web_login(athlete.user.email, f"guess-{n}").status_code == 200  # form errors
    locked = web_login(athlete.user.email, PASSWORD)

    assert "Too many failed login attempts" in locked.content.decode()
    assert token(athlete.user.email, PASSWORD) == 429


def test_an_account_locked_through_the_api_cannot_log_in_on_the_web(athlete: Athlete) -> None:
    for n in range(5):
        assert token(athlete.user.email, f"guess-{n}") == 400

    response = web_login(athlete.user.email, PASSWORD)

    assert response.status_code == 200  # the form again, not a redirect into the app
    assert "Too many failed login attempts" in response.content.decode()


def test_the_admin_has_no_login_of_its_own(staff: Any) -> None:
    guess = Client().post(
        "/admin/login/?next=/admin/", {"username": staff.email, "password": "guess"}
    )
    page = Client().get("/admin/")

    assert guess.status_code == 302
    assert guess["Location"].startswith(LOGIN_URL)  # the limited web form, with 2FA
    assert page.status_code == 302 and page["Location"].startswith("/admin/login/")


def test_the_admin_refuses_signed_in_people_who_are_not_staff(athlete: Athlete) -> None:
    client = Client()
    client.force_login(athlete.user)

    assert client.get("/admin/login/").status_code == 403


def test_with_one_trusted_proxy_each_client_is_limited_on_its_own(
    athlete: Athlete, settings: Any
) -> None:
    settings.PACELINE_TRUSTED_PROXIES = 1
    victims = [AthleteFactory().user.email for _ in range(11)]

    # The proxy appends the address it saw; what the client wrote before it is ignored.
    spoofed = [
        token(email, "guess", X_Forwarded_For=f"{next(ADDRESSES)}, 198.51.100.7")
        for email in victims
    ]
    other_client = token(athlete.user.email, PASSWORD, X_Forwarded_For="198.51.100.8")

    assert spoofed[-1] == 429  # one client behind the proxy, whatever it claimed
    assert other_client == 200


def test_a_successful_login_leaves_the_failures_counted(athlete: Athlete) -> None:
    for n in range(4):
        assert token(athlete.user.email, f"guess-{n}") == 400
    assert token(athlete.user.email, PASSWORD) == 200

    assert token(athlete.user.email, "guess-5") == 400
    assert token(athlete.user.email, "guess-6") == 429


def test_wrong_two_factor_codes_count_as_failed_attempts(athlete: Athlete) -> None:
    TOTP.activate(athlete.user, generate_totp_secret())
    email = athlete.user.email
    codes = [f"{n:06d}" for n in range(6)]

    statuses = [
        int(
            APIClient()
            .post(TOKEN_URL, {"email": email, "password": PASSWORD, "otp": code}, format="json")
            .status_code
        )
        for code in codes
    ]

    assert statuses == [400] * 5 + [429]
