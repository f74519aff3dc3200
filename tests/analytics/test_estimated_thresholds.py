"""Load for all of history: before the first thresholds row that row applies (and the pages say
so); with no thresholds at all, thresholds estimated from the athlete's own files are used,
shown as a suggestion, and confirming or editing them recomputes the loads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from activities.models import Activity
from activities.services.ingest import activity_ingest
from activities.services.uploads import uploads_receive
from activities.types import Provider, SourceRef
from analytics.estimates import thresholds_estimate
from analytics.models import ActivityMetrics, DailyLoad
from athletes.models import Athlete, Thresholds, User
from tests.analytics.test_pipeline import ride
from tests.factories import ThresholdsFactory

NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC)
# Real recordings with heart rate and power, June 2011 to August 2013.
FILES = (
    "fitparse__sample-activity.fit",  # 2011-06 ride, HR
    "fitparse__garmin-edge-500-activity.fit",  # 2011-09 ride, HR
    "fitparse__sample-activity-indoor-trainer.fit",  # 2011-11 indoor ride, HR and power
    "fitparse__Edge810-Vector-2013-08-16-15-35-10.fit",  # 2013-08 ride, HR and power
)


@pytest.fixture(autouse=True)
def _frozen_now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _import(athlete: Athlete, corpus: Path) -> list[Activity]:
    uploads = [SimpleUploadedFile(n, (corpus / "fit" / n).read_bytes()) for n in FILES]
    rows = uploads_receive(athlete=athlete, by=athlete.user, uploaded=uploads)
    ids = [i for row in rows for i in row.result.activity_ids]
    assert len(ids) == len(FILES)
    return list(Activity.objects.filter(id__in=ids).order_by("day"))


def _loads(activities: list[Activity]) -> dict[int, float | None]:
    rows = ActivityMetrics.objects.filter(activity__in=activities)
    return dict(rows.values_list("activity_id", "load"))


def _page(client: Client, user: User, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.corpus
@pytest.mark.django_db(transaction=True)
def test_a_fresh_athlete_gets_loads_from_estimated_thresholds_then_confirms_and_edits_them(
    athlete: Athlete, coach: User, client: Client, corpus: Path
) -> None:
    activities = _import(athlete, corpus)

    [row] = Thresholds.objects.filter(athlete=athlete)
    assert (row.sport, row.source, row.valid_from) == ("ride", "estimated", activities[0].day)
    assert 150 <= row.hr_max_bpm <= 200 and row.hr_rest_bpm == 60  # no wellness: the default
    assert row.lthr_bpm < row.hr_max_bpm and row.ftp_w is not None
    # The newest file carries its FTP (session threshold_power 315 W): offered over an estimate.
    assert (row.ftp_w, row.basis["ftp_w"]["method"]) == (315, "recorded by the device")
    assert row.basis["hr_max_bpm"]["count"] >= 3
    loads = _loads(activities)
    assert all(load is not None and load > 0 for load in loads.values()), loads
    assert max(DailyLoad.objects.filter(athlete=athlete).values_list("fitness", flat=True)) > 0

    thresholds_url = reverse("thresholds", args=[athlete.id])
    for user in (athlete.user, coach):
        html = _page(client, user, thresholds_url)
        assert 'id="estimated-thresholds"' in html and "Confirm" in html
    detail = reverse("activity_detail", args=(athlete.id, activities[-1].id))
    assert 'id="thresholds-estimated"' in _page(client, athlete.user, detail)

    client.force_login(coach)
    client.post(reverse("thresholds_confirm", args=[athlete.id, row.id]))
    row.refresh_from_db()
    assert row.source == "entered" and row.created_by == coach
    assert _loads(activities) == pytest.approx(loads)  # same values, recomputed
    assert 'id="estimated-thresholds"' not in _page(client, coach, thresholds_url)
    assert not Thresholds.objects.filter(source="estimated").exists()  # not estimated again

    edited = {**_form(row), "ftp_w": row.ftp_w * 2, "hr_max_bpm": row.hr_max_bpm + 10}
    client.post(reverse("thresholds_add", args=[athlete.id]), edited)
    power = ActivityMetrics.objects.filter(activity__in=activities, load_source="tss")
    assert power.exists()
    for metrics in power:  # TSS goes with 1 / FTP²
        assert metrics.load == pytest.approx(loads[metrics.activity_id] / 4, rel=0.01)
    others = [m for m in ActivityMetrics.objects.filter(activity__in=activities) if m not in power]
    assert all(m.load != pytest.approx(loads[m.activity_id]) for m in others)


def _form(row: Thresholds) -> dict[str, Any]:
    return {
        "sport": row.sport,
        "valid_from": row.valid_from.isoformat(),
        "hr_max_bpm": row.hr_max_bpm,
        "hr_rest_bpm": row.hr_rest_bpm,
        "lthr_bpm": row.lthr_bpm,
        "ftp_w": row.ftp_w,
        "threshold_pace": "",
        "css_pace": "",
    }


@pytest.mark.corpus
@pytest.mark.django_db(transaction=True)
def test_estimating_again_from_the_same_activities_writes_nothing(
    athlete: Athlete, corpus: Path
) -> None:
    _import(athlete, corpus)
    [first] = Thresholds.objects.filter(athlete=athlete)
    assert thresholds_estimate(athlete=athlete) == []  # nothing written, nothing announced
    [again] = Thresholds.objects.filter(athlete=athlete)
    assert (again.id, again.ftp_w, again.hr_max_bpm) == (first.id, first.ftp_w, first.hr_max_bpm)


@pytest.mark.corpus
@pytest.mark.django_db(transaction=True)
def test_entered_thresholds_are_never_replaced_by_an_estimate(
    athlete: Athlete, corpus: Path
) -> None:
    ThresholdsFactory(athlete=athlete, sport="ride", valid_from=dt.date(2026, 1, 1), ftp_w=250)
    _import(athlete, corpus)
    assert list(Thresholds.objects.values_list("sport", "source")) == [("ride", "entered")]


@pytest.mark.django_db(transaction=True)
def test_march_activities_use_the_first_row_from_june_and_the_pages_say_assumed(
    athlete: Athlete, client: Client
) -> None:
    ThresholdsFactory(
        athlete=athlete,
        sport="ride",
        valid_from=dt.date(2025, 6, 1),
        ftp_w=250,
        hr_max_bpm=190,
        hr_rest_bpm=50,
        lthr_bpm=165,
    )
    march = _ingest(athlete, dt.date(2025, 3, 10))
    july = _ingest(athlete, dt.date(2025, 7, 10))

    loads = _loads([march, july])
    assert loads[march.id] == pytest.approx(loads[july.id]) and loads[march.id] > 0
    html = _page(client, athlete.user, reverse("activity_detail", args=(athlete.id, march.id)))
    assert 'id="thresholds-assumed"' in html and "assumed from Sun 1 Jun 2025" in html
    html = _page(client, athlete.user, reverse("activity_detail", args=(athlete.id, july.id)))
    assert 'id="thresholds-assumed"' not in html
    html = _page(client, athlete.user, reverse("fitness", args=(athlete.id,)))
    assert 'id="thresholds-assumed"' in html and "assumed from" in html


def _ingest(athlete: Athlete, day: dt.date, *, power: bool = True) -> Activity:
    normalized = ride(day=day)
    if not power:
        normalized.streams = replace(normalized.streams, power_w=None)
    ref = SourceRef(provider=Provider.DEVICE_FILE, external_id=f"ride-{day}")
    activity, _outcome = activity_ingest(athlete=athlete, normalized=normalized, source=ref)
    return activity


@pytest.mark.django_db(transaction=True)
def test_an_activity_without_load_says_why_and_what_fixes_it(
    athlete: Athlete, client: Client
) -> None:
    # One ride with heart rate only: too little to estimate a max heart rate from.
    activity = _ingest(athlete, dt.date(2026, 3, 10), power=False)
    assert not Thresholds.objects.exists()
    assert _loads([activity])[activity.id] is None
    html = _page(client, athlete.user, reverse("activity_detail", args=(athlete.id, activity.id)))
    assert 'id="no-load-reason"' in html and "No thresholds for ride" in html


@pytest.mark.corpus
@pytest.mark.django_db(transaction=True)
def test_heart_rate_entered_for_running_is_borrowed_not_estimated(
    athlete: Athlete, corpus: Path
) -> None:
    ThresholdsFactory(
        athlete=athlete, sport="run", valid_from=dt.date(2026, 1, 1), hr_max_bpm=185, ftp_w=None
    )
    activities = _import(athlete, corpus)

    row = Thresholds.objects.get(athlete=athlete, sport="ride")
    assert row.estimated and row.ftp_w == 315
    assert (row.hr_max_bpm, row.hr_rest_bpm, row.lthr_bpm) == (None, None, None)
    assert all(load is not None for load in _loads(activities).values())


@pytest.mark.corpus
@pytest.mark.django_db(transaction=True)
def test_a_recorded_ftp_the_efforts_exceed_gives_way_to_the_estimate(
    athlete: Athlete, corpus: Path
) -> None:
    # The 2019 run's file carries an FTP of 187 W (the watch's); the 2020 run averaged 332 W
    # for 49 min on a running power meter: 187 W would make it IF 1.8, about 260 TSS.
    names = ("sportslib__runs_6782987395.fit", "sportslib__runs_6916663933.fit")
    uploads = [SimpleUploadedFile(n, (corpus / "fit" / n).read_bytes()) for n in names]
    uploads_receive(athlete=athlete, by=athlete.user, uploaded=uploads)

    row = Thresholds.objects.get(athlete=athlete, sport="run")
    assert row.estimated and row.basis["ftp_w"]["method"] == "95 % of best 20-min power"
    assert row.ftp_w is not None and row.ftp_w > 300
    powered = ActivityMetrics.objects.get(activity__athlete=athlete, load_source="tss")
    assert powered.intensity_factor is not None and powered.intensity_factor < 1.15
