"""Model fields: `EncryptedTextField` keeps ciphertext in the database, plaintext in Python."""

from __future__ import annotations

from typing import Any

from django.db import models

from core import crypto


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text encrypted at rest with MultiFernet (FERNET_KEYS). Never filter or order by it.

    `rotate_encryption_keys` re-encrypts every such column with the newest key.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return None if value is None else ""
        return crypto.encrypt(str(value))
