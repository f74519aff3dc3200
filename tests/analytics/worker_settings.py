"""Settings of the real Celery worker the metrics worker tests start: production-like (base),
with the daily-load recompute scheduled 10 s after a change (2 s by default) so that a burst of
tasks on a busy test machine surely falls within one countdown."""

from __future__ import annotations

from config.settings.base import *  # noqa: F403

PACELINE_LOAD_DELAY_S = 10.0
