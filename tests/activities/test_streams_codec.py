"""Streams codec: round trip within the stated resolution, size per hour, damaged blobs."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activities.parsers import parse_file
from activities.streams_codec import (
    CHANNELS,
    CODEC_VERSION,
    RESOLUTION,
    decode_streams,
    encode_streams,
)
from activities.types import Streams

# Plausible ranges per channel (the codec itself accepts anything finite up to 2^53 steps).
RANGES: dict[str, tuple[float, float]] = {
    "hr_bpm": (0, 250),
    "power_w": (0, 2500),
    "cadence_spm": (0, 250),
    "speed_mps": (0, 40),
    "distance_m": (0, 1e6),
    "altitude_m": (-500, 9000),
    "lat_deg": (-90, 90),
    "lon_deg": (-180, 180),
    "temperature_c": (-40, 60),
}


def assert_round_trip(original: Streams, decoded: Streams) -> None:
    """Same channels, same NaN positions, every value within half a resolution step."""
    assert decoded.present() == original.present()
    for name in CHANNELS:
        before, after = getattr(original, name), getattr(decoded, name)
        if before is None:
            assert after is None
            continue
        assert after.dtype == np.float64 and after.shape == before.shape
        missing = ~np.isfinite(before)
        assert np.array_equal(np.isnan(after), missing), name
        tolerance = 0.5 / RESOLUTION[name] + 1e-9 * np.abs(before[~missing])
        assert (np.abs(after[~missing] - before[~missing]) <= tolerance).all(), name


@st.composite
def streams(draw: st.DrawFn) -> Streams:
    count = draw(st.integers(min_value=0, max_value=300))
    steps = draw(st.lists(st.floats(0.001, 120), min_size=count, max_size=count))
    time_s = np.cumsum(np.asarray(steps, dtype=np.float64)) - (steps[0] if steps else 0)
    columns: dict[str, np.ndarray] = {}
    for name in draw(st.sets(st.sampled_from(Streams.CHANNELS))):
        low, high = RANGES[name]
        values = draw(
            st.lists(
                st.one_of(st.floats(low, high), st.just(float("nan"))),
                min_size=count,
                max_size=count,
            )
        )
        columns[name] = np.asarray(values, dtype=np.float64)
    return Streams(time_s=time_s, **columns)


@settings(max_examples=200, deadline=None)
@given(original=streams())
def test_any_streams_round_trip_within_the_resolution(original: Streams) -> None:
    assert_round_trip(original, decode_streams(encode_streams(original)))


def test_empty_streams_round_trip() -> None:
    decoded = decode_streams(encode_streams(Streams.empty()))

    assert len(decoded) == 0 and decoded.present() == []


def test_single_sample_round_trips() -> None:
    original = Streams(time_s=np.array([0.0]), hr_bpm=np.array([151.0]), lat_deg=np.array([np.nan]))

    assert_round_trip(original, decode_streams(encode_streams(original)))


def test_infinite_values_come_back_as_missing() -> None:
    original = Streams(time_s=np.arange(3.0), power_w=np.array([200.0, np.inf, -np.inf]))

    decoded = decode_streams(encode_streams(original))

    assert decoded.power_w is not None
    assert decoded.power_w[0] == 200 and np.isnan(decoded.power_w[1:]).all()


def test_values_are_stored_at_the_documented_resolution() -> None:
    original = Streams(
        time_s=np.array([0.0, 1.0004]),
        lat_deg=np.array([45.12345678, 45.12345674]),
        cadence_spm=np.array([88.26, 88.24]),
    )

    decoded = decode_streams(encode_streams(original))

    assert list(decoded.time_s) == [0.0, 1.0]  # 1 ms
    assert list(decoded.lat_deg) == [45.1234568, 45.1234567]  # type: ignore[arg-type]  # 1e-7°
    assert list(decoded.cadence_spm) == [88.3, 88.2]  # type: ignore[arg-type]  # 0.1


def test_channel_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="hr_bpm"):
        encode_streams(Streams(time_s=np.arange(3.0), hr_bpm=np.arange(2.0)))


@pytest.mark.parametrize(
    "name",
    [
        "tcx_gpx/sportslib__runs_6782987395.tcx",
        "tcx_gpx/sportslib__runs_6782987395.gpx",
        "tcx_gpx/sportslib__rides_3939576645.gpx",
        "tcx_gpx/saf__11.tcx",
    ],
)
def test_corpus_recordings_take_at_most_40_kb_per_hour(corpus: Path, name: str) -> None:
    (activity,) = parse_file((corpus / name).read_bytes(), name)
    original = activity.streams
    hours = float(original.time_s[-1] - original.time_s[0]) / 3600

    blob = encode_streams(original)

    assert len(blob) / 1024 / hours <= 40
    assert_round_trip(original, decode_streams(blob))


@pytest.fixture
def blob() -> bytes:
    time_s = np.arange(600.0)
    return encode_streams(
        Streams(time_s=time_s, hr_bpm=140 + np.sin(time_s), distance_m=time_s * 3)
    )


def test_header_names_magic_version_and_sample_count(blob: bytes) -> None:
    magic, version, _compression, count, bits = struct.unpack_from("<4sBBIH", blob)

    assert (magic, version, count) == (b"PLSC", CODEC_VERSION, 600)
    assert bits == 1 | 1 << CHANNELS.index("hr_bpm") | 1 << CHANNELS.index("distance_m")


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda b: b"", "bad magic"),
        (lambda b: b"PK\x03\x04" + b[4:], "bad magic"),
        (lambda b: b[:4] + bytes([CODEC_VERSION + 1]) + b[5:], "version"),
        (lambda b: b[:6] + struct.pack("<I", 601) + b[10:], "Paceline streams blob"),
        (lambda b: b[: len(b) // 2], "damaged"),
        (lambda b: b[:20] + bytes([b[20] ^ 0xFF]) + b[21:], "Paceline streams blob"),
        (lambda b: b + b"trailing", "damaged"),
        (lambda b: b[:12] + zlib.compress(b"\0" * 10_000_000), "Paceline streams blob"),
    ],
    ids=["empty", "zip", "version", "count", "truncated", "flipped", "trailing", "bomb"],
)
def test_damaged_or_foreign_blobs_raise_value_error(
    blob: bytes, damage: Callable[[bytes], bytes], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        decode_streams(damage(blob))


@settings(max_examples=200, deadline=None)
@given(position=st.integers(min_value=0), value=st.integers(0, 255))
def test_any_single_byte_change_decodes_or_raises_value_error(position: int, value: int) -> None:
    time_s = np.arange(120.0)
    data = bytearray(encode_streams(Streams(time_s=time_s, power_w=200 + 10 * np.cos(time_s))))
    data[position % len(data)] = value
    try:
        decoded = decode_streams(bytes(data))
    except ValueError:
        return
    assert len(decoded.time_s) == struct.unpack_from("<I", data, 6)[0]
