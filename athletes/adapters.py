"""allauth adapters: who may sign up (PACELINE_SIGNUP), the client address rate limits key on,
MFA secrets encrypted with our MultiFernet keys."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from athletes.models import Invitation
from athletes.services.invitations import invitation_get_by_token
from core import crypto
from core.http import client_ip

SIGNUP_OPEN, SIGNUP_INVITATION, SIGNUP_CLOSED = "open", "invitation", "closed"
INVITATION_SESSION_KEY = "paceline_invitation"


def signup_mode() -> str:
    """open (anyone), invitation (only someone holding a pending invitation, with its email
    address) or closed (accounts are made by an operator)."""
    return str(getattr(settings, "PACELINE_SIGNUP", SIGNUP_OPEN))


def session_invitation(request: HttpRequest) -> Invitation | None:
    """The pending, unexpired invitation this browser opened (its link), if any."""
    token = request.session.get(INVITATION_SESSION_KEY) if hasattr(request, "session") else None
    invitation = invitation_get_by_token(token=str(token)) if token else None
    if invitation is None or invitation.status != Invitation.Status.PENDING:
        return None
    return None if invitation.is_expired(timezone.now()) else invitation


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    """Signup as PACELINE_SIGNUP says; rate limits key on the client address as far as trusted
    proxies tell it (core.http)."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        mode = signup_mode()
        if mode == SIGNUP_INVITATION:
            return session_invitation(request) is not None
        return mode == SIGNUP_OPEN

    def clean_email(self, email: str) -> str:
        """By invitation only, a new account uses the address the invitation was sent to."""
        request = self.request
        signing_up = request is not None and not request.user.is_authenticated
        if signing_up and signup_mode() == SIGNUP_INVITATION:
            invitation = session_invitation(request)
            if invitation is None or invitation.email.lower() != email.strip().lower():
                raise ValidationError(_("Sign up with the address your invitation was sent to."))
        return email

    def get_client_ip(self, request: HttpRequest) -> str:
        return client_ip(request)


class MFAAdapter(DefaultMFAAdapter):  # type: ignore[misc]
    """TOTP secrets are stored encrypted with FERNET_KEYS (rotated by rotate_encryption_keys)."""

    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text)
