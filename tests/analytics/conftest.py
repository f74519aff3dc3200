"""Fixtures of the metrics worker tests (tests/analytics)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from config.celery import app as celery_app
from tests.test_services_e2e import services  # noqa: F401 — a fixture of the worker tests


@pytest.fixture
def broker_tasks(settings: Any) -> Iterator[None]:
    """Send tasks to the broker for real (tests otherwise run them in-process); restores the
    eager mode afterwards. Celery reads Django's settings lazily, so the previous value is read
    before the setting changes."""
    previous = celery_app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = previous
