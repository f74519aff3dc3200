"""activity_ingest: create, merge by start and sport, skip by provider id; source authority."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.db.models.signals import pre_save

from activities.models import Activity, ActivitySource
from activities.models import Streams as StreamsRow
from activities.services.ingest import activity_ingest
from activities.types import (
    Lap,
    NormalizedActivity,
    Outcome,
    Provider,
    SourceRef,
    Streams,
    Summary,
)
from athletes.models import Athlete
from core.sports import Sport

START = dt.datetime(2026, 3, 14, 7, 30, tzinfo=dt.UTC)


def recording(
    *,
    sport: Sport = Sport.RUN,
    started_at: dt.datetime = START,
    seconds: int = 600,
    speed_mps: float = 3.0,
    distance_m: float | None = None,
    device_distance_m: float | None = None,
    device: str = "",
    laps: int = 2,
) -> NormalizedActivity:
    """A synthetic 1 Hz recording with HR, speed and distance channels."""
    time_s = np.arange(seconds, dtype=np.float64)
    streams = Streams(
        time_s=time_s,
        hr_bpm=np.full(seconds, 140.0),
        speed_mps=np.full(seconds, speed_mps),
        distance_m=time_s * speed_mps,
    )
    total_m = distance_m if distance_m is not None else float(time_s[-1] * speed_mps)
    summary = Summary(
        elapsed_s=float(seconds),
        moving_s=float(seconds),
        distance_m=total_m,
        avg_hr_bpm=140.0,
        max_hr_bpm=140.0,
        avg_speed_mps=speed_mps,
    )
    device_summary = None
    if device_distance_m is not None:
        device_summary = Summary(distance_m=device_distance_m, avg_hr_bpm=float("nan"))
    lap_s = seconds / max(laps, 1)
    return NormalizedActivity(
        sport=sport,
        sub_sport="generic",
        started_at=started_at,
        streams=streams,
        summary=summary,
        laps=[Lap(start_s=i * lap_s, elapsed_s=lap_s) for i in range(laps)],
        device_summary=device_summary,
        device=device,
    )


def ingest(
    athlete: Athlete, normalized: NormalizedActivity, provider: Provider, external_id: str
) -> tuple[Activity, Outcome]:
    return activity_ingest(
        athlete=athlete, normalized=normalized, source=SourceRef(provider, external_id)
    )


def test_a_new_recording_creates_an_activity_with_laps_streams_and_a_source(
    athlete: Athlete,
) -> None:
    activity, outcome = ingest(athlete, recording(device="Forerunner"), Provider.DEVICE_FILE, "a")

    assert outcome is Outcome.CREATED
    activity.refresh_from_db()
    assert (activity.sport, activity.device, activity.distance_m) == ("run", "Forerunner", 1797.0)
    assert activity.primary_provider == Provider.DEVICE_FILE
    assert activity.laps.count() == 2
    streams = StreamsRow.objects.get(activity=activity)
    assert streams.sample_count == 600
    assert streams.channels == ["hr_bpm", "speed_mps", "distance_m"]
    assert activity.sources.get().external_id == "a"


def test_the_device_session_values_win_over_our_computed_ones_where_the_device_wrote_them(
    athlete: Athlete,
) -> None:
    activity, _ = ingest(athlete, recording(device_distance_m=1850.0), Provider.DEVICE_FILE, "a")

    activity.refresh_from_db()
    assert activity.distance_m == 1850.0
    assert activity.avg_hr_bpm == 140.0  # the device's NaN falls back to ours


def test_the_stored_ascent_is_the_devices_and_ours_only_when_the_file_has_none(
    athlete: Athlete,
) -> None:
    """Athletes see their watch's ascent; our filter (docs/ascent.md) fills in without one."""
    with_device = recording(device_distance_m=1850.0)
    with_device.summary.ascent_m = 90.0
    assert with_device.device_summary is not None
    with_device.device_summary.ascent_m = 100.0
    without = recording(started_at=START + dt.timedelta(hours=3))
    without.summary.ascent_m = 90.0

    device_activity, _ = ingest(athlete, with_device, Provider.DEVICE_FILE, "a")
    our_activity, _ = ingest(athlete, without, Provider.DEVICE_FILE, "b")

    device_activity.refresh_from_db()
    our_activity.refresh_from_db()
    assert (device_activity.ascent_m, our_activity.ascent_m) == (100.0, 90.0)


