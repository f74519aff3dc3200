"""Paceline settings, read from the environment (see .env.example for every variable).

Nothing configured: the embedded mode (SQLite in var/, Celery tasks run eagerly in-process).
DATABASE_URL and REDIS_URL switch to PostgreSQL and real Celery workers (DESIGN §2).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PACELINE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded mode needs no setup step


def env_bool(name: str, default: bool = False) -> bool:
    """A boolean environment variable: 1/true/yes/on are true."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated environment variable as a list, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# An insecure key for the embedded mode only; production settings refuse to start with it.
EMBEDDED_SECRET_KEY = "django-insecure-paceline-embedded-mode-only"  # noqa: S105 (public)
SECRET_KEY = os.environ.get("SECRET_KEY", EMBEDDED_SECRET_KEY)
DEBUG = env_bool("DEBUG", default=False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "athletes",
    "coaching",
    "activities",
    "analytics",
    "integrations",
    "core",  # last: its ready() loads config/wiring.py, which imports the apps above
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.uploads.UploadLimitMiddleware",  # before CSRF: it reads the form, bounded
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "athletes.middleware.ProfileLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "athletes.context_processors.navigation",
            ],
        },
    },
]

# --- Database: SQLite (WAL) by default, PostgreSQL when DATABASE_URL is set ----------------------
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "paceline.sqlite3"),
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts ------------------------------------------------------------------------------------
AUTH_USER_MODEL = "athletes.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
# The confirmation link opened in the browser that signed up logs in (allauth checks that the
# signup is pending in that session) and goes on, e.g. to the invitation being accepted.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "athletes.adapters.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "athletes.forms.pages.SignupForm"
MFA_ADAPTER = "athletes.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Paceline"


# --- Email: the console by default; EMAIL_BACKEND=smtp|file|console selects the mailer -----------
def mailers(kind: str) -> dict[str, dict[str, object]]:
    """The MAILERS setting for EMAIL_BACKEND=console|file|smtp (options from the environment)."""
    if kind == "console":
        return {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    if kind == "file":
        path = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "OPTIONS": {"file_path": path},
            }
        }
    if kind != "smtp":
        raise ValueError(f"EMAIL_BACKEND must be console, file or smtp, not {kind!r}")
    options = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "587")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", default=True),
    }
    return {
        "default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}
    }


MAILERS = mailers(os.environ.get("EMAIL_BACKEND", "console"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Paceline <noreply@paceline.invalid>")

# --- Internationalisation ------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media files ----------------------------------------------------------------------
# Uploads are counted while received and stopped past their limit (core/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "core.uploads.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Secrets of third parties: MultiFernet, newest key first -------------------------------------
# The embedded-mode key is public; production settings refuse to start with it.
EMBEDDED_FERNET_KEY = "IrOeKMV6OPqDCtjmVcqNk1Ad6Tcyq1rmJGoo6mRoXl8="
FERNET_KEYS = env_list("FERNET_KEYS", EMBEDDED_FERNET_KEY)

# --- Celery: eager in-process without REDIS_URL; no lost work with it ----------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = [Queue(name) for name in ("default", "sync", "imports", "metrics")]
CELERY_TASK_ROUTES = {
    "integrations.*": {"queue": "sync"},
    "activities.import_*": {"queue": "imports"},
    "analytics.*": {"queue": "metrics"},
}
# Publishing gives up fast when the broker is away: the outbox and job rows keep the work and
# the sweep sends it again (core/outbox.py). Workers, though, reconnect forever.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 60 * 60,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
    "socket_connect_timeout": 2,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# The beat schedule: one sweep sends again whatever durable work is due (config/wiring.py).
PACELINE_SWEEP_S = float(os.environ.get("PACELINE_SWEEP_S", "60"))
CELERY_BEAT_SCHEDULE = {"sweep": {"task": "core.sweep", "schedule": PACELINE_SWEEP_S}}
PACELINE_WIRING = "config.wiring"

# The cache (rate-limit counters, schedule marks) lives in the database: shared by every
# process in both modes, and logins keep working while Redis is away.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "paceline_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000, "CULL_FREQUENCY": 10},
    }
}

# --- REST API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "athletes.api.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # The API speaks JSON (AGENTS.md): a form body could not even say null.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "core.api_schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "core.api.StrictPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.ScopedRateThrottle"],
    # Throttles key on the client address, trusting only configured proxies (as core.http).
    "NUM_PROXIES": int(os.environ.get("PACELINE_TRUSTED_PROXIES", "0")),
    "DEFAULT_THROTTLE_RATES": {"auth": "20/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Paceline API",
    "DESCRIPTION": "Coaching platform for endurance sport. Authenticate with a Bearer token "
    "from POST /api/v1/auth/token/.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Request bodies get their own components: read-only fields left out, blank strings refused.
    "COMPONENT_SPLIT_REQUEST": True,
    # /api/docs/ and /api/redoc/ from our own static files (drf-spectacular-sidecar), no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No validator badge: it is an image from validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
}

