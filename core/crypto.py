"""Encryption at rest for third-party secrets: MultiFernet over FERNET_KEYS, newest key first."""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class DecryptionError(Exception):
    """A stored secret could not be decrypted with any configured key."""


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise DecryptionError("FERNET_KEYS is empty.")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    """The MultiFernet of the configured keys (encrypts with the first, decrypts with any)."""
    return _fernet(tuple(settings.FERNET_KEYS))


def encrypt(plaintext: str) -> str:
    """Encrypt text with the newest key; returns a URL-safe token."""
    return fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    """Decrypt a token made by any configured key."""
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("No configured key decrypts this value.") from exc


def rotate(token: str) -> str:
    """Re-encrypt a token with the newest key (whatever key made it)."""
    try:
        return fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("No configured key decrypts this value.") from exc


def mask(secret: str | None) -> str:
    """A display form that never shows the secret: its length class and last two characters."""
    if not secret:
        return ""
    return "••••••" + (secret[-2:] if len(secret) > 8 else "")
