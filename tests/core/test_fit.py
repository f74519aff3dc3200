"""The FIT header check: size byte and signature, read from the bytes only (pure)."""

from __future__ import annotations

import pytest

from core.fit import FIT_SIGNATURE, is_fit

HEADER_14 = b"\x0e\x10\x00\x00\x00\x00\x00\x00.FIT\x00\x00"
HEADER_12 = b"\x0c\x10\x00\x00\x00\x00\x00\x00.FIT"


def test_fit_header_needs_its_signature_at_bytes_8_to_11() -> None:
    assert is_fit(HEADER_14)
    assert not is_fit(b"\x0e\x10\x00\x00\x00\x00\x00\x00.GPX\x00\x00")
    assert not is_fit(b"\x0e\x10")


def test_a_12_byte_header_is_a_fit_header_too() -> None:
    assert is_fit(HEADER_12)
    assert is_fit(HEADER_12 + b"records follow")


@pytest.mark.parametrize("size", [0, 11, 13, 15, 64])
def test_a_header_of_another_size_is_not_fit(size: int) -> None:
    assert not is_fit(bytes([size]) + HEADER_14[1:])


def test_nothing_or_text_is_not_fit() -> None:
    assert not is_fit(b"")
    assert not is_fit(b"hello, this is not a FIT file at all")
    assert FIT_SIGNATURE == b".FIT"
