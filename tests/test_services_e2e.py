"""End to end on the production stack: gunicorn and a Celery worker over PostgreSQL and Redis.

Skips unless DATABASE_URL is PostgreSQL and REDIS_URL answers; fails instead of skipping with
PACELINE_REQUIRE_SERVICES=1 (DESIGN §2). The subprocesses use the test database of this run.
"""

from __future__ import annotations

import email
import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
import requests
from celery.signals import before_task_publish
from django.core.management import call_command
from django.db import connection, transaction

from athletes.models import Athlete, User
from athletes.services.invitations import invitation_create
from config.celery import app as celery_app
from tests.conftest import need

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STARTUP_S = 30.0
DELIVERY_S = 30.0
PBKDF2 = "django.contrib.auth.hashers.PBKDF2PasswordHasher"


def redis_answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except (redis.RedisError, OSError):
        return False


@pytest.fixture
def services() -> None:
    """PostgreSQL and Redis are configured and reachable (else skip, or fail when required)."""
    need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL=postgres://…)")
    url = os.environ.get("REDIS_URL", "")
    need(bool(url) and redis_answers(url), "Redis (REDIS_URL=redis://…)")
    broker_forget(url)


# kombu's Redis transport keeps the messages a worker took but did not acknowledge (ETA tasks
# held in memory, acks_late tasks running) in these keys; a worker that starts restores those
# older than the visibility timeout. Test workers are SIGKILLed, and an earlier run on this
# Redis (whose test database gave the same ids) would hand its leftovers to this run's workers.
KOMBU_UNACKED_KEYS = ("unacked", "unacked_index", "unacked_mutex")
WORKER_QUEUES = ("default", "sync", "imports", "metrics")


