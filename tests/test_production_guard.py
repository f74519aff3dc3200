"""What production refuses to start with (config/settings/guard.py), rule by rule; the
subprocess checks of the real settings module are in tests/test_deploy_check.py."""

from __future__ import annotations

import secrets

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from config.settings.base import EMBEDDED_FERNET_KEY, EMBEDDED_SECRET_KEY
from config.settings.guard import production_problems, refuse_bad_configuration


def valid() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(60),
        "FERNET_KEYS": f"{Fernet.generate_key().decode()}, {Fernet.generate_key().decode()}",
        "ALLOWED_HOSTS": "paceline.example.com",
        "DATABASE_URL": "postgres://paceline:s3cret-Xq9@postgres:5432/paceline",
        "EMAIL_HOST_PASSWORD": "an-smtp-password",
    }


def test_a_production_environment_with_real_secrets_has_no_problem() -> None:
    assert production_problems(valid()) == []
    refuse_bad_configuration(valid())  # does not raise


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "change-me-" + "x" * 60}, 'SECRET_KEY still holds the "change-me"'),
        ({"SECRET_KEY": "a" * 49}, "SECRET_KEY has 49 characters; it needs 50+"),
        ({"SECRET_KEY": EMBEDDED_SECRET_KEY}, "SECRET_KEY is a development key"),
        ({"SECRET_KEY": "django-insecure-" + "k" * 50}, "SECRET_KEY is a development key"),
        ({"FERNET_KEYS": ""}, "FERNET_KEYS is not set"),
        ({"FERNET_KEYS": " , "}, "FERNET_KEYS is not set"),
        ({"FERNET_KEYS": "CHANGE-ME-generate-one"}, 'FERNET_KEYS still holds the "change-me"'),
        ({"FERNET_KEYS": EMBEDDED_FERNET_KEY}, "FERNET_KEYS key 1 is the public key"),
        ({"FERNET_KEYS": "not-a-fernet-key"}, "FERNET_KEYS key 1 is not a Fernet key"),
        ({"FERNET_KEYS": f"{Fernet.generate_key().decode()},abc"}, "key 2 is not a Fernet key"),
        ({"EMAIL_HOST_PASSWORD": "change-me"}, 'EMAIL_HOST_PASSWORD still holds the "change-me"'),
        (
            {"DATABASE_URL": "postgres://paceline:change-me@postgres:5432/paceline"},
            'DATABASE_URL still holds the "change-me"',
        ),
        ({"POSTGRES_PASSWORD": "change-me"}, 'POSTGRES_PASSWORD still holds the "change-me"'),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is not set"),
        ({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS is not set"),
        ({"STRAVA_CLIENT_SECRET": "change-me"}, 'STRAVA_CLIENT_SECRET still holds the "change'),
        ({"STRAVA_API_URL": "http://127.0.0.1:9"}, "STRAVA_API_URL must be an https:// address"),
    ],
)
def test_production_refuses(overrides: dict[str, str], problem: str) -> None:
    with pytest.raises(ImproperlyConfigured) as refused:
        refuse_bad_configuration(valid() | overrides)

    assert problem in str(refused.value)


def test_every_problem_is_named_at_once_and_a_placeholder_only_once() -> None:
    problems = production_problems(
        {"SECRET_KEY": "change-me", "FERNET_KEYS": "change-me", "ALLOWED_HOSTS": ""}
    )

    assert problems == [
        'SECRET_KEY still holds the "change-me" placeholder of .env.example',
        'FERNET_KEYS still holds the "change-me" placeholder of .env.example',
        "ALLOWED_HOSTS is not set (this site's host names)",
    ]


def test_the_refusal_never_shows_a_secret() -> None:
    leaked = valid() | {"SECRET_KEY": "short-but-secret", "FERNET_KEYS": "secret-but-invalid"}

    with pytest.raises(ImproperlyConfigured) as refused:
        refuse_bad_configuration(leaked)

    assert "short-but-secret" not in str(refused.value)
    assert "secret-but-invalid" not in str(refused.value)
