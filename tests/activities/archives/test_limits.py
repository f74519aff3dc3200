"""Archive limits: hostile zips built in tmp folders are refused before anything is written."""

from __future__ import annotations

import gzip
import os
import re
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from activities.models import Activity, ActivityFile, ImportJob
from activities.services.archive_jobs import import_job_run
from activities.services.archives import archive_import
from activities.services.uploads import import_job_create
from athletes.models import Athlete
from tests.activities.archives import builders

GIB = 1024**3
TWO_FITS = ("sportslib__runs_6914538454.fit", "sportslib__rides_5319808632.fit")


def refusal(athlete: Athlete, path: Path) -> str:
    """The reason the archive was refused: its only result, failed, and nothing imported."""
    report = archive_import(athlete=athlete, path=path)
    assert [(r.name, r.outcome.value) for r in report.results] == [(path.name, "failed")]
    assert not Activity.objects.exists()
    return report.results[0].reason


def test_a_zip_declaring_ten_gigabytes_is_refused_at_once_without_using_disk(
    athlete: Athlete, tmp_path: Path
) -> None:
    bomb = builders.declared_size_zip(tmp_path / "bomb.zip", declared=10 * GIB)
    started = time.monotonic()

    assert re.search(r"expands to more than 8\.0 GB", refusal(athlete, bomb))

    assert time.monotonic() - started < 2
    assert bomb.stat().st_size < 10_000
    assert not Activity.objects.exists()


def test_a_member_expanding_more_than_a_hundred_times_is_a_zip_bomb(
    athlete: Athlete, tmp_path: Path
) -> None:
    bomb = builders.declared_size_zip(tmp_path / "bomb.zip", declared=150 * 1024 * 1024)

    assert re.search("zip bomb", refusal(athlete, bomb))


def test_an_archive_of_a_hundred_thousand_entries_is_refused(
    athlete: Athlete, tmp_path: Path
) -> None:
    crowded = builders.many_entries_zip(tmp_path / "crowded.zip", 100_000)

    assert re.search("more than 50000 entries", refusal(athlete, crowded))


def test_the_entry_limit_also_counts_what_the_central_directory_holds(
    athlete: Athlete, tmp_path: Path, settings: Any
) -> None:
    settings.PACELINE_ARCHIVE_MAX_ENTRIES = 3
    inner = builders.zip_bytes({f"{i}.txt": b"" for i in range(3)})
    path = tmp_path / "nested.zip"
    path.write_bytes(builders.zip_bytes({"part.zip": inner}))

    assert re.search("more than 3 entries", refusal(athlete, path))


def test_zips_nested_three_deep_are_refused_and_two_deep_are_read(
    athlete: Athlete, tmp_path: Path
) -> None:
    inner = {"notes.txt": b"hello"}
    deep = builders.nested_zip(tmp_path / "deep.zip", 3, inner)
    fine = builders.nested_zip(tmp_path / "fine.zip", 2, inner)

    assert re.search("nested too deep", refusal(athlete, deep))
    report = archive_import(athlete=athlete, path=fine)

    assert [(r.name, r.outcome.value) for r in report.results] == [
        ("level-2.zip/notes.txt", "skipped")
    ]


@pytest.mark.corpus
def test_a_zip_hidden_under_an_activity_files_name_is_refused_not_read_on_its_own(
    athlete: Athlete, tmp_path: Path, corpus: Path
) -> None:
    """What a member is comes from its bytes: a zip called run.fit would escape the archive's
    depth and size budget if it were read as an archive of its own, so it is refused."""
    fits = {f"{n}.fit": (corpus / "fit" / name).read_bytes() for n, name in enumerate(TWO_FITS)}
    path = tmp_path / "outer.zip"
    path.write_bytes(builders.zip_bytes({"run.fit": builders.zip_bytes(fits)}))

    report = archive_import(athlete=athlete, path=path)

    assert [(r.name, r.outcome.value) for r in report.results] == [("run.fit", "failed")]
    assert "a zip archive under another name" in report.results[0].reason
    assert not Activity.objects.filter(athlete=athlete).exists()


@pytest.mark.parametrize("name", ["../escape.fit", "/etc/cron.d/evil.fit", "a/../../b.gpx"])
def test_names_escaping_the_folder_are_refused(athlete: Athlete, tmp_path: Path, name: str) -> None:
    path = tmp_path / "escape.zip"
    path.write_bytes(builders.zip_bytes({"ok.txt": b"", name: b"data"}))

    assert re.search("unsafe file name", refusal(athlete, path))


def test_symbolic_links_are_ignored(athlete: Athlete, tmp_path: Path) -> None:
    path = builders.symlink_zip(tmp_path / "links.zip", {"readme.txt": b"hi"})

    report = archive_import(athlete=athlete, path=path)

    assert [r.name for r in report.results] == ["readme.txt"]


def test_an_archive_over_the_size_limit_is_refused(
    athlete: Athlete, tmp_path: Path, settings: Any
) -> None:
    settings.PACELINE_ARCHIVE_MAX_BYTES = 1000
    path = tmp_path / "big.zip"
    path.write_bytes(builders.zip_bytes({"a.txt": os.urandom(5000)}))

    assert re.search("the limit is 1000 bytes", refusal(athlete, path))


def test_a_gzip_member_expanding_past_the_limit_fails_alone_while_streaming(
    athlete: Athlete, tmp_path: Path, settings: Any, corpus: Path
) -> None:
    settings.PACELINE_ARCHIVE_MEMBER_MAX_BYTES = 1024 * 1024
    fit = (corpus / "fit" / "sportslib__runs_6914538454.fit").read_bytes()
    members = {"a-bomb.fit.gz": gzip.compress(bytes(5 * 1024 * 1024)), "b-run.fit": fit}
    path = tmp_path / "mixed.zip"
    path.write_bytes(builders.zip_bytes(members))

    report = archive_import(athlete=athlete, path=path)

    outcomes = {r.name: (r.outcome.value, r.reason) for r in report.results}
    assert outcomes["a-bomb.fit.gz"] == ("failed", "a-bomb.fit.gz expands to more than 1.0 MB.")
    assert outcomes["b-run.fit"][0] == "created"


def test_a_header_declaring_fewer_bytes_than_stored_fails_that_member_only(
    athlete: Athlete, tmp_path: Path
) -> None:
    liar = builders.declared_size_zip(tmp_path / "liar.zip", declared=10, actual=b"y" * 50_000)

    report = archive_import(athlete=athlete, path=liar)

    assert [(r.outcome.value, r.reason) for r in report.results] == [
        ("failed", "bomb.fit is damaged in the archive.")
    ]
    assert not ActivityFile.objects.exists()


def test_a_refused_archive_fails_its_job_with_a_clear_message_and_imports_nothing(
    athlete: Athlete, tmp_path: Path
) -> None:
    bomb = builders.declared_size_zip(tmp_path / "bomb.zip", declared=10 * GIB)
    upload = SimpleUploadedFile("export.zip", bomb.read_bytes())
    job = import_job_create(athlete=athlete, by=athlete.user, uploaded_file=upload)

    finished = import_job_run(job_id=job.id)

    assert finished is not None
    assert finished.state == ImportJob.State.FAILED
    assert "expands to more than 8.0 GB" in finished.error
    assert finished.finished_at is not None
    assert (finished.cursor, finished.created, finished.failed) == (0, 0, 0)
    assert not Activity.objects.exists()
