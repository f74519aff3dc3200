"""Uploads from the upload page (and later the API): every file becomes an import job.

Nothing is parsed in the request (DESIGN §5: anything that can take more than a second is a
job with progress, routed by content): the job reads what the file is — zip, gzip, FIT, TCX,
GPX, a CSV log — from its bytes. Quotas are checked before anything is stored.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from activities.models import ImportJob
from activities.services.archive_plan import upload_kind
from activities.services.storage import UploadRefused, upload_admit
from activities.tasks import import_job_send
from activities.types import FileResult, Outcome
from athletes.models import Athlete, User


@dataclass(slots=True)
class UploadRow:
    """One uploaded file on the upload page: its import job, or why it was refused."""

    name: str
    job: ImportJob | None = None
    refused: UploadRefused | None = None

    @property
    def result(self) -> FileResult | None:
        """The file's own result once its job has imported it (a one-file job)."""
        if self.job is None or self.job.state not in ImportJob.FINISHED or self.job.total != 1:
            return None
        rows = self.job.results
        if len(rows) != 1:
            return None
        row = rows[0]
        return FileResult(
            self.name,
            Outcome(row["outcome"]),
            row.get("reason", self.job.error),
            activity_ids=list(row.get("activity_ids", [])),
            warnings=list(row.get("warnings", [])),
        )


def uploads_receive(
    *, athlete: Athlete, by: User, uploaded: Iterable[UploadedFile[Any]]
) -> list[UploadRow]:
    """Hand every uploaded file to a background import job, one row per file.

    Nothing is parsed in the request: what a file is (zip, gzip, FIT, TCX, GPX, CSV log) is
    read from its content by the job. A file that would pass the athlete's storage quota or
    job quota is refused before it is stored. The rows come back queued (or just started): each
    polls its job's progress, also in the embedded mode, where jobs run in a thread.
    """
    rows: list[UploadRow] = []
    for upload in uploaded:
        name = Path(upload.name or "upload").name
        try:
            upload_admit(athlete=athlete, size_bytes=upload.size or 0)
        except UploadRefused as refused:
            rows.append(UploadRow(name, refused=refused))
            continue
        job = import_job_create(athlete=athlete, by=by, uploaded_file=upload)
        rows.append(UploadRow(name, job=job))
    for row in rows:
        if row.job is not None:
            row.job.refresh_from_db()
    return rows


def import_job_create(
    *, athlete: Athlete, by: User | None, uploaded_file: UploadedFile[bytes], kind: str = ""
) -> ImportJob:
    """Store an uploaded file and queue its import once this transaction commits.

    `kind` forces the job's kind (the CSV page: a log whatever its name); otherwise it comes
    from the content (`upload_kind`). If the broker is away the job stays queued and the
    sweep sends it when it is back.
    """
    name = Path(uploaded_file.name or "upload").name[:200]
    job = ImportJob(
        athlete=athlete,
        created_by=by,
        kind=kind or upload_kind(uploaded_file),
        original_name=name,
        size_bytes=uploaded_file.size or 0,
    )
    job.archive.save(f"{uuid.uuid4().hex[:12]}-{name}", uploaded_file, save=False)
    job.save()
    transaction.on_commit(partial(import_job_send, job.id), robust=True)
    return job
