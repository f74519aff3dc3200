"""The periodic sweep: every sweeper of config/wiring.py, one after the other."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.utils import timezone

from core.wiring import wired

logger = logging.getLogger(__name__)


def sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Run every sweeper once; {sweeper name: work it sent again}. One failing sweeper (logged)
    does not stop the others."""
    now = now or timezone.now()
    done: dict[str, int] = {}
    for sweeper in wired("SWEEPERS"):
        name = f"{sweeper.__module__}.{sweeper.__name__}"
        try:
            done[name] = sweeper(now=now)
        except Exception:
            logger.exception("sweeper %s failed", name)
    return done


@shared_task(name="core.sweep", ignore_result=True)
def sweep_task() -> None:
    """Send again whatever durable work is due (scheduled by beat every PACELINE_SWEEP_S)."""
    sweep()
