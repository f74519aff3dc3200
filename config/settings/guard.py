"""What production refuses to start with (DESIGN §5): a secret that is missing, still the
"change-me" placeholder of .env.example, or one of the embedded-mode keys anyone can read in
config/settings/base.py; a SECRET_KEY under 50 characters; a FERNET_KEYS entry that is not a
Fernet key; no ALLOWED_HOSTS.

Plain checks over the environment. config/settings/production.py raises ImproperlyConfigured
listing every problem at once, each naming its variable (never its value), so an operator
fixes them in one go.
"""

from __future__ import annotations

import binascii
from collections.abc import Mapping

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from config.settings.base import EMBEDDED_FERNET_KEY, EMBEDDED_SECRET_KEY

PLACEHOLDER = "change-me"
SECRET_KEY_MIN_LENGTH = 50
# Variables that carry a secret (a password inside the URL for the last three): none may keep
# the placeholder. POSTGRES_PASSWORD is docker-compose's, which builds DATABASE_URL from it.
SECRETS = (
    "SECRET_KEY",
    "FERNET_KEYS",
    "EMAIL_HOST_PASSWORD",
    "POSTGRES_PASSWORD",
    "DATABASE_URL",
    "REDIS_URL",
    "STRAVA_CLIENT_SECRET",
)


def _items(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def placeholder_problems(environ: Mapping[str, str]) -> list[str]:
    """The secrets still holding the placeholder of .env.example."""
    return [
        f'{name} still holds the "{PLACEHOLDER}" placeholder of .env.example'
        for name in SECRETS
        if PLACEHOLDER in environ.get(name, "").lower()
    ]


def secret_key_problems(value: str) -> list[str]:
    """SECRET_KEY must be set, 50+ characters, and no development key."""
    if not value:
        return ["SECRET_KEY is not set"]
    if value == EMBEDDED_SECRET_KEY or value.startswith("django-insecure-"):
        return ["SECRET_KEY is a development key that anyone can read"]
    if len(value) < SECRET_KEY_MIN_LENGTH:
        return [f"SECRET_KEY has {len(value)} characters; it needs {SECRET_KEY_MIN_LENGTH}+"]
    return []


def _is_fernet_key(key: str) -> bool:
    try:
        Fernet(key)
    except (ValueError, binascii.Error):
        return False
    return True


def fernet_keys_problems(value: str) -> list[str]:
    """FERNET_KEYS must list one key at least, each a Fernet key, none the embedded one."""
    keys = _items(value)
    if not keys:
        return ["FERNET_KEYS is not set (Fernet keys, newest first, comma-separated)"]
    problems = []
    for position, key in enumerate(keys, start=1):
        if key == EMBEDDED_FERNET_KEY:
            problems.append(f"FERNET_KEYS key {position} is the public key of the embedded mode")
        elif not _is_fernet_key(key):
            problems.append(
                f"FERNET_KEYS key {position} is not a Fernet key (32 url-safe base64 bytes)"
            )
    return problems


def allowed_hosts_problems(value: str) -> list[str]:
    """ALLOWED_HOSTS must name this site's host names."""
    return [] if _items(value) else ["ALLOWED_HOSTS is not set (this site's host names)"]


def strava_problems(environ: Mapping[str, str]) -> list[str]:
    """Strava's API is reached over HTTPS only (plain http is for a local test double)."""
    url = environ.get("STRAVA_API_URL", "").strip().lower()
    if url and not url.startswith("https://"):
        return ["STRAVA_API_URL must be an https:// address"]
    return []


def production_problems(environ: Mapping[str, str]) -> list[str]:
    """Every reason this environment is unfit for production, one sentence each."""
    problems = placeholder_problems(environ) + strava_problems(environ)
    placeholders = {problem.split(" ", 1)[0] for problem in problems}
    if "SECRET_KEY" not in placeholders:
        problems += secret_key_problems(environ.get("SECRET_KEY", ""))
    if "FERNET_KEYS" not in placeholders:
        problems += fernet_keys_problems(environ.get("FERNET_KEYS", ""))
    return problems + allowed_hosts_problems(environ.get("ALLOWED_HOSTS", ""))


def refuse_bad_configuration(environ: Mapping[str, str]) -> None:
    """Raise ImproperlyConfigured naming every problem of the environment, if any."""
    problems = production_problems(environ)
    if problems:
        lines = "\n".join(f"- {problem}" for problem in problems)
        raise ImproperlyConfigured(
            f"Production refuses to start:\n{lines}\nSet them as .env.example describes."
        )
