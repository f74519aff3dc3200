"""Point this test process's Celery app at another broker, for real (no eager mode)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from config.celery import app as celery_app


def _forget_pools() -> None:
    """Celery builds its connection and producer pools from the configuration on first use;
    forget them (kombu keeps one per broker URL, still open for the next use of that URL)."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker(url: str, settings: Any) -> Iterator[str]:
    """Tasks this process sends go to `url` (not run in-process) inside the block."""
    saved = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = url
    _forget_pools()
    try:
        yield url
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = saved
        _forget_pools()