def test_the_same_source_twice_is_skipped(athlete: Athlete) -> None:
    first, _ = ingest(athlete, recording(), Provider.DEVICE_FILE, "same-sha")

    again, outcome = ingest(athlete, recording(), Provider.DEVICE_FILE, "same-sha")

    assert outcome is Outcome.SKIPPED
    assert again.id == first.id
    assert Activity.objects.count() == 1
    assert ActivitySource.objects.count() == 1


def test_a_tcx_twin_of_a_fit_file_is_merged_and_the_fit_values_are_kept(athlete: Athlete) -> None:
    fit, _ = ingest(
        athlete, recording(distance_m=5000.0, device="Fenix"), Provider.DEVICE_FILE, "f"
    )
    twin = recording(started_at=START + dt.timedelta(seconds=2), distance_m=4900.0, laps=1)

    merged, outcome = ingest(athlete, twin, Provider.TCX, "t")

    assert outcome is Outcome.MERGED
    assert merged.id == fit.id
    merged.refresh_from_db()
    assert (merged.distance_m, merged.device, merged.started_at) == (5000.0, "Fenix", START)
    assert merged.laps.count() == 2
    assert sorted(merged.sources.values_list("provider", flat=True)) == ["device_file", "tcx"]
    assert Activity.objects.count() == 1


def test_a_fit_file_after_a_gpx_takes_over_the_summary_and_streams(athlete: Athlete) -> None:
    gpx, _ = ingest(athlete, recording(seconds=300, distance_m=900.0, laps=1), Provider.GPX, "g")
    fit = recording(started_at=START + dt.timedelta(seconds=30), distance_m=1000.0, laps=3)

    merged, outcome = ingest(athlete, fit, Provider.DEVICE_FILE, "f")

    assert outcome is Outcome.MERGED
    merged.refresh_from_db()
    assert merged.id == gpx.id
    assert merged.primary_provider == Provider.DEVICE_FILE
    assert merged.distance_m == 1000.0
    assert merged.started_at == START + dt.timedelta(seconds=30)
    assert merged.laps.count() == 3
    streams = StreamsRow.objects.get(activity=merged)
    assert (streams.sample_count, streams.provider) == (600, "device_file")


def test_a_device_file_matching_a_manual_entry_is_attached_but_the_manual_values_stay(
    athlete: Athlete,
) -> None:
    manual = recording(seconds=1, distance_m=10000.0, laps=0)
    manual.streams = Streams.empty()
    logged, _ = ingest(athlete, manual, Provider.MANUAL, "")

    merged, outcome = ingest(athlete, recording(distance_m=9500.0), Provider.DEVICE_FILE, "f")

    assert outcome is Outcome.MERGED
    merged.refresh_from_db()
    assert merged.id == logged.id
    assert (merged.primary_provider, merged.distance_m) == ("manual", 10000.0)
    assert merged.laps.count() == 0
    assert not StreamsRow.objects.filter(activity=merged).exists()
    assert merged.sources.count() == 2


@pytest.mark.parametrize(("offset_s", "outcome"), [(60, Outcome.MERGED), (61, Outcome.CREATED)])
def test_starts_within_sixty_seconds_are_the_same_activity(
    athlete: Athlete, offset_s: int, outcome: Outcome
) -> None:
    ingest(athlete, recording(), Provider.DEVICE_FILE, "first")
    later = recording(started_at=START - dt.timedelta(seconds=offset_s))

    _, result = ingest(athlete, later, Provider.STRAVA, "second")

    assert result is outcome


def test_a_different_sport_at_the_same_time_is_another_activity(athlete: Athlete) -> None:
    ingest(athlete, recording(sport=Sport.RUN), Provider.DEVICE_FILE, "run")

    _, outcome = ingest(athlete, recording(sport=Sport.RIDE), Provider.DEVICE_FILE, "ride")

    assert outcome is Outcome.CREATED
    assert Activity.objects.count() == 2


