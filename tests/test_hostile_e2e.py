"""Attacks on the production stack (gunicorn with several worker processes over PostgreSQL):
password guessing counted by every process alike, a 2.2 GB upload refused before one byte of it
is stored. Skips unless DATABASE_URL is PostgreSQL (fails with PACELINE_REQUIRE_SERVICES=1)."""

from __future__ import annotations

import io
import socket
from pathlib import Path
from typing import Any

import pytest
import requests
from django.core.management import call_command
from django.urls import reverse

from athletes.models import Athlete, User
from tests.stack import gunicorn
from tests.test_services_e2e import PBKDF2, log_in

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

TOKEN_URL = "/api/v1/auth/token/"
PASSWORD = "paceline-demo"


@pytest.fixture
def people(private_redis: Any, settings: Any) -> dict[str, Any]:
    settings.PASSWORD_HASHERS = [PBKDF2]
    call_command("seed_demo", "--athletes", "1", "--weeks", "1", stdout=io.StringIO())
    coach = User.objects.get(email="coach.alice@demo.paceline.test")
    return {"coach": coach, "athlete": Athlete.objects.coached_by(coach).get()}


def test_guesses_spread_over_every_gunicorn_worker_share_one_limit(
    people: dict[str, Any], private_stack: dict[str, str], tmp_path: Path
) -> None:
    email = people["athlete"].user.email
    with gunicorn(private_stack, tmp_path, workers=3):
        base = private_stack["PACELINE_BASE_URL"]
        statuses = []
        for n in range(30):  # a fresh connection each time: the workers take turns
            response = requests.post(
                base + TOKEN_URL,
                json={"email": email, "password": f"guess-{n}"},
                headers={"X-Forwarded-For": f"203.0.113.{n}", "Connection": "close"},
                timeout=30,
            )
            statuses.append(response.status_code)
        right = requests.post(
            base + TOKEN_URL, json={"email": email, "password": PASSWORD}, timeout=30
        )

    assert statuses[:5] == [400] * 5
    assert set(statuses[5:]) == {429}  # with a cache per process: 15 guesses before a block
    assert right.status_code == 429


def test_a_two_gigabyte_upload_is_refused_before_anything_is_stored(
    people: dict[str, Any], private_stack: dict[str, str], tmp_path: Path
) -> None:
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    env = {**private_stack, "TMPDIR": str(incoming)}  # where an upload would be spooled
    athlete = people["athlete"]
    with gunicorn(env, tmp_path, workers=2):
        base = env["PACELINE_BASE_URL"]
        session = requests.Session()
        log_in(session, base, athlete.user.email, PASSWORD)
        path = reverse("activity_upload", args=[athlete.id])
        answer = _raw_upload(base, path, session.cookies.get_dict(), declared=2_200_000_000)

    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    media = Path(env["PACELINE_VAR_DIR"]) / "media"
    assert [p for p in media.rglob("*") if p.is_file()] == []
    assert list(incoming.iterdir()) == []  # not even a temporary file
    assert not athlete.import_jobs.exists()


def _raw_upload(base: str, path: str, cookies: dict[str, str], *, declared: int) -> str:
    """Send a multipart upload that declares `declared` bytes but stops after 1 MB of them,
    as a client streaming a huge file would; return what the server answered."""
    host, port = base.removeprefix("http://").split(":")
    boundary = "paceline-boundary"
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f"{cookies['csrftoken']}\r\n"
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="uploads"; filename="export.zip"\r\n'
        f"Content-Type: application/zip\r\n\r\n"
    ).encode() + b"PK\x03\x04"
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    request = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {declared}\r\nCookie: {cookie}\r\n"
        f"Referer: {base}{path}\r\nX-Requested-With: XMLHttpRequest\r\n\r\n"
    ).encode()
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(request + head)
        try:
            for _ in range(16):
                sock.sendall(b"\0" * 65536)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed: the rest is never read
        return sock.recv(65536).decode(errors="replace")