def broker_forget(url: str) -> None:
    """Empty the queues of the test workers and kombu's record of unacknowledged messages."""
    redis.Redis.from_url(url).delete(*KOMBU_UNACKED_KEYS)
    with celery_app.connection_for_write(url) as broker:
        for queue in WORKER_QUEUES:
            broker.default_channel.queue_purge(queue)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def this_runs_database_url() -> str:
    """DATABASE_URL with the database name replaced by this run's test database."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + str(connection.settings_dict["NAME"])))


@pytest.fixture
def stack_env(services: None, tmp_path: Path) -> dict[str, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DATABASE_URL=this_runs_database_url(),
        REDIS_URL=os.environ["REDIS_URL"],
        EMAIL_BACKEND="file",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        PACELINE_VAR_DIR=str(tmp_path / "var"),
        PACELINE_BASE_URL=f"http://127.0.0.1:{port}",
        PACELINE_E2E_PORT=str(port),
    )
    return env


@contextmanager
def running(name: str, argv: list[str], env: dict[str, str], log_dir: Path) -> Iterator[Path]:
    """Run a subprocess in its own process group; stop the whole group afterwards."""
    log = log_dir / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield log
        finally:
            stop(proc)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def wait_for[T](probe: Callable[[], T | None], *, timeout_s: float, what: str, log: Path) -> T:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = probe()
        if result:
            return result
        time.sleep(0.2)
    pytest.fail(f"{what} within {timeout_s:.0f} s; log:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture
def web(stack_env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """gunicorn serving config.wsgi on a free port; yields its base URL."""
    base_url = stack_env["PACELINE_BASE_URL"]
    argv = [str(BIN / "gunicorn"), "config.wsgi", "-b", base_url.removeprefix("http://")]
    argv += ["--workers", "1", "--timeout", "60"]
    with running("gunicorn", argv, stack_env, tmp_path) as log:

        def up() -> bool:
            try:
                return requests.get(f"{base_url}/accounts/login/", timeout=10).status_code == 200
            except requests.RequestException:  # not listening yet, or still loading the app
                return False

        wait_for(up, timeout_s=STARTUP_S, what="gunicorn did not answer", log=log)
        yield base_url


@pytest.fixture
def worker(stack_env: dict[str, str], tmp_path: Path) -> Iterator[Path]:
    """A real Celery worker on every queue; yields the folder its mailer writes to."""
    argv = [str(BIN / "celery"), "-A", "config", "worker", "-Q", "default,sync,imports,metrics"]
    argv += ["--pool=solo", "--without-gossip", "--without-mingle", "-l", "INFO"]
    with running("worker", argv, stack_env, tmp_path) as log:
        wait_for(
            lambda: b" ready." in log.read_bytes(), timeout_s=STARTUP_S, what="worker", log=log
        )
        yield Path(stack_env["EMAIL_FILE_PATH"])


@pytest.fixture
def not_eager(settings: Any) -> Iterator[None]:
    """Send tasks to the broker for real (tests otherwise run them in-process)."""
    previous = celery_app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def published() -> Iterator[list[str]]:
    """Names of the tasks this process publishes to the broker, in order."""
    names: list[str] = []

    def record(sender: str | None = None, **kwargs: Any) -> None:
        names.append(str(sender))

    before_task_publish.connect(record, weak=False)
    yield names
    before_task_publish.disconnect(record)


@pytest.fixture
def demo(settings: Any, services: None) -> dict[str, Any]:
    """The demo data, with passwords hashed the way the production stack checks them."""
    settings.PASSWORD_HASHERS = [PBKDF2]
    call_command("seed_demo", "--athletes", "1", stdout=io.StringIO())
    coach = User.objects.get(email="coach.alice@demo.paceline.test")
    return {"coach": coach, "athlete": Athlete.objects.coached_by(coach).get()}


def log_in(session: requests.Session, base_url: str, email_: str, password: str) -> None:
    page = session.get(f"{base_url}/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the login page"
    response = session.post(
        f"{base_url}/accounts/login/",
        data={"csrfmiddlewaretoken": token.group(1), "login": email_, "password": password},
        headers={"Referer": f"{base_url}/accounts/login/"},
        timeout=10,
    )
    assert response.status_code == 200, response.status_code
    assert "/accounts/login/" not in response.url, "login failed"


def test_coach_logs_in_through_gunicorn_and_sees_the_roster(web: str, demo: dict[str, Any]) -> None:
    session = requests.Session()
    assert session.get(f"{web}/accounts/login/", timeout=10).status_code == 200

    log_in(session, web, demo["coach"].email, "paceline-demo")
    roster = session.get(f"{web}/roster/", timeout=10)

    assert roster.status_code == 200
    assert demo["athlete"].user.get_full_name() in roster.text


def mail_bodies(folder: Path) -> list[str]:
    """The decoded text of every message the file backend wrote."""
    bodies = []
    for path in sorted(folder.glob("*.log")) if folder.is_dir() else []:
        for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if raw.strip():
                bodies.append(message_text(email.message_from_bytes(raw)))
    return bodies


def message_text(message: Message) -> str:
    parts = [message["To"] or ""]
    for part in message.walk():
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            parts.append(payload.decode(part.get_content_charset() or "utf-8", errors="replace"))
    return "\n".join(parts)


class RollbackError(Exception):
    pass


def test_invitation_email_is_sent_by_the_worker_only_after_commit(
    demo: dict[str, Any], worker: Path, not_eager: None, published: list[str], tmp_path: Path
) -> None:
    coach = demo["coach"]
    with pytest.raises(RollbackError), transaction.atomic():
        invitation_create(
            invited_by=coach, email="ghost@example.test", direction="coach_to_athlete"
        )
        raise RollbackError
    assert published == [], "a task was sent for a rolled-back invitation"

    with transaction.atomic():
        _invitation, token = invitation_create(
            invited_by=coach, email="newcomer@example.test", direction="coach_to_athlete"
        )
        assert published == [], "the task was sent before the transaction committed"
    assert published == ["athletes.invitation_email_send"]

    bodies = wait_for(
        lambda: mail_bodies(worker),
        timeout_s=DELIVERY_S,
        what="the worker wrote no email",
        log=tmp_path / "worker.log",
    )
    assert len(bodies) == 1
    assert "newcomer@example.test" in bodies[0]
    assert f"/invitations/{token}/" in bodies[0]
    assert "ghost@example.test" not in bodies[0]


@contextmanager
def celery_worker(
    queue: str, env: dict[str, str], log: Path, *, startup_s: float
) -> Iterator[subprocess.Popen[bytes]]:
    """A real `celery -A config worker -Q <queue> --pool=solo` logging to `log`, once ready;
    killed with its process group afterwards."""
    argv = [str(BIN / "celery"), "-A", "config", "worker", "-Q", queue, "--pool=solo"]
    argv += ["--without-gossip", "--without-mingle", "-l", "INFO"]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            wait_for(
                lambda: b" ready." in log.read_bytes(), timeout_s=startup_s, what="worker", log=log
            )
            yield proc
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
