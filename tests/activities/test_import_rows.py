"""A finished import job's page reads as activities: each row shows the imported activity's date,
sport and title linking to it, with the file's name in the archive secondary."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from activities.models import Activity, ImportJob
from activities.services.manual import manual_activity_log
from athletes.models import Athlete, User

pytestmark = pytest.mark.django_db
ARCHIVE_PATH = "Takeout/Fit/Activities/2026-03-02-07-15-03_84512345.fit"


def _job(athlete: Athlete, ride: Activity, run: Activity) -> ImportJob:
    results = [
        {"name": ARCHIVE_PATH, "outcome": "created", "reason": "", "activity_ids": [ride.id]},
        {"name": "strava/123.gpx", "outcome": "merged", "reason": "", "activity_ids": [run.id]},
        {"name": "notes.txt", "outcome": "failed", "reason": "Not an activity file."},
    ]
    return ImportJob.objects.create(
        athlete=athlete,
        kind=ImportJob.Kind.GARMIN_EXPORT,
        state=ImportJob.State.DONE,
        original_name="export.zip",
        total=3,
        cursor=3,
        results=results,
    )


def _log(athlete: Athlete, day: dt.date, sport: str, title: str = "") -> Activity:
    return manual_activity_log(
        athlete=athlete, by=athlete.user, day=day, sport=sport, duration_s=3600.0, title=title
    )


def test_each_imported_row_shows_date_sport_and_title_linking_to_the_activity(
    athlete: Athlete, coach: User
) -> None:
    ride = _log(athlete, dt.date(2026, 3, 2), "ride", "Col de la Madone")
    run = _log(athlete, dt.date(2026, 3, 4), "run")
    job = _job(athlete, ride, run)
    client = Client()
    client.force_login(coach)

    url = reverse("import_job_detail", args=[athlete.id, job.id]) + "?show=all"
    html = client.get(url).content.decode()

    ride_url = reverse("activity_detail", args=[athlete.id, ride.id])
    assert f'<a href="{ride_url}">Col de la Madone</a>' in html
    assert "Mon 2 Mar 2026" in html and "Ride" in html
    assert f'<a href="{reverse("activity_detail", args=[athlete.id, run.id])}">Run</a>' in html
    # The archive path is secondary: shown, but not as the activity's link text.
    assert f'<td class="muted small import-file">{ARCHIVE_PATH}</td>' in html
    assert f">{ARCHIVE_PATH}</a>" not in html
    assert "Not an activity file." in html and "notes.txt" in html


def test_a_row_whose_activity_is_gone_keeps_its_file_name_and_outcome(athlete: Athlete) -> None:
    ride = _log(athlete, dt.date(2026, 3, 2), "ride")
    run = _log(athlete, dt.date(2026, 3, 4), "run")
    job = _job(athlete, ride, run)
    ride.delete()
    client = Client()
    client.force_login(athlete.user)

    html = client.get(reverse("import_job_detail", args=[athlete.id, job.id])).content.decode()

    assert ARCHIVE_PATH in html
    assert reverse("activity_detail", args=[athlete.id, run.id]) in html
