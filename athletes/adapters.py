"""allauth adapters: who may sign up (PACELINE_SIGNUP), the client address rate limits key on,
MFA secrets encrypted with our MultiFernet keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from athletes.models import Invitation, User
from athletes.selectors.relationships import invitations_for
from athletes.services.invitations import invitation_addressed_to, invitation_get_by_token
from core import crypto
from core.http import client_ip

SITE_NAME = "Paceline"
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


def invitation_waiting_url(request: HttpRequest, user: User) -> str | None:
    """Where an invitee goes once signed in (after signup and email confirmation too): the
    invitation this browser opened, if it is addressed to this user; else their invitations
    page when one waits for them (the link was opened in another browser); else None.

    An opened invitation addressed to someone else is only forgotten: the invitation page
    refuses it anyway (`invitation_check`)."""
    opened = session_invitation(request)
    if opened is not None and invitation_addressed_to(invitation=opened, user=user):
        token = str(request.session[INVITATION_SESSION_KEY])
        return reverse("invitation_respond", kwargs={"token": token})
    if opened is not None:
        request.session.pop(INVITATION_SESSION_KEY, None)
    if invitations_for(user=user).received:
        return reverse("invitation_list")
    return None


@dataclass(frozen=True)
class Site:
    """What allauth's emails call the site ("Hello from …!", the subject prefix)."""

    name: str
    domain: str


def email_site(request: HttpRequest | None) -> Site:
    """Paceline, at the address the person used (else PACELINE_BASE_URL's) — never just the
    host ("Hello from 127.0.0.1:8101!")."""
    domain = request.get_host() if request is not None else ""
    return Site(SITE_NAME, domain or urlsplit(settings.PACELINE_BASE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    """Signup as PACELINE_SIGNUP says; invitees land on their invitation once signed in; rate
    limits key on the client address as far as trusted proxies tell it (core.http)."""

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return self._waiting(request) or str(super().get_login_redirect_url(request))

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        """Also where the confirmation link goes when it logs the new user in."""
        return self._waiting(request) or str(super().get_signup_redirect_url(request))

    def _waiting(self, request: HttpRequest) -> str | None:
        user = request.user
        return invitation_waiting_url(request, user) if isinstance(user, User) else None

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

    def format_email_subject(self, subject: str) -> str:
        return f"[{SITE_NAME}] {subject}"

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's emails, named Paceline (the templates read `current_site.name`)."""
        site = email_site(context.get("request") or self.request)
        super().send_mail(template_prefix, email, {**context, "current_site": site})

    def get_client_ip(self, request: HttpRequest) -> str:
        return client_ip(request)


class MFAAdapter(DefaultMFAAdapter):  # type: ignore[misc]
    """TOTP secrets are stored encrypted with FERNET_KEYS (rotated by rotate_encryption_keys)."""

    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text)
