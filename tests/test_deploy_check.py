"""Production settings pass `manage.py check --deploy` with no warnings (DESIGN §2)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

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


def test_production_settings_refuse_to_start_without_fernet_keys(tmp_path: Path) -> None:
    result = manage(production_env(tmp_path, FERNET_KEYS=""), "check")

    assert result.returncode != 0
    assert "FERNET_KEYS" in result.stderr


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
