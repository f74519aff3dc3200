"""Strava activities into Paceline: on a webhook event, by the daily reconcile of the last three
days, and by a backfill from a date.

One activity costs two reads (the detailed activity with its laps, then its streams) and becomes
an activity through `activity_ingest` with a Strava source (the dedupe rules there: the same
Strava id is skipped, a recording starting within ±60 s with a compatible sport is merged). An
activity Strava got from Garmin (`external_id` "garmin_push_<id>") is attached straight to that
Garmin activity when Paceline has it — no read at all —, and skipped when the athlete chose
"only activities not from Garmin" (the Garmin sync brings it).

Reads come out of the app-wide budget's lane (webhook, reconcile, backfill). A lane out of
budget or a 429 stops the work where it is: a run goes back to the queue until Strava's next
window (`Deferred`; its task is rescheduled, no worker waits) and an event waits likewise. The
backfill's cursor moves past each activity done, so a run deferred, killed or re-sent goes on
from there and converges to the same rows; re-running any sync changes nothing.

A deauthorization (or an in-app disconnect) forgets everything Strava brought: its sources, the
activities only it described (the others rebuilt from what remains), raw payloads, runs,
events and tokens.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from activities.models import ActivitySource
from activities.services.archive_link import source_attach
from activities.services.changes import activity_changed
from activities.services.ingest import activity_ingest
from activities.services.sources import provider_sources_remove
from activities.types import Outcome, Provider, SourceRef
from core.outbox import batched
from integrations.models import Connection, RawPayload, SyncRun, WebhookEvent
from integrations.services.connections import (
    connection_calm,
    connection_lease,
    connection_needs_user,
    lease_renew,
    provider_data_purge,
    raw_payload_keep,
    sync_run_error,
    sync_run_finish,
    sync_run_progress,
    sync_run_start,
)
from integrations.strava import client
from integrations.strava.api_mapping import (
    StravaPayloadError,
    garmin_activity_id,
    strava_activity,
    strava_sport,
    summary_external_id,
    summary_id,
    summary_private,
    summary_started_at,
)
from integrations.strava.budget import Lane
from integrations.strava.tokens import Disconnected, access_token

logger = logging.getLogger(__name__)

RECONCILE_DAYS = 3
RETRY_UNREACHABLE = dt.timedelta(minutes=5)
MAX_EVENT_ATTEMPTS = 5
PROVIDER = Connection.Provider.STRAVA
# Keys of a detailed activity not kept on the source (large, and not ours to show).
DROPPED_KEYS = ("segment_efforts", "best_efforts", "splits_metric", "splits_standard", "map")

SIGNED_OUT = gettext_noop("Strava no longer accepts Paceline's access: connect Strava again.")
INACTIVE = gettext_noop(
    "This server's Strava app is inactive at Strava (its owner's subscription or review): "
    "the operator must reactivate it."
)
UNREACHABLE = gettext_noop("Strava could not be reached: the next sync tries again.")


class Deferred(Exception):  # noqa: N818 — names the situation
    """Strava's rate window is used up: the work goes on at `until`, by a rescheduled task."""

    def __init__(self, until: dt.datetime) -> None:
        super().__init__(f"deferred until {until.isoformat()}")
        self.until = until


def skips_garmin(connection: Connection) -> bool:
    """The athlete's choice, else on when Garmin is connected too."""
    chosen = connection.options.get("skip_garmin")
    if isinstance(chosen, bool):
        return chosen
    return Connection.objects.filter(
        athlete_id=connection.athlete_id,
        provider=Connection.Provider.GARMIN,
        status=Connection.Status.ACTIVE,
    ).exists()


class Session:
    """One connection's reads in one lane; a refused access token is refreshed once."""

    def __init__(self, connection: Connection, lane: Lane) -> None:
        self.connection = connection
        self.lane = lane
        self.token = access_token(connection.id)
        self.api = client.Api(self.token, lane=lane)

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return getattr(self.api, method)(*args, **kwargs)
        except client.Unauthorized:
            self.token = access_token(self.connection.id, refused=self.token)
            self.api = client.Api(self.token, lane=self.lane)
        try:
            return getattr(self.api, method)(*args, **kwargs)
        except client.Unauthorized as error:
            connection_needs_user(self.connection, SIGNED_OUT)
            raise client.SignedOut(str(error)) from error

    def activities_after(self, after: int, *, page: int) -> list[dict[str, Any]]:
        return list(self._call("activities_after", after, page=page))

    def activity(self, strava_id: str) -> dict[str, Any]:
        return dict(self._call("activity", strava_id))

    def streams(self, strava_id: str) -> Any:
        return self._call("streams", strava_id)

    def athlete(self) -> dict[str, Any]:
        return dict(self._call("athlete"))


