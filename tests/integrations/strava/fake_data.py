"""Strava-shaped bodies for `FakeStrava`, built from the recorded corpus (corpus/strava).

Nothing here invents a payload that the corpus has: activities, streams, athletes, webhook
events and 429/403 bodies are the recorded ones with ids, dates and owners rewritten. The few
error bodies the corpus lacks (401, 400, 404) are written below in the shape Strava answers.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

VMPY_RIDE = "vmpy/activity_1202065_1354978421.json"
VMPY_STREAMS = "vmpy/streams_1202065_1354978421.json"
VMPY_ATHLETE = "vmpy/athlete_1202065.json"
STRAVALIB_RUN = "stravalib/activity.3.json"

# Keys of a DetailedActivity that a SummaryActivity (the list endpoint) does not carry.
DETAIL_ONLY = frozenset({
    "segment_efforts", "splits_metric", "splits_standard", "laps", "best_efforts", "photos",
    "description", "calories", "embed_token", "highlighted_kudosers", "device_name", "guid",
    "similar_activities", "partner_brand_tag", "segment_leaderboard_opt_out", "gear",
})  # fmt: skip
SUMMARY_ATHLETE_KEYS = (
    "id", "username", "firstname", "lastname", "city", "state", "country", "sex", "premium",
    "created_at", "updated_at", "badge_type_id", "profile_medium", "profile", "friend", "follower",
)  # fmt: skip


def error(message: str, resource: str, field_: str, code: str) -> dict[str, Any]:
    """Strava's error body: a message and one {resource, field, code}."""
    return {"message": message, "errors": [{"resource": resource, "field": field_, "code": code}]}


AUTH_INVALID = error("Authorization Error", "Athlete", "access_token", "invalid")
SCOPE_MISSING = error("Authorization Error", "AccessToken", "activity:read_permission", "missing")
REFRESH_INVALID = error("Bad Request", "RefreshToken", "refresh_token", "invalid")
CODE_INVALID = error("Bad Request", "AuthorizationCode", "code", "invalid")
CLIENT_INVALID = error("Bad Request", "Application", "client_id", "invalid")
SUBSCRIPTION_EXISTS = error("Bad Request", "PushSubscription", "", "already exists")
CALLBACK_NOT_200 = error(
    "Bad Request", "PushSubscription", "callback url", "GET to callback URL does not return 200"
)
CALLBACK_UNVERIFIABLE = error("Bad Request", "PushSubscription", "callback url", "not verifiable")


def not_found(resource: str) -> dict[str, Any]:
    return error("Resource Not Found", resource, "id", "invalid")


def summary(detail: dict[str, Any]) -> dict[str, Any]:
    """The SummaryActivity the list endpoint returns for a DetailedActivity."""
    row = {k: v for k, v in detail.items() if k not in DETAIL_ONLY}
    if isinstance(row.get("map"), dict):
        row["map"] = {k: v for k, v in row["map"].items() if k != "polyline"}
    return row | {"resource_state": 2}


