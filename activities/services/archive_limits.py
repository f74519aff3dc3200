"""Archive limits: what a zip may declare and what its members may expand to (DESIGN §5).

Checked twice: up front from the central directory (declared sizes, entry count, names, nesting,
ratios) before anything is written, and again while streaming (actual bytes counted, reading
stops at the limit) because a header can lie and a `.gz` member declares nothing at all.
"""

from __future__ import annotations

import stat
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

from activities.parsers import inflate
from core.uploads import DEFAULT_MAX_ARCHIVE_BYTES, max_archive_bytes, max_file_bytes

MIB = 1024 * 1024
GIB = 1024 * MIB
CHUNK_BYTES = MIB


class ArchiveRefused(Exception):  # noqa: N818 — the name says what happens to the archive
    """The whole archive is refused; `reason` is a sentence for the athlete."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MemberRefused(Exception):  # noqa: N818
    """One member is unreadable or too big; the other members are still imported."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    archive_bytes: int = DEFAULT_MAX_ARCHIVE_BYTES
    entries: int = 50_000
    uncompressed_bytes: int = 8 * GIB
    ratio: float = 100.0
    ratio_floor_bytes: int = MIB  # small members may compress well; bombs are big
    depth: int = 2  # the archive is level 1, a zip inside it level 2
    member_bytes: int = 200 * MIB

    @classmethod
    def from_settings(cls) -> ArchiveLimits:
        """The limits in force: PACELINE_ARCHIVE_* settings, else the defaults above."""
        d = cls()
        return cls(
            archive_bytes=max_archive_bytes(),
            entries=getattr(settings, "PACELINE_ARCHIVE_MAX_ENTRIES", d.entries),
            uncompressed_bytes=getattr(
                settings, "PACELINE_ARCHIVE_MAX_UNCOMPRESSED_BYTES", d.uncompressed_bytes
            ),
            ratio=getattr(settings, "PACELINE_ARCHIVE_MAX_RATIO", d.ratio),
            ratio_floor_bytes=getattr(
                settings, "PACELINE_ARCHIVE_RATIO_FLOOR_BYTES", d.ratio_floor_bytes
            ),
            depth=getattr(settings, "PACELINE_ARCHIVE_MAX_DEPTH", d.depth),
            member_bytes=getattr(settings, "PACELINE_ARCHIVE_MEMBER_MAX_BYTES", d.member_bytes),
        )


def human_bytes(size: int) -> str:
    if size >= GIB:
        return f"{size / GIB:.1f} GB"
    return f"{size / MIB:.1f} MB" if size >= MIB else f"{size} bytes"


def is_symlink(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def unsafe_name(name: str) -> bool:
    """An absolute name, a drive letter or a `..` component: it would escape the folder."""
    clean = name.replace("\\", "/")
    if clean.startswith("/") or (len(clean) > 1 and clean[1] == ":"):
        return True
    return ".." in clean.split("/")


def too_expanded(size: int, packed: int, limits: ArchiveLimits) -> bool:
    return size > limits.ratio_floor_bytes and size > limits.ratio * max(packed, 1)


def check_size(size: int, limits: ArchiveLimits) -> None:
    if size > limits.archive_bytes:
        raise ArchiveRefused(
            _("The archive is %(size)s; the limit is %(limit)s.")
            % {"size": human_bytes(size), "limit": human_bytes(limits.archive_bytes)}
        )


def check_directory(infos: list[zipfile.ZipInfo], label: str, limits: ArchiveLimits) -> None:
    """Refuse a central directory with escaping names or a member that expands too much."""
    for info in infos:
        if unsafe_name(info.filename):
            raise ArchiveRefused(
                _("%(label)s contains an unsafe file name: %(name)s")
                % {"label": label, "name": info.filename}
            )
        if not info.is_dir() and too_expanded(info.file_size, info.compress_size, limits):
            raise ArchiveRefused(
                _("%(label)s looks like a zip bomb: %(name)s expands %(ratio)d times.")
                % {
                    "label": label,
                    "name": info.filename,
                    "ratio": info.file_size // max(info.compress_size, 1),
                }
            )


@dataclass(slots=True)
class Budget:
    """Entries and bytes declared so far over every level, and bytes actually read this run."""

    limits: ArchiveLimits
    archive_bytes: int
    entries: int = 0
    declared_bytes: int = 0
    read_bytes: int = 0

    def declare(self, infos: list[zipfile.ZipInfo]) -> None:
        self.entries += len(infos)
        self.declared_bytes += sum(info.file_size for info in infos)
        if self.entries > self.limits.entries:
            raise ArchiveRefused(
                _("The archive has more than %(limit)d entries.") % {"limit": self.limits.entries}
            )
        self._check_total(self.declared_bytes)

    def consume(self, size: int) -> None:
        self.read_bytes += size
        self._check_total(self.read_bytes)

    def _check_total(self, total: int) -> None:
        if total > self.limits.uncompressed_bytes:
            raise ArchiveRefused(
                _("The archive expands to more than %(limit)s.")
                % {"limit": human_bytes(self.limits.uncompressed_bytes)}
            )
        if too_expanded(total, self.archive_bytes, self.limits):
            raise ArchiveRefused(
                _("The archive looks like a zip bomb: it expands %(ratio)d times.")
                % {"ratio": total // max(self.archive_bytes, 1)}
            )


def read_counted(
    stream: IO[bytes], *, limit: int, name: str, out: IO[bytes] | None = None
) -> bytes:
    """Read a member in chunks, counting actual bytes; stop as soon as `limit` is passed.

    With `out`, chunks are written there (and b"" returned) instead of kept in memory.
    """
    kept = bytearray()
    total = 0
    while chunk := stream.read(CHUNK_BYTES):
        total += len(chunk)
        if total > limit:
            raise MemberRefused(
                _("%(name)s is larger than %(limit)s.")
                % {"name": name, "limit": human_bytes(limit)}
            )
        if out is None:
            kept += chunk
        else:
            out.write(chunk)
    return bytes(kept)


def gunzip_limited(data: bytes, *, name: str, limits: ArchiveLimits) -> bytes:
    """Decompress a gzip member; refuse it past the single-file limit, the member limit or the
    expansion ratio (decompression stops there: a bomb never fills memory)."""
    ratio_limit = max(int(limits.ratio * len(data)), limits.ratio_floor_bytes)
    limit = min(limits.member_bytes, ratio_limit, max_file_bytes())
    try:
        content = inflate(data, limit=limit)
    except (zlib.error, EOFError) as exc:
        raise MemberRefused(_("%(name)s is not a valid gzip file.") % {"name": name}) from exc
    if content is None:
        raise MemberRefused(
            _("%(name)s expands to more than %(limit)s.")
            % {"name": name, "limit": human_bytes(limit)}
        )
    return content


def regular_members(infos: list[zipfile.ZipInfo]) -> list[zipfile.ZipInfo]:
    """Files only: directories, symbolic links and macOS resource forks are ignored."""
    return [
        info
        for info in infos
        if not info.is_dir()
        and not is_symlink(info)
        and not info.filename.startswith("__MACOSX/")
        and not info.filename.rsplit("/", 1)[-1].startswith("._")
    ]
