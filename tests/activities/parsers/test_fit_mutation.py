"""Mutated FIT files: `parse_fit` returns activities or raises RejectedFile — nothing else.

Bit flips, truncation, byte insertions and deletions, header and data-size corruption, CRC
changes and combinations of them, built from small corpus files (an Edge, a Fenix, a Wahoo,
two pool swims, a relative-time Forerunner…). Hypothesis runs derandomized: the same 2,400
files on every run, in CI too (it needs only PACELINE_CORPUS).
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities.parsers.fit import parse_fit
from activities.types import NormalizedActivity, RejectedFile

pytestmark = pytest.mark.corpus

SMALL_FILES = (
    "fitparse__garmin-edge-820-bike.fit",
    "fitparse__garmin-fenix-5-run.fit",
    "fitparse__elemnt-bolt-no-application-id-inside-developer-data-id.fit",
    "sportslib__swim_6021532030.fit",
    "sportslib__swim_7617306288.fit",  # header CRC 0
    "fitparse__antfs-dump.63.fit",  # compressed timestamps, relative dates
    "tormoder__misc_unterminated-strings.fit",
    "garth__12129115726_ACTIVITY.fit",
)
EXAMPLES = 2400


def _flip_bits(data: bytearray, draw: st.DrawFn) -> None:
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data) - 1))
        data[at] ^= 1 << draw(st.integers(0, 7))


def _truncate(data: bytearray, draw: st.DrawFn) -> None:
    del data[draw(st.integers(0, len(data) - 1)) :]


def _insert(data: bytearray, draw: st.DrawFn) -> None:
    at = draw(st.integers(0, len(data)))
    data[at:at] = draw(st.binary(min_size=1, max_size=16))


def _delete(data: bytearray, draw: st.DrawFn) -> None:
    at = draw(st.integers(0, len(data) - 1))
    del data[at : at + draw(st.integers(1, 16))]


def _corrupt_header(data: bytearray, draw: st.DrawFn) -> None:
    if len(data) < 14:
        return
    field = draw(st.sampled_from(["size", "protocol", "data_size", "header_crc"]))
    if field == "size":
        data[0] = draw(st.sampled_from([0, 1, 11, 13, 15, 255]))
    elif field == "protocol":
        data[1] = draw(st.integers(0, 255))
    elif field == "data_size":
        data[4:8] = struct.pack("<I", draw(st.integers(0, 2**32 - 1)))
    else:
        data[12:14] = struct.pack("<H", draw(st.integers(0, 65535)))


def _change_crc(data: bytearray, draw: st.DrawFn) -> None:
    if len(data) >= 2:
        data[-2:] = struct.pack("<H", draw(st.integers(0, 65535)))


MUTATIONS = (_flip_bits, _truncate, _insert, _delete, _corrupt_header, _change_crc)


@st.composite
def mutated_fit(draw: st.DrawFn, originals: dict[str, bytes]) -> bytes:
    data = bytearray(originals[draw(st.sampled_from(sorted(originals)))])
    for mutate in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=3)):
        if data:
            mutate(data, draw)
    return bytes(data)


def test_mutated_fit_files_parse_or_are_rejected_and_nothing_else(corpus: Path) -> None:
    originals = {name: (corpus / "fit" / name).read_bytes() for name in SMALL_FILES}
    outcomes = {"parsed": 0, "recovered": 0, "rejected": 0}

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(mutated_fit(originals))
    def check(data: bytes) -> None:
        try:
            result = parse_fit(data)
        except RejectedFile as rejected:
            assert isinstance(rejected.reason, str) and rejected.reason
            outcomes["rejected"] += 1
            return
        assert isinstance(result, list) and result
        assert all(isinstance(activity, NormalizedActivity) for activity in result)
        outcomes["recovered" if any(a.recovered for a in result) else "parsed"] += 1

    check()
    assert sum(outcomes.values()) >= 2000
    # The mix is varied: some mutations are harmless, many are salvaged, many rejected.
    assert outcomes["recovered"] > 200 and outcomes["rejected"] > 200, outcomes