def streams_by_type(streams: dict[str, Any] | list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Streams as Strava's list (each with "type") or keyed by type → keyed by type, with type."""
    if isinstance(streams, list):
        return {s["type"]: s for s in streams}
    return {kind: {**s, "type": kind} for kind, s in streams.items()}


def iso(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch_s(value: str) -> float:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def _rewrite_owner(node: Any, *, activity_id: int, athlete_id: int) -> None:
    """Point every nested {"activity": {"id"}} and {"athlete": {"id"}} at the new owner."""
    if isinstance(node, list):
        for item in node:
            _rewrite_owner(item, activity_id=activity_id, athlete_id=athlete_id)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key == "activity" and isinstance(value, dict) and "id" in value:
            value["id"] = activity_id
        elif key == "athlete" and isinstance(value, dict) and "id" in value:
            value["id"] = athlete_id
        else:
            _rewrite_owner(value, activity_id=activity_id, athlete_id=athlete_id)


@dataclass
class Corpus:
    """The corpus files the fake serves, read once (the ride's streams are 1.7 MB)."""

    root: Path
    _texts: dict[str, str] = field(default_factory=dict)
    _streams: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    def text(self, name: str) -> str:
        if name not in self._texts:
            self._texts[name] = (self.root / "strava" / name).read_text()
        return self._texts[name]

    def json(self, name: str) -> Any:
        """A fresh copy each call: callers may change it."""
        return json.loads(self.text(name))

    def object(self, name: str) -> dict[str, Any]:
        """A fresh copy of a corpus file that holds one JSON object."""
        value = self.json(name)
        assert isinstance(value, dict), name
        return value

    def ride_streams(self) -> dict[str, dict[str, Any]]:
        """The vmpy ride's 11 streams keyed by type; shared, never to be changed."""
        if VMPY_STREAMS not in self._streams:
            self._streams[VMPY_STREAMS] = streams_by_type(self.json(VMPY_STREAMS))
        return self._streams[VMPY_STREAMS]

    def athlete(self, athlete_id: int) -> dict[str, Any]:
        """vmpy's DetailedAthlete as `athlete_id`, with the corpus's stand-in name."""
        profile = self.object(VMPY_ATHLETE)
        picture = f"https://example.invalid/athletes/{athlete_id}"
        profile.update(
            id=athlete_id,
            firstname="Example",
            lastname="Athlete",
            username=f"example_athlete_{athlete_id}",
            email="athlete@example.com",
            profile=f"{picture}/large.jpg",
            profile_medium=f"{picture}/medium.jpg",
        )
        return profile

    def activity(
        self, template: str, *, activity_id: int, athlete_id: int, start: dt.datetime
    ) -> dict[str, Any]:
        """A recorded DetailedActivity as a new activity of `athlete_id` starting at `start`."""
        detail = self.object(template)
        _rewrite_owner(detail, activity_id=activity_id, athlete_id=athlete_id)
        offset = dt.timedelta(seconds=_utc_offset_s(detail))
        detail.update(
            id=activity_id,
            athlete={"id": athlete_id, "resource_state": 1},
            start_date=iso(start),
            start_date_local=(start.astimezone(dt.UTC) + offset).strftime("%Y-%m-%dT%H:%M:%SZ"),
            upload_id=activity_id + 1_000_000_000,
        )
        if isinstance(detail.get("map"), dict):
            detail["map"] = {**detail["map"], "id": f"a{activity_id}"}
        return detail

    def event(self, kind: str) -> dict[str, Any]:
        """corpus/strava/webhooks/event_<kind>.json, e.g. "activity_create"."""
        return self.object(f"webhooks/event_{kind}.json")


def _utc_offset_s(detail: dict[str, Any]) -> float:
    if "utc_offset" in detail:
        return float(detail["utc_offset"])
    return epoch_s(detail["start_date_local"]) - epoch_s(detail["start_date"])


# The templates `corpus_activities` cycles through: a Garmin-pushed ride with 11 streams, the
# same ride as if recorded in Strava's app (no external_id), and stravalib's 2013 run (no laps,
# no streams; its external_id is a fresh GUID as the iPhone app wrote one).
TEMPLATES = ("garmin_ride", "app_ride", "run")


def template_activity(
    corpus: Corpus, kind: str, *, activity_id: int, athlete_id: int, start: dt.datetime
) -> tuple[dict[str, Any], dict[str, dict[str, Any]] | None]:
    """One activity of kind `kind` (see TEMPLATES) with its streams."""
    if kind == "run":
        detail = corpus.activity(
            STRAVALIB_RUN, activity_id=activity_id, athlete_id=athlete_id, start=start
        )
        guid = str(uuid.uuid4()).upper()
        detail.update(external_id=guid, guid=guid)
        return detail, None
    detail = corpus.activity(VMPY_RIDE, activity_id=activity_id, athlete_id=athlete_id, start=start)
    external_id = f"garmin_push_{activity_id + 2_000_000_000}" if kind == "garmin_ride" else None
    detail.update(external_id=external_id)
    return detail, corpus.ride_streams()


def streams_answer(streams: dict[str, dict[str, Any]] | None, query: dict[str, str]) -> Any:
    """The requested stream types an activity has, plus its series-type stream (Strava always
    adds it); keyed by type with key_by_type=true, else a list of streams with "type"."""
    streams = streams or {}
    series = {s.get("series_type", "distance") for s in streams.values()}
    wanted = set(query.get("keys", ",".join(streams)).split(",")) | series
    chosen = [s for kind, s in streams.items() if kind in wanted]
    if query.get("key_by_type", "").lower() == "true":
        return {s["type"]: {k: v for k, v in s.items() if k != "type"} for s in chosen}
    return chosen
