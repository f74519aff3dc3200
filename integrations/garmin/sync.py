"""Garmin activities into Paceline: the list by date from the cursor, each unseen activity's
ORIGINAL file (its device FIT, through the FIT parser), the Garmin summary kept as a source.

The inner FIT is imported as any uploaded file would be, so its hash is the FIT's: the same
recording arriving later in an export zip or an upload is the same file (merged, never
duplicated), and an activity uploaded first gains the Garmin source. A multisport parent's
file holds every leg (one activity per leg); its child ids are not fetched again. An activity
with no file at Garmin (typed in by hand) becomes an activity from its summary.

One run holds the connection's lease; the tokens the library refreshed are written back at the
end of every run, failed or not. A 429 pauses the connection (30 min doubling to 6 h); tokens
Garmin no longer accepts set `needs_user`. The cursor moves only past what was imported, so a
run killed midway is resumed by the next one and converges to the same rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_noop

from activities.models import ActivitySource
from activities.services.archive_limits import ArchiveRefused, MemberRefused
from activities.services.archive_link import activities_of_file, source_attach
from activities.services.archive_plan import is_activity_name
from activities.services.archive_reader import ArchiveReader
from activities.services.files import files_import
from activities.services.ingest import activity_ingest
from activities.services.wellness import wellness_upsert
from activities.types import Outcome, Provider, SourceRef
from core.outbox import batched
from integrations.garmin import client
from integrations.garmin.mapping import (
    Units,
    activity_name,
    api_hrv,
    api_sleep,
    api_training_readiness,
    api_user_summary,
    api_weigh_ins,
    garmin_activity,
    garmin_sport,
    garmin_started_at,
    garmin_summary_values,
    is_multisport_parent,
)
from integrations.models import Connection, SyncRun
from integrations.services.connections import (
    ConnectionPaused,
    connection_calm,
    connection_lease,
    connection_needs_user,
    connection_pause,
    credentials_save,
    lease_renew,
    raw_payload_keep,
    sync_run_error,
    sync_run_finish,
    sync_run_progress,
    sync_run_start,
)

logger = logging.getLogger(__name__)

OVERLAP = dt.timedelta(days=2)  # a watch that syncs late still lands
BACKFILL_DAYS = 90
BACKFILL_MAX_DAYS = 730  # older history: the export zip
CHUNK_DAYS = 30  # one list call per chunk, the cursor saved after each

SIGNED_OUT = gettext_noop("Garmin asks you to sign in again.")
BLOCKED = gettext_noop("Garmin asked Paceline to slow down: the sync waits.")
UNREACHABLE = gettext_noop("Garmin could not be reached: the next sync tries again.")


def spacing_s() -> float:
    return float(getattr(settings, "PACELINE_GARMIN_SPACING_S", 1.0))


Fetch = Callable[[Connection, client.Api, SyncRun], None]
WELLNESS_BACKFILL_DAYS = 30  # five calls a day: a month on connect, older days by export
WELLNESS_MAPPINGS = {
    "user_summary": api_user_summary,
    "sleep": api_sleep,
    "hrv": api_hrv,
    "readiness": api_training_readiness,
    "weigh_ins": api_weigh_ins,
}


def garmin_run(run_id: int, *, today: dt.date | None = None) -> SyncRun | None:
    """Do a queued run (sync now, the schedule, a backfill); None when it is over (done by an
    earlier delivery). A run left running by a killed worker is done again from the start
    once its lease has expired (runs are idempotent); while the lease lives, LeaseHeld. A
    pause that began after it was queued fails it with the reason."""
    run = (
        SyncRun.objects.select_related("connection__athlete")
        .filter(id=run_id, state__in=SyncRun.BUSY)
        .first()
    )
    if run is None:
        return None
    try:
        if run.kind == SyncRun.Kind.WELLNESS:
            days = None
            if run.since is not None:
                last = today or run.connection.athlete.local_today()
                days = [
                    run.since + dt.timedelta(days=n) for n in range((last - run.since).days + 1)
                ]
            return wellness_sync(run.connection_id, days=days, today=today, run=run)
        return activities_sync(run.connection_id, since=run.since, today=today, run=run)
    except ConnectionPaused as paused:
        until = timezone.localtime(paused.until).strftime("%H:%M")
        return sync_run_finish(run, error=f"{BLOCKED} (→ {until})")


def activities_sync(
    connection_id: int,
    *,
    since: dt.date | None = None,
    today: dt.date | None = None,
    run: SyncRun | None = None,
) -> SyncRun:
    """Fetch the connection's activities from `since` (a backfill) or from its cursor.

    Raises LeaseHeld while another run holds the connection, ConnectionPaused before its
    pause ends (the task retries or waits for the schedule).
    """
    kind = SyncRun.Kind.BACKFILL if since else SyncRun.Kind.ACTIVITIES

    def fetch(connection: Connection, api: client.Api, run: SyncRun) -> None:
        last = today or connection.athlete.local_today()  # the athlete's today, not the server's
        _fetch(connection, api, run, _start(connection, since, last), last)

    return _run(connection_id, kind, fetch, run)


def wellness_sync(
    connection_id: int,
    *,
    days: list[dt.date] | None = None,
    today: dt.date | None = None,
    run: SyncRun | None = None,
) -> SyncRun:
    """Fetch the wellness of `days` (default: the athlete's today and yesterday)."""

    def fetch(connection: Connection, api: client.Api, run: SyncRun) -> None:
        last = today or connection.athlete.local_today()
        wanted = days or [last - dt.timedelta(days=1), last]
        sync_run_progress(run, total=len(wanted), done=0)
        for done, day in enumerate(sorted(wanted), start=1):
            sync_run_progress(run, done=done - 1, **_wellness_day(connection, api, run, day))
            lease_renew(connection)
        sync_run_progress(run, done=len(wanted))

    return _run(connection_id, SyncRun.Kind.WELLNESS, fetch, run)


def _wellness_day(
    connection: Connection, api: client.Api, run: SyncRun, day: dt.date
) -> dict[str, int]:
    outcomes: list[Outcome] = []
    for kind, mapping in WELLNESS_MAPPINGS.items():
        body = api.wellness(kind, day)
        if not body:
            continue
        raw_payload_keep(connection, f"wellness_{kind}", body, day=day, run=run)
        for found_day, values in mapping(body).items():
            _row, outcome = wellness_upsert(
                athlete=connection.athlete, day=found_day, source=Provider.GARMIN.value, **values
            )
            outcomes.append(outcome)
    return {"fetched": 1, _count_key(Outcome.combined(outcomes)): 1} if outcomes else {"fetched": 1}


def _run(connection_id: int, kind: str, fetch: Fetch, queued: SyncRun | None) -> SyncRun:
    """One run of `fetch(connection, api, run)` under the lease, with Garmin's answers mapped:
    429 → pause, refused tokens → needs_user, unreachable → the next run tries again."""
    with connection_lease(connection_id) as connection:
        run = sync_run_start(connection, kind, run=queued)
        api: client.Api | None = None
        try:
            api = client.session(
                connection.credentials_dict.get("tokens", ""), spacing_s=spacing_s()
            )
            fetch(connection, api, run)
        except client.Blocked as error:
            connection_pause(connection, BLOCKED)
            return sync_run_finish(run, error=f"{BLOCKED} ({error})")
        except client.SignedOut as error:
            connection_needs_user(connection, SIGNED_OUT)
            return sync_run_finish(run, error=f"{SIGNED_OUT} ({error})")
        except client.Unreachable as error:
            return sync_run_finish(run, error=f"{UNREACHABLE} ({error})")
        finally:
            if api is not None:  # what the library refreshed, even after a failure
                credentials_save(
                    connection, {**connection.credentials_dict, "tokens": api.tokens()}
                )
        connection_calm(connection)
        return sync_run_finish(run)


def _start(connection: Connection, since: dt.date | None, today: dt.date) -> dt.date:
    earliest = today - dt.timedelta(days=BACKFILL_MAX_DAYS)
    if since is not None:
        return max(since, earliest)
    cursor = connection.cursor.get("activities_from")
    if cursor:
        return max(dt.date.fromisoformat(cursor) - OVERLAP, earliest)
    return today - dt.timedelta(days=BACKFILL_DAYS)


def _fetch(
    connection: Connection, api: client.Api, run: SyncRun, start: dt.date, today: dt.date
) -> None:
    chunks = _chunks(start, today)
    sync_run_progress(run, total=len(chunks), done=0)
    children: set[str] = set()
    with batched():  # one metrics run and one load recompute for the whole sync
        for done, (first, last) in enumerate(chunks, start=1):
            summaries = api.activities_between(first, last)
            raw_payload_keep(
                connection, "activity_list", summaries, external_id=f"{first}/{last}", run=run
            )
            sync_run_progress(run, fetched=len(summaries))
            for summary in summaries:  # a leg may be listed before its parent (same start)
                if is_multisport_parent(summary):
                    children.update(str(child) for child in summary.get("childIds") or [])
            for summary in summaries:
                counts = _activity(connection, api, run, summary, children)
                sync_run_progress(run, **counts)
            _cursor_to(connection, last)
            sync_run_progress(run, done=done)
            lease_renew(connection)


def _chunks(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    chunks = []
    while start <= end:
        last = min(start + dt.timedelta(days=CHUNK_DAYS - 1), end)
        chunks.append((start, last))
        start = last + dt.timedelta(days=1)
    return chunks


def _cursor_to(connection: Connection, day: dt.date) -> None:
    current = connection.cursor.get("activities_from")
    if current is None or dt.date.fromisoformat(current) < day:
        connection.cursor = {**connection.cursor, "activities_from": day.isoformat()}
        Connection.objects.filter(id=connection.id).update(cursor=connection.cursor)


def _activity(
    connection: Connection,
    api: client.Api,
    run: SyncRun,
    summary: dict[str, Any],
    children: set[str],
) -> dict[str, int]:
    """One listed activity → {created|merged|skipped|failed: 1}."""
    external_id = str(summary.get("activityId") or "")
    if not external_id.isdigit():
        sync_run_error(run, "?", "an activity without an id")
        return {}
    raw_payload_keep(connection, "activity", summary, external_id=external_id, run=run)
    athlete = connection.athlete
    known = ActivitySource.objects.filter(
        athlete=athlete, provider=Provider.GARMIN, external_id=external_id
    )
    if external_id in children or known.exists():
        return {"skipped": 1}
    data = api.original_file(external_id)
    source = SourceRef(Provider.GARMIN, external_id=external_id, raw=summary)
    name = activity_name(summary)
    if data is None:
        return _from_summary(connection, run, summary, source)
    fit = _inner_fit(data, external_id)
    if isinstance(fit, str):
        sync_run_error(run, f"{name or external_id}", fit)
        return {}
    file_name, fit_bytes = fit
    report = files_import(athlete=athlete, items=[(file_name, fit_bytes)])
    result = report.results[0]
    if result.outcome is Outcome.FAILED:
        sync_run_error(run, f"{name or external_id}", result.reason)
        return {}
    sha256 = hashlib.sha256(fit_bytes).hexdigest()
    outcomes: list[Outcome] = [result.outcome]
    for index, activity in activities_of_file(athlete=athlete, sha256=sha256):
        _activity_row, outcome = source_attach(
            activity=activity,
            source=source,
            summary=garmin_summary_values(summary, Units()),
            name=name,
            session_index=index,
            sport=garmin_sport(summary),
        )
        outcomes.append(outcome)
    return {_count_key(Outcome.combined(outcomes)): 1}


def _from_summary(
    connection: Connection, run: SyncRun, summary: dict[str, Any], source: SourceRef
) -> dict[str, int]:
    started_at = garmin_started_at(summary)
    if started_at is None:
        sync_run_error(run, str(summary.get("activityId")), "no start time")
        return {}
    normalized = garmin_activity(summary, Units(), started_at=started_at)
    _activity_row, outcome = activity_ingest(
        athlete=connection.athlete, normalized=normalized, source=source
    )
    return {_count_key(outcome): 1}


def _count_key(outcome: Outcome) -> str:
    return {Outcome.CREATED: "created", Outcome.MERGED: "merged"}.get(outcome, "skipped")


def _inner_fit(data: bytes, external_id: str) -> tuple[str, bytes] | str:
    """The FIT inside Garmin's ORIGINAL zip (or the bytes themselves if they are no zip),
    read under the archive limits; a reason string when there is none."""
    with tempfile.TemporaryDirectory(prefix="paceline-garmin-") as folder:
        path = Path(folder) / f"{external_id}.zip"
        path.write_bytes(data)
        try:
            with ArchiveReader(path, name=f"{external_id}.fit") as reader:
                members = [m for m in reader.members if is_activity_name(m.inner)]
                if not members:
                    return "no activity file in Garmin's download"
                member = members[0]
                return member.basename, reader.read(member)
        except (ArchiveRefused, MemberRefused) as refused:
            return refused.reason
