"""Helpers of the journal tests: logged-in clients, activities recorded on a day, sessions."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.test import Client

from activities.models import Activity
from activities.services.ingest import activity_ingest
from activities.types import NormalizedActivity, Provider, SourceRef, Streams, Summary
from athletes.models import Athlete, User
from coaching.models import PlannedSession
from coaching.services.sessions import planned_session_create
from core.sports import Sport

_refs = itertools.count(1)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def htmx(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    """POST as htmx does (the partial comes back instead of a redirect)."""
    return client.post(url, data or {}, HTTP_HX_REQUEST="true")


def recorded(
    athlete: Athlete,
    day: dt.date,
    *,
    minutes: float = 60,
    hour: int = 7,
    sport: str = "run",
    distance_m: float | None = 10000.0,
) -> Activity:
    """An activity without samples, started at `hour` UTC on `day` (Europe/Paris: same day)."""
    normalized = NormalizedActivity(
        sport=Sport(sport),
        sub_sport="generic",
        started_at=dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=dt.UTC),
        streams=Streams.empty(),
        summary=Summary(elapsed_s=minutes * 60, moving_s=minutes * 60, distance_m=distance_m),
    )
    activity, _outcome = activity_ingest(
        athlete=athlete,
        normalized=normalized,
        source=SourceRef(Provider.GARMIN, f"journal-{next(_refs)}"),
    )
    return activity


def planned(
    athlete: Athlete,
    by: User | None,
    day: dt.date,
    title: str = "Easy hour",
    *,
    minutes: float | None = 60,
    sport: str = "run",
    **fields: Any,
) -> PlannedSession:
    duration = None if minutes is None else minutes * 60.0
    return planned_session_create(
        athlete=athlete, by=by, day=day, sport=sport, title=title, duration_s=duration, **fields
    )
