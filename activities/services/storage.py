"""What uploads occupy in storage: per-athlete quotas checked before anything is stored, and
the sweep of stored files that no row refers to any more.

An athlete's usage is the original activity files kept (`ActivityFile`) plus the uploads of
import jobs not finished yet (a finished job's upload is deleted). Files nothing refers to —
an upload whose job row was never committed, an original file written by a batch that rolled
back — are deleted by `stored_files_sweep` once they are old enough not to belong to a
transaction still in flight.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from activities.models import ActivityFile, ImportJob
from athletes.models import Athlete

logger = logging.getLogger(__name__)

GIB = 1024**3
DEFAULT_STORAGE_BYTES = 5 * GIB
DEFAULT_ACTIVE_JOBS = 20
DEFAULT_ORPHAN_AGE_S = 3600
SWEPT_FOLDERS = ("activity-files", "imports")


class UploadRefused(Exception):  # noqa: N818 — names what happens to the upload
    """An upload refused before it is stored; `reason` is a sentence for the athlete, `status`
    the HTTP answer (413 too large, 429 too many jobs at once, 507 no storage left)."""

    def __init__(self, reason: str, *, status: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def storage_quota_bytes() -> int:
    return int(getattr(settings, "PACELINE_ATHLETE_STORAGE_BYTES", DEFAULT_STORAGE_BYTES))


def active_jobs_limit() -> int:
    return int(getattr(settings, "PACELINE_ATHLETE_ACTIVE_JOBS", DEFAULT_ACTIVE_JOBS))


def storage_used_bytes(*, athlete: Athlete) -> int:
    """Bytes the athlete's kept files and pending uploads occupy."""
    files = ActivityFile.objects.filter(athlete=athlete).aggregate(total=Sum("size_bytes"))
    pending = (
        ImportJob.objects.filter(athlete=athlete, state__in=ImportJob.ACTIVE)
        .exclude(archive="")
        .aggregate(total=Sum("size_bytes"))
    )
    return int(files["total"] or 0) + int(pending["total"] or 0)


def upload_admit(*, athlete: Athlete, size_bytes: int) -> None:
    """Raise UploadRefused when storing `size_bytes` more would pass the athlete's storage
    quota (PACELINE_ATHLETE_STORAGE_BYTES) or start one job too many at once
    (PACELINE_ATHLETE_ACTIVE_JOBS)."""
    active = ImportJob.objects.filter(athlete=athlete, state__in=ImportJob.ACTIVE).count()
    if active >= active_jobs_limit():
        raise UploadRefused(
            _("%(count)d imports are still running: wait until one of them ends.")
            % {"count": active},
            status=429,
        )
    quota = storage_quota_bytes()
    if storage_used_bytes(athlete=athlete) + size_bytes > quota:
        raise UploadRefused(
            _("Not enough storage left: each athlete may keep %(quota)s of files.")
            % {"quota": filesizeformat(quota)},
            status=507,
        )


def stored_files_sweep(*, now: dt.datetime) -> int:
    """Delete the files under activity-files/ and imports/ that no row refers to and that are
    older than PACELINE_ORPHAN_AGE_S (an hour); returns how many were deleted."""
    age = dt.timedelta(
        seconds=float(getattr(settings, "PACELINE_ORPHAN_AGE_S", DEFAULT_ORPHAN_AGE_S))
    )
    referenced = set(ActivityFile.objects.values_list("file", flat=True))
    referenced |= set(ImportJob.objects.exclude(archive="").values_list("archive", flat=True))
    deleted = 0
    for folder in SWEPT_FOLDERS:
        for name in _walk(default_storage, folder):
            if name in referenced or _modified(default_storage, name) > now - age:
                continue
            default_storage.delete(name)
            deleted += 1
    if deleted:
        logger.info("deleted %d stored files no row refers to", deleted)
    return deleted


def _walk(storage: Storage, folder: str) -> Iterator[str]:
    """Every file name under `folder` (storage names, '/'-separated)."""
    if not storage.exists(folder):
        return
    folders, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _walk(storage, f"{folder}/{sub}")


def _modified(storage: Storage, name: str) -> dt.datetime:
    try:
        return storage.get_modified_time(name)
    except (FileNotFoundError, NotImplementedError):
        return dt.datetime.max.replace(tzinfo=dt.UTC)  # unknown age: keep it
