"""Embedded mode sweeps by itself: `make run` has no beat, the served process runs the sweep."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from core import embedded


def test_only_the_served_process_of_make_run_sweeps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PACELINE_SWEEP_IN_PROCESS", raising=False)
    monkeypatch.setenv("RUN_MAIN", "true")
    assert not embedded.wanted()  # a plain runserver, gunicorn, a worker: beat does it
    monkeypatch.setenv("PACELINE_SWEEP_IN_PROCESS", "1")
    assert embedded.wanted()
    monkeypatch.delenv("RUN_MAIN")
    assert not embedded.wanted()  # the autoreloader's parent serves nothing


@pytest.mark.django_db(transaction=True)
def test_the_thread_sweeps_every_interval(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    settings.PACELINE_SWEEP_S = 0.05
    swept = threading.Event()
    monkeypatch.setattr("core.tasks.sweep", lambda: swept.set() or {})
    monkeypatch.setattr(embedded, "_started", threading.Event())
    monkeypatch.setattr(embedded, "_stop", threading.Event())
    assert embedded.sweeper_start() is True
    assert embedded.sweeper_start() is False  # once per process
    try:
        assert swept.wait(5)
    finally:
        embedded.sweeper_stop()
