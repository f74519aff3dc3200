"""The production stack for end-to-end tests: a private Redis (stoppable without disturbing
anyone), gunicorn, Celery workers and beat over this run's PostgreSQL test database, with the
short sweep intervals of tests/e2e_settings.py."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from django.db import connection

from tests.conftest import need
from tests.test_services_e2e import (
    BIN,
    ROOT,
    STARTUP_S,
    free_port,
    this_runs_database_url,
    wait_for,
)


class PrivateRedis:
    """A redis-server of this test only, on a free port; stop() and start() it at will."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        argv = [shutil.which("redis-server") or "redis-server", "--port", str(self.port)]
        argv += ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        argv += ["--dir", str(self.folder)]
        self.proc = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not self.answers():
            time.sleep(0.1)
        assert self.answers(), "the private redis-server did not start"

    def answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis.from_url(self.url, socket_connect_timeout=1).ping())
        except (redis.RedisError, OSError):
            return False

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL=postgres://…)")
    need(shutil.which("redis-server") is not None, "redis-server")
    redis_ = PrivateRedis(tmp_path)
    redis_.start()
    try:
        yield redis_
    finally:
        redis_.stop()


@pytest.fixture
def private_stack(private_redis: PrivateRedis, tmp_path: Path, settings: Any) -> dict[str, str]:
    with connection.cursor() as cursor:  # the shared cache table outlives test flushes
        cursor.execute("DELETE FROM paceline_cache")
    port = free_port()
    settings.MEDIA_ROOT = tmp_path / "var" / "media"  # this process shares their files
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.e2e_settings",
        DATABASE_URL=this_runs_database_url(),
        REDIS_URL=private_redis.url,
        EMAIL_BACKEND="file",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        PACELINE_VAR_DIR=str(tmp_path / "var"),
        PACELINE_BASE_URL=f"http://127.0.0.1:{port}",
    )
    return env


@contextmanager
def spawn(
    name: str, argv: list[str], env: dict[str, str], folder: Path, ready: Callable[[Path], bool]
) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    """A subprocess in its own process group, once `ready(log)`; SIGKILLed with its group
    afterwards (if still alive)."""
    log = folder / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            wait_for(lambda: ready(log), timeout_s=STARTUP_S, what=f"{name} did not start", log=log)
            yield proc, log
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


@contextmanager
def process(
    name: str, argv: list[str], env: dict[str, str], folder: Path, ready: Callable[[Path], bool]
) -> Iterator[Path]:
    with spawn(name, argv, env, folder, ready) as (_proc, log):
        yield log


def celery_ready(log: Path) -> bool:
    return b" ready." in log.read_bytes()


def beat_ready(log: Path) -> bool:
    return b"beat: Starting" in log.read_bytes()


def worker_argv(*, pool: str = "solo") -> list[str]:
    argv = [str(BIN / "celery"), "-A", "config", "worker", "-Q", "default,sync,imports,metrics"]
    argv += [f"--pool={pool}", "--without-gossip", "--without-mingle", "-l", "INFO"]
    return argv + (["--concurrency", "1"] if pool == "prefork" else [])


def beat_argv(folder: Path) -> list[str]:
    schedule = str(folder / "beat-schedule")
    return [str(BIN / "celery"), "-A", "config", "beat", "-l", "INFO", "--schedule", schedule]


def gunicorn(env: dict[str, str], folder: Path, *, workers: int = 1) -> Any:
    """gunicorn serving config.wsgi on PACELINE_BASE_URL's port, once it answers."""
    base_url = env["PACELINE_BASE_URL"]
    argv = [str(BIN / "gunicorn"), "config.wsgi", "-b", base_url.removeprefix("http://")]
    argv += ["--workers", str(workers), "--timeout", "60"]

    def up(log: Path) -> bool:
        try:
            return requests.get(f"{base_url}/accounts/login/", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    return process("gunicorn", argv, env, folder, up)


@pytest.fixture
def private_web(private_stack: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """One gunicorn worker of the private stack; yields its base URL."""
    with gunicorn(private_stack, tmp_path):
        yield private_stack["PACELINE_BASE_URL"]
