"""Accounts through allauth in our shell: signup per role, email verification, password reset,
TOTP two-factor authentication (secret encrypted at rest)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time
from collections.abc import Iterator

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from athletes.models import Athlete, CoachAthlete, User
from core import crypto
from tests.factories import PASSWORD, AthleteFactory

NEW_PASSWORD = "a fresh uphill tempo 42"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """allauth keeps rate limits and used TOTP codes in the cache."""
    cache.clear()
    yield
    cache.clear()


def _signup(client: Client, role: str, email: str = "new@example.test") -> None:
    response = client.post(
        reverse("account_signup"),
        {
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "first_name": "Nina",
            "last_name": "New",
            "role": role,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]


def _login(client: Client, email: str, password: str = PASSWORD) -> str:
    """Post the login form; returns where it redirects ("" when the form is shown again)."""
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    return response["Location"] if response.status_code == 302 else ""


def _reauthenticate(client: Client) -> None:
    """allauth asks for the password again before security changes (MFA setup)."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def _link_in(message: mail.EmailMessage) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def _totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 code (SHA-1, 30 s, 6 digits) computed here, independent of allauth."""
    counter = int((time.time() if at is None else at) // 30)
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


# --- Signup -------------------------------------------------------------------------------------


def test_signup_page_shows_name_and_role_fields_in_our_style(client: Client, db: None) -> None:
    body = client.get(reverse("account_signup")).content.decode()
    assert 'name="first_name"' in body
    assert 'name="last_name"' in body
    assert body.count('type="radio" name="role"') == 3
    assert 'class="form"' in body
    assert "css/app.css" in body


def test_signup_as_athlete_creates_an_athlete_profile_without_coach_rights(
    client: Client, db: None
) -> None:
    _signup(client, "athlete")
    user = User.objects.get(email="new@example.test")
    assert (user.first_name, user.last_name, user.is_coach) == ("Nina", "New", False)
    assert Athlete.objects.filter(user=user).exists()
    assert not CoachAthlete.objects.filter(coach=user).exists()


def test_signup_as_coach_sets_the_coach_flag_without_self_coaching(
    client: Client, db: None
) -> None:
    _signup(client, "coach")
    user = User.objects.get(email="new@example.test")
    assert user.is_coach
    assert not CoachAthlete.objects.filter(coach=user).exists()


def test_signup_as_self_coached_makes_the_user_their_own_coach(client: Client, db: None) -> None:
    _signup(client, "self")
    user = User.objects.get(email="new@example.test")
    relation = CoachAthlete.objects.get(coach=user)
    assert user.is_coach
    assert relation.athlete.user == user
    assert relation.status == CoachAthlete.Status.ACTIVE
    assert relation.is_self_coached


def test_signup_without_a_first_name_shows_the_error(client: Client, db: None) -> None:
    response = client.post(
        reverse("account_signup"),
        {"email": "x@example.test", "password1": PASSWORD, "password2": PASSWORD, "role": "coach"},
    )
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not User.objects.filter(email="x@example.test").exists()


# --- Email verification ---------------------------------------------------------------------------


def test_login_waits_for_email_verification_and_the_mailed_link_confirms_it(
    client: Client, db: None
) -> None:
    _signup(client, "athlete")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.test"]
    confirm_path = _link_in(mail.outbox[0])

    fresh = Client()
    assert _login(fresh, "new@example.test") == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in fresh.session

    page = fresh.get(confirm_path)
    assert page.status_code == 200
    assert "btn btn-primary" in page.content.decode()
    fresh.post(confirm_path)
    user = User.objects.get(email="new@example.test")
    assert user.emailaddress_set.get().verified

    assert _login(fresh, "new@example.test") == reverse("home")
    assert fresh.session["_auth_user_id"] == str(user.pk)


# --- Password reset -------------------------------------------------------------------------------


def test_password_reset_mail_link_sets_a_new_password(client: Client, athlete: Athlete) -> None:
    response = client.post(reverse("account_reset_password"), {"email": athlete.user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    key_path = _link_in(mail.outbox[0])

    form_page = client.get(key_path, follow=True)
    assert form_page.status_code == 200
    set_password_path = form_page.redirect_chain[-1][0]
    done = client.post(set_password_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302

    assert _login(Client(), athlete.user.email, PASSWORD) == ""
    assert _login(Client(), athlete.user.email, NEW_PASSWORD) == reverse("home")


def test_password_reset_with_a_tampered_link_is_refused(client: Client, athlete: Athlete) -> None:
    client.post(reverse("account_reset_password"), {"email": athlete.user.email})
    key_path = _link_in(mail.outbox[0]).rstrip("/") + "x/"
    page = client.get(key_path, follow=True)
    assert page.status_code == 200
    assert 'name="password1"' not in page.content.decode()


# --- Two-factor authentication (TOTP) -----------------------------------------------------------


@pytest.fixture
def totp_user(client: Client, db: None) -> tuple[User, str]:
    """A logged-in athlete who has just activated TOTP; returns the user and the secret."""
    user = AthleteFactory(user__email="mfa@example.test").user
    assert _login(client, user.email) == reverse("home")
    _reauthenticate(client)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    assert secret in page.content.decode()  # shown once to the user, for their app
    response = client.post(reverse("mfa_activate_totp"), {"code": _totp(secret)})
    assert response.status_code == 302
    return user, secret


def test_totp_activation_with_a_wrong_code_is_refused(client: Client, db: None) -> None:
    user = AthleteFactory().user
    _login(client, user.email)
    _reauthenticate(client)
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    wrong = f"{(int(_totp(secret)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("mfa_activate_totp"), {"code": wrong})
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_totp_secret_is_stored_encrypted_not_in_plaintext(totp_user: tuple[User, str]) -> None:
    user, secret = totp_user
    stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    assert stored != secret
    assert secret not in stored
    assert crypto.decrypt(stored) == secret


def test_login_with_totp_asks_for_the_code_and_refuses_a_wrong_one(
    totp_user: tuple[User, str],
) -> None:
    user, secret = totp_user
    client = Client()
    assert _login(client, user.email) == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    wrong = f"{(int(_totp(secret)) + 1) % 1_000_000:06d}"
    refused = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert refused.status_code == 200
    assert 'class="errorlist' in refused.content.decode()
    assert "_auth_user_id" not in client.session

    accepted = client.post(reverse("mfa_authenticate"), {"code": _totp(secret)})
    assert accepted.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_mfa_pages_render_in_our_shell(client: Client, totp_user: tuple[User, str]) -> None:
    for name in ("mfa_index", "mfa_view_recovery_codes", "mfa_deactivate_totp"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        body = response.content.decode()
        assert 'class="topbar"' in body, name
        assert "manage-nav" in body, name


# --- Our shell around allauth -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["account_login", "account_signup", "account_reset_password"])
def test_entrance_pages_use_our_layout_and_language_switch(
    client: Client, db: None, name: str
) -> None:
    body = client.get(reverse(name)).content.decode()
    assert 'class="card auth-card' in body
    assert f'action="{reverse("set_language")}"' in body
    assert f'name="next" value="{reverse(name)}"' in body
    assert 'value="fr"' in body


def test_mfa_setup_first_asks_for_the_password_again_in_our_style(
    client: Client, athlete: Athlete
) -> None:
    _login(client, athlete.user.email)
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    body = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert 'class="card auth-card' in body
    assert 'name="password"' in body


@pytest.mark.parametrize(
    ("name", "marker"),
    [
        ("account_change_password", 'name="oldpassword"'),
        ("account_email", 'type="radio"'),
        ("account_logout", 'class="form"'),
        ("mfa_index", 'class="card"'),
    ],
)
def test_account_management_pages_render_in_our_style(
    client: Client, athlete: Athlete, name: str, marker: str
) -> None:
    client.force_login(athlete.user)
    response = client.get(reverse(name))
    body = response.content.decode()
    assert response.status_code == 200
    assert "manage-nav" in body
    assert marker in body
    assert "btn" in body


def test_signup_lands_on_the_verification_page_in_our_layout(client: Client, db: None) -> None:
    response = client.post(
        reverse("account_signup"),
        {
            "email": "v@example.test",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "first_name": "Vera",
            "role": "athlete",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("account_email_verification_sent")
    assert 'class="card auth-card' in response.content.decode()
