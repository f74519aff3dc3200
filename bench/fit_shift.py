"""Copies of a FIT file moved in time: every date_time field shifted, the CRC written again.

The ingest bench builds a large export from the corpus with it: each copy is a new recording
(other bytes, other sha256, other start) that parses exactly like its original apart from the
times. The shift is a whole number of 32 s steps, so compressed-timestamp headers (5-bit
offsets from the last full timestamp) stay right without being rewritten. The layout (where
the time fields and CRCs are) is read once per original with fitdecode; each copy is then a
few thousand struct writes.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass

import fitdecode
from fitdecode.utils import compute_crc

TIME_TYPES = frozenset({"date_time", "local_date_time"})
RELATIVE_LIMIT = 0x10000000  # smaller date_time values are seconds since device power-up
INVALID = 0xFFFFFFFF
STEP_S = 32


@dataclass(frozen=True, slots=True)
class Layout:
    """Where a file's time fields are ((offset, struct format) each) and its CRCs ((start of
    the chained file, offset of its CRC) each)."""

    times: tuple[tuple[int, str], ...]
    crcs: tuple[tuple[int, int], ...]


def fit_layout(data: bytes) -> Layout:
    """Read every message once: the offsets of its 4-byte date_time fields and of the CRCs."""
    times: list[tuple[int, str]] = []
    crcs: list[tuple[int, int]] = []
    start = 0
    with fitdecode.FitReader(
        io.BytesIO(data), keep_raw_chunks=True, check_crc=fitdecode.CrcCheck.DISABLED
    ) as fit:
        for frame in fit:
            if frame.frame_type == fitdecode.FIT_FRAME_HEADER:
                start = frame.chunk.offset
            elif frame.frame_type == fitdecode.FIT_FRAME_DATA:
                times.extend(_time_fields(frame))
            elif frame.frame_type == fitdecode.FIT_FRAME_CRC:
                crcs.append((start, frame.chunk.offset))
    return Layout(tuple(times), tuple(crcs))


def _time_fields(message: fitdecode.FitDataMessage) -> list[tuple[int, str]]:
    """The time fields of one data message: its bytes are a one-byte record header, then the
    fields in their definition's order."""
    definition = message.def_mesg
    order = "<I" if definition.endian == "<" else ">I"
    position = message.chunk.offset + 1
    found = []
    for field in definition.all_field_defs:
        kind = None if field.is_dev else getattr(field.field, "type", None)
        if field.size == 4 and kind is not None and kind.name in TIME_TYPES:
            found.append((position, order))
        position += field.size
    return found


def shifted_fit(data: bytes, seconds: int, layout: Layout | None = None) -> bytes:
    """`data` with every absolute date_time (and local_date_time) field moved by `seconds`
    (a multiple of 32) and each chained file's CRC recomputed."""
    if seconds % STEP_S:
        raise ValueError(f"the shift must be a multiple of {STEP_S} s, not {seconds}")
    layout = layout or fit_layout(data)
    out = bytearray(data)
    for offset, order in layout.times:
        (value,) = struct.unpack_from(order, out, offset)
        if RELATIVE_LIMIT <= value != INVALID:
            struct.pack_into(order, out, offset, (value + seconds) & 0xFFFFFFFF)
    for start, offset in layout.crcs:
        struct.pack_into("<H", out, offset, compute_crc(out, start=start, end=offset))
    return bytes(out)
