"""The FIT file header: what tells a FIT file from any other bytes, and the FIT CRC. Pure:
stdlib and numpy.

A FIT file starts with a 12- or 14-byte header (its size in byte 0) holding the ASCII
signature ".FIT" at bytes 8–11 (Garmin's FIT protocol, "File Header"). Whatever reads or
writes FIT — the upload sniffing, the parsers, the export-archive readers, the workout
export — checks or writes it through here, never by a file's name.
"""

from __future__ import annotations

from functools import cache

import numpy as np

FIT_SIGNATURE = b".FIT"
FIT_HEADER_SIZES = (12, 14)
SHORT_CRC_BYTES = 256  # up to this size a byte-table loop beats numpy


def is_fit(data: bytes) -> bool:
    """A FIT header: its size (12 or 14) in byte 0 and ".FIT" at bytes 8–11."""
    return len(data) >= 12 and data[0] in FIT_HEADER_SIZES and data[8:12] == FIT_SIGNATURE


_CRC_NIBBLES = (
    0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
    0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
)  # fmt: skip


def _byte_step(crc: int, byte: int) -> int:
    """The FIT SDK's CRC-16 (CRC-16/ARC) over one byte."""
    for nibble in (byte & 0xF, byte >> 4):
        crc = (crc >> 4) ^ _CRC_NIBBLES[crc & 0xF] ^ _CRC_NIBBLES[nibble]
    return crc


@cache
def _crc_table() -> np.ndarray:
    return np.array([_byte_step(value, 0) for value in range(256)], dtype=np.uint16)


def fit_crc(data: bytes) -> int:
    """The FIT CRC (CRC-16/ARC, the FIT SDK's) of `data`, computed column-wise by numpy: the
    bytes are cut into about √n chunks of √n bytes, every chunk's CRC advances one byte per
    numpy step, then the chunk CRCs are chained (CRC(A + B) = A's CRC carried over len(B)
    zero bytes, XOR CRC(B)). Short inputs (a header) take the byte table directly."""
    table = _crc_table()
    if len(data) <= SHORT_CRC_BYTES:
        crc = 0
        for byte in data:
            crc = (crc >> 8) ^ int(table[(crc ^ byte) & 0xFF])
        return crc
    width = int(len(data) ** 0.5)
    padding = -len(data) % width  # leading zero bytes leave a CRC starting at 0 at 0
    block = np.frombuffer(b"\0" * padding + bytes(data), dtype=np.uint8).reshape(-1, width)
    crcs = np.zeros(block.shape[0], dtype=np.uint16)
    for column in np.ascontiguousarray(block.T).astype(np.uint16):
        crcs = (crcs >> 8) ^ table[(crcs ^ column) & 0xFF]
    low, high = _zero_tables(width)
    crc = 0
    for chunk in crcs.tolist():
        crc = low[crc & 0xFF] ^ high[crc >> 8] ^ chunk
    return crc


def _zero_tables(count: int) -> tuple[list[int], list[int]]:
    """The CRC state carried over `count` zero bytes, as one table per state byte (from the
    images of the 16 state bits: a value's image is the XOR of its set bits' images)."""
    images = np.array([zero_advanced(1 << bit, count) for bit in range(16)], dtype=np.uint16)
    values = np.arange(256)
    bits = (values[:, None] >> np.arange(8)) & 1
    low = np.bitwise_xor.reduce(bits * images[:8], axis=1)
    high = np.bitwise_xor.reduce(bits * images[8:], axis=1)
    return low.tolist(), high.tolist()


def zero_advanced(crc: int, count: int) -> int:
    """The CRC state `crc` carried over `count` zero bytes, in O(log count): the step over a
    zero byte is linear in the 16 state bits, so its powers of two are 16-column matrices."""
    power = 0
    while count and crc:
        if count & 1:
            crc = _apply(_zero_power(power), crc)
        count >>= 1
        power += 1
    return crc


@cache
def _zero_power(power: int) -> tuple[int, ...]:
    """Images of the 16 state bits over 2**power zero bytes."""
    if power == 0:
        return tuple(_byte_step(1 << bit, 0) for bit in range(16))
    half = _zero_power(power - 1)
    return tuple(_apply(half, image) for image in half)


def _apply(images: tuple[int, ...], crc: int) -> int:
    result = 0
    for bit in range(16):
        if crc >> bit & 1:
            result ^= images[bit]
    return result
