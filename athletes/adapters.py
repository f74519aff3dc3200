"""allauth adapters: MFA secrets encrypted with our MultiFernet keys; language from the profile."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.http import HttpRequest

from athletes import crypto


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    """Signup is open unless PACELINE_OPEN_SIGNUP=0 (a club may want invitations only)."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        from django.conf import settings

        return bool(getattr(settings, "PACELINE_OPEN_SIGNUP", True))


class MFAAdapter(DefaultMFAAdapter):  # type: ignore[misc]
    """TOTP secrets are stored encrypted with FERNET_KEYS (rotated by rotate_encryption_keys)."""

    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text)
