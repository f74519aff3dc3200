"""Secrets at rest: ciphertext in the database, plaintext in Python, and key rotation."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from cryptography.fernet import Fernet, MultiFernet
from django.core.management import CommandError, call_command
from django.db import connection as db
from pytest_django.fixtures import Settings

from athletes.models import Athlete
from athletes.services.encryption import encrypted_fields, encryption_rotate
from core import crypto
from integrations.models import Connection

TOKENS = {"access_token": "strava-access-4f9a1c", "refresh_token": "strava-refresh-77b2e0"}


def _key() -> str:
    return Fernet.generate_key().decode()


def _raw_credentials() -> list[str]:
    with db.cursor() as cursor:
        cursor.execute("select credentials from integrations_connection")
        return [row[0] for row in cursor.fetchall()]


def _reload(connection: Connection) -> dict[str, object]:
    return Connection.objects.get(pk=connection.pk).credentials_dict


@pytest.fixture
def old_key(settings: Settings) -> str:
    key = _key()
    settings.FERNET_KEYS = [key]
    return key


@pytest.fixture
def strava(athlete: Athlete, old_key: str) -> Connection:
    connection = Connection(athlete=athlete, provider=Connection.Provider.STRAVA)
    connection.set_credentials(TOKENS)
    connection.save()
    return connection


def test_credentials_are_ciphertext_in_the_database_and_plaintext_in_python(
    strava: Connection, old_key: str
) -> None:
    [raw] = _raw_credentials()
    assert "strava-access" not in raw
    assert json.loads(Fernet(old_key.encode()).decrypt(raw.encode())) == TOKENS
    assert _reload(strava) == TOKENS


def test_empty_credentials_are_stored_empty_and_read_as_an_empty_dict(
    athlete: Athlete, old_key: str
) -> None:
    connection = Connection.objects.create(athlete=athlete, provider=Connection.Provider.GARMIN)
    assert _raw_credentials() == [""]
    assert _reload(connection) == {}


def test_every_encrypted_field_is_found_for_rotation() -> None:
    labels = {f"{model._meta.label}.{field.name}" for model, field in encrypted_fields()}
    assert "integrations.Connection.credentials" in labels


def test_rotation_moves_connections_and_totp_secrets_to_the_new_key(
    strava: Connection, settings: Settings, old_key: str
) -> None:
    secret = generate_totp_secret()
    totp = TOTP.activate(strava.athlete.user, secret).instance
    new_key = _key()

    settings.FERNET_KEYS = [new_key]
    with pytest.raises(crypto.DecryptionError):
        _reload(strava)

    settings.FERNET_KEYS = [new_key, old_key]
    out = StringIO()
    call_command("rotate_encryption_keys", "--json", stdout=out)
    counts = json.loads(out.getvalue())
    assert counts["integrations.Connection.credentials"] == 1
    assert counts["mfa.Authenticator.data"] == 1
    assert counts["failed"] == 0

    settings.FERNET_KEYS = [new_key]
    assert _reload(strava) == TOKENS
    totp.refresh_from_db()
    assert crypto.decrypt(totp.data["secret"]) == secret
    [raw] = _raw_credentials()
    assert json.loads(Fernet(new_key.encode()).decrypt(raw.encode())) == TOKENS


def test_rotation_keeps_recovery_codes_valid_under_the_new_key(
    athlete: Athlete, settings: Settings, old_key: str
) -> None:
    codes = RecoveryCodes.activate(athlete.user)
    before = codes.generate_codes()
    new_key = _key()
    settings.FERNET_KEYS = [new_key, old_key]
    assert encryption_rotate()["mfa.Authenticator.data"] == 1

    settings.FERNET_KEYS = [new_key]
    instance = Authenticator.objects.get(pk=codes.instance.pk)
    assert RecoveryCodes(instance).generate_codes() == before


def test_rotation_in_small_batches_rotates_every_row(
    other_athlete: Athlete, strava: Connection, settings: Settings, old_key: str
) -> None:
    garmin = Connection(athlete=other_athlete, provider=Connection.Provider.GARMIN)
    garmin.set_credentials({"access_token": "garmin-token-123456"})
    garmin.save()
    Connection.objects.create(athlete=strava.athlete, provider=Connection.Provider.TRAININGPEAKS)
    new_key = _key()
    settings.FERNET_KEYS = [new_key, old_key]

    counts = encryption_rotate(batch_size=1)

    assert counts["integrations.Connection.credentials"] == 2  # the empty one is skipped
    new_only = MultiFernet([Fernet(new_key.encode())])
    assert all(new_only.decrypt(raw.encode()) for raw in _raw_credentials() if raw)


def test_rotation_reports_values_no_key_decrypts_and_the_command_fails(
    strava: Connection, settings: Settings
) -> None:
    settings.FERNET_KEYS = [_key()]  # the key that encrypted `strava` is lost
    with pytest.raises(CommandError, match="1 value"):
        call_command("rotate_encryption_keys", stdout=StringIO())


def test_rotation_prints_one_line_per_column(strava: Connection) -> None:
    out = StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "integrations.Connection.credentials: 1" in out.getvalue().splitlines()
