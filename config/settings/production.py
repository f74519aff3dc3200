"""Production settings: the base settings hardened; `manage.py check --deploy` passes clean.

Refuses to start (ImproperlyConfigured) with a missing or placeholder secret, the embedded
development keys, invalid Fernet keys or no ALLOWED_HOSTS: config/settings/guard.py.
"""

from __future__ import annotations

import os

from config.settings.base import *  # noqa: F403
from config.settings.base import env_bool, env_list, mailers
from config.settings.guard import refuse_bad_configuration

refuse_bad_configuration(os.environ)
SECRET_KEY = os.environ["SECRET_KEY"]
FERNET_KEYS = env_list("FERNET_KEYS")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
DEBUG = False
MAILERS = mailers(os.environ.get("EMAIL_BACKEND", "smtp"))

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
