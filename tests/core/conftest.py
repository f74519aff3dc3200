"""A broker that is away, for real: Celery publishes to a port where nothing listens."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from tests.celery_broker import broker


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def broker_down(settings: Any) -> Iterator[str]:
    """Tasks are sent to a Redis broker that refuses connections (as when Redis is stopped);
    yields its URL. Afterwards tasks run in-process again."""
    with broker(f"redis://127.0.0.1:{closed_port()}/0", settings) as url:
        yield url
