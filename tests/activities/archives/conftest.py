"""Archive tests keep their stored files (uploads, original files) in a private media folder,
and can make storage "kill the worker" on a chosen save to interrupt a job deterministically."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from django.core.files.storage import FileSystemStorage

from tests.test_services_e2e import not_eager, services  # noqa: F401 — fixtures of the worker test


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


class WorkerCrash(BaseException):
    """Stands for a killed worker: not an Exception, so nothing on the way catches it."""


class CrashingStorage(FileSystemStorage):
    """File storage that "kills the worker" on a chosen save (set `saves_left`)."""

    saves_left: ClassVar[int | None] = None

    def _save(self, name: str, content: Any) -> str:
        if CrashingStorage.saves_left is not None:
            if CrashingStorage.saves_left == 0:
                raise WorkerCrash
            CrashingStorage.saves_left -= 1
        return super()._save(name, content)


@pytest.fixture
def crashing_storage(settings: Any) -> Iterator[type[CrashingStorage]]:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.activities.archives.conftest.CrashingStorage"},
    }
    yield CrashingStorage
    CrashingStorage.saves_left = None
