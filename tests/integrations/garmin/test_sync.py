"""Garmin activities sync: the real garminconnect library against a fake Garmin replaying the
recorded activity list and ORIGINAL zip (tests/integrations/garmin/fake.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from activities.models import Activity, ActivitySource
from activities.services.archives import archive_import
from activities.services.files import files_import
from activities.types import Outcome
from athletes.models import Athlete
from integrations.garmin import client
from integrations.garmin.auth import signed_in_store
from integrations.garmin.sync import activities_sync
from integrations.models import Connection, RawPayload, SyncRun
from integrations.services.connections import ConnectionPaused
from tests.integrations.garmin.fake import (
    EMAIL,
    PASSWORD,
    FakeGarmin,
    installed,
    recorded_account,
)

RECORDED_DAY = dt.date(2023, 9, 20)  # a few days after the recorded FIT
LISTED_DAY = dt.date(2026, 1, 10)  # after the three recorded list entries


@pytest.fixture
def garmin(corpus: Path, monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[FakeGarmin]:
    settings.PACELINE_GARMIN_SPACING_S = 0
    activities, files = recorded_account(corpus)
    fake = FakeGarmin(corpus, activities=activities, files=files)
    with installed(fake, monkeypatch):
        yield fake


@pytest.fixture
def connection(garmin: FakeGarmin, athlete: Athlete) -> Connection:
    return signed_in_store(athlete=athlete, signed=client.sign_in(EMAIL, PASSWORD))


def _fit(garmin: FakeGarmin) -> bytes:
    with zipfile.ZipFile(io.BytesIO(garmin.files["11998957007"])) as archive:
        return archive.read("11998957007_ACTIVITY.fit")


def _rows(athlete: Athlete) -> list[tuple[Any, ...]]:
    activities = Activity.objects.filter(athlete=athlete).order_by("started_at")
    return [
        (
            a.started_at,
            a.sport,
            round(a.elapsed_s or 0, 1),
            sorted((s.provider, s.external_id[:20], s.session_index) for s in a.sources.all()),
        )
        for a in activities
    ]


def test_a_backfill_imports_the_recorded_fit_with_its_garmin_summary(
    garmin: FakeGarmin, connection: Connection, athlete: Athlete
) -> None:
    run = activities_sync(connection.id, since=dt.date(2023, 9, 1), today=RECORDED_DAY)
    assert run.state == SyncRun.State.DONE, run.error
    assert run.kind == SyncRun.Kind.BACKFILL
    assert run.counts["created"] == 1 and run.counts["fetched"] == 1
    activity = Activity.objects.get(athlete=athlete)
    assert activity.started_at == dt.datetime(2023, 9, 11, 13, 44, 29, tzinfo=dt.UTC)
    providers = {(s.provider, s.external_id) for s in activity.sources.all()}
    assert ("garmin", "11998957007") in providers
    file_source = activity.sources.get(provider="device_file")
    assert file_source.file is not None
    assert file_source.file.sha256 == hashlib.sha256(_fit(garmin)).hexdigest()
    kept = RawPayload.objects.get(connection=connection, kind="activity")
    assert kept.external_id == "11998957007" and kept.body["activityName"] == "Strength"
    connection.refresh_from_db()
    assert connection.cursor["activities_from"] == RECORDED_DAY.isoformat()
    assert connection.last_synced_at is not None


def test_running_the_sync_again_creates_and_downloads_nothing(
    garmin: FakeGarmin, connection: Connection, athlete: Athlete
) -> None:
    activities_sync(connection.id, since=dt.date(2023, 9, 1), today=RECORDED_DAY)
    rows = _rows(athlete)
    downloads = len(garmin.calls(path="/download-service/"))
    again = activities_sync(connection.id, since=dt.date(2023, 9, 1), today=RECORDED_DAY)
    assert again.counts["created"] == 0 and again.counts["skipped"] == 1
    assert _rows(athlete) == rows
    assert len(garmin.calls(path="/download-service/")) == downloads


def test_the_same_fit_uploaded_later_is_not_a_second_activity(
    garmin: FakeGarmin, connection: Connection, athlete: Athlete
) -> None:
    activities_sync(connection.id, since=dt.date(2023, 9, 1), today=RECORDED_DAY)
    report = files_import(athlete=athlete, items=[("watch.fit", _fit(garmin))])
    assert report.results[0].outcome is Outcome.SKIPPED
    assert Activity.objects.filter(athlete=athlete).count() == 1


def test_the_same_fit_in_a_garmin_export_later_is_not_a_second_activity(
    garmin: FakeGarmin, connection: Connection, athlete: Athlete, tmp_path: Path
) -> None:
    activities_sync(connection.id, since=dt.date(2023, 9, 1), today=RECORDED_DAY)
    inner = io.BytesIO()  # the export nests uploaded files in zips of their own
    with zipfile.ZipFile(inner, "w") as uploads:
        uploads.writestr("11998957007_ACTIVITY.fit", _fit(garmin))
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w") as archive:
        archive.writestr(
            "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip", inner.getvalue()
        )
    report = archive_import(athlete=athlete, path=export)
    assert [result.outcome for result in report.results] == [Outcome.SKIPPED]
    assert Activity.objects.filter(athlete=athlete).count() == 1


def test_an_upload_first_gains_the_garmin_source_from_the_sync(
    garmin: FakeGarmin, connection: Connection, athlete: Athlete
) -> None:
    files_import(athlete=athlete, items=[("watch.fit", _fit(garmin))])
    run = activities_sync(connection.id, since=dt.date(2023, 9, 1), today=RECORDED_DAY)
    assert run.counts["merged"] == 1 and run.counts["created"] == 0
    activity = Activity.objects.get(athlete=athlete)
    assert activity.sources.filter(provider="garmin", external_id="11998957007").exists()


def test_activities_without_a_file_at_garmin_come_from_their_summary(
    garmin: FakeGarmin, connection: Connection, athlete: Athlete
) -> None:
    run = activities_sync(connection.id, since=dt.date(2025, 12, 20), today=LISTED_DAY)
    assert run.state == SyncRun.State.DONE, run.error
    assert run.counts["created"] == 3
    kept = RawPayload.objects.get(kind="activity", external_id="21482825013")
    assert kept.body["activityName"] == "Cuajimalpa de Morelos - Base"
    trail = Activity.objects.get(athlete=athlete, sources__external_id="21482825013")
    assert trail.sport == "run"
    assert round(trail.distance_m or 0) == 4261


def test_an_api_429_pauses_the_connection_without_waiting(
    garmin: FakeGarmin, connection: Connection
) -> None:
    garmin.api_status = 429
    before = timezone.now()
    run = activities_sync(connection.id, since=dt.date(2023, 9, 1), today=RECORDED_DAY)
    assert run.state == SyncRun.State.FAILED and "slow down" in run.error
    connection.refresh_from_db()
    assert connection.status == Connection.Status.ACTIVE
    assert connection.retry_after is not None
    assert connection.retry_after - before >= dt.timedelta(minutes=30)
    asked = len(garmin.log)
    with pytest.raises(ConnectionPaused):
        activities_sync(connection.id, today=RECORDED_DAY)
    assert len(garmin.log) == asked  # nobody asked Garmin during the pause


def test_tokens_garmin_no_longer_accepts_need_the_athlete(
    garmin: FakeGarmin, connection: Connection
) -> None:
    garmin._access.clear()  # every access token refused…
    garmin.refresh_tokens.append("revoked")  # …and the stored refresh token too
    run = activities_sync(connection.id, today=RECORDED_DAY)
    assert run.state == SyncRun.State.FAILED
    connection.refresh_from_db()
    assert connection.status == Connection.Status.NEEDS_USER
    assert "sign in again" in connection.status_reason


def test_the_rotated_refresh_token_is_saved_after_every_run(
    garmin: FakeGarmin, athlete: Athlete
) -> None:
    garmin.token_lifetime_s = 600  # within the library's 15-minute margin: it refreshes
    connection = signed_in_store(athlete=athlete, signed=client.sign_in(EMAIL, PASSWORD))
    activities_sync(connection.id, since=dt.date(2023, 9, 1), today=RECORDED_DAY)
    connection.refresh_from_db()
    stored = json.loads(connection.credentials_dict["tokens"])
    assert len(garmin.refresh_tokens) > 2
    assert stored["di_refresh_token"] == garmin.refresh_tokens[-1]


def test_a_sync_killed_midway_converges_on_the_next_run(
    garmin: FakeGarmin, connection: Connection, athlete: Athlete, other_athlete: Athlete
) -> None:
    since = dt.date(2023, 9, 1)
    real_respond = garmin.respond

    def dies_on_download(call: Any) -> Any:
        if "/download-service/" in call.path:
            raise SystemExit("worker killed")
        return real_respond(call)

    garmin.respond = dies_on_download  # type: ignore[method-assign]
    with pytest.raises(SystemExit):
        activities_sync(connection.id, since=since, today=RECORDED_DAY)
    garmin.respond = real_respond  # type: ignore[method-assign]
    killed = SyncRun.objects.get(
        connection=connection,
        kind=SyncRun.Kind.BACKFILL,
        requested_by=None,
        sent_at=None,
        state=SyncRun.State.RUNNING,
    )
    assert killed.finished_at is None  # as a worker killed mid-run leaves it
    assert Activity.objects.filter(athlete=athlete).count() == 0
    activities_sync(connection.id, since=since, today=RECORDED_DAY)

    # One clean run for another athlete of another Garmin account gives the same rows.
    Connection.objects.filter(id=connection.id).update(external_user_id="")
    clean = signed_in_store(athlete=other_athlete, signed=client.sign_in(EMAIL, PASSWORD))
    activities_sync(clean.id, since=since, today=RECORDED_DAY)
    assert _rows(athlete) == _rows(other_athlete)
    assert ActivitySource.objects.filter(athlete=athlete).count() == 2


def test_a_multisport_parent_gives_one_activity_per_leg_and_its_legs_are_not_fetched(
    garmin: FakeGarmin,
    connection: Connection,
    athlete: Athlete,
    other_athlete: Athlete,
    corpus: Path,
) -> None:
    fit = (corpus / "fit" / "muktihari__triathlon_summary_first.fit").read_bytes()
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("900_ACTIVITY.fit", fit)
    base = garmin.activities[0]
    legs = [("901", "open_water_swimming", "07:15:24"), ("902", "cycling", "07:29:18"),
            ("903", "running", "07:56:34")]  # fmt: skip
    parent = {
        **base, "activityId": 900, "activityName": "Sprint triathlon", "parent": True,
        "childIds": [int(leg) for leg, _type, _time in legs],
        "activityType": {"typeKey": "multi_sport"}, "startTimeLocal": "2023-09-02 07:15:24",
        "beginTimestamp": 1693660524000,
    }  # fmt: skip
    children = [
        {**base, "activityId": int(leg), "parent": False, "activityType": {"typeKey": kind},
         "startTimeLocal": f"2023-09-02 {time}", "beginTimestamp": None}
        for leg, kind, time in legs
    ]  # fmt: skip
    garmin.activities[:] = [children[0], parent, *children[1:]]  # a leg listed first
    garmin.files["900"] = packed.getvalue()

    run = activities_sync(connection.id, since=dt.date(2023, 9, 1), today=RECORDED_DAY)

    assert run.state == SyncRun.State.DONE, run.error
    downloads = [call.path for call in garmin.calls(path="/download-service/")]
    assert downloads == ["/download-service/files/activity/900"]
    assert run.counts["skipped"] == 3  # the three legs, described by the parent's file
    uploaded = files_import(athlete=other_athlete, items=[("tri.fit", fit)])
    legs_uploaded = len(uploaded.results[0].activity_ids)
    assert Activity.objects.filter(athlete=athlete).count() == legs_uploaded >= 3
    assert (
        ActivitySource.objects.filter(athlete=athlete, provider="garmin").count() == legs_uploaded
    )
