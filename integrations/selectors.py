"""What the Connections page and the athlete's pages show of provider connections."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlsplit

from django.db.models import Count
from django.utils import timezone

from athletes.models import Athlete
from integrations.models import Connection, LoginAttempt, SyncRun
from integrations.strava import client as strava_client
from integrations.strava.budget import Lane, budget_eta
from integrations.strava.sync import skips_garmin

RECENT_RUNS = 10


class _WithRuns:
    """What every provider's card says of its recent runs."""

    runs: list[SyncRun]

    @property
    def busy(self) -> bool:
        return any(run.state in SyncRun.BUSY for run in self.runs)


def _connection_and_runs(
    athlete: Athlete, provider: str
) -> tuple[Connection | None, list[SyncRun]]:
    """The athlete's connection to `provider` (None: never connected) and its last runs."""
    connection = Connection.objects.filter(athlete=athlete, provider=provider).first()
    if connection is None:
        return None, []
    return connection, list(connection.runs.select_related("requested_by")[:RECENT_RUNS])


@dataclass
class GarminPanel(_WithRuns):
    athlete: Athlete
    connection: Connection | None
    attempt: LoginAttempt | None  # a sign-in in progress or just ended (≤ 10 min)
    runs: list[SyncRun] = field(default_factory=list)

    @property
    def connected(self) -> bool:
        return self.connection is not None and self.connection.status == Connection.Status.ACTIVE

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
class CalendarPanel(_WithRuns):
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


@dataclass
class StravaPanel(_WithRuns):
    athlete: Athlete
    connection: Connection | None
    enabled: bool  # the operator set up a Strava app
    runs: list[SyncRun] = field(default_factory=list)

    @property
    def connected(self) -> bool:
        return self.connection is not None and self.connection.status == Connection.Status.ACTIVE

    @cached_property
    def athlete_name(self) -> str:
        """The Strava account's name, decrypted once per page."""
        if self.connection is None:
            return ""
        return str(self.connection.credentials_dict.get("athlete_name", ""))

    @cached_property
    def skips_garmin(self) -> bool:
        return self.connection is not None and skips_garmin(self.connection)

    @property
    def waiting_until(self) -> dt.datetime | None:
        """When a run held back by Strava's rate window goes on."""
        waits = [run.resume_at for run in self.runs if run.state == SyncRun.State.QUEUED]
        future = [at for at in waits if at is not None and at > timezone.now()]
        return min(future, default=None)

    @cached_property
    def backfill_eta(self) -> dt.datetime | None:
        """When the backfill under way should be done, at the backfill lane's share of Strava's
        budget (two reads per activity left); read once per page (the budget's store)."""
        for run in self.runs:
            if run.kind == SyncRun.Kind.BACKFILL and run.state in SyncRun.BUSY and run.total:
                left = max(0, run.total - run.done)
                return budget_eta(Lane.BACKFILL, 2 * left) if left else None
        return None


def strava_panel(athlete: Athlete) -> StravaPanel:
    connection, runs = _connection_and_runs(athlete, Connection.Provider.STRAVA)
    return StravaPanel(athlete, connection, strava_client.enabled(), runs)


def calendar_panel(athlete: Athlete) -> CalendarPanel:
    connection, runs = _connection_and_runs(athlete, Connection.Provider.TRAININGPEAKS)
    return CalendarPanel(athlete, connection, runs)


def garmin_panel(athlete: Athlete) -> GarminPanel:
    connection, runs = _connection_and_runs(athlete, Connection.Provider.GARMIN)
    if connection is None:
        return GarminPanel(athlete, None, None)
    attempt = (
        LoginAttempt.objects.filter(connection=connection, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )
    return GarminPanel(athlete, connection, attempt, runs)


PROBLEM_STATUSES = (Connection.Status.NEEDS_USER, Connection.Status.ERROR)


def connection_problems(athlete: Athlete) -> list[Connection]:
    """Connections that need the athlete (sign in again, an error) — shown where they look."""
    return list(Connection.objects.filter(athlete=athlete, status__in=PROBLEM_STATUSES))


def connection_problem_counts(*, athlete_ids: Sequence[int]) -> dict[int, int]:
    """{athlete id: how many of their connections need them} for these athletes (already
    looked up through the one door); athletes without a problem are left out. One query.
    Wired as CONNECTION_PROBLEM_COUNTS for pages of lower layers (the coach's cockpit)."""
    rows = (
        Connection.objects.filter(athlete_id__in=athlete_ids, status__in=PROBLEM_STATUSES)
        .order_by()
        .values("athlete_id")
        .annotate(problems=Count("id"))
        .values_list("athlete_id", "problems")
    )
    return dict(rows)
