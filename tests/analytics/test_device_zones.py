"""Zones recorded by the device: the heart-rate and power zones a watch or bike computer counted
time in (a session's `time_in_zone`, or the older `hr_zone` / `power_zone` messages) are read
from the file, used while the athlete has no entered zones, and offered to keep or edit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from activities.models import Activity
from activities.parsers import parse_file
from activities.parsers._fit_messages import zone_bounds
from activities.services.uploads import uploads_receive
from analytics.estimates import zones_from_devices
from analytics.models import ActivityMetrics
from athletes.models import Athlete, User, ZoneSet
from athletes.services.thresholds import zone_set_save

FENIX_RIDE = "fitparse__garmin-fenix-5-bike.fit"  # time_in_zone: HR tops 107…182, % of LTHR
ELEMNT_RIDE = "fitparse__2019-02-17-062644-ELEMNT-297E-195-0.fit"  # hr_zone + power_zone messages


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _parsed(corpus: Path, name: str) -> Any:
    [session] = parse_file((corpus / "fit" / name).read_bytes(), name)
    return session.thresholds


def _import(athlete: Athlete, corpus: Path, *names: str) -> list[Activity]:
    uploads = [SimpleUploadedFile(n, (corpus / "fit" / n).read_bytes()) for n in names]
    rows = uploads_receive(athlete=athlete, by=athlete.user, uploaded=uploads)
    ids = [i for row in rows for i in row.result.activity_ids]
    return list(Activity.objects.filter(id__in=ids).order_by("day"))


def test_zone_tops_become_the_lower_bounds_of_the_zones_above_the_first() -> None:
    assert zone_bounds([124, 144, 163, 182, 254], upto=250) == (124, 144, 163, 182)
    assert zone_bounds([121, 165, None, 198, 65534], upto=3000) == (121, 165, 198)
    assert zone_bounds([150, 140, 190], upto=250) is None  # not ascending
    assert zone_bounds([150], upto=250) is None  # one zone: nothing to count in
    assert zone_bounds([0, 0, 0], upto=250) is None  # "not set"
    assert zone_bounds([300, 320, 340], upto=250) is None  # implausible heart rates
    assert zone_bounds(["x", float("nan"), 140, 160], upto=250) == (140,)


@pytest.mark.corpus
def test_a_session_time_in_zone_gives_the_device_zones(corpus: Path) -> None:
    found = _parsed(corpus, FENIX_RIDE)
    # The array's first value is the floor of Z1 (107), its last the top of Z5 (182).
    assert found.hr_zone_bounds_bpm == (131, 146, 156, 164)
    assert found.power_zone_bounds_w is None
    assert (found.lthr_bpm, found.hr_max_bpm) == (164, 183)


@pytest.mark.corpus
def test_zone_messages_of_an_older_unit_give_the_device_zones(corpus: Path) -> None:
    found = _parsed(corpus, ELEMNT_RIDE)
    assert found.hr_zone_bounds_bpm == (124, 144, 163, 182)  # Z5 tops at a 254 placeholder
    assert found.power_zone_bounds_w == (121, 165, 198, 231, 264, 330)  # 7 zones of FTP 220


@pytest.mark.corpus
@pytest.mark.django_db(transaction=True)
def test_device_zones_are_used_shown_and_kept_or_edited(
    athlete: Athlete, coach: User, client: Client, corpus: Path
) -> None:
    [ride] = _import(athlete, corpus, FENIX_RIDE)

    [zone_set] = ZoneSet.objects.filter(athlete=athlete)
    assert (zone_set.sport, zone_set.kind, zone_set.source) == ("ride", "hr", "device")
    assert zone_set.bounds == [131, 146, 156, 164] and zone_set.valid_from == ride.day
    assert zone_set.names == ["Z1", "Z2", "Z3", "Z4", "Z5"]
    zones = ActivityMetrics.objects.get(activity=ride).time_in_zone_s["hr"]
    assert len(zones) == 5  # counted in the device's five zones, not the derived seven

    assert zones_from_devices(athlete=athlete) == []  # the same files: nothing written again

    url = reverse("thresholds", args=[athlete.id])
    for user in (athlete.user, coach):
        client.force_login(user)
        html = client.get(url).content.decode()
        assert 'id="device-zones"' in html and "Keep these zones" in html
    client.post(reverse("zones_confirm", args=[athlete.id, zone_set.id]))
    zone_set.refresh_from_db()
    assert zone_set.source == "entered" and zone_set.created_by == coach
    assert 'id="device-zones"' not in client.get(url).content.decode()

    zone_set_save(
        athlete=athlete,
        sport="ride",
        kind="hr",
        valid_from=ride.day,
        bounds=[120, 140],
        names=["Easy", "Steady", "Hard"],
        by=coach,
    )
    assert len(ActivityMetrics.objects.get(activity=ride).time_in_zone_s["hr"]) == 3
    _import(athlete, corpus, ELEMNT_RIDE)  # a newer file with other zones
    entered = ZoneSet.objects.get(athlete=athlete, kind="hr")
    assert entered.bounds == [120, 140] and entered.source == "entered"  # never replaced
    power = ZoneSet.objects.get(athlete=athlete, kind="power")  # none entered: the device's
    assert power.source == "device" and power.bounds == [121, 165, 198, 231, 264, 330]
