"""Distinct copies of a real FIT activity: every date-time field moved by whole days.

A history benchmark needs thousands of different activities, not one file thousands of times
(the importer skips a file it has seen, and merges an activity that covers the same time).
`shifted(data, days)` moves the timestamps of every message, a session's and lap's start time,
the file's creation time and the activity's local time by `days` days and writes the file CRC
again, so the copy has other bytes, another sha256 and another start, and decodes like the
original (compressed-timestamp records stay right: a day is a multiple of their 32 s window).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

DAY_S = 86_400
INVALID = 0xFFFFFFFF
TIMESTAMP = 253
# (global message number, field number) of other date_time fields: file_id.time_created,
# session/lap.start_time, activity.local_timestamp.
DATE_FIELDS = {(0, 4), (18, 2), (19, 2), (34, 5)}


def _crc_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return table


CRC_TABLE = _crc_table()


def fit_crc(data: bytes | memoryview) -> int:
    """The FIT file CRC (CRC-16/ARC)."""
    crc, table = 0, CRC_TABLE
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


@dataclass(frozen=True, slots=True)
class Layout:
    """Where a FIT file keeps its date-time values: byte offsets, little- and big-endian."""

    end: int  # where the records end (the file CRC follows)
    little: np.ndarray
    big: np.ndarray


def layout(data: bytes) -> Layout:
    """Walk the records of a single FIT file (no chained files); ValueError if it is not one."""
    header_size, data_size = data[0], struct.unpack_from("<I", data, 4)[0]
    if data[8:12] != b".FIT" or header_size + data_size + 2 != len(data):
        raise ValueError("not a single FIT file")
    definitions: dict[int, tuple[int, list[tuple[int, bool]], int]] = {}
    little: list[int] = []
    big: list[int] = []
    at, end = header_size, header_size + data_size
    while at < end:
        head = data[at]
        at += 1
        if head & 0x80 or not head & 0x40:  # a data message (compressed timestamp or normal)
            local = (head >> 5) & 0x03 if head & 0x80 else head & 0x0F
            _global, dates, size = definitions[local]
            for offset, is_big in dates:
                (big if is_big else little).append(at + offset)
            at += size
            continue
        is_big, number, count = data[at + 1] == 1, data[at + 2 : at + 4], data[at + 4]
        global_number = struct.unpack(">H" if is_big else "<H", number)[0]
        at += 5
        dates, size = [], 0
        for i in range(count):
            field, field_size = data[at + 3 * i], data[at + 3 * i + 1]
            dated = field == TIMESTAMP or (global_number, field) in DATE_FIELDS
            if dated and field_size == 4:
                dates.append((size, is_big))
            size += field_size
        at += 3 * count
        if head & 0x20:  # developer fields
            developer = data[at]
            size += sum(data[at + 1 + 3 * i + 1] for i in range(developer))
            at += 1 + 3 * developer
        definitions[head & 0x0F] = (global_number, dates, size)
    return Layout(end, np.array(little, dtype=np.int64), np.array(big, dtype=np.int64))


def shifted(data: bytes, where: Layout, days: int) -> bytes:
    """A copy of the file with every date-time value `days` later and its CRC written again."""
    out = np.frombuffer(data, dtype=np.uint8).copy()
    for offsets, order in ((where.little, "<u4"), (where.big, ">u4")):
        if not len(offsets):
            continue
        index = offsets[:, None] + np.arange(4)
        values = out[index].copy().view(order).ravel()
        later = (values.astype(np.int64) + days * DAY_S).astype(order)  # days may be < 0
        moved = np.where(values == INVALID, values, later).astype(order)
        out[index] = moved.view(np.uint8).reshape(-1, 4)
    body = out.tobytes()
    return body[: where.end] + struct.pack("<H", fit_crc(memoryview(body)[: where.end]))
