"""A broker that is away, for real: Celery publishes to a port where nothing listens."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from config.celery import app as celery_app


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _reset_connections() -> None:
    """Celery builds its connection and producer pools from the configuration on first use;
    forget them (kombu keeps one per broker URL, still open for the next use of that URL)."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down(settings: Any) -> Iterator[str]:
    """Tasks are sent to a Redis broker that refuses connections (as when Redis is stopped);
    yields its URL. Afterwards tasks run in-process again."""
    url = f"redis://127.0.0.1:{closed_port()}/0"
    saved = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = url
    _reset_connections()
    try:
        yield url
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = saved
        _reset_connections()
