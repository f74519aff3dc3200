"""Settings of the real Celery worker the kill-the-worker test starts: production-like (base),
with a short import lease so a killed worker's job can be taken over within seconds, and one
entry per committed batch so the cursor moves visibly."""

from __future__ import annotations

import os

from config.settings.base import *  # noqa: F403

PACELINE_IMPORT_LEASE_S = float(os.environ.get("PACELINE_IMPORT_LEASE_S", "3"))
PACELINE_IMPORT_BATCH_ENTRIES = 1