# --- One activity ------------------------------------------------------------------------------


def _kept(detail: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in detail.items() if key not in DROPPED_KEYS}


def _known(connection: Connection, strava_id: str) -> ActivitySource | None:
    return (
        ActivitySource.objects.filter(
            athlete_id=connection.athlete_id, provider=Provider.STRAVA, external_id=strava_id
        )
        .select_related("activity")
        .first()
    )


def _from_garmin(connection: Connection, strava_id: str, payload: Mapping[str, Any]) -> str | None:
    """An activity Strava got from Garmin: attached to Paceline's Garmin activity ("merged"),
    skipped when the athlete leaves Garmin's to the Garmin sync ("skipped"); None otherwise."""
    garmin_id = garmin_activity_id(summary_external_id(payload))
    if garmin_id is None:
        return None
    garmin = (
        ActivitySource.objects.filter(
            athlete_id=connection.athlete_id, provider=Provider.GARMIN, external_id=garmin_id
        )
        .select_related("activity")
        .first()
    )
    if garmin is not None:
        sport, _sub = strava_sport(payload)
        _row, outcome = source_attach(
            activity=garmin.activity,
            source=SourceRef(Provider.STRAVA, external_id=strava_id, raw=_kept(payload)),
            name=str(payload.get("name") or ""),
            description=str(payload.get("description") or ""),
            sport=sport,
        )
        return _count_key(outcome)
    return "skipped" if skips_garmin(connection) else None


def activity_import(
    connection: Connection,
    session: Session,
    strava_id: str,
    *,
    summary: Mapping[str, Any] | None = None,
    run: SyncRun | None = None,
) -> str:
    """One Strava activity into Paceline; returns the run count it adds to (created, merged,
    skipped). Known activities take the summary's changes (title, type, privacy) without a
    read."""
    known = _known(connection, strava_id)
    if known is not None:
        if summary is not None:
            changes_apply(connection, strava_id, _summary_changes(summary))
        return "skipped"
    if summary is not None:
        linked = _from_garmin(connection, strava_id, summary)
        if linked is not None:
            return linked
    detail = session.activity(strava_id)
    kept = _kept(detail)
    raw_payload_keep(connection, "activity", kept, external_id=strava_id, run=run)
    if summary is None:
        linked = _from_garmin(connection, strava_id, detail)
        if linked is not None:
            return linked
    streams = session.streams(strava_id)
    try:
        normalized = strava_activity(detail, streams)
    except StravaPayloadError as error:
        if run is not None:
            sync_run_error(run, str(detail.get("name") or strava_id), error.reason)
        raise
    if not _still_connected(connection):
        raise Disconnected("Strava was disconnected meanwhile.")
    source = SourceRef(Provider.STRAVA, external_id=strava_id, raw=kept)
    _activity, outcome = activity_ingest(
        athlete=connection.athlete, normalized=normalized, source=source
    )
    return _count_key(outcome)


def _still_connected(connection: Connection) -> bool:
    return Connection.objects.filter(id=connection.id, status=Connection.Status.ACTIVE).exists()


def _count_key(outcome: Outcome) -> str:
    return {Outcome.CREATED: "created", Outcome.MERGED: "merged"}.get(outcome, "skipped")