def test_a_generic_other_recording_merges_with_a_known_sport(athlete: Athlete) -> None:
    ingest(athlete, recording(sport=Sport.RIDE), Provider.DEVICE_FILE, "ride")

    _, outcome = ingest(athlete, recording(sport=Sport.OTHER), Provider.GPX, "gpx")

    assert outcome is Outcome.MERGED


def test_another_athletes_activity_is_never_a_duplicate(
    athlete: Athlete, other_athlete: Athlete
) -> None:
    ingest(other_athlete, recording(), Provider.DEVICE_FILE, "same-sha")

    _, outcome = ingest(athlete, recording(), Provider.DEVICE_FILE, "same-sha")

    assert outcome is Outcome.CREATED


def test_the_day_is_the_athletes_local_date_across_midnight(athlete: Athlete) -> None:
    athlete.time_zone = "Australia/Sydney"
    athlete.save()
    late_utc = dt.datetime(2026, 3, 14, 14, 30, tzinfo=dt.UTC)  # 01:30 on the 15th in Sydney

    activity, _ = ingest(athlete, recording(started_at=late_utc), Provider.DEVICE_FILE, "a")

    activity.refresh_from_db()
    assert activity.day == dt.date(2026, 3, 15)


def test_a_name_fills_in_only_when_the_activity_has_none(athlete: Athlete) -> None:
    first = recording()
    first.name = ""
    activity, _ = ingest(athlete, first, Provider.DEVICE_FILE, "fit")
    named = recording()
    named.name = "Morning Run"
    ingest(athlete, named, Provider.STRAVA, "1")
    renamed = recording()
    renamed.name = "Other title"

    ingest(athlete, renamed, Provider.GARMIN, "2")

    activity.refresh_from_db()
    assert activity.name == "Morning Run"


def test_a_summary_only_source_that_outranks_keeps_the_stored_samples_laps_and_sport(
    athlete: Athlete,
) -> None:
    gpx, _ = ingest(athlete, recording(seconds=300, distance_m=900.0, laps=2), Provider.GPX, "g")
    garmin = NormalizedActivity(
        sport=Sport.OTHER,
        sub_sport="",
        started_at=START,
        streams=Streams.empty(),
        summary=Summary(distance_m=950.0, calories_kcal=70.0),
        name="Morning Run",
    )

    merged, outcome = ingest(athlete, garmin, Provider.GARMIN, "123")

    assert outcome is Outcome.MERGED
    merged.refresh_from_db()
    assert merged.id == gpx.id
    assert merged.primary_provider == Provider.GARMIN
    assert (merged.distance_m, merged.calories_kcal) == (950.0, 70.0)
    assert merged.avg_hr_bpm == 140.0  # the summary lacked it: the stored value stays
    assert merged.sport == Sport.RUN
    assert merged.laps.count() == 2
    assert StreamsRow.objects.get(activity=merged).sample_count == 300


def test_a_merge_never_overwrites_a_journal_saved_while_it_ran(athlete: Athlete) -> None:
    gpx, _ = ingest(athlete, recording(seconds=300, distance_m=900.0, laps=1), Provider.GPX, "g")
    fit = recording(started_at=START + dt.timedelta(seconds=30), distance_m=1000.0, laps=3)

    def athlete_saves_meanwhile(
        sender: type[Activity], instance: Activity, **kwargs: object
    ) -> None:
        # The athlete's journal request commits between the merge's read and its save.
        Activity.objects.filter(id=instance.id).update(rpe=7, notes="Windy", manual_load=55.0)

    pre_save.connect(athlete_saves_meanwhile, sender=Activity, dispatch_uid="meanwhile")
    try:
        merged, outcome = ingest(athlete, fit, Provider.DEVICE_FILE, "f")
    finally:
        pre_save.disconnect(dispatch_uid="meanwhile", sender=Activity)

    assert (outcome, merged.id) == (Outcome.MERGED, gpx.id)
    merged.refresh_from_db()
    assert (merged.rpe, merged.notes, merged.manual_load) == (7, "Windy", 55.0)
    assert (merged.distance_m, merged.primary_provider) == (1000.0, "device_file")
