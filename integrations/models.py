"""Connections to third-party providers (Strava, Garmin, TrainingPeaks), their sync runs, the
raw responses kept for audit and re-parsing, and short-lived login attempts.

Credentials never leave a model in clear except through `credentials_dict` / `secret_dict`;
they are stored encrypted (MultiFernet, FERNET_KEYS) and re-encrypted by
`rotate_encryption_keys`. A connection holds tokens only, never a password: a password lives
in a `LoginAttempt` for at most `LoginAttempt.LIFETIME` and is wiped once the login returns.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from athletes.models import Athlete, AthleteOwnedQuerySet
from core.fields import EncryptedTextField


class ConnectionQuerySet(AthleteOwnedQuerySet["Connection"]):
    """Seen by whoever sees the athlete (`visible_to`); created, paused or revoked by the
    athlete or a `full` coach (`manageable_by`)."""

    def active(self) -> ConnectionQuerySet:
        return self.filter(status=Connection.Status.ACTIVE)


class Connection(models.Model):
    """One athlete's link to one provider: tokens (or a private feed URL) and sync state.

    `credentials` holds a JSON object, e.g. `{"access_token", "refresh_token", "expires_at"}`
    for OAuth providers or `{"feed_url"}` for a TrainingPeaks calendar.
    """

    class Provider(models.TextChoices):
        STRAVA = "strava", _("Strava")
        GARMIN = "garmin", _("Garmin Connect")
        TRAININGPEAKS = "trainingpeaks", _("TrainingPeaks calendar")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        NEEDS_USER = "needs_user", _("Needs you")
        MFA_PENDING = "mfa_pending", _("Waiting for a code")
        ERROR = "error", _("Error")
        DISCONNECTED = "disconnected", _("Disconnected")

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="connections")
    provider = models.CharField(_("provider"), max_length=16, choices=Provider.choices)
    external_user_id = models.CharField(_("account at the provider"), max_length=64, blank=True)
    credentials = EncryptedTextField(_("credentials"), blank=True, default="")
    scopes = models.CharField(_("scopes"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    status_reason = models.CharField(_("status reason"), max_length=255, blank=True)
    # No request to the provider before this time: a login refused for too many attempts
    # (needs_user, never retried automatically) or an API 429 (the pause doubles up to a cap).
    retry_after = models.DateTimeField(_("retry after"), null=True, blank=True)
    backoff_s = models.PositiveIntegerField(_("current pause (s)"), default=0)
    cursor = models.JSONField(_("sync cursor"), default=dict, blank=True)
    # What the athlete chose for this connection, e.g. Strava's {"skip_garmin": true}.
    options = models.JSONField(_("options"), default=dict, blank=True)
    lease_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    lease_owner = models.CharField(_("lease owner"), max_length=64, blank=True)
    last_synced_at = models.DateTimeField(_("last synced at"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ConnectionQuerySet.as_manager()

    class Meta:
        ordering = ["athlete", "provider"]
        constraints = [
            models.UniqueConstraint(
                fields=["athlete", "provider"], name="one_connection_per_provider"
            ),
            # One provider account never feeds two athletes; webhooks route by it.
            models.UniqueConstraint(
                fields=["provider", "external_user_id"],
                condition=~Q(external_user_id=""),
                name="one_athlete_per_provider_account",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.athlete}: {self.get_provider_display()}"

    @property
    def credentials_dict(self) -> dict[str, Any]:
        """The decrypted credentials as a new dict (empty when none); see `set_credentials`."""
        if not self.credentials:
            return {}
        value = json.loads(self.credentials)
        return value if isinstance(value, dict) else {}

    def set_credentials(self, values: dict[str, Any]) -> None:
        """Replace the credentials (saved encrypted on the next `save()`)."""
        self.credentials = json.dumps(values, sort_keys=True) if values else ""


class SyncRunQuerySet(AthleteOwnedQuerySet["SyncRun"]):
    athlete_path = "connection__athlete"


class SyncRun(models.Model):
    """One sync of one connection: what it fetched, created, merged and skipped, and why it failed.

    `done`/`total` give live progress while it runs (total 0: not known yet).
    """

    class Kind(models.TextChoices):
        ACTIVITIES = "activities", _("Activities")
        WELLNESS = "wellness", _("Wellness")
        BACKFILL = "backfill", _("Backfill")
        PLAN = "plan", _("Planned sessions")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    BUSY: ClassVar[tuple[str, ...]] = (State.QUEUED, State.RUNNING)
    COUNT_KEYS: ClassVar[tuple[str, ...]] = (
        "fetched",
        "created",
        "merged",
        "removed",
        "skipped",
        "failed",
    )

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="runs")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.RUNNING)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    # A backfill's first day (activities), or the first day of a wellness backfill.
    since = models.DateField(_("from"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # A run waiting for the provider's rate window: when it goes on (queued until then).
    resume_at = models.DateTimeField(_("resumes at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = SyncRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["connection", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.connection}: {self.get_kind_display()} ({self.get_state_display()})"

    @property
    def progress_pct(self) -> int:
        return min(100, int(100 * self.done / self.total)) if self.total else 0

    def count(self, key: str) -> int:
        value = self.counts.get(key, 0)
        return value if isinstance(value, int) else 0


class RawPayloadQuerySet(AthleteOwnedQuerySet["RawPayload"]):
    athlete_path = "connection__athlete"


class RawPayload(models.Model):
    """A provider's response as received, kept for audit and re-parsing.

    Identical responses are kept once per (connection, kind, external id): `sha256` is the
    digest of the canonical JSON, and a newer different body is a new row.
    """

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="payloads")
    run = models.ForeignKey(
        SyncRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="payloads"
    )
    kind = models.CharField(_("kind"), max_length=40)
    external_id = models.CharField(_("external id"), max_length=64, blank=True)
    day = models.DateField(_("day"), null=True, blank=True)
    body = models.JSONField(_("body"))
    sha256 = models.CharField(max_length=64)
    fetched_at = models.DateTimeField(_("fetched at"), auto_now_add=True)

    objects = RawPayloadQuerySet.as_manager()

    class Meta:
        ordering = ["-fetched_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "kind", "external_id", "sha256"], name="one_raw_payload"
            )
        ]
        indexes = [models.Index(fields=["connection", "kind", "external_id"])]

    def __str__(self) -> str:
        return f"{self.connection.provider} {self.kind} {self.external_id or self.day or ''}"


class LoginAttemptQuerySet(AthleteOwnedQuerySet["LoginAttempt"]):
    athlete_path = "connection__athlete"


class LoginAttempt(models.Model):
    """A provider login in progress: the login runs in a task, the page polls this row.

    `secret` (encrypted) holds the email and password until the login call returns, then only
    the provider's pending-MFA state and the code the user typed. The row lives at most
    `LIFETIME`; the sweep deletes expired ones.
    """

    LIFETIME: ClassVar[dt.timedelta] = dt.timedelta(minutes=10)
    MAX_CODE_TRIES: ClassVar[int] = 3

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to sign in")
        RUNNING = "running", _("Signing in")
        NEEDS_CODE = "needs_code", _("Code required")
        CODE_QUEUED = "code_queued", _("Checking the code")
        DONE = "done", _("Connected")
        FAILED = "failed", _("Failed")

    WAITING_FOR_A_WORKER: ClassVar[tuple[str, ...]] = (State.QUEUED, State.CODE_QUEUED)
    FINISHED: ClassVar[tuple[str, ...]] = (State.DONE, State.FAILED)

    connection = models.ForeignKey(
        Connection, on_delete=models.CASCADE, related_name="login_attempts"
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    secret = EncryptedTextField(_("secret"), blank=True, default="")
    message = models.CharField(_("message"), max_length=255, blank=True)
    code_tries = models.PositiveSmallIntegerField(_("code tries"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    expires_at = models.DateTimeField(_("expires at"))

    objects = LoginAttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.connection}: {self.get_state_display()}"

    @property
    def secret_dict(self) -> dict[str, Any]:
        if not self.secret:
            return {}
        value = json.loads(self.secret)
        return value if isinstance(value, dict) else {}

    def set_secret(self, values: dict[str, Any]) -> None:
        self.secret = json.dumps(values, sort_keys=True) if values else ""


class WebhookEventQuerySet(AthleteOwnedQuerySet["WebhookEvent"]):
    athlete_path = "connection__athlete"


class WebhookEvent(models.Model):
    """A provider's push notification, kept from its arrival until a worker has done it.

    The row is the durable intent: the webhook answers at once, a task does the work, and the
    sweep sends again an event whose task was lost. A provider delivering the same event again
    (Strava retries up to three times) finds its `key` taken: it is acknowledged, not redone.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        DONE = "done", _("Done")
        IGNORED = "ignored", _("Ignored")
        FAILED = "failed", _("Failed")

    provider = models.CharField(_("provider"), max_length=16, choices=Connection.Provider.choices)
    key = models.CharField(max_length=64)  # sha256 of the canonical body
    connection = models.ForeignKey(
        Connection, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    owner_id = models.CharField(_("account at the provider"), max_length=64)
    object_type = models.CharField(_("object"), max_length=16)
    object_id = models.CharField(_("object id"), max_length=64)
    aspect_type = models.CharField(_("change"), max_length=16)
    updates = models.JSONField(_("updates"), default=dict, blank=True)
    event_time = models.DateTimeField(_("event time"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    error = models.CharField(_("error"), max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = WebhookEventQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "key"], name="one_webhook_event")
        ]
        indexes = [models.Index(fields=["state", "received_at"])]

    def __str__(self) -> str:
        return f"{self.provider} {self.object_type} {self.object_id} {self.aspect_type}"
