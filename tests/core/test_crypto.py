"""Encryption at rest: MultiFernet over FERNET_KEYS, and the model field built on it (no
database: the field's conversions are called directly)."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.fernet import Fernet

from core import crypto
from core.fields import EncryptedTextField

OLD_KEY, NEW_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()


@pytest.fixture
def old_key_only(settings: Any) -> None:
    settings.FERNET_KEYS = [OLD_KEY]


def test_a_secret_round_trips_and_is_never_stored_in_clear(old_key_only: None) -> None:
    token = crypto.encrypt("refresh-token-123")
    assert "refresh-token-123" not in token
    assert crypto.decrypt(token) == "refresh-token-123"


def test_an_older_key_still_decrypts_and_rotation_moves_to_the_newest(
    old_key_only: None, settings: Any
) -> None:
    token = crypto.encrypt("secret")
    settings.FERNET_KEYS = [NEW_KEY, OLD_KEY]
    assert crypto.decrypt(token) == "secret"
    rotated = crypto.rotate(token)
    settings.FERNET_KEYS = [NEW_KEY]
    assert crypto.decrypt(rotated) == "secret"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token)


def test_no_key_or_a_foreign_token_is_a_decryption_error(settings: Any) -> None:
    settings.FERNET_KEYS = [OLD_KEY]
    foreign = Fernet(NEW_KEY.encode()).encrypt(b"x").decode()
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(foreign)
    with pytest.raises(crypto.DecryptionError):
        crypto.rotate(foreign)
    settings.FERNET_KEYS = []
    with pytest.raises(crypto.DecryptionError):
        crypto.encrypt("x")


@pytest.mark.parametrize(
    ("secret", "shown"), [(None, ""), ("", ""), ("short", "••••••"), ("a-long-token", "••••••en")]
)
def test_a_masked_secret_shows_at_most_its_last_two_characters(
    secret: str | None, shown: str
) -> None:
    assert crypto.mask(secret) == shown


def test_the_field_writes_ciphertext_and_reads_plaintext(old_key_only: None) -> None:
    field = EncryptedTextField()
    stored = field.get_prep_value("feed-token")
    assert stored is not None and stored != "feed-token"
    assert crypto.decrypt(stored) == "feed-token"
    assert field.from_db_value(stored, None, None) == "feed-token"


def test_the_field_keeps_empty_and_null_as_they_are(old_key_only: None) -> None:
    field = EncryptedTextField()
    assert field.get_prep_value("") == ""
    assert field.get_prep_value(None) is None
    assert field.from_db_value("", None, None) == ""
    assert field.from_db_value(None, None, None) is None
