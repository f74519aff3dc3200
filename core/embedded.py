"""The schedule of embedded mode: `make run` serves without Redis, Celery beat or workers, so
the development server sweeps by itself every PACELINE_SWEEP_S seconds (the scheduled Garmin
syncs, lost messages, stale daily loads — everything beat's `core.sweep` does on a server).

Started only in the process that serves requests (runserver's reloaded child) and only when
`PACELINE_SWEEP_IN_PROCESS=1`, which `make run` sets; a server deployment runs beat instead.

Without workers a task runs where it is sent; one that takes long (an archive's import) is sent
with `background` there, so the request that queued it answers at once and its page shows the
progress, as it does on a server.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from celery import Task
from django.conf import settings
from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)
_started = threading.Event()
_stop = threading.Event()


def wanted() -> bool:
    return (
        os.environ.get("PACELINE_SWEEP_IN_PROCESS") == "1"
        and os.environ.get("RUN_MAIN") == "true"  # the serving child, not the reloader
    )


def sweeper_start() -> bool:
    """Start the sweeping thread once; False if it was already running."""
    if _started.is_set():
        return False
    _started.set()
    thread = threading.Thread(target=_loop, name="paceline-sweep", daemon=True)
    thread.start()
    return True


def sweeper_stop() -> None:
    """Stop the thread after its current sweep (tests; the server just exits)."""
    _stop.set()


def _loop() -> None:
    from core.tasks import sweep  # the apps are ready by the time the thread runs

    every = float(getattr(settings, "PACELINE_SWEEP_S", 60))
    while not _stop.wait(every):
        try:
            sweep()
        except Exception:  # a sweep never stops the next one
            logger.exception("in-process sweep failed")
        finally:
            close_old_connections()


def background(task: Task[Any, Any], *args: Any) -> bool:
    """In the embedded server with no broker, run `task(*args)` in a daemon thread of its own
    (its own database connection, closed when it ends) and answer True; False anywhere else,
    where the caller sends the task as usual (to a worker, or inline in tests and commands)."""
    if not (wanted() and settings.CELERY_TASK_ALWAYS_EAGER):
        return False
    thread = threading.Thread(
        target=_run, args=(task, args), name=f"paceline-{task.name}", daemon=True
    )
    thread.start()
    return True


def _run(task: Task[Any, Any], args: tuple[Any, ...]) -> None:
    try:
        task.apply(args)
    except Exception:  # eager tasks record their errors; a thread must not die noisily
        logger.exception("background task %s failed", task.name)
    finally:
        connection.close()
