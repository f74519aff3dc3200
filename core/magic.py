"""What a file is, by its first bytes: never by its name (DESIGN §5). Pure: stdlib only."""

from __future__ import annotations

ZIP_MAGIC = b"PK\x03\x04"
GZIP_MAGIC = b"\x1f\x8b"


def is_zip(head: bytes) -> bool:
    """A zip archive (a local file header first)."""
    return head.startswith(ZIP_MAGIC)


def is_gzip(head: bytes) -> bool:
    """Gzip-compressed data."""
    return head.startswith(GZIP_MAGIC)
