"""The export bench's copies are distinct activities that decode like the recording they copy."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from activities.parsers import parse_file
from bench.fit_shift import fit_crc, layout, shifted

pytestmark = pytest.mark.corpus


@pytest.mark.parametrize(
    "name",
    ["sportslib__rides_5319808632.fit",  # little-endian messages
     "sportslib__runs_6914538454.fit"],  # big-endian messages
)  # fmt: skip
def test_a_copy_is_another_file_whose_activity_starts_days_later(corpus: Path, name: str) -> None:
    data = (corpus / "fit" / name).read_bytes()
    where = layout(data)

    copy = shifted(data, where, 400)

    original, moved = parse_file(data, name), parse_file(copy, name)
    assert hashlib.sha256(copy).digest() != hashlib.sha256(data).digest()
    assert int.from_bytes(copy[-2:], "little") == fit_crc(copy[:-2])  # a valid file CRC
    assert moved[0].started_at - original[0].started_at == dt.timedelta(days=400)
    assert moved[0].ended_at - original[0].ended_at == dt.timedelta(days=400)
    assert list(moved[0].streams.time_s) == list(original[0].streams.time_s)
    assert moved[0].summary == original[0].summary
