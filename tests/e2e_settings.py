"""Settings of the real gunicorn, Celery workers and beat the outage tests start: production-like
(base), with the sweep every 2 s and short grace periods and leases, so that what a Redis outage
or a killed worker left behind is picked up within seconds instead of minutes."""

from __future__ import annotations

from config.settings.base import *  # noqa: F403

PACELINE_SWEEP_S = 2.0
CELERY_BEAT_SCHEDULE = {"sweep": {"task": "core.sweep", "schedule": PACELINE_SWEEP_S}}
PACELINE_OUTBOX_GRACE_S = 1.0
PACELINE_OUTBOX_RESEND_S = 20.0
PACELINE_IMPORT_RESEND_S = 1.0
PACELINE_IMPORT_LEASE_S = 4.0
PACELINE_IMPORT_BATCH_ENTRIES = 1  # one entry per committed batch: the cursor moves visibly
PACELINE_IMPORT_CHUNK_ENTRIES = 4  # a job of a few files runs in chunks on every worker
PACELINE_LOAD_DELAY_S = 0.5