def _summary_changes(summary: Mapping[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if isinstance(summary.get("name"), str):
        changes["title"] = summary["name"]
    kind = summary.get("sport_type") or summary.get("type")
    if isinstance(kind, str):
        changes["type"] = kind
    if "private" in summary or "visibility" in summary:
        changes["private"] = "true" if summary_private(summary) else "false"
    return changes


def changes_apply(connection: Connection, strava_id: str, updates: Mapping[str, Any]) -> bool:
    """Apply what the athlete changed on Strava (title, type, privacy) to the Strava source and
    its activity; True when something changed. A title replaces the activity's name only when
    the name is still Strava's (never one typed in Paceline); a type changes the sport only of
    an activity whose values are Strava's."""
    with transaction.atomic():
        source = (
            ActivitySource.objects.select_for_update()
            .filter(
                athlete_id=connection.athlete_id,
                provider=Provider.STRAVA,
                external_id=strava_id,
            )
            .select_related("activity")
            .first()
        )
        if source is None:
            return False
        activity = source.activity
        raw = dict(source.raw)
        fields: set[str] = set()
        title = updates.get("title")
        if isinstance(title, str) and title != raw.get("name"):
            if activity.name in ("", raw.get("name")):
                activity.name = title[:200]
                fields.add("name")
            raw["name"] = title
        kind = updates.get("type")
        if isinstance(kind, str) and kind not in (raw.get("sport_type"), raw.get("type")):
            sport, sub_sport = strava_sport({"sport_type": kind})
            raw["sport_type"] = raw["type"] = kind
            if activity.primary_provider == Provider.STRAVA and sport != activity.sport:
                activity.sport, activity.sub_sport = sport.value, sub_sport[:40]
                fields |= {"sport", "sub_sport"}
        private = updates.get("private")
        if isinstance(private, str) and (private == "true") != bool(raw.get("private")):
            raw["private"] = private == "true"
        if raw == source.raw and not fields:
            return False
        source.raw = raw
        source.save(update_fields=["raw"])
        if fields:
            activity.save(update_fields=sorted(fields | {"updated_at"}))
            if "sport" in fields:
                activity_changed(activity)
    return True


# --- Runs: the daily reconcile and backfills ---------------------------------------------------


def strava_run(run_id: int, *, now: dt.datetime | None = None) -> SyncRun | None:
    """Do a queued run; None when it is over already (an earlier delivery did it).

    Raises LeaseHeld while another run holds the connection and Deferred when Strava's rate
    window is used up (the run is queued again until then, its cursor kept).
    """
    run = (
        SyncRun.objects.select_related("connection__athlete")
        .filter(id=run_id, state__in=SyncRun.BUSY, connection__provider=PROVIDER)
        .first()
    )
    if run is None:
        return None
    now = now or timezone.now()
    backfill = run.kind == SyncRun.Kind.BACKFILL
    with connection_lease(run.connection_id, now=now) as connection:
        run = sync_run_start(connection, run.kind, run=run)
        if connection.status != Connection.Status.ACTIVE:
            return sync_run_finish(run, error=str(SIGNED_OUT))
        try:
            session = Session(connection, Lane.BACKFILL if backfill else Lane.RECONCILE)
            after = _after(connection, run, now=now)
            summaries = _listed(session, after)
            sync_run_progress(run, total=len(summaries), done=0, fetched=len(summaries))
            with batched():  # one metrics run and one load recompute for the whole run
                for done, summary in enumerate(summaries, start=1):
                    _summary_import(connection, session, run, summary)
                    if backfill:
                        _cursor_to(connection, run, summary)
                    sync_run_progress(run, done=done)
                    lease_renew(connection)
        except client.RateLimited as limited:
            raise Deferred(_defer(run, limited.until)) from limited
        except (client.SignedOut, Disconnected) as error:
            if not isinstance(error, Disconnected):
                connection_needs_user(connection, SIGNED_OUT)
            return sync_run_finish(run, error=f"{SIGNED_OUT} ({error})")
        except client.Inactive as error:
            return sync_run_finish(run, error=f"{INACTIVE} ({error})")
        except client.StravaError as error:
            return sync_run_finish(run, error=f"{UNREACHABLE} ({error})")
        connection_calm(connection)
        return sync_run_finish(run)


def _after(connection: Connection, run: SyncRun, *, now: dt.datetime) -> int:
    """Epoch seconds the run lists from: where this backfill stopped, its first day, or three
    days ago for the reconcile."""
    if run.kind != SyncRun.Kind.BACKFILL or run.since is None:
        return int((now - dt.timedelta(days=RECONCILE_DAYS)).timestamp())
    cursor = connection.cursor.get("backfill")
    if isinstance(cursor, dict) and cursor.get("run") == run.id:
        return int(cursor.get("after", 0))
    start = dt.datetime.combine(run.since, dt.time.min, tzinfo=connection.athlete.tz)
    return int(start.timestamp()) - 1


def _listed(session: Session, after: int) -> list[dict[str, Any]]:
    """Every activity after `after`, oldest first (a page of 200 per read)."""
    found: list[tuple[dt.datetime, dict[str, Any]]] = []
    page = 1
    while True:
        items = session.activities_after(after, page=page)
        for item in items:
            try:
                found.append((summary_started_at(item), {**item, "id": summary_id(item)}))
            except StravaPayloadError:
                continue  # no id or no start: nothing to fetch
        if len(items) < client.PAGE_SIZE:
            break
        page += 1
    found.sort(key=lambda pair: pair[0])
    return [item for _started, item in found]


def _summary_import(
    connection: Connection, session: Session, run: SyncRun, summary: dict[str, Any]
) -> None:
    strava_id = str(summary["id"])
    try:
        key = activity_import(connection, session, strava_id, summary=summary, run=run)
    except client.NotFound:
        key = "skipped"  # deleted since it was listed
    except StravaPayloadError:
        return  # counted as failed, with its reason, by activity_import
    sync_run_progress(run, **{key: 1})


def _cursor_to(connection: Connection, run: SyncRun, summary: Mapping[str, Any]) -> None:
    """The backfill goes on after this activity's start (the list is oldest first)."""
    started = int(summary_started_at(summary).timestamp())
    connection.cursor = {**connection.cursor, "backfill": {"run": run.id, "after": started}}
    Connection.objects.filter(id=connection.id).update(cursor=connection.cursor)


def _defer(run: SyncRun, until: dt.datetime) -> dt.datetime:
    """Back to the queue until `until`: its task is rescheduled then; the sweep sends it again
    only if that message is lost (`sent_at` = until)."""
    SyncRun.objects.filter(id=run.id).update(
        state=SyncRun.State.QUEUED, resume_at=until, sent_at=until
    )
    return until


# --- Webhook events ----------------------------------------------------------------------------


def event_key(event: Mapping[str, Any]) -> str:
    canonical = json.dumps(event, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def event_receive(event: Mapping[str, Any]) -> WebhookEvent | None:
    """Keep an event read by `client.event_parse`; None when the same event was received
    before (Strava delivers again when unsure). An event for an account no connection holds
    is kept as ignored."""
    owner_id = str(event["owner_id"])
    connection = Connection.objects.filter(provider=PROVIDER, external_user_id=owner_id).first()
    fields: dict[str, Any] = {
        "provider": PROVIDER,
        "key": event_key(event),
        "connection": connection,
        "owner_id": owner_id,
        "object_type": str(event["object_type"]),
        "object_id": str(event["object_id"]),
        "aspect_type": str(event["aspect_type"]),
        "updates": dict(event.get("updates") or {}),
        "event_time": dt.datetime.fromtimestamp(int(event["event_time"]), tz=dt.UTC),
    }
    if not _event_wanted(connection, fields["object_type"]):
        fields |= {"state": WebhookEvent.State.IGNORED, "done_at": timezone.now()}
    try:
        with transaction.atomic():
            return WebhookEvent.objects.create(**fields)
    except IntegrityError:
        return None


def event_process(event_id: int) -> WebhookEvent | None:
    """Do a received event; None when it is done already. Raises Deferred when Strava's rate
    window is used up or Strava cannot be asked now (the event waits).

    Strava does not sign its events, so nothing is deleted on an event's word alone: a
    deauthorization counts only when Strava refuses Paceline's tokens, a deletion only when
    Strava answers that the activity is gone."""
    event = (
        WebhookEvent.objects.select_related("connection__athlete")
        .filter(id=event_id, state=WebhookEvent.State.QUEUED)
        .first()
    )
    if event is None:
        return None
    WebhookEvent.objects.filter(id=event.id).update(attempts=event.attempts + 1)
    connection = event.connection
    if connection is None or not _event_wanted(connection, event.object_type):
        return _event_end(event, WebhookEvent.State.IGNORED, "no active connection")
    try:
        return _event_do(event, connection)
    except client.RateLimited as limited:
        WebhookEvent.objects.filter(id=event.id).update(sent_at=limited.until)
        raise Deferred(limited.until) from limited
    except client.Unreachable as error:
        later = timezone.now() + RETRY_UNREACHABLE
        if event.attempts + 1 >= MAX_EVENT_ATTEMPTS:
            return _event_end(event, WebhookEvent.State.FAILED, str(error))
        WebhookEvent.objects.filter(id=event.id).update(sent_at=later, error=str(error)[:500])
        raise Deferred(later) from error
    except (client.StravaError, StravaPayloadError) as error:
        return _event_end(event, WebhookEvent.State.FAILED, str(error))


def _event_wanted(connection: Connection | None, object_type: str) -> bool:
    """Activity events count for an active connection; a deauthorization also for one that
    waits for its athlete (a sync may have met the refused tokens first)."""
    if connection is None:
        return False
    if object_type == "athlete":
        return connection.status != Connection.Status.DISCONNECTED
    return connection.status == Connection.Status.ACTIVE


def _event_do(event: WebhookEvent, connection: Connection) -> WebhookEvent:
    if event.object_type == "athlete":
        if event.updates.get("authorized") != "false":
            return _event_end(event, WebhookEvent.State.IGNORED, "athlete update")
        if _still_authorized(connection):
            return _event_end(event, WebhookEvent.State.IGNORED, "Strava still accepts the tokens")
        strava_forget(connection)
        return _event_end(event, WebhookEvent.State.DONE)
    session = Session(connection, Lane.WEBHOOK)
    if event.aspect_type == "delete":
        try:
            session.activity(event.object_id)
        except client.NotFound:
            provider_sources_remove(
                athlete=connection.athlete, provider=Provider.STRAVA, external_id=event.object_id
            )
            return _event_end(event, WebhookEvent.State.DONE)
        return _event_end(event, WebhookEvent.State.IGNORED, "still at Strava")
    try:
        if event.aspect_type == "create" or _known(connection, event.object_id) is None:
            activity_import(connection, session, event.object_id)
        if event.updates:
            changes_apply(connection, event.object_id, event.updates)
    except client.NotFound:
        return _event_end(event, WebhookEvent.State.IGNORED, "gone at Strava")
    return _event_end(event, WebhookEvent.State.DONE)


def _still_authorized(connection: Connection) -> bool:
    """Whether Strava still accepts the connection's tokens (a forged deauthorization)."""
    try:
        Session(connection, Lane.WEBHOOK).athlete()
    except (client.SignedOut, Disconnected):
        return False
    return True


def _event_end(event: WebhookEvent, state: str, error: str = "") -> WebhookEvent:
    event.state, event.error, event.done_at = state, error[:500], timezone.now()
    WebhookEvent.objects.filter(id=event.id).update(
        state=event.state, error=event.error, done_at=event.done_at
    )
    return event


# --- Forgetting ---------------------------------------------------------------------------------


def strava_forget(connection: Connection) -> dict[str, int]:
    """Delete everything Strava brought for the athlete (a deauthorization, a disconnect):
    sources, activities only Strava described (the others rebuilt from what remains, their
    metrics recomputed), raw payloads, runs, events and tokens. Returns what went."""
    with transaction.atomic():
        removed = provider_data_purge(connection)
        events, _ = WebhookEvent.objects.filter(connection=connection).delete()
        Connection.objects.filter(id=connection.id).update(external_user_id="", options={})
    return {**removed, "events": events}


def strava_retention_apply(*, now: dt.datetime) -> int:
    """Purge Strava-only data older than STRAVA_RETENTION_DAYS (off when unset); returns how
    many Strava sources went."""
    days = getattr(settings, "STRAVA_RETENTION_DAYS", None)
    if not days:
        return 0
    removed = 0
    connections = Connection.objects.filter(provider=PROVIDER).select_related("athlete")
    for connection in connections:
        RawPayload.objects.filter(
            connection=connection, fetched_at__lt=now - dt.timedelta(days=int(days))
        ).delete()
        before = connection.athlete.local_today(now) - dt.timedelta(days=int(days))
        old = ActivitySource.objects.filter(
            athlete_id=connection.athlete_id, provider=Provider.STRAVA, activity__day__lt=before
        )
        if not old.exists():  # the sweep runs every minute: most often nothing is due
            continue
        removed += provider_sources_remove(
            athlete=connection.athlete, provider=Provider.STRAVA, before=before
        ).sources
    return removed
