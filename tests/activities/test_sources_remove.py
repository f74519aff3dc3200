"""provider_sources_remove: a provider's sources go, the activities only it described go, and
the activities it shared are rebuilt from the remaining sources (real corpus files)."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.conf import Settings

from activities.models import Activity, ActivitySource
from activities.models import Streams as StreamsRow
from activities.services.archives import archive_import
from activities.services.files import files_import
from activities.services.ingest import SUMMARY_FIELDS, activity_ingest
from activities.services.manual import manual_activity_log
from activities.services.sources import Removed, provider_sources_remove
from activities.types import Lap, NormalizedActivity, Provider, SourceRef, Streams, Summary
from athletes.models import Athlete
from core.sports import Sport
from tests.activities.archives import builders

GPX = "tcx_gpx/sportslib__runs_6782987395.gpx"
FIT = "fit/sportslib__runs_6782987395.fit"
START = dt.datetime(2026, 3, 14, 7, 30, tzinfo=dt.UTC)
SHOWN = ("sport", "sub_sport", "started_at", "day", "device", "name", "description")


@pytest.fixture(autouse=True)
def _media(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _upload(athlete: Athlete, path: Path) -> Activity:
    report = files_import(athlete=athlete, items=[(path.name, path.read_bytes())])
    [result] = report.results
    return Activity.objects.get(id=result.activity_ids[0])


def _strava(
    athlete: Athlete,
    *,
    started_at: dt.datetime = START,
    sport: Sport = Sport.RUN,
    external_id: str = "111",
    name: str = "Morning Run",
) -> Activity:
    """A Strava activity as the sync brings it: summary, samples and laps, no file."""
    time_s = np.arange(120, dtype=np.float64)
    normalized = NormalizedActivity(
        sport=sport,
        sub_sport="",
        started_at=started_at + dt.timedelta(seconds=5),
        streams=Streams(time_s=time_s, hr_bpm=np.full(120, 150.0)),
        summary=Summary(elapsed_s=999.0, distance_m=12345.0, calories_kcal=777.0, avg_hr_bpm=150.0),
        laps=[Lap(start_s=0.0, elapsed_s=500.0), Lap(start_s=500.0, elapsed_s=499.0)],
        device="Strava app",
        name=name,
        description="Felt good",
    )
    raw: dict[str, object] = {"id": external_id, "name": name, "description": "Felt good"}
    activity, _ = activity_ingest(
        athlete=athlete, normalized=normalized, source=SourceRef(Provider.STRAVA, external_id, raw)
    )
    return activity


def _shown(activity: Activity) -> dict[str, Any]:
    """What the athlete sees of an activity: its values, primary provider, streams and laps."""
    activity.refresh_from_db()
    streams = StreamsRow.objects.filter(activity=activity).first()
    return {
        **{name: getattr(activity, name) for name in (*SHOWN, *SUMMARY_FIELDS)},
        "primary_provider": activity.primary_provider,
        "streams": streams and (streams.provider, streams.sample_count, bytes(streams.data)),
        "laps": list(activity.laps.order_by("index").values_list("start_s", "elapsed_s")),
    }


def _member(archive: zipfile.ZipFile, name: str, folder: Path) -> Path:
    path = folder / name.replace("/", "_")
    path.write_bytes(archive.read(name))
    return path


def _remove(capture: Callable[..., Any], athlete: Athlete, **kwargs: Any) -> Removed:
    with capture(execute=True):
        return provider_sources_remove(athlete=athlete, provider="strava", **kwargs)


def test_removing_strava_gives_a_gpx_activity_back_the_gpx_values_streams_and_laps(
    corpus: Path,
    athlete: Athlete,
    other_athlete: Athlete,
    announced: Any,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    alone = _shown(_upload(other_athlete, corpus / GPX))  # the same GPX, ingested alone
    gpx_start = Activity.objects.get(athlete=other_athlete).started_at
    _strava(athlete, started_at=gpx_start)  # Strava first: the GPX merges as the lesser source
    activity = _upload(athlete, corpus / GPX)
    merged = _shown(activity)
    assert merged["primary_provider"] == "strava" and merged["name"] == "Morning Run"
    assert merged["streams"][0] == "strava" and merged["distance_m"] == 12345.0

    removed = _remove(django_capture_on_commit_callbacks, athlete)

    assert removed == Removed(sources=1, activities=0, rebuilt=1)
    assert _shown(activity) == alone
    assert alone["primary_provider"] == "gpx" and alone["name"] == "Sloatsburg Course"
    assert alone["calories_kcal"] is None  # Strava's value went with it
    assert list(activity.sources.values_list("provider", flat=True)) == ["gpx"]
    assert announced[-1]["activity_ids"] == [activity.id]
    assert announced[-1]["since"] == activity.day


def test_removing_strava_that_outranked_a_gpx_takes_the_gpx_values_again(
    corpus: Path, athlete: Athlete, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    activity = _upload(athlete, corpus / GPX)
    alone = _shown(activity)
    _strava(athlete, started_at=activity.started_at)  # outranks: its values, samples, laps
    assert _shown(activity)["streams"][0] == "strava"

    _remove(django_capture_on_commit_callbacks, athlete)

    assert _shown(activity) == alone


def test_removing_strava_from_a_fit_activity_changes_nothing_but_its_name(
    corpus: Path,
    athlete: Athlete,
    announced: Any,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    activity = _upload(athlete, corpus / FIT)
    alone = _shown(activity)
    _strava(athlete, started_at=activity.started_at)  # lesser: it only names the activity
    assert _shown(activity) == {**alone, "name": "Morning Run", "description": "Felt good"}
    before = len(announced)

    removed = _remove(django_capture_on_commit_callbacks, athlete)

    assert removed == Removed(sources=1, activities=0, rebuilt=1)
    assert _shown(activity) == alone  # the name and description Strava gave went too
    assert list(activity.sources.values_list("provider", flat=True)) == ["device_file"]
    assert len(announced) == before + 1


def test_a_strava_only_activity_is_deleted_and_its_day_announced(
    athlete: Athlete, announced: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    activity = _strava(athlete)
    day = activity.day

    removed = _remove(django_capture_on_commit_callbacks, athlete)

    assert removed == Removed(sources=1, activities=1, rebuilt=0)
    assert not Activity.objects.filter(athlete=athlete).exists()
    assert announced[-1] == {"athlete_id": athlete.id, "activity_ids": [], "since": day}


def test_a_summary_only_source_left_gives_its_values_and_the_strava_samples_and_laps_go(
    athlete: Athlete, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    activity = _strava(athlete)
    garmin = NormalizedActivity(  # a Garmin API summary: outranks Strava, has no samples
        sport=Sport.RUN,
        sub_sport="trail",
        started_at=START,
        streams=Streams.empty(),
        summary=Summary(elapsed_s=1000.0, distance_m=5000.0),
        device="Forerunner 965",
    )
    activity_ingest(athlete=athlete, normalized=garmin, source=SourceRef(Provider.GARMIN, "g1"))
    assert _shown(activity)["streams"][0] == "strava" and _shown(activity)["calories_kcal"] == 777

    _remove(django_capture_on_commit_callbacks, athlete)

    shown = _shown(activity)
    assert (shown["primary_provider"], shown["device"], shown["sub_sport"]) == (
        "garmin",
        "Forerunner 965",
        "trail",
    )
    assert (shown["distance_m"], shown["elapsed_s"], shown["calories_kcal"]) == (5000, 1000, None)
    assert (shown["streams"], shown["laps"], shown["name"]) == (None, [], "")


def test_a_manual_activity_keeps_what_the_athlete_logged_but_not_stravas_description(
    athlete: Athlete, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    activity = manual_activity_log(
        by=athlete.user,
        athlete=athlete,
        sport="run",
        day=dt.date(2026, 3, 14),
        duration_s=1800,
        distance_m=6000,
        start_time=dt.time(8, 30),
        title="Tempo by the river",
    )
    _strava(athlete, started_at=activity.started_at)
    logged = _shown(activity)
    assert activity.sources.count() == 2

    removed = _remove(django_capture_on_commit_callbacks, athlete)

    assert removed == Removed(sources=1, activities=0, rebuilt=1)
    assert _shown(activity) == {**logged, "description": ""}
    assert logged["primary_provider"] == "manual" and logged["name"] == "Tempo by the river"
    assert (logged["distance_m"], logged["streams"], logged["laps"]) == (6000, None, [])
    assert logged["description"] == "Felt good"  # Strava filled in what the log had not


def test_one_external_id_removes_only_that_activitys_source(
    athlete: Athlete, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    kept = _strava(athlete, external_id="1")
    _strava(athlete, external_id="2", started_at=START + dt.timedelta(days=1))

    removed = _remove(django_capture_on_commit_callbacks, athlete, external_id="2")

    assert removed == Removed(sources=1, activities=1, rebuilt=0)
    assert list(Activity.objects.filter(athlete=athlete)) == [kept]
    assert ActivitySource.objects.get(athlete=athlete).external_id == "1"


def test_before_removes_only_the_sources_of_older_activities(
    athlete: Athlete, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    _strava(athlete, external_id="old", started_at=START - dt.timedelta(days=40))
    _strava(athlete, external_id="edge", started_at=START - dt.timedelta(days=10))
    _strava(athlete, external_id="new", started_at=START)

    removed = _remove(django_capture_on_commit_callbacks, athlete, before=dt.date(2026, 3, 4))

    assert removed == Removed(sources=1, activities=1, rebuilt=0)
    ids = ActivitySource.objects.filter(athlete=athlete).values_list("external_id", flat=True)
    assert sorted(ids) == ["edge", "new"]


def test_removing_twice_removes_nothing_the_second_time(
    corpus: Path,
    athlete: Athlete,
    announced: Any,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    activity = _upload(athlete, corpus / GPX)
    _strava(athlete, started_at=activity.started_at)
    _strava(athlete, external_id="2", started_at=START)
    first = _remove(django_capture_on_commit_callbacks, athlete)
    shown, count = _shown(activity), len(announced)

    again = _remove(django_capture_on_commit_callbacks, athlete)

    assert first == Removed(sources=2, activities=1, rebuilt=1)
    assert again == Removed(sources=0, activities=0, rebuilt=0)
    assert _shown(activity) == shown and len(announced) == count


def test_another_athletes_strava_sources_stay(
    athlete: Athlete, other_athlete: Athlete, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    theirs = _strava(other_athlete)

    _remove(django_capture_on_commit_callbacks, athlete)

    assert theirs.sources.count() == 1


def test_forgetting_a_strava_export_leaves_each_file_as_if_uploaded_alone(
    corpus: Path,
    tmp_path: Path,
    athlete: Athlete,
    other_athlete: Athlete,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    export = builders.strava_export(corpus, tmp_path)
    archive_import(athlete=athlete, path=export.path)
    strava = ActivitySource.objects.filter(provider="strava")
    activities = dict(strava.values_list("external_id", "activity_id"))
    forest = Activity.objects.get(id=activities["4102"])
    assert forest.sport == "run"  # the GPX has none: Strava's

    removed = _remove(django_capture_on_commit_callbacks, athlete)

    assert removed.sources == 4 and removed.activities == 0
    with zipfile.ZipFile(export.path) as archive:
        for row in export.rows[:4]:
            mine = Activity.objects.get(id=activities[row["id"]])
            alone = _upload(other_athlete, _member(archive, row["filename"], tmp_path))
            assert _shown(mine) == _shown(alone), row["filename"]
    forest.refresh_from_db()
    assert forest.sport == "other"


def test_a_gpx_whose_stored_file_is_lost_gives_back_its_kept_summary_without_samples(
    corpus: Path, athlete: Athlete, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    activity = _upload(athlete, corpus / GPX)
    alone = _shown(activity)
    _strava(athlete, started_at=activity.started_at)
    stored = ActivitySource.objects.get(provider="gpx").file
    assert stored is not None
    stored.file.delete(save=False)

    removed = _remove(django_capture_on_commit_callbacks, athlete)

    shown = _shown(activity)
    assert removed.rebuilt == 1
    assert shown["primary_provider"] == "gpx" and shown["streams"] is None
    assert {k: shown[k] for k in SUMMARY_FIELDS} == {k: alone[k] for k in SUMMARY_FIELDS}
    assert shown["name"] == "Sloatsburg Course"
