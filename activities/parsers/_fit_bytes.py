"""FIT bytes rewritten for fitfast: header CRCs filled in, and a copy without record messages.

Two reasons fitfast would otherwise be slow or refuse good files:

- A header CRC of 0 means "not computed" (FIT spec), but fitfast checks the file CRC over the
  data alone (which equals the spec's header + data only when the header carries its own
  CRC: a CRC appended to its bytes brings the state back to 0). `with_header_crcs` writes the
  header CRC into a copy and moves the file CRC by the header's share, with CRC linearity:
  the stored CRC is shifted, never recomputed, so a file whose CRC was wrong stays wrong and
  fitfast still refuses it (the damage then reported is fitdecode's, as before).
- `fitfast.parse` builds a Python dict for every message, records included, though records are
  read as columns by `fitfast.records`. `without_records` walks the messages and keeps only the
  definitions and the message kinds the caller reads: `parse` of that copy costs almost
  nothing. Runs of records of one size are skipped with numpy (one header byte every `size`
  bytes), so Python touches only the other messages.

Both return None (or the input) for anything they do not fully understand: the caller then
decodes the original bytes. Pure: no Django.
"""

from __future__ import annotations

import struct

import numpy as np

from core.fit import FIT_SIGNATURE, fit_crc, zero_advanced

RECORD = 20
STREAK = 8  # records of one kind in a row before numpy skips the rest of the run
# Kept by `without_records` beside the caller's kinds: the developer field descriptions that
# data messages with developer fields are read with.
DEVELOPER_MESSAGES = frozenset({206, 207})  # field_description, developer_data_id


def _parts(data: bytes) -> list[tuple[int, int, int]] | None:
    """(start, header size, data size) of each chained part, or None when the bytes are not a
    sequence of whole FIT parts."""
    parts = []
    start = 0
    while start < len(data):
        if len(data) - start < 12 or data[start + 8 : start + 12] != FIT_SIGNATURE:
            return None
        header_size = data[start]
        (data_size,) = struct.unpack_from("<I", data, start + 4)
        end = start + header_size + data_size + 2
        if header_size < 12 or end > len(data):
            return None
        parts.append((start, header_size, data_size))
        start = end
    return parts


def with_header_crcs(data: bytes) -> bytes:
    """`data` with every zero header CRC filled in and each such part's file CRC shifted to
    match (see the module docstring); `data` itself when there is nothing to fill in."""
    parts = _parts(data)
    if not parts:
        return data
    fixed: bytearray | None = None
    for start, header_size, data_size in parts:
        if header_size < 14 or data[start + 12 : start + 14] != b"\0\0":
            continue
        fixed = fixed if fixed is not None else bytearray(data)
        header = data[start : start + 12]
        header_share = zero_advanced(fit_crc(header + b"\0\0"), data_size)
        crc_at = start + header_size + data_size
        (stored,) = struct.unpack_from("<H", data, crc_at)
        struct.pack_into("<H", fixed, start + 12, fit_crc(header))
        struct.pack_into("<H", fixed, crc_at, stored ^ header_share)
    return data if fixed is None else bytes(fixed)


def without_records(data: bytes, keep: frozenset[int]) -> bytes | None:
    """A valid FIT file holding the definitions and the data messages of `data` whose global
    numbers are in `keep` (each part kept as a part), or None when a part cannot be walked
    exactly or a kept message has a compressed timestamp header (its time depends on the
    records left out)."""
    parts = _parts(data)
    if not parts:
        return None
    view = np.frombuffer(data, dtype=np.uint8)
    out = bytearray()
    for start, header_size, data_size in parts:
        body = start + header_size
        kept = _kept_messages(data, view, body, body + data_size, keep | DEVELOPER_MESSAGES)
        if kept is None:
            return None
        header = bytearray(data[start : start + 12])
        header[0] = 14
        struct.pack_into("<I", header, 4, len(kept))
        header += struct.pack("<H", fit_crc(bytes(header)))
        out += header
        out += kept
        out += struct.pack("<H", fit_crc(bytes(kept)))  # after a header with its CRC: data only
    return bytes(out)


def _kept_messages(
    data: bytes, view: np.ndarray, position: int, end: int, keep: frozenset[int]
) -> bytearray | None:
    """The definitions and kept data messages between `position` and `end`, or None.

    Records are stepped over one by one (devices often alternate two record definitions);
    after STREAK records of one local type in a row, the rest of the run is skipped by numpy.
    """
    kept = bytearray()
    sizes: dict[int, tuple[int, int]] = {}  # local type → (global number, message bytes)
    previous, streak = -1, 0  # local type of the last record stepped over, run length
    while position < end:
        header = data[position]
        if header & 0xC0 == 0x40:  # definition
            length, number, size = _definition(data, position, end)
            if length <= 0:
                return None
            sizes[header & 0x0F] = (number, size)
            kept += data[position : position + length]
            position += length
            previous = -1
            continue
        compressed = header & 0x80  # compressed timestamp header: local type 0-3
        local = header >> 5 & 0x3 if compressed else header & 0x0F
        entry = sizes.get(local)
        if entry is None:
            return None
        number, size = entry
        if position + size > end:
            return None
        if number == RECORD:
            streak = streak + 1 if local == previous else 1
            previous = local
            if streak >= STREAK:
                position += size * max(1, _record_run(view, position, end, size, local))
                previous = -1
            else:
                position += size
            continue
        previous = -1
        if number in keep:
            if compressed:
                return None  # its time counts from the records' times
            kept += data[position : position + size]
        position += size
    return kept if position == end else None


def _definition(data: bytes, position: int, end: int) -> tuple[int, int, int]:
    """(definition length, global number, data message length incl. its header byte);
    length 0 when the definition runs past `end`."""
    if position + 6 > end:
        return 0, 0, 0
    big_endian = data[position + 2] == 1
    (number,) = struct.unpack_from(">H" if big_endian else "<H", data, position + 3)
    fields = data[position + 5]
    length = 6 + 3 * fields
    if position + length > end:
        return 0, 0, 0
    size = 1 + sum(data[position + 7 : position + length : 3])
    if data[position] & 0x20:  # developer fields follow
        if position + length + 1 > end:
            return 0, 0, 0
        developer = data[position + length]
        first = position + length + 1
        length += 1 + 3 * developer
        if position + length > end:
            return 0, 0, 0
        size += sum(data[first + 1 : position + length : 3])
    return length, number, size


def _record_run(view: np.ndarray, position: int, end: int, size: int, local: int) -> int:
    """How many record messages of `size` bytes and local type `local` follow one another
    from `position` (at least the one there): the header byte every `size` bytes is checked,
    in windows that grow, by numpy."""
    whole = (end - position) // size
    headers = view[position : position + whole * size : size]
    run, window = 0, 64
    while run < whole:
        chunk = headers[run : run + window]
        normal = ((chunk & 0xC0) == 0) & ((chunk & 0x0F) == local)
        compressed = ((chunk & 0x80) != 0) & (((chunk >> 5) & 0x3) == local)
        same = normal | compressed
        if not same.all():
            return run + int(np.argmin(same))
        run += chunk.shape[0]
        window *= 4
    return run
