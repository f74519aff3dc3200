"""Test settings: the base settings, with a fast hasher and mail kept in memory."""

from __future__ import annotations

import os

from config.settings.base import *  # noqa: F403
from config.settings.base import VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
if not os.environ.get("DATABASE_URL"):
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
MEDIA_ROOT = VAR_DIR / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests run tasks in-process; the services end-to-end test starts a real worker on its own.
CELERY_TASK_ALWAYS_EAGER = True
# A private cache: clearing it between tests must never touch the Redis broker.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# One week of synthetic demo activities keeps seed_demo tests quick (make run seeds ~4 months).
DEMO_ACTIVITY_WEEKS = 1
PACELINE_GARMIN_SPACING_S = 0  # Garmin is a fake in tests: no pause between its calls
