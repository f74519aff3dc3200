"""Open an uploaded archive safely: limits checked up front, nested zips unpacked to a temp
folder, members listed in a deterministic order and read with their bytes counted.

A file that is not a zip is an archive of one member (a single FIT, a CSV log).
"""

from __future__ import annotations

import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from django.utils.translation import gettext as _

from activities.services.archive_limits import (
    ArchiveLimits,
    ArchiveRefused,
    Budget,
    MemberRefused,
    check_directory,
    check_size,
    human_bytes,
    read_counted,
    regular_members,
)

DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError)


@dataclass(frozen=True, slots=True, order=True)
class Member:
    """A file inside the archive: its names from the outer archive down through nested zips."""

    path: tuple[str, ...]
    size: int = 0

    @property
    def name(self) -> str:
        return "/".join(self.path)

    @property
    def basename(self) -> str:
        return self.path[-1].replace("\\", "/").rsplit("/", 1)[-1]

    @property
    def inner(self) -> str:
        """The member's own name in the zip that holds it."""
        return self.path[-1]

    @property
    def container(self) -> tuple[str, ...]:
        return self.path[:-1]


def is_zip_name(name: str) -> bool:
    return name.lower().endswith(".zip")


class ArchiveReader:
    """Context manager over one archive; raises ArchiveRefused on entry if a limit is broken."""

    def __init__(self, path: Path, *, limits: ArchiveLimits | None = None, name: str = "") -> None:
        self.path = path
        self.name = name or path.name  # what the uploader called it (a lone file's member)
        self.limits = limits or ArchiveLimits.from_settings()
        self.members: list[Member] = []
        self.damaged: set[tuple[str, ...]] = set()  # nested zips that could not be opened
        self._zips: dict[tuple[str, ...], zipfile.ZipFile] = {}
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        size = path.stat().st_size
        check_size(size, self.limits)
        self.budget = Budget(limits=self.limits, archive_bytes=size)

    def __enter__(self) -> ArchiveReader:
        try:
            self._open()
        except BaseException:
            self.close()
            raise
        self.members.sort()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        for archive in self._zips.values():
            archive.close()
        self._zips.clear()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    @property
    def is_zip(self) -> bool:
        return () in self._zips

    def _open(self) -> None:
        if not zipfile.is_zipfile(self.path):
            self.members.append(Member(path=(self.name,), size=self.path.stat().st_size))
            return
        self._check_declared_count()
        try:
            archive = zipfile.ZipFile(self.path)
        except DAMAGED as exc:
            raise ArchiveRefused(_("The archive is damaged and cannot be read.")) from exc
        self._add_zip((), archive, depth=1)

    def _check_declared_count(self) -> None:
        """The end record's entry count, read before the whole central directory is parsed."""
        with self.path.open("rb") as handle:
            end = zipfile._EndRecData(handle)  # type: ignore[attr-defined]
        if end and end[zipfile._ECD_ENTRIES_TOTAL] > self.limits.entries:  # type: ignore[attr-defined]
            raise ArchiveRefused(
                _("The archive has more than %(limit)d entries.") % {"limit": self.limits.entries}
            )

    def _add_zip(self, at: tuple[str, ...], archive: zipfile.ZipFile, *, depth: int) -> None:
        self._zips[at] = archive
        label = _("The archive") if not at else at[-1]
        infos = archive.infolist()
        self.budget.declare(infos)  # counts every entry, refuses 100,000-entry archives early
        check_directory(infos, label, self.limits)
        for info in regular_members(infos):
            path = (*at, info.filename)
            if not is_zip_name(info.filename):
                self.members.append(Member(path=path, size=info.file_size))
            elif depth + 1 > self.limits.depth:
                raise ArchiveRefused(
                    _("Zip files are nested too deep (%(name)s); the limit is %(depth)d levels.")
                    % {"name": "/".join(path), "depth": self.limits.depth}
                )
            else:
                self._add_nested(path, archive, info, depth=depth + 1)

    def _add_nested(
        self, path: tuple[str, ...], parent: zipfile.ZipFile, info: zipfile.ZipInfo, *, depth: int
    ) -> None:
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="paceline-archive-")
        target = Path(self._tmp.name) / f"nested-{len(self._zips)}.zip"
        try:
            with parent.open(info) as src, target.open("wb") as out:
                read_counted(src, limit=info.file_size, name=info.filename, out=out)
            nested = zipfile.ZipFile(target)
        except (MemberRefused, *DAMAGED):
            self.damaged.add(path)
            self.members.append(Member(path=path, size=info.file_size))
            return
        self.budget.consume(target.stat().st_size)
        self._add_zip(path, nested, depth=depth)

    def read(self, member: Member) -> bytes:
        """The member's bytes, counted; MemberRefused if too big or damaged."""
        if member.path in self.damaged:
            raise MemberRefused(_("%(name)s is a damaged zip file.") % {"name": member.basename})
        if not self.is_zip:
            return self._read_single(member)
        limit = self.limits.member_bytes
        if member.size > limit:
            raise MemberRefused(
                _("%(name)s is larger than %(limit)s.")
                % {"name": member.basename, "limit": human_bytes(limit)}
            )
        archive = self._zips[member.container]
        try:
            with archive.open(member.inner) as src:
                data = read_counted(src, limit=limit, name=member.basename)
        except DAMAGED as exc:
            raise MemberRefused(
                _("%(name)s is damaged in the archive.") % {"name": member.basename}
            ) from exc
        self.budget.consume(len(data))
        return data

    def _read_single(self, member: Member) -> bytes:
        with self.path.open("rb") as src:
            return read_counted(src, limit=self.limits.member_bytes, name=member.basename)

    def head(self, size: int = 4096) -> bytes:
        """The first bytes of the archive file itself."""
        with self.path.open("rb") as src:
            return src.read(size)

    def names(self) -> list[str]:
        """Every member's name inside the outer archive (to detect the archive's kind)."""
        return [m.path[0].replace("\\", "/") for m in self.members]
