"""Activities in the admin: the streams blob is summarised per channel, never shown; laps and
streams come with their recording and are not edited by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse

from activities.models import Activity, Lap, Streams
from activities.streams_codec import CODEC_VERSION, encode_streams
from activities.types import Streams as StreamColumns
from athletes.models import Athlete
from tests.analytics.builders import activity


@pytest.fixture
def ride(athlete: Athlete) -> Activity:
    ride = activity(athlete, dt.date(2026, 3, 2), sport="ride")
    time_s = np.arange(0.0, 3600.0)
    power_w = np.where(time_s < 1800, 180.0, 240.0)
    power_w[100] = np.nan  # a dropout: not counted, not the lowest
    columns = StreamColumns(time_s=time_s, power_w=power_w, hr_bpm=120 + time_s % 40)
    Streams.objects.create(
        activity=ride,
        provider="device_file",
        codec_version=CODEC_VERSION,
        sample_count=3600,
        channels=["time_s", "power_w", "hr_bpm"],
        data=encode_streams(columns),
    )
    Lap.objects.create(activity=ride, index=0, start_s=0.0, elapsed_s=3600.0, avg_speed_mps=8.5)
    return ride


def test_streams_page_summarises_each_channel_and_never_shows_the_blob(
    staff_client: Client, ride: Activity
) -> None:
    response = staff_client.get(reverse("admin:activities_streams_change", args=[ride.streams.pk]))
    html = response.content.decode()
    rows = [
        "<tr><td>time_s</td><td>3600</td><td>0.00</td><td>3599.00</td></tr>",
        "<tr><td>hr_bpm</td><td>3600</td><td>120.00</td><td>159.00</td></tr>",
        "<tr><td>power_w</td><td>3599</td><td>180.00</td><td>240.00</td></tr>",
    ]
    assert [row for row in rows if row not in html] == []
    assert 'name="data"' not in html
    assert "PLSC" not in html  # the blob's magic bytes


def test_a_blob_that_does_not_decode_says_so(staff_client: Client, ride: Activity) -> None:
    Streams.objects.filter(pk=ride.streams.pk).update(data=b"not a blob")
    response = staff_client.get(reverse("admin:activities_streams_change", args=[ride.streams.pk]))
    assert response.status_code == 200
    assert "Cannot decode" in response.content.decode()


def test_laps_show_speed_as_their_sport_reads_it(staff_client: Client, ride: Activity) -> None:
    html = staff_client.get(reverse("admin:activities_lap_changelist")).content.decode()
    assert "30.6 km/h" in html


@pytest.mark.parametrize("model", ["lap", "streams"])
def test_laps_and_streams_are_not_added_nor_edited_by_hand(
    staff_client: Client, ride: Activity, model: str
) -> None:
    obj = ride.laps.get() if model == "lap" else ride.streams
    change = reverse(f"admin:activities_{model}_change", args=[obj.pk])
    assert staff_client.get(reverse(f"admin:activities_{model}_add")).status_code == 403
    assert staff_client.post(change, {"elapsed_s": "1"}).status_code == 403
