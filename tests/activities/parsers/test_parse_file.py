"""parse_file: format detection by content (gzip magic, FIT header, XML root), never by name."""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activities.parsers import gunzip, parse_file
from activities.types import RejectedFile
from core.fit import is_fit
from core.sports import Sport

GPX = b"""<?xml version="1.0"?>
<gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1"><trk><type>running</type>
<trkseg><trkpt lat="45.0" lon="6.0"><time>2024-05-01T06:00:00Z</time></trkpt>
<trkpt lat="45.001" lon="6.0"><time>2024-05-01T06:00:10Z</time></trkpt></trkseg></trk></gpx>"""
FIT_RUN = "fit/sportslib__runs_6782987395.fit"


def test_gpx_is_found_by_its_root_element_whatever_the_name() -> None:
    (activity,) = parse_file(GPX, "notes.txt")

    assert activity.sport == Sport.RUN
    assert len(activity.streams) == 2


def test_gzipped_gpx_is_decompressed_first() -> None:
    (activity,) = parse_file(gzip.compress(GPX), "track.gpx.gz")

    assert activity.sport == Sport.RUN


def test_gzipped_tcx_from_the_corpus_is_read(corpus: Path) -> None:
    data = gzip.compress((corpus / "tcx_gpx" / "tcxparser__test.tcx").read_bytes())

    (activity,) = parse_file(data, "anything.bin")

    assert len(activity.streams) == 384


def test_leading_blank_lines_and_byte_order_mark_are_tolerated() -> None:
    (activity,) = parse_file(b"\xef\xbb\xbf\n\n  " + GPX, "track.gpx")

    assert activity.sport == Sport.RUN


def test_gzipped_fit_goes_to_the_fit_parser(corpus: Path) -> None:
    fit = pytest.importorskip("activities.parsers.fit")
    data = (corpus / FIT_RUN).read_bytes()

    sessions = parse_file(gzip.compress(data), "activity.fit.gz")

    assert is_fit(data)
    assert [s.started_at for s in sessions] == [s.started_at for s in fit.parse_fit(data)]


def test_html_named_fit_is_not_an_activity_file() -> None:
    page = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body></body></html>"

    with pytest.raises(RejectedFile, match=r"not an activity file \(FIT, TCX or GPX\)"):
        parse_file(page, "activity.fit")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        random.Random(7).randbytes(2048),
        b"\x1f\x8b" + random.Random(8).randbytes(64),
        b"just some text",
        b"<kml></kml>",
    ],
    ids=["empty", "random", "broken-gzip", "text", "other-xml"],
)
def test_unusable_bytes_are_rejected(data: bytes) -> None:
    with pytest.raises(RejectedFile):
        parse_file(data, "upload.fit")


def test_hostile_xml_is_rejected_by_parse_file() -> None:
    data = b"""<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><gpx>&b;</gpx>"""

    with pytest.raises(RejectedFile, match="unsafe XML"):
        parse_file(data, "bomb.gpx")


def test_gunzip_refuses_content_beyond_the_limit() -> None:
    bomb = gzip.compress(b"\0" * 100_000)

    assert len(gunzip(bomb, max_bytes=100_000)) == 100_000
    with pytest.raises(RejectedFile, match="decompresses to more than"):
        gunzip(bomb, max_bytes=99_999)


def test_gunzip_reads_every_member_of_a_concatenated_file() -> None:
    assert gunzip(gzip.compress(b"abc") + gzip.compress(b"def")) == b"abcdef"


@settings(max_examples=150, deadline=None)
@given(cut=st.integers(min_value=0, max_value=len(GPX)), junk=st.binary(max_size=40))
def test_damaged_xml_is_either_read_or_rejected_never_a_crash(cut: int, junk: bytes) -> None:
    data = GPX[:cut] + junk + GPX[cut + len(junk) :]
    try:
        result = parse_file(data, "x.gpx")
    except RejectedFile as rejected:
        assert rejected.reason
    else:
        assert all(len(activity.streams) >= 1 for activity in result)


def test_every_corpus_tcx_and_gpx_file_parses_or_is_rejected_with_a_reason(corpus: Path) -> None:
    files = sorted((corpus / "tcx_gpx").glob("*.*"))
    assert len(files) >= 10
    for path in files:
        try:
            activities = parse_file(path.read_bytes(), path.name)
        except RejectedFile as rejected:
            assert rejected.reason, path.name
        else:
            assert activities, f"{path.name}: parsed to no activity"
            assert all(a.started_at.tzinfo is not None for a in activities), path.name
