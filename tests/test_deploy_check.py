"""Production settings pass `manage.py check --deploy` with no warnings (DESIGN §2), and refuse
to start with the placeholders of .env.example, the embedded keys or no ALLOWED_HOSTS (§5)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

from config.settings.base import EMBEDDED_FERNET_KEY

ROOT = Path(__file__).resolve().parent.parent


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PACELINE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(60),
        FERNET_KEYS=f"{Fernet.generate_key().decode()},{Fernet.generate_key().decode()}",
        ALLOWED_HOSTS="paceline.example.com",
        CSRF_TRUSTED_ORIGINS="https://paceline.example.com",
        PACELINE_BASE_URL="https://paceline.example.com",
        EMAIL_BACKEND="smtp",
        PACELINE_VAR_DIR=str(tmp_path),
    )
    env.update(overrides)
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_check_with_no_issues(tmp_path: Path) -> None:
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNINGS" not in output


def env_example() -> dict[str, str]:
    """The variables of .env.example, as an operator who copied it unchanged has them."""
    lines = (ROOT / ".env.example").read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if "=" in line and not line.startswith("#")]
    return {name.strip(): value.strip() for name, value in pairs}


def test_production_refuses_to_start_with_the_placeholders_of_env_example(tmp_path: Path) -> None:
    example = env_example() | {"PACELINE_VAR_DIR": str(tmp_path)}  # not /app/var of the image
    result = manage(production_env(tmp_path, **example), "check", "--deploy")

    assert example["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert result.returncode != 0
    assert "ImproperlyConfigured: Production refuses to start" in result.stderr
    for name in ("SECRET_KEY", "FERNET_KEYS", "EMAIL_HOST_PASSWORD", "DATABASE_URL"):
        assert f'{name} still holds the "change-me" placeholder' in result.stderr
    assert "System check identified" not in result.stdout


def test_production_settings_refuse_to_start_without_fernet_keys(tmp_path: Path) -> None:
    result = manage(production_env(tmp_path, FERNET_KEYS=""), "check")

    assert result.returncode != 0
    assert "FERNET_KEYS is not set" in result.stderr


def test_production_refuses_the_public_fernet_key_of_the_embedded_mode(tmp_path: Path) -> None:
    keys = f"{Fernet.generate_key().decode()},{EMBEDDED_FERNET_KEY}"
    result = manage(production_env(tmp_path, FERNET_KEYS=keys), "check", "--deploy")

    assert result.returncode != 0
    assert "FERNET_KEYS key 2 is the public key of the embedded mode" in result.stderr
    assert EMBEDDED_FERNET_KEY not in result.stderr  # problems name variables, never values


def test_production_refuses_to_start_without_allowed_hosts(tmp_path: Path) -> None:
    result = manage(production_env(tmp_path, ALLOWED_HOSTS=""), "check", "--deploy")

    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_production_sends_the_content_security_policy_on_pages_and_error_pages(
    tmp_path: Path,
) -> None:
    script = (
        "from django.test import Client\n"
        "for url in ('/api/schema/', '/no-such-page/'):\n"
        "    r = Client().get(url, secure=True, headers={'host': 'paceline.example.com'})\n"
        "    print('CSP', r.status_code, r.get('Content-Security-Policy'))\n"
    )
    result = manage(production_env(tmp_path), "shell", "--no-imports", "-c", script)

    lines = [line for line in result.stdout.splitlines() if line.startswith("CSP ")]
    assert result.returncode == 0, result.stdout + result.stderr
    assert [line.split(" ", 2)[1] for line in lines] == ["200", "404"]
    for line in lines:
        assert "default-src 'self'" in line
        assert "frame-ancestors 'none'" in line
