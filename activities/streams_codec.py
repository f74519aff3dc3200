"""Streams ↔ one compact blob (the `Streams.data` column). Pure: numpy and the standard library.

Format, version 1 (all integers little-endian):

    header  "PLSC" | version u8 | compression u8 (1 = zlib) | sample count u32 | channel bits u16
    body    zlib (level 3) of, for each present channel in `CHANNELS` order:
            flags u8 (bit 0: NaN mask follows; bits 1–2: delta order 1 or 2) |
            width u8 (bytes per residual: 1, 2, 4 or 8) | finite count u32 |
            order × i64 heads | [mask: packed bits, 1 = finite] | residuals, byte planes

Each channel is quantised to integers at a fixed resolution (`RESOLUTION`: time 1 ms, HR 1 bpm,
power 1 W, cadence 0.1, speed 1 mm/s, distance 1 cm, altitude 1 cm, lat/lon 1e-7°,
temperature 0.1 °C), so decoding returns every value within half a step. Only finite samples are
stored, their positions in the NaN mask; ±inf, and values beyond ±2^53 steps, are stored as NaN.
The finite values are differenced once or twice (whichever leaves smaller residuals), zig-zag
mapped to unsigned, narrowed to the smallest width that holds them and split into byte planes
(low bytes, then high bytes…) so that zlib sees long runs. Foreign or damaged blobs raise
ValueError.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from activities.types import FloatArray, Streams

CODEC_VERSION = 1
MAGIC = b"PLSC"
ZLIB = 1
ZLIB_LEVEL = 3  # on the corpus: 4 % larger than level 6, 4× faster to write (any level decodes)
# Channel order and bit positions of version 1: never reorder, only append (with a new version).
CHANNELS: tuple[str, ...] = (
    "time_s",
    "hr_bpm",
    "power_w",
    "cadence_spm",
    "speed_mps",
    "distance_m",
    "altitude_m",
    "lat_deg",
    "lon_deg",
    "temperature_c",
)
# Integer steps per unit: the stored resolution is 1 / RESOLUTION[channel].
RESOLUTION: dict[str, float] = {
    "time_s": 1000.0,  # 1 ms
    "hr_bpm": 1.0,
    "power_w": 1.0,
    "cadence_spm": 10.0,
    "speed_mps": 1000.0,  # 1 mm/s
    "distance_m": 100.0,  # 1 cm
    "altitude_m": 100.0,  # 1 cm
    "lat_deg": 1e7,
    "lon_deg": 1e7,
    "temperature_c": 10.0,
}
_HEADER = struct.Struct("<4sBBIH")
_CHANNEL_HEAD = struct.Struct("<BBI")
_LIMIT = float(2**53)
_UNSIGNED: dict[int, np.dtype[Any]] = {width: np.dtype(f"<u{width}") for width in (1, 2, 4, 8)}

IntArray = NDArray[np.int64]


def encode_streams(streams: Streams) -> bytes:
    """The streams as one compressed, versioned blob (see the module docstring)."""
    count = len(streams)
    columns = {name: getattr(streams, name) for name in CHANNELS}
    present = [name for name in CHANNELS if columns[name] is not None]
    bits = sum(1 << CHANNELS.index(name) for name in present)
    parts: list[bytes] = []
    for name in present:
        column = np.asarray(columns[name], dtype=np.float64)
        if column.shape != (count,):
            raise ValueError(f"channel {name} has {column.shape} samples, expected ({count},)")
        parts.append(_encode_channel(column, RESOLUTION[name]))
    body = zlib.compress(b"".join(parts), ZLIB_LEVEL)
    return _HEADER.pack(MAGIC, CODEC_VERSION, ZLIB, count, bits) + body


def decode_streams(data: bytes) -> Streams:
    """Streams back from `encode_streams` output; ValueError for anything else."""
    count, bits = _read_header(data)
    names = [name for index, name in enumerate(CHANNELS) if bits >> index & 1]
    body = _decompress(data[_HEADER.size :], _body_bound(count, len(names)))
    reader = _Reader(body)
    columns = {name: _decode_channel(reader, count, RESOLUTION[name]) for name in names}
    if reader.offset != len(body):
        raise ValueError("not a Paceline streams blob: unexpected bytes after the last channel")
    time_s = columns.pop("time_s", None)
    if time_s is None:
        raise ValueError("not a Paceline streams blob: no time channel")
    return Streams(time_s=time_s, **columns)


def _read_header(data: bytes) -> tuple[int, int]:
    """(sample count, channel bits) of a blob this version can read."""
    if len(data) < _HEADER.size or not data.startswith(MAGIC):
        raise ValueError("not a Paceline streams blob: bad magic")
    _magic, version, compression, count, bits = _HEADER.unpack_from(data)
    if version != CODEC_VERSION:
        raise ValueError(
            f"streams codec version {version} is not supported (this is {CODEC_VERSION})"
        )
    if compression != ZLIB:
        raise ValueError(f"not a Paceline streams blob: unknown compression {compression}")
    if bits >> len(CHANNELS):
        raise ValueError("not a Paceline streams blob: unknown channels")
    return count, bits


def _body_bound(count: int, channels: int) -> int:
    """The largest body `count` samples of `channels` channels can have (a zlib bomb guard)."""
    per_channel = _CHANNEL_HEAD.size + 2 * 8 + (count + 7) // 8 + 8 * count
    return channels * per_channel


def _decompress(body: bytes, bound: int) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(body, bound + 1)
    except zlib.error as error:
        raise ValueError(f"not a Paceline streams blob: damaged data ({error})") from error
    if len(out) > bound or not inflater.eof or inflater.unused_data:
        raise ValueError("not a Paceline streams blob: damaged or oversized data")
    return out


# --- one channel ------------------------------------------------------------------------------


def _encode_channel(column: FloatArray, steps_per_unit: float) -> bytes:
    scaled = np.rint(column * steps_per_unit)
    finite = np.isfinite(scaled) & (np.abs(scaled) <= _LIMIT)
    values = scaled[finite].astype(np.int64)
    order, heads, residuals = _delta(values)
    zigzag = ((residuals << 1) ^ (residuals >> 63)).view(np.uint64)
    width = _width(int(zigzag.max()) if zigzag.size else 0)
    has_mask = not bool(finite.all())
    head = _CHANNEL_HEAD.pack(int(has_mask) | order << 1, width, int(values.size))
    mask = np.packbits(finite, bitorder="little").tobytes() if has_mask else b""
    planes = zigzag.astype(_UNSIGNED[width]).view(np.uint8).reshape(-1, width).T.tobytes()
    return head + np.asarray(heads, dtype="<i8").tobytes() + mask + planes


def _delta(values: IntArray) -> tuple[int, list[int], IntArray]:
    """(order, heads, residuals): first or second differences, whichever are smaller (L1)."""
    first = np.diff(values)
    second = np.diff(first)
    if values.size < 3 or np.abs(second).sum() >= np.abs(first).sum():
        order = min(1, int(values.size))
        return order, [int(v) for v in values[:order]], first if order else values
    return 2, [int(values[0]), int(first[0])], second


def _width(largest: int) -> int:
    """Bytes per residual: the smallest unsigned width that holds `largest`."""
    return next(width for width in (1, 2, 4, 8) if largest < 1 << (8 * width))


def _decode_channel(reader: _Reader, count: int, steps_per_unit: float) -> FloatArray:
    flags, width, finite_count = reader.unpack(_CHANNEL_HEAD)
    order = flags >> 1
    if flags > 5 or width not in _UNSIGNED or finite_count > count or order > min(2, finite_count):
        raise ValueError("not a Paceline streams blob: bad channel header")
    if order < min(1, finite_count):
        raise ValueError("not a Paceline streams blob: bad channel header")
    heads = np.frombuffer(reader.take(8 * order), dtype="<i8").astype(np.int64)
    finite = _mask(reader, count, finite_count) if flags & 1 else None
    if finite is None and finite_count != count:
        raise ValueError("not a Paceline streams blob: samples missing")
    raw = reader.take(width * (finite_count - order))
    planes = np.frombuffer(raw, dtype=np.uint8).reshape(width, -1).T.copy()
    zigzag = planes.view(_UNSIGNED[width]).reshape(-1).astype(np.uint64)
    values = (zigzag >> np.uint64(1)).view(np.int64) ^ -(zigzag & np.uint64(1)).view(np.int64)
    for head in heads[::-1]:
        values = np.cumsum(np.concatenate(([head], values)), dtype=np.int64)
    decoded = values.astype(np.float64) / steps_per_unit
    if finite is None:
        return decoded
    out = np.full(count, np.nan, dtype=np.float64)
    out[finite] = decoded
    return out


def _mask(reader: _Reader, count: int, finite_count: int) -> NDArray[np.bool_]:
    packed = np.frombuffer(reader.take((count + 7) // 8), dtype=np.uint8)
    finite = np.unpackbits(packed, count=count, bitorder="little").astype(bool)
    if int(finite.sum()) != finite_count:
        raise ValueError("not a Paceline streams blob: NaN mask does not match")
    return finite


@dataclass(slots=True)
class _Reader:
    """A cursor over the decompressed body; reading past its end is a ValueError."""

    data: bytes
    offset: int = 0

    def take(self, size: int) -> bytes:
        end = self.offset + size
        if size < 0 or end > len(self.data):
            raise ValueError("not a Paceline streams blob: truncated data")
        chunk, self.offset = self.data[self.offset : end], end
        return chunk

    def unpack(self, layout: struct.Struct) -> tuple[int, ...]:
        return tuple(layout.unpack(self.take(layout.size)))
