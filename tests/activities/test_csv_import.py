"""CSV training-log import: per-line results, idempotency, delimiters, limits, the page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from activities.models import Activity, ImportJob
from activities.services.manual import csv_import, csv_parse
from activities.types import ImportReport, Outcome, RejectedFile
from athletes.models import Athlete, User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
HEADER = "activity_date,activity_type,distance_km,duration_min,training_load,notes"


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *rows]).encode()


def outcomes(report: ImportReport) -> list[tuple[str, str]]:
    return [(r.name, r.outcome.value) for r in report.results]


def test_rows_become_manual_activities_in_si_units(athlete: Athlete) -> None:
    data = csv_bytes(
        "2026-03-02,run,10.5,52,65,Easy loop",
        "2026-03-04,strength,,45,,Gym",
    )

    report = csv_import(athlete=athlete, data=data)

    assert outcomes(report) == [("line 2", "created"), ("line 3", "created")]
    run = Activity.objects.get(athlete=athlete, sport="run")
    assert (run.day, run.distance_m, run.elapsed_s) == (dt.date(2026, 3, 2), 10500, 3120)
    assert (run.manual_load, run.notes, run.primary_provider) == (65, "Easy loop", "manual")
    gym = Activity.objects.get(athlete=athlete, sport="strength")
    assert (gym.distance_m, gym.manual_load, gym.elapsed_s) == (None, None, 2700)
    assert report.results[0].activity_ids == [run.id]


def test_a_clock_duration_is_read_as_everywhere_else_two_parts_being_h_mm(
    athlete: Athlete,
) -> None:
    data = csv_bytes("2026-03-02,run,,0:45,,", "2026-03-03,run,,1:05:30,,")

    csv_import(athlete=athlete, data=data)

    durations = Activity.objects.filter(athlete=athlete).order_by("day")
    assert list(durations.values_list("elapsed_s", flat=True)) == [2700, 3930]


def test_rows_with_an_external_id_are_skipped_when_imported_again(athlete: Athlete) -> None:
    data = csv_bytes(
        "2026-03-02,run,10,50,,,tp-1",
        "2026-03-02,run,10,50,,,tp-2",
        header=HEADER + ",external_id",
    )

    first = csv_import(athlete=athlete, data=data)
    second = csv_import(athlete=athlete, data=data)

    assert first.counts() == {"created": 2, "merged": 0, "skipped": 0, "failed": 0}
    assert second.counts() == {"created": 0, "merged": 0, "skipped": 2, "failed": 0}
    assert Activity.objects.filter(athlete=athlete).count() == 2
    ids = Activity.objects.filter(athlete=athlete).values_list("sources__external_id", flat=True)
    assert sorted(ids) == ["tp-1", "tp-2"]


def test_rows_without_an_external_id_are_deduplicated_by_date_type_and_duration(
    athlete: Athlete,
) -> None:
    data = csv_bytes(
        "2026-03-02,run,10,50,,",
        "2026-03-02,running,10,50,,same session typed twice",
        "2026-03-02,run,5,25,,a second run that day",
        "2026-03-02,ride,30,50,,",
    )

    first = csv_import(athlete=athlete, data=data)
    second = csv_import(athlete=athlete, data=data)

    assert [o for _, o in outcomes(first)] == ["created", "skipped", "created", "created"]
    assert second.counts()["skipped"] == 4
    assert Activity.objects.filter(athlete=athlete).count() == 3


def test_bad_rows_fail_with_their_line_and_reason_and_the_batch_goes_on(athlete: Athlete) -> None:
    data = csv_bytes(
        "2026-13-01,run,10,50,,",
        "2026-03-02,curling,1,50,,",
        '2026-03-03,run,10,50,,"notes over',
        'two lines"',
        "2026-03-04,run,-2,50,,",
        "2026-03-05,run,10,0,,",
        "2026-03-06,ride,abc,50,,",
        "2026-03-07,swim,2,40,,",
    )

    report = csv_import(athlete=athlete, data=data)

    results = {r.name: (r.outcome, r.reason) for r in report.results}
    assert list(results) == ["line 2", "line 3", "line 4", "line 6", "line 7", "line 8", "line 9"]
    assert results["line 2"] == (Outcome.FAILED, "bad date “2026-13-01” (expected YYYY-MM-DD)")
    assert results["line 3"] == (Outcome.FAILED, "unknown activity type “curling”")
    assert results["line 4"][0] == Outcome.CREATED
    assert results["line 6"] == (Outcome.FAILED, "negative distance")
    assert "duration" in results["line 7"][1]
    assert results["line 8"] == (Outcome.FAILED, "bad distance “abc”")
    assert results["line 9"][0] == Outcome.CREATED
    assert Activity.objects.get(athlete=athlete, day=dt.date(2026, 3, 3)).notes == (
        "notes over\ntwo lines"
    )


def test_semicolons_a_bom_decimal_commas_and_any_case_are_accepted(athlete: Athlete) -> None:
    text = "\ufeff" + "\n".join(
        [
            HEADER.replace(",", ";").upper(),
            "2026-03-02;Running;10,5;52;65,5;Matin",
            "2026-03-03;BIKE;40;90;;",
            "2026-03-04;Walk;4;60;;",
            "2026-03-05;trail;15;120;;",
        ]
    )

    report = csv_import(athlete=athlete, data=text.encode())

    assert report.counts()["created"] == 4
    run = Activity.objects.get(athlete=athlete, day=dt.date(2026, 3, 2))
    assert (run.sport, run.distance_m, run.manual_load) == ("run", 10500, 65.5)
    found = Activity.objects.filter(athlete=athlete).order_by("day")
    assert [(a.sport, a.sub_sport) for a in found] == [
        ("run", ""),
        ("ride", ""),
        ("hike", "walking"),
        ("run", "trail"),
    ]


@pytest.mark.parametrize(
    ("csv_type", "sport"),
    [
        ("run", "run"),
        ("cycling", "ride"),
        ("swim", "swim"),
        ("hike", "hike"),
        ("ski", "ski"),
        ("row", "row"),
        ("strength", "strength"),
        ("other", "other"),
    ],
)
def test_activity_types_map_to_sports(athlete: Athlete, csv_type: str, sport: str) -> None:
    csv_import(athlete=athlete, data=csv_bytes(f"2026-03-02,{csv_type},,30,,"))

    assert Activity.objects.get(athlete=athlete).sport == sport


def test_rows_land_beside_a_recorded_activity_at_noon_instead_of_merging(athlete: Athlete) -> None:
    csv_import(athlete=athlete, data=csv_bytes("2026-03-02,run,10,50,,"))

    csv_import(athlete=athlete, data=csv_bytes("2026-03-02,run,5,20,,"))

    starts = sorted(Activity.objects.filter(athlete=athlete).values_list("started_at", flat=True))
    assert len(starts) == 2
    assert starts[1] - starts[0] >= dt.timedelta(minutes=5)


def test_files_that_are_not_a_log_are_refused_with_a_message(
    athlete: Athlete, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(RejectedFile, match="header must be"):
        csv_import(athlete=athlete, data=b"date,type\n2026-03-02,run\n")
    with pytest.raises(RejectedFile, match="empty"):
        csv_import(athlete=athlete, data=b"")
    with pytest.raises(RejectedFile, match="not a text CSV"):
        csv_import(athlete=athlete, data=b".FIT\x00\x01\x02")
    with pytest.raises(RejectedFile, match="larger than 5 MB"):
        csv_import(athlete=athlete, data=csv_bytes("2026-03-02,run,,30,,x" + " " * 5_300_000))

    monkeypatch.setattr(csv_parse, "CSV_MAX_ROWS", 3)
    with pytest.raises(RejectedFile, match="more than 3 rows"):
        csv_import(athlete=athlete, data=csv_bytes(*["2026-03-02,run,,30,,"] * 4))
    assert not Activity.objects.exists()


def test_ten_thousand_rows_are_accepted_but_not_one_more(athlete: Athlete) -> None:
    rows = [f"2026-03-02,run,,{i + 1},," for i in range(10_001)]

    with pytest.raises(RejectedFile, match="10,000"):
        csv_import(athlete=athlete, data=csv_bytes(*rows))


# --- the page ------------------------------------------------------------------------------


def url(athlete: Athlete) -> str:
    return reverse("activity_csv_import", args=[athlete.id])


def upload(client: Client, athlete: Athlete, data: bytes) -> Any:
    return client.post(url(athlete), {"file": SimpleUploadedFile("log.csv", data, "text/csv")})


def client_for(user: User) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_the_page_shows_each_lines_result_and_the_counts(athlete: Athlete) -> None:
    client = client_for(athlete.user)
    data = csv_bytes("2026-03-02,run,10,50,,", "2026-03-03,curling,1,50,,")

    response = upload(client, athlete, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["counts"] == {
        "created": 1,
        "merged": 0,
        "skipped": 0,
        "failed": 1,
    }
    assert "line 3" in html and "unknown activity type" in html
    activity = Activity.objects.get(athlete=athlete)
    assert reverse("activity_detail", args=[athlete.id, activity.id]) in html


def test_a_refused_file_is_a_field_error_not_a_500(athlete: Athlete) -> None:
    response = upload(client_for(athlete.user), athlete, b"nothing,useful\n1,2\n")

    assert response.status_code == 200
    assert "header must be" in response.context["form"].errors["file"][0]


def test_the_page_is_for_writers_only(
    athlete: Athlete, coach: User, view_coach: User, other_coach: User
) -> None:
    data = csv_bytes("2026-03-02,run,10,50,,")

    assert client_for(coach).get(url(athlete)).status_code == 200
    assert upload(client_for(view_coach), athlete, data).status_code == 403
    assert upload(client_for(other_coach), athlete, data).status_code == 404
    assert not Activity.objects.exists()


def test_a_long_log_is_imported_by_a_background_job_with_a_progress_page(
    athlete: Athlete, django_capture_on_commit_callbacks: Any
) -> None:
    rows = [
        f"2025-{1 + i // 28:02d}-{1 + i % 28:02d},run,10,{40 + i % 7},,easy run" for i in range(300)
    ]
    data = csv_bytes(*(rows * 8))  # 2,400 lines (300 distinct sessions): above the inline limit
    assert len(data) > 64 * 1024

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client_for(athlete.user), athlete, data)

    job = ImportJob.objects.get(athlete=athlete)
    assert response.status_code == 302
    assert response["Location"] == reverse("import_job_detail", args=[athlete.id, job.id])
    job.refresh_from_db()  # the task ran (eagerly) once the upload committed
    assert (job.kind, job.state) == (ImportJob.Kind.CSV, ImportJob.State.DONE)
    assert Activity.objects.filter(athlete=athlete).count() == 300


def test_a_log_over_a_second_of_work_is_a_job_whatever_its_name(
    athlete: Athlete, django_capture_on_commit_callbacks: Any
) -> None:
    first = dt.date(2024, 1, 1)
    rows = [f"{first + dt.timedelta(days=i)},run,10,{40 + i % 7},,easy" for i in range(400)]
    data = csv_bytes(*rows)
    assert len(data) > 8 * 1024
    url_ = url(athlete)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(athlete.user).post(
            url_, {"file": SimpleUploadedFile("training-log.txt", data, "text/plain")}
        )

    job = ImportJob.objects.get(athlete=athlete)
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.kind, job.state, job.created) == (ImportJob.Kind.CSV, ImportJob.State.DONE, 400)
    assert [r["name"] for r in job.results[:2]] == ["line 2", "line 3"]


def test_a_long_log_past_the_storage_quota_is_refused_before_it_is_stored(
    athlete: Athlete, settings: Any
) -> None:
    settings.PACELINE_ATHLETE_STORAGE_BYTES = 4 * 1024
    first = dt.date(2024, 1, 1)
    data = csv_bytes(*(f"{first + dt.timedelta(days=i)},run,10,45,,easy" for i in range(400)))

    response = upload(client_for(athlete.user), athlete, data)

    assert response.status_code == 507
    assert "Not enough storage left" in response.content.decode()
    assert not ImportJob.objects.exists()
