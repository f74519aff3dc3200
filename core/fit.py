"""The FIT file header: what tells a FIT file from any other bytes. Pure: stdlib only.

A FIT file starts with a 12- or 14-byte header (its size in byte 0) holding the ASCII
signature ".FIT" at bytes 8–11 (Garmin's FIT protocol, "File Header"). Whatever reads or
writes FIT — the upload sniffing, the parsers, the export-archive readers, the workout
export — checks or writes it through here, never by a file's name.
"""

from __future__ import annotations

FIT_SIGNATURE = b".FIT"
FIT_HEADER_SIZES = (12, 14)


def is_fit(data: bytes) -> bool:
    """A FIT header: its size (12 or 14) in byte 0 and ".FIT" at bytes 8–11."""
    return len(data) >= 12 and data[0] in FIT_HEADER_SIZES and data[8:12] == FIT_SIGNATURE