# --- Content-Security-Policy (DESIGN §5): every response, every mode, error pages included ------
# The middleware puts a fresh nonce into the header of every response whose page used it
# (`csp_nonce` in templates: every <script> tag carries it). Nothing is loaded from another host.
# - scripts: our own files with the nonce; no inline script, no inline event handler, no eval
#   (htmx runs with allowEval and allowScriptTags off: templates/base.html);
# - styles: our own style sheets, and <style> elements only with the nonce — Django admin's
#   changelist writes one, Redoc's styled-components adds its own (static/js/redoc_init.js
#   hands Redoc the nonce). No 'unsafe-inline': no page has a style="" attribute (bars and
#   charts are SVG geometry and classes); scripts that move things set element.style, which
#   CSP does not govern;
# - images: ours (the favicon, core/views.py) and data: URIs (allauth's TOTP QR code, Swagger
#   UI's icons).
# The Redoc page alone adds a little more, stated in config/api_docs.py.
SECURE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
# --- end of Content-Security-Policy --------------------------------------------------------------

# --- Logging: to stderr; never log secrets -------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Replaces Django's default handlers of "django" (a console one with DEBUG, beside our
        # root one): with both, every line printed twice ("Watching for file changes…").
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # That resets the loggers under "django": runserver's request lines keep their own
        # handler and timestamp, as Django's default configuration has them.
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # One line per task run is noise in eager mode (seed_demo, import_files); workers
        # keep them.
        "celery.app.trace": {"level": "INFO" if REDIS_URL else "WARNING"},
        # "No hostname was supplied" for the in-process memory:// broker of the embedded mode.
        "kombu.connection": {"level": "ERROR"},
    },
}

# --- Paceline ------------------------------------------------------------------------------------
PACELINE_INVITATION_DAYS = int(os.environ.get("PACELINE_INVITATION_DAYS", "14"))
# Who may create an account: open (anyone), invitation (only with a pending invitation, using
# its address) or closed (an operator creates accounts).
PACELINE_SIGNUP = os.environ.get("PACELINE_SIGNUP", "open").strip().lower()
if PACELINE_SIGNUP not in ("open", "invitation", "closed"):
    raise ValueError(f"PACELINE_SIGNUP must be open, invitation or closed, not {PACELINE_SIGNUP!r}")
# Reverse proxies in front of the site that append to X-Forwarded-For (0: the header is not
# trusted); rate limits key on the client address they report (core/http.py).
PACELINE_TRUSTED_PROXIES = int(os.environ.get("PACELINE_TRUSTED_PROXIES", "0"))
# Absolute address of this site, for links in emails and calendar feeds.
PACELINE_BASE_URL = os.environ.get("PACELINE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Quotas and limits: the defaults live beside the code that enforces them (core.uploads,
# activities.services.storage and archive_limits, athletes.services.invitations); set these
# variables only to change them.
for _name in (
    "PACELINE_ATHLETE_STORAGE_BYTES",
    "PACELINE_ATHLETE_ACTIVE_JOBS",
    "PACELINE_INVITATIONS_PER_HOUR",
    "PACELINE_INVITATIONS_PER_DAY",
    "PACELINE_INVITATIONS_PER_RECIPIENT_DAY",
    "PACELINE_MAX_UPLOAD_BYTES",
    "PACELINE_ARCHIVE_MAX_BYTES",
    "PACELINE_ARCHIVE_MAX_ENTRIES",
    "PACELINE_ARCHIVE_MAX_UNCOMPRESSED_BYTES",
    "PACELINE_ARCHIVE_MEMBER_MAX_BYTES",
):
    if os.environ.get(_name):
        globals()[_name] = int(os.environ[_name])
if os.environ.get("PACELINE_ARCHIVE_MAX_RATIO"):
    PACELINE_ARCHIVE_MAX_RATIO = float(os.environ["PACELINE_ARCHIVE_MAX_RATIO"])
# Provider syncs (integrations): the least time between two Garmin calls of one connection,
# how long one sync holds its connection, and networks a calendar address may point into.
for _name in ("PACELINE_GARMIN_SPACING_S", "PACELINE_CONNECTION_LEASE_S"):
    if os.environ.get(_name):
        globals()[_name] = float(os.environ[_name])
PACELINE_FEED_ALLOWED_NETWORKS = [
    network.strip()
    for network in os.environ.get("PACELINE_FEED_ALLOWED_NETWORKS", "").split(",")
    if network.strip()
]

# --- Strava: a per-deployment feature, on when the operator's app credentials are set ---------
# docs/strava.md says what Strava requires of the app (owner subscription, athlete cap,
# Extended Access). STRAVA_API_URL: where Strava's API lives (https://www.strava.com until
# Strava moves it); an http:// address is for a local mirror or a test double only.
STRAVA_CLIENT_ID = os.environ.get("STRAVA_CLIENT_ID", "").strip()
STRAVA_CLIENT_SECRET = os.environ.get("STRAVA_CLIENT_SECRET", "").strip()
STRAVA_API_URL = os.environ.get("STRAVA_API_URL", "https://www.strava.com").rstrip("/")
# The token Strava echoes when the webhook subscription is created (empty: derived from
# SECRET_KEY, so it is never Strava's well-known default).
STRAVA_WEBHOOK_VERIFY_TOKEN = os.environ.get("STRAVA_WEBHOOK_VERIFY_TOKEN", "")
# Keep Strava-only data at most this many days (empty: keep it; 7 reads Strava's June 2026
# policy literally).
STRAVA_RETENTION_DAYS = (
    int(os.environ["STRAVA_RETENTION_DAYS"]) if os.environ.get("STRAVA_RETENTION_DAYS") else None
)
