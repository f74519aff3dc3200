"""What the Connections page and the athlete's pages show of provider connections."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlsplit

from django.utils import timezone

from athletes.models import Athlete
from integrations.models import Connection, LoginAttempt, SyncRun

RECENT_RUNS = 10


@dataclass
class GarminPanel:
    athlete: Athlete
    connection: Connection | None
    attempt: LoginAttempt | None  # a sign-in in progress or just ended (≤ 10 min)
    runs: list[SyncRun] = field(default_factory=list)

    @property
    def connected(self) -> bool:
        return self.connection is not None and self.connection.status == Connection.Status.ACTIVE

    @property
    def busy(self) -> bool:
        return any(run.state in SyncRun.BUSY for run in self.runs)

    @property
    def paused(self) -> bool:
        retry = self.connection.retry_after if self.connection else None
        return retry is not None and retry > timezone.now()

    @property
    def needs_sign_in(self) -> bool:
        return self.connection is None or self.connection.status in (
            Connection.Status.DISCONNECTED,
            Connection.Status.NEEDS_USER,
            Connection.Status.ERROR,
        )


@dataclass
class CalendarPanel:
    athlete: Athlete
    connection: Connection | None
    runs: list[SyncRun] = field(default_factory=list)

    @cached_property
    def feed_url(self) -> str:
        """The feed's address, decrypted once per page (it is a secret: never shown whole)."""
        return str(self.connection.credentials_dict.get("feed_url", "")) if self.connection else ""

    @property
    def connected(self) -> bool:
        return bool(self.feed_url)

    @property
    def busy(self) -> bool:
        return any(run.state in SyncRun.BUSY for run in self.runs)

    @property
    def feed_host(self) -> str:
        """Where the feed lives, without its secret path."""
        return urlsplit(self.feed_url).hostname or ""

    @property
    def window(self) -> list[dt.date]:
        days = self.connection.cursor.get("window", []) if self.connection else []
        return [dt.date.fromisoformat(day) for day in days]

    @property
    def sessions(self) -> int:
        return int(self.connection.cursor.get("sessions", 0)) if self.connection else 0


def calendar_panel(athlete: Athlete) -> CalendarPanel:
    connection = Connection.objects.filter(
        athlete=athlete, provider=Connection.Provider.TRAININGPEAKS
    ).first()
    runs = list(connection.runs.select_related("requested_by")[:RECENT_RUNS]) if connection else []
    return CalendarPanel(athlete, connection, runs)


def garmin_panel(athlete: Athlete) -> GarminPanel:
    connection = (
        Connection.objects.filter(athlete=athlete, provider=Connection.Provider.GARMIN)
        .select_related("athlete")
        .first()
    )
    if connection is None:
        return GarminPanel(athlete, None, None)
    attempt = (
        LoginAttempt.objects.filter(connection=connection, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )
    runs = list(connection.runs.select_related("requested_by")[:RECENT_RUNS])
    return GarminPanel(athlete, connection, attempt, runs)


def connection_problems(athlete: Athlete) -> list[Connection]:
    """Connections that need the athlete (sign in again, an error) — shown where they look."""
    return list(
        Connection.objects.filter(
            athlete=athlete,
            status__in=[Connection.Status.NEEDS_USER, Connection.Status.ERROR],
        )
    )
