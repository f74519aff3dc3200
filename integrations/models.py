"""Connections to third-party providers (Strava, Garmin, TrainingPeaks) with encrypted tokens.

Credentials never leave this model in clear except through `credentials_dict`; they are
stored encrypted (MultiFernet, FERNET_KEYS) and re-encrypted by `rotate_encryption_keys`.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models
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
        PAUSED = "paused", _("Paused")
        ERROR = "error", _("Error")
        REVOKED = "revoked", _("Revoked")

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="connections")
    provider = models.CharField(_("provider"), max_length=16, choices=Provider.choices)
    credentials = EncryptedTextField(_("credentials"), blank=True, default="")
    scopes = models.CharField(_("scopes"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    cursor = models.JSONField(_("sync cursor"), default=dict, blank=True)
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
            )
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
