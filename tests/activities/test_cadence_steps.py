"""On foot, cadence is stored and shown in steps per minute: recordings count the cycles of one
foot (FIT, TCX RunCadence, GPX, Strava), so ingest doubles them once; rides keep revolutions,
and activities stored before are converted by a migration."""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from activities.models import Activity, ActivitySource, Lap
from activities.models import Streams as StreamsRow
from activities.parsers import parse_file
from activities.services.files import files_import
from activities.services.ingest import activity_ingest, cadence_in_steps, effective_summary
from activities.streams_codec import decode_streams
from activities.types import NormalizedActivity, Provider, SourceRef, Streams, Summary
from athletes.models import Athlete
from core.sports import Sport

RUN = "fitparse__garmin-fenix-5-run.fit"
RIDE = "fitparse__Edge810-Vector-2013-08-16-15-35-10.fit"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _stored_cadence(activity: Activity) -> np.ndarray:
    streams = decode_streams(bytes(StreamsRow.objects.get(activity=activity).data))
    assert streams.cadence_spm is not None
    return streams.cadence_spm


@pytest.mark.corpus
@pytest.mark.django_db
def test_a_run_is_stored_in_steps_and_a_ride_in_revolutions(
    athlete: Athlete, corpus: Path, client: Client
) -> None:
    for name in (RUN, RIDE):
        data = (corpus / "fit" / name).read_bytes()
        [recorded] = parse_file(data, name)
        files_import(athlete=athlete, items=[(name, data)])
        activity = Activity.objects.get(athlete=athlete, sport=recorded.sport)
        factor = 2.0 if recorded.sport == Sport.RUN else 1.0
        per_foot = effective_summary(recorded).avg_cadence_spm  # the device's, as it wrote it
        assert per_foot is not None
        assert activity.avg_cadence_spm == pytest.approx(per_foot * factor)
        assert recorded.streams.cadence_spm is not None
        expected = np.round(recorded.streams.cadence_spm * factor, 1)
        assert np.allclose(_stored_cadence(activity), expected, equal_nan=True)
        laps = [lap.avg_cadence_spm for lap in recorded.laps]
        stored = list(
            Lap.objects.filter(activity=activity).values_list("avg_cadence_spm", flat=True)
        )
        assert stored == [None if c is None else pytest.approx(c * factor) for c in laps]

    run = Activity.objects.get(athlete=athlete, sport=Sport.RUN)
    assert 150 < run.avg_cadence_spm < 200  # what the runner's watch shows
    client.force_login(athlete.user)
    html = client.get(reverse("activity_detail", args=(athlete.id, run.id))).content.decode()
    assert f"{run.avg_cadence_spm:.0f} steps/min" in html


def test_only_recorded_on_foot_cadence_is_doubled() -> None:
    run = NormalizedActivity(
        sport=Sport.RUN,
        sub_sport="",
        started_at=dt.datetime(2026, 5, 1, 7, tzinfo=dt.UTC),
        streams=Streams(time_s=np.arange(3.0), cadence_spm=np.array([85.0, np.nan, 90.0])),
        summary=Summary(avg_cadence_spm=87.5),
    )
    doubled = cadence_in_steps(run, Provider.STRAVA)
    assert doubled.summary.avg_cadence_spm == 175.0
    assert doubled.streams.cadence_spm is not None
    assert np.allclose(doubled.streams.cadence_spm, [170.0, np.nan, 180.0], equal_nan=True)
    assert cadence_in_steps(run, Provider.MANUAL) is run  # a person enters steps already
    ride = replace(run, sport=Sport.RIDE)
    assert cadence_in_steps(ride, Provider.DEVICE_FILE) is ride


@pytest.mark.django_db
def test_the_migration_doubles_what_was_stored_per_foot_once(athlete: Athlete) -> None:
    migration = importlib.import_module("activities.migrations.0003_on_foot_cadence_in_steps")
    per_foot = NormalizedActivity(
        sport=Sport.RUN,
        sub_sport="",
        started_at=dt.datetime(2026, 5, 1, 7, tzinfo=dt.UTC),
        streams=Streams(time_s=np.arange(3.0), cadence_spm=np.array([80.0, 85.0, 90.0])),
        summary=Summary(avg_cadence_spm=85.0),
    )
    run, _ = activity_ingest(
        athlete=athlete, normalized=per_foot, source=SourceRef(Provider.STRAVA, "1")
    )
    ride, _ = activity_ingest(
        athlete=athlete,
        normalized=replace(
            per_foot, sport=Sport.RIDE, started_at=per_foot.started_at + dt.timedelta(hours=3)
        ),
        source=SourceRef(Provider.STRAVA, "2"),
    )
    migration.backwards(apps, None)  # as stored before: the cycles of one foot
    run.refresh_from_db()
    assert run.avg_cadence_spm == 85.0
    assert list(_stored_cadence(run)) == [80.0, 85.0, 90.0]

    migration.forwards(apps, None)
    run.refresh_from_db()
    ride.refresh_from_db()
    assert run.avg_cadence_spm == 170.0 and ride.avg_cadence_spm == 85.0
    assert list(_stored_cadence(run)) == [160.0, 170.0, 180.0]
    assert list(_stored_cadence(ride)) == [80.0, 85.0, 90.0]
    source = ActivitySource.objects.get(activity=run)
    assert source.summary["avg_cadence_spm"] == 170.0
