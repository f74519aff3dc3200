"""What kind of FIT file a recording is, from its first messages. Pure: no Django.

An export holds FIT files that are not activities (monitoring, sleep, settings); they are
skipped, not failed, so the file_id message's `type` is read without decoding the file.
"""

from __future__ import annotations

import struct

from core.fit import is_fit

FIT_ACTIVITY = 4  # file_id.type of an activity recording

# A local message layout: (global message number, [(field number, size)], data size).
Layout = tuple[int, list[tuple[int, int]], int]


def fit_file_type(data: bytes) -> int | None:
    """The `file_id.type` of a FIT file (4 = activity), or None if it cannot be found.

    Reads only the first messages: the file_id message comes first in valid files.
    """
    if not is_fit(data):
        return None
    pos = data[0]
    layouts: dict[int, Layout] = {}
    for _ in range(32):
        if pos >= len(data):
            return None
        header = data[pos]
        pos += 1
        if header & 0x80:  # compressed-timestamp data message
            local, is_definition = (header >> 5) & 0x03, False
        else:
            local, is_definition = header & 0x0F, bool(header & 0x40)
        if is_definition:
            pos, layouts[local] = _fit_definition(data, pos, developer=bool(header & 0x20))
            continue
        if local not in layouts:
            return None
        global_num, fields, size = layouts[local]
        if global_num == 0:
            return _fit_type_field(data, pos, fields)
        pos += size
    return None


def _fit_definition(data: bytes, pos: int, *, developer: bool) -> tuple[int, Layout]:
    little = data[pos + 1] == 0
    global_num: int = struct.unpack_from("<H" if little else ">H", data, pos + 2)[0]
    count = data[pos + 4]
    fields = [(data[pos + 5 + 3 * i], data[pos + 6 + 3 * i]) for i in range(count)]
    pos += 5 + 3 * count
    size = sum(s for _, s in fields)
    if developer:
        dev_count = data[pos]
        size += sum(data[pos + 2 + 3 * i] for i in range(dev_count))
        pos += 1 + 3 * dev_count
    return pos, (global_num, fields, size)


def _fit_type_field(data: bytes, pos: int, fields: list[tuple[int, int]]) -> int | None:
    for num, size in fields:
        if num == 0:
            value = data[pos]
            return None if value == 0xFF else value
        pos += size
    return None


def is_activity_fit(data: bytes) -> bool:
    """True unless the file's file_id says it is something else (monitoring, sleep, settings)."""
    kind = fit_file_type(data)
    return kind is None or kind == FIT_ACTIVITY
