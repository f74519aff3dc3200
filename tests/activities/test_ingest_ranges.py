"""A recording's implausible values (a corrupt or hostile file, a provider's glitch) are left
out with a warning at ingest — never stored — while its plausible values are kept."""

from __future__ import annotations

import datetime as dt

import pytest

from activities.models import Activity
from activities.models import Lap as LapRow
from activities.services.ingest import activity_ingest
from activities.types import (
    FileThresholds,
    Lap,
    NormalizedActivity,
    Provider,
    SourceRef,
    Streams,
    Summary,
)
from athletes.models import Athlete
from core.sports import Sport

pytestmark = pytest.mark.django_db


def _recording(**summary: float) -> NormalizedActivity:
    return NormalizedActivity(
        sport=Sport.RUN,
        sub_sport="",
        started_at=dt.datetime(2026, 3, 1, 7, 0, tzinfo=dt.UTC),
        streams=Streams.empty(),
        summary=Summary(elapsed_s=3600.0, distance_m=10000.0, **summary),
        device_summary=Summary(avg_hr_bpm=65535.0, max_power_w=float("nan"), calories_kcal=650.0),
        laps=[Lap(start_s=0.0, elapsed_s=1e308, distance_m=-5.0, avg_hr_bpm=150.0)],
        pool_length_m=1e9,
        thresholds=FileThresholds(ftp_w=1e308, hr_max_bpm=188.0),
    )


def test_implausible_recorded_values_are_left_out_with_a_warning(athlete: Athlete) -> None:
    recording = _recording(max_speed_mps=1e308, avg_cadence_spm=float("inf"), ascent_m=-40.0)

    activity, _outcome = activity_ingest(
        athlete=athlete, normalized=recording, source=SourceRef(Provider.DEVICE_FILE, "a" * 64)
    )

    stored = Activity.objects.get(id=activity.id)
    assert (stored.elapsed_s, stored.distance_m, stored.calories_kcal) == (3600.0, 10000.0, 650.0)
    assert stored.max_speed_mps is None and stored.avg_cadence_spm is None
    assert stored.ascent_m is None and stored.avg_hr_bpm is None and stored.max_power_w is None
    lap = LapRow.objects.get(activity=stored)
    assert (lap.elapsed_s, lap.distance_m, lap.avg_hr_bpm) == (0.0, None, 150.0)
    warned = " ".join(stored.warnings)
    for name in ("max_speed_mps", "device avg_hr_bpm", "lap 1 elapsed_s", "file ftp_w"):
        assert f"An implausible value was left out: {name} = " in warned
    assert "hr_max_bpm" not in warned


def test_a_recording_of_plausible_values_is_stored_without_warnings(athlete: Athlete) -> None:
    recording = _recording()
    recording.device_summary = None
    recording.laps = [Lap(start_s=0.0, elapsed_s=3600.0, distance_m=10000.0)]
    recording.pool_length_m = None
    recording.thresholds = FileThresholds()

    activity, _outcome = activity_ingest(
        athlete=athlete, normalized=recording, source=SourceRef(Provider.DEVICE_FILE, "b" * 64)
    )

    assert Activity.objects.get(id=activity.id).warnings == []
