"""FIT bytes rewritten for fitfast: the CRC, zero header CRCs filled in, a copy without records."""

from __future__ import annotations

import random
import struct
from pathlib import Path

import fitfast
import pytest
from fitdecode.utils import compute_crc

from activities.parsers import _fit_bytes
from activities.parsers._fit_decoders import DECODERS, MESSAGE_NUMBERS, MESSAGES, DecoderError
from activities.parsers.fit import parse_fit
from core.fit import fit_crc, zero_advanced

ZERO_HEADER_CRC_FILES = (
    "fitparse__2015-10-13-08-43-15.fit",
    "fitparse__Edge810-Vector-2013-08-16-15-35-10.fit",
    "fitparse__sample-activity-indoor-trainer.fit",
    "sportslib__rides_614953343.fit",
    "sportslib__rides_828989227.fit",
    "sportslib__swim_7617306288.fit",
)


def corpus_files(corpus: Path) -> list[tuple[str, bytes]]:
    return [(path.name, path.read_bytes()) for path in sorted((corpus / "fit").glob("*.fit"))]


def fit_of(body: bytes) -> bytes:
    """One FIT part around `body`: a 14-byte header with its CRC, the body, the file CRC."""
    header = bytearray(b"\x0e\x20\x00\x00\x00\x00\x00\x00.FIT")
    struct.pack_into("<I", header, 4, len(body))
    header += struct.pack("<H", compute_crc(bytes(header)))
    return bytes(header) + body + struct.pack("<H", compute_crc(body))


@pytest.mark.parametrize("size", [1, 2, 15, 16, 17, 255, 256, 1000, 4099, 70_001])
def test_crc16_is_the_fit_sdk_crc(size: int) -> None:
    data = random.Random(size).randbytes(size)
    assert fit_crc(data) == compute_crc(data)


@pytest.mark.parametrize("zeros", [0, 1, 2, 3, 64, 1000, 123_457])
def test_a_crc_carried_over_zero_bytes_is_the_crc_of_the_bytes_with_those_zeros(zeros: int) -> None:
    data = random.Random(zeros).randbytes(37)
    assert zero_advanced(compute_crc(data), zeros) == compute_crc(data + bytes(zeros))


@pytest.mark.corpus
@pytest.mark.parametrize("name", ZERO_HEADER_CRC_FILES)
def test_a_zero_header_crc_is_filled_in_and_the_file_crc_moved_to_match(
    corpus: Path, name: str
) -> None:
    data = (corpus / "fit" / name).read_bytes()
    assert data[12:14] == b"\x00\x00"
    fixed = _fit_bytes.with_header_crcs(data)
    assert fixed[12:14] == struct.pack("<H", compute_crc(data[:12]))
    assert fixed[14:-2] == data[14:-2]
    assert compute_crc(fixed[14:-2]) == struct.unpack("<H", fixed[-2:])[0]
    assert fitfast.count(fixed)[0] > 0  # read to the end, both CRCs checked
    assert DECODERS["fitfast"](data).damage == ""


@pytest.mark.corpus
def test_a_file_with_its_own_header_crc_is_left_as_it_is(corpus: Path) -> None:
    data = (corpus / "fit" / "sportslib__runs_6914448270.fit").read_bytes()
    assert _fit_bytes.with_header_crcs(data) is data


@pytest.mark.corpus
def test_a_zero_header_crc_file_with_a_wrong_file_crc_is_still_damaged(corpus: Path) -> None:
    """The file CRC is shifted, never recomputed: a wrong one stays wrong, fitfast refuses the
    file and fitdecode reports the mismatch, as before."""
    broken = bytearray((corpus / "fit" / "sportslib__swim_7617306288.fit").read_bytes())
    broken[-1] ^= 0xFF
    with pytest.raises(DecoderError, match="checksum mismatch"):
        DECODERS["fitfast"](bytes(broken))
    (swim,) = parse_fit(bytes(broken))
    assert swim.recovered
    assert "Recovered from a damaged file: checksum mismatch" in swim.warnings


@pytest.mark.corpus
def test_a_zero_header_crc_left_out_of_the_file_crc_still_reads_with_fitfast(
    corpus: Path,
) -> None:
    """A writer that zeroes the header CRC and computes the file CRC over the data alone:
    the filled-in copy fails, the original bytes are read as fitfast reads them."""
    data = bytearray((corpus / "fit" / "sportslib__runs_6914448270.fit").read_bytes())
    data[12:14] = b"\x00\x00"
    decoded = DECODERS["fitfast"](bytes(data))
    assert decoded.damage == ""
    assert decoded.record_count() == 20408


@pytest.mark.corpus
def test_messages_read_without_the_records_equal_a_full_parse(corpus: Path) -> None:
    """Every corpus file fitfast reads: the copy without records gives the same messages."""
    compared = 0
    for name, data in corpus_files(corpus):
        readable = _fit_bytes.with_header_crcs(data)
        try:
            full = fitfast.parse(readable, enum_names=True, datetimes=False)
        except fitfast.FitDecodeError:
            continue
        summary = _fit_bytes.without_records(readable, MESSAGE_NUMBERS)
        assert summary is not None, name
        parsed = fitfast.parse(summary, enum_names=True, datetimes=False)
        assert "record" not in parsed, name
        wanted = {kind: rows for kind, rows in full.items() if kind in MESSAGES}
        assert {kind: rows for kind, rows in parsed.items() if kind in MESSAGES} == wanted, name
        assert len(summary) < len(data), name
        compared += 1
    assert compared == 45


def test_a_kept_message_with_a_compressed_timestamp_is_read_from_the_whole_file() -> None:
    """Its time counts from the last full timestamp, a record's: no copy without records."""
    record_definition = b"\x41\x00\x00\x14\x00\x01" + bytes([253, 4, 0x86])
    record = b"\x01" + struct.pack("<I", 1_000_000_000)
    event_definition = b"\x40\x00\x00\x15\x00\x02" + bytes([0, 1, 0x00, 1, 1, 0x00])
    event = bytes([0x80 | 5, 0, 0])  # local 0, 5 s after the record, timer start
    data = fit_of(record_definition + record + event_definition + event)
    assert _fit_bytes.without_records(data, MESSAGE_NUMBERS) is None
    (event_message,) = DECODERS["fitfast"](data).of("event")
    assert event_message["timestamp"] == 1_000_000_005 + 631065600


def test_every_message_kind_we_read_is_kept_in_the_copy_without_records() -> None:
    assert len(MESSAGE_NUMBERS) == len(MESSAGES)
    assert 20 not in MESSAGE_NUMBERS  # record


def test_bytes_that_are_not_whole_fit_parts_give_no_copy() -> None:
    data = fit_of(b"\x40\x00\x00\x15\x00\x01" + bytes([0, 1, 0x00]) + b"\x00\x00")
    assert _fit_bytes.without_records(data, MESSAGE_NUMBERS) is not None
    assert _fit_bytes.without_records(data[:-3], MESSAGE_NUMBERS) is None  # truncated
    assert _fit_bytes.without_records(data + b"\x00", MESSAGE_NUMBERS) is None  # trailing byte
    assert (
        _fit_bytes.without_records(fit_of(b"\x03\x00"), MESSAGE_NUMBERS) is None
    )  # no definition for it
