"""One check of credentials for every way in (DESIGN §5): the web form (allauth), the API
token endpoint and the admin (which sends people to the web form) share allauth's failed-login
limits — per account (email) and per client address (core.http.client_ip) — kept in the
database cache that every process shares.

A refusal never tells which part was wrong: an unknown email, a wrong password, a missing or
wrong two-factor code all get the same answer, and a wrong code counts as a failed attempt.
"""

from __future__ import annotations

from allauth.account import app_settings as account_settings
from allauth.account.adapter import get_adapter
from allauth.account.utils import has_verified_email
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from athletes.models import User


class SignInRefused(Exception):  # noqa: N818 — names what happens to the attempt
    """`code`: `invalid` (any wrong part), `unverified` (email not confirmed yet) or
    `limited` (too many failed attempts for this account or from this address)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def credentials_check(*, request: HttpRequest, email: str, password: str, otp: str = "") -> User:
    """The user these credentials open, or SignInRefused."""
    adapter = get_adapter(request)
    credentials = {"email": email.strip().lower(), "password": password}
    try:
        user = adapter.authenticate(request, **credentials)
    except ValidationError as limited:  # allauth's "too many login attempts"
        raise SignInRefused("limited") from limited
    if user is None:
        raise SignInRefused("invalid")
    if not user.is_active or not _second_factor_ok(user, otp):
        _count_failure(request, email=credentials["email"])
        raise SignInRefused("invalid")
    if _verification_required() and not has_verified_email(user):
        raise SignInRefused("unverified")
    return user  # type: ignore[no-any-return]


def _second_factor_ok(user: User, code: str) -> bool:
    """No TOTP authenticator, or a valid, unused code of it."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        return True
    if not code.strip() or not TOTP(authenticator).validate_code(code.strip()):
        return False
    authenticator.record_usage()
    return True


def _count_failure(request: HttpRequest, *, email: str) -> None:
    """Count a failed attempt the password check did not count (its success was rolled back)."""
    try:
        get_adapter(request).pre_authenticate(request, email=email)
    except ValidationError as limited:
        raise SignInRefused("limited") from limited


def _verification_required() -> bool:
    mandatory = account_settings.EmailVerificationMethod.MANDATORY
    return bool(mandatory == account_settings.EMAIL_VERIFICATION)
