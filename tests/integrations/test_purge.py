"""An operator's tools on connections: purge a provider's data for an athlete, re-sync, and
what both leave behind (the real library against the fake Garmin for the data)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from activities.models import Activity, ActivitySource
from activities.services.manual import manual_activity_log
from athletes.models import Athlete, WellnessDay
from integrations.garmin import client
from integrations.garmin.auth import signed_in_store
from integrations.garmin.sync import activities_sync, wellness_sync
from integrations.models import Connection, RawPayload, SyncRun
from integrations.services.connections import provider_data_purge
from tests.integrations.garmin.fake import (
    EMAIL,
    PASSWORD,
    FakeGarmin,
    installed,
    recorded_account,
    recorded_wellness,
)


@pytest.fixture
def garmin(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGarmin]:
    activities, files = recorded_account(corpus)
    fake = FakeGarmin(
        corpus, activities=activities, files=files, wellness=recorded_wellness(corpus)
    )
    with installed(fake, monkeypatch):
        yield fake


@pytest.fixture
def synced(garmin: FakeGarmin, athlete: Athlete) -> Connection:
    """One FIT from Garmin (file + Garmin source), three Garmin-only activities, wellness."""
    connection = signed_in_store(athlete=athlete, signed=client.sign_in(EMAIL, PASSWORD))
    activities_sync(connection.id, since=dt.date(2023, 9, 1), today=dt.date(2023, 9, 20))
    activities_sync(connection.id, since=dt.date(2025, 12, 20), today=dt.date(2026, 1, 10))
    wellness_sync(connection.id, days=[dt.date(2023, 7, 1), dt.date(2023, 7, 20)])
    connection.refresh_from_db()
    return connection


def test_a_purge_deletes_what_garmin_brought_and_keeps_the_athletes_own(
    synced: Connection,
    athlete: Athlete,
    announced: Any,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    manual_activity_log(
        by=athlete.user, athlete=athlete, sport="run", day=dt.date(2026, 1, 3), duration_s=1800
    )
    WellnessDay.objects.create(athlete=athlete, day=dt.date(2026, 1, 3), source="manual", steps=5)
    assert Activity.objects.filter(athlete=athlete).count() == 5

    with django_capture_on_commit_callbacks(execute=True):
        gone = provider_data_purge(synced)

    assert gone["activities"] == 3 and gone["sources"] == 4
    assert gone["wellness_days"] == 2 and gone["payloads"] > 0 and gone["runs"] == 5
    left = Activity.objects.filter(athlete=athlete)
    assert left.count() == 2  # the recording (its FIT is the athlete's) and the manual log
    assert not ActivitySource.objects.filter(athlete=athlete, provider="garmin").exists()
    assert ActivitySource.objects.filter(athlete=athlete, provider="device_file").count() == 1
    assert list(WellnessDay.objects.filter(athlete=athlete).values_list("source", flat=True)) == [
        "manual"
    ]
    assert not RawPayload.objects.filter(connection=synced).exists()
    synced.refresh_from_db()
    assert synced.status == Connection.Status.DISCONNECTED and synced.credentials_dict == {}
    # The days of the deleted activities were announced: metrics and loads recompute.
    assert any(event["since"] <= dt.date(2026, 1, 2) for event in announced)


def _act(staff_client: Client, action: str, connection: Connection) -> Any:
    url = reverse("admin:integrations_connection_changelist")
    data = {"action": action, admin.helpers.ACTION_CHECKBOX_NAME: [connection.pk]}
    return staff_client.post(url, data, follow=True)


def test_the_admin_purges_and_resyncs(
    synced: Connection,
    staff_client: Client,
    athlete: Athlete,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    SyncRun.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        response = _act(staff_client, "sync", synced)
    assert "2 syncs queued." in response.content.decode()
    assert set(synced.runs.values_list("kind", "state")) == {
        ("activities", "done"),
        ("wellness", "done"),
    }
    response = _act(staff_client, "purge", synced)
    assert "tokens forgotten" in response.content.decode()
    assert not Activity.objects.filter(athlete=athlete, sources__provider="garmin").exists()
    skipped = _act(staff_client, "sync", synced)  # disconnected now: nothing to sync
    assert "only active Garmin and Strava connections sync" in skipped.content.decode()
