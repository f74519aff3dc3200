"""The outbox: follow-up work written in the same transaction as the change it follows."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One event for one subscriber (`core.outbox`): pending until a worker has run it.

    Written in the transaction of the change, so it exists exactly when the change does;
    delivered to Celery after commit and again by the periodic sweep until it is done.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    OPEN: ClassVar[tuple[str, ...]] = (State.PENDING, State.RUNNING)

    subscriber = models.CharField(_("subscriber"), max_length=100)
    topic = models.CharField(_("event"), max_length=64)
    payload = models.JSONField(_("payload"))
    batch = models.CharField(_("batch"), max_length=32, blank=True)
    key = models.CharField(_("merge key"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    available_at = models.DateTimeField(_("sweep after"))
    lease_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(
                fields=["available_at"], name="outbox_pending", condition=Q(state="pending")
            ),
            models.Index(fields=["batch"], name="outbox_batch", condition=~Q(batch="")),
        ]

    def __str__(self) -> str:
        return f"{self.topic} → {self.subscriber} ({self.get_state_display()})"
