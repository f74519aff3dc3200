"""The providers' export formats reach the archive import through config/wiring.py by name."""

from __future__ import annotations

from activities.models import ImportJob
from activities.services.archive_plan import archive_format, archive_formats


def test_every_registered_export_format_is_its_own_kind_of_import_job() -> None:
    kinds = [export.kind for export in archive_formats()]

    assert kinds
    assert len(set(kinds)) == len(kinds)
    assert set(kinds) <= set(ImportJob.Kind.values) - {ImportJob.Kind.FILES, ImportJob.Kind.CSV}
    assert all(archive_format(kind) is not None for kind in kinds)


def test_files_and_csv_logs_are_planned_by_activities_itself() -> None:
    assert archive_format(ImportJob.Kind.FILES) is None
    assert archive_format(ImportJob.Kind.CSV) is None
