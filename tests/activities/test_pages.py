"""Activity list, detail, upload and file download: access through the one door, filters,
paging, query budget and upload results."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import Settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import Activity, ActivityFile, ImportJob
from activities.services.files import activity_file_store
from activities.services.ingest import activity_ingest
from activities.types import Provider, SourceRef
from athletes.models import Athlete, User
from core.sports import Sport
from tests.activities.test_ingest import START, recording
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _media(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def gpx(start: dt.datetime = START, points: int = 120) -> bytes:
    """A small GPX track: one point a second heading north at about 3 m/s."""
    rows = []
    for second in range(points):
        at = (start + dt.timedelta(seconds=second)).strftime("%Y-%m-%dT%H:%M:%SZ")
        lat = 48.85 + second * 0.000027
        rows.append(f'<trkpt lat="{lat:.6f}" lon="2.35"><ele>35</ele><time>{at}</time></trkpt>')
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><type>running</type><trkseg>{''.join(rows)}</trkseg></trk></gpx>"
    ).encode()


def login(client: Client, user: User) -> Client:
    assert client.login(email=user.email, password=PASSWORD)
    return client


def add_activity(athlete: Athlete, *, days_ago: int = 0, sport: Sport = Sport.RUN) -> Activity:
    started_at = START - dt.timedelta(days=days_ago)
    source = SourceRef(Provider.DEVICE_FILE, f"{sport}-{days_ago}")
    normalized = recording(sport=sport, started_at=started_at)
    return activity_ingest(athlete=athlete, normalized=normalized, source=source)[0]


@pytest.fixture
def activity(athlete: Athlete) -> Activity:
    return add_activity(athlete)


@pytest.fixture
def stored_file(athlete: Athlete, activity: Activity) -> ActivityFile:
    stored, _ = activity_file_store(athlete=athlete, data=gpx(), filename="morning.gpx")
    source = SourceRef(Provider.GPX, stored.sha256, {"filename": "morning.gpx"})
    normalized = recording()
    activity_ingest(athlete=athlete, normalized=normalized, source=source, file=stored)
    return stored


def urls(athlete: Athlete, activity: Activity, stored: ActivityFile) -> dict[str, str]:
    return {
        "list": reverse("activity_list", args=[athlete.id]),
        "detail": reverse("activity_detail", args=[athlete.id, activity.id]),
        "file": reverse("activity_file_download", args=[athlete.id, stored.id]),
    }


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("athlete", 200),
        ("coach", 200),
        ("view_coach", 200),
        ("former_coach", 404),
        ("other_coach", 404),
        ("other_athlete", 404),
    ],
)
@pytest.mark.parametrize("page", ["list", "detail", "file"])
def test_reading_pages_are_open_to_the_athlete_and_current_coaches_only(
    client: Client,
    request: pytest.FixtureRequest,
    athlete: Athlete,
    activity: Activity,
    stored_file: ActivityFile,
    role: str,
    status: int,
    page: str,
) -> None:
    viewer = request.getfixturevalue(role)
    login(client, viewer if isinstance(viewer, User) else viewer.user)

    response = client.get(urls(athlete, activity, stored_file)[page])

    assert response.status_code == status


def test_anonymous_visitors_are_sent_to_log_in(client: Client, activity: Activity) -> None:
    response = client.get(reverse("activity_list", args=[activity.athlete_id]))

    assert response.status_code == 302


def test_an_activity_is_not_found_through_another_athletes_address(
    client: Client, coach: User, athlete: Athlete, former_athlete: Athlete
) -> None:
    theirs = add_activity(athlete)
    login(client, coach)

    response = client.get(reverse("activity_detail", args=[former_athlete.id, theirs.id]))

    assert response.status_code == 404


def test_the_file_download_streams_the_original_bytes(
    client: Client, athlete: Athlete, stored_file: ActivityFile
) -> None:
    login(client, athlete.user)

    response = client.get(reverse("activity_file_download", args=[athlete.id, stored_file.id]))

    assert b"".join(response.streaming_content) == gpx()
    assert "morning.gpx" in response["Content-Disposition"]


def test_the_detail_page_shows_summary_laps_sources_and_the_file_link(
    client: Client, athlete: Athlete, activity: Activity, stored_file: ActivityFile
) -> None:
    Activity.objects.filter(id=activity.id).update(rpe=6, notes="Legs heavy")
    login(client, athlete.user)

    response = client.get(reverse("activity_detail", args=[athlete.id, activity.id]))

    page = response.content.decode()
    assert "1.8 km" in page
    assert "Legs heavy" in page
    assert page.count("<tr>") >= 2 + 2  # two laps and two sources
    assert reverse("activity_file_download", args=[athlete.id, stored_file.id]) in page


def test_the_list_costs_the_same_queries_for_three_or_thirty_activities(
    client: Client, coach: User, athlete: Athlete
) -> None:
    login(client, coach)
    url = reverse("activity_list", args=[athlete.id])
    for days_ago in range(3):
        add_activity(athlete, days_ago=days_ago)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for days_ago in range(3, 30):
        add_activity(athlete, days_ago=days_ago)

    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert response.context["page"].paginator.count == 30
    assert len(many) == len(few)


def test_the_list_pages_by_twenty_five(client: Client, athlete: Athlete) -> None:
    for days_ago in range(27):
        add_activity(athlete, days_ago=days_ago)
    login(client, athlete.user)

    response = client.get(reverse("activity_list", args=[athlete.id]), {"page": 2})

    assert len(response.context["page"].object_list) == 2


def test_the_list_filters_by_sport_dates_and_source(client: Client, athlete: Athlete) -> None:
    add_activity(athlete, days_ago=0, sport=Sport.RUN)
    ride = add_activity(athlete, days_ago=3, sport=Sport.RIDE)
    old_run = add_activity(athlete, days_ago=40, sport=Sport.RUN)
    login(client, athlete.user)
    url = reverse("activity_list", args=[athlete.id])

    def ids(**query: str) -> set[int]:
        return {a.id for a in client.get(url, query).context["page"].object_list}

    assert ids(sport="ride") == {ride.id}
    assert ids(last=str(old_run.day)) == {old_run.id}
    assert ids(first=str(ride.day), last=str(ride.day)) == {ride.id}
    assert ids(provider="strava") == set()
    assert len(ids(provider="device_file")) == 3


def test_an_empty_list_invites_to_upload(client: Client, athlete: Athlete) -> None:
    login(client, athlete.user)

    response = client.get(reverse("activity_list", args=[athlete.id]))

    assert "No activities yet" in response.content.decode()
    assert reverse("activity_upload", args=[athlete.id]) in response.content.decode()


@pytest.mark.parametrize(("role", "status"), [("view_coach", 403), ("other_coach", 404)])
def test_only_editors_may_upload(
    client: Client,
    request: pytest.FixtureRequest,
    athlete: Athlete,
    role: str,
    status: int,
) -> None:
    login(client, request.getfixturevalue(role))
    url = reverse("activity_upload", args=[athlete.id])

    response = client.post(url, {"uploads": SimpleUploadedFile("run.gpx", gpx())})

    assert response.status_code == status
    assert client.get(url).status_code == status
    assert not Activity.objects.exists()


@pytest.mark.django_db(transaction=True)  # committed at once: the jobs run in-process
def test_a_coach_uploads_files_and_sees_a_result_for_each(
    client: Client, coach: User, athlete: Athlete
) -> None:
    login(client, coach)
    files = [
        SimpleUploadedFile("run.gpx", gpx()),
        SimpleUploadedFile("again.gpx", gpx()),
        SimpleUploadedFile("notes.fit", b"not a fit file at all"),
    ]

    response = client.post(reverse("activity_upload", args=[athlete.id]), {"uploads": files})

    assert response.status_code == 200
    [activity] = Activity.objects.filter(athlete=athlete)
    page = response.content.decode()
    badges = re.findall(r'<span class="badge [^"]*">(\w+)</span>', page)
    assert badges == ["created", "skipped", "failed"]
    assert "already imported" in page
    assert reverse("activity_detail", args=[athlete.id, activity.id]) in page


@pytest.mark.django_db(transaction=True)  # committed at once: the job runs in-process
def test_the_upload_script_gets_only_the_results(client: Client, athlete: Athlete) -> None:
    login(client, athlete.user)

    response = client.post(
        reverse("activity_upload", args=[athlete.id]),
        {"uploads": SimpleUploadedFile("run.gpx", gpx())},
        headers={"X-Requested-With": "XMLHttpRequest"},
    )

    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert 'class="upload-result upload-created"' in response.content.decode()
    assert '<span class="badge badge-c">created</span>' in response.content.decode()


def test_an_upload_without_files_is_a_clear_400(client: Client, athlete: Athlete) -> None:
    login(client, athlete.user)

    response = client.post(reverse("activity_upload", args=[athlete.id]), {})

    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_a_file_over_the_limit_is_a_clear_413(
    client: Client, athlete: Athlete, settings: Settings
) -> None:
    settings.PACELINE_MAX_UPLOAD_BYTES = 1024
    login(client, athlete.user)

    response = client.post(
        reverse("activity_upload", args=[athlete.id]),
        {"uploads": SimpleUploadedFile("big.gpx", gpx())},
    )

    assert response.status_code == 413
    assert "big.gpx is too large: the limit is 1.0\xa0KB." in response.content.decode()
    assert not ActivityFile.objects.exists()
    assert not ImportJob.objects.exists()


def test_a_zip_upload_never_fails_the_page(client: Client, athlete: Athlete) -> None:
    login(client, athlete.user)

    response = client.post(
        reverse("activity_upload", args=[athlete.id]),
        {"uploads": SimpleUploadedFile("export.zip", b"PK\x03\x04 not really a zip")},
    )

    assert response.status_code == 200
    assert "export.zip" in response.content.decode()


def test_the_detail_page_names_the_sub_sport_instead_of_its_code(
    client: Client, athlete: Athlete, activity: Activity
) -> None:
    Activity.objects.filter(id=activity.id).update(sub_sport="lap_swimming")
    login(client, athlete.user)

    page = client.get(reverse("activity_detail", args=[athlete.id, activity.id])).content.decode()

    assert "<dt>Type</dt><dd>Pool</dd>" in page
    assert "lap_swimming" not in page
