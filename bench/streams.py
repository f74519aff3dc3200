"""Streams codec figures (DESIGN §8): bytes per activity-hour and the load time of a 6 h activity.

    .venv/bin/python bench/streams.py    # PACELINE_CORPUS, default ../shared/corpus

Pure: no database. Every corpus recording (FIT when `activities.parsers.fit` is there, TCX,
GPX) is parsed, encoded and decoded. Targets: ≤ 40 KB per activity-hour for the corpus runs and
rides recorded at 1 Hz with GPS and HR (and power when there is some), and a decode of a 6 h
activity in < 10 ms. The 6 h activities are (a) a corpus 1 Hz ride with power tiled to 6 h —
the real signal, though repeats compress better than six different hours would — and (b) a
synthetic 6 h ride (random-walk speed, HR, power, cadence, altitude, GPS) with sensor noise.
"one row per sample" estimates a table of samples in PostgreSQL: per row a 24 B tuple header,
a 4 B line pointer, activity id and time (16 B) and 8 B per channel, plus ~28 B of index entry.
"""

from __future__ import annotations

import lzma
import os
import statistics
import struct
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from activities.parsers import parse_file  # noqa: E402
from activities.streams_codec import ZLIB_LEVEL, decode_streams, encode_streams  # noqa: E402
from activities.types import NormalizedActivity, RejectedFile, Streams  # noqa: E402
from core.sports import Sport  # noqa: E402

TARGET_KB_PER_HOUR = 40.0
TARGET_DECODE_MS = 10.0
SIX_HOURS = 6 * 3600
HEADER_BYTES = struct.calcsize("<4sBBIH")
TILE_SOURCE = "tcx_gpx/saf__11.tcx"  # Garmin Edge 1000, 80 min, 1 Hz, GPS + HR + power + cadence


def median_ms(work: Callable[[], object], repeats: int = 50) -> float:
    work()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def hours(streams: Streams) -> float:
    return float(streams.time_s[-1] - streams.time_s[0]) / 3600 if len(streams) > 1 else 0.0


def row_bytes(streams: Streams) -> int:
    """The one-row-per-sample estimate (see the module docstring)."""
    return len(streams) * (24 + 4 + 16 + 8 * len(streams.present()) + 28)


def is_1hz_gps_hr(activity: NormalizedActivity) -> bool:
    streams = activity.streams
    if activity.sport not in (Sport.RUN, Sport.RIDE) or len(streams) < 600:
        return False
    has = set(streams.present())
    return {"lat_deg", "hr_bpm"} <= has and float(np.median(np.diff(streams.time_s))) <= 1.05


def corpus_sessions(corpus: Path) -> list[tuple[str, NormalizedActivity]]:
    sessions = []
    for path in sorted([*corpus.glob("fit/*.fit"), *corpus.glob("tcx_gpx/*")]):
        try:
            parsed = parse_file(path.read_bytes(), path.name)
        except RejectedFile:
            continue  # the corpus has broken files on purpose
        except ImportError:
            continue  # the FIT parser is not there yet
        sessions += [(f"{path.parent.name}/{path.name}", a) for a in parsed if hours(a.streams)]
    return sessions


def corpus_table(corpus: Path) -> list[tuple[str, NormalizedActivity]]:
    sessions = corpus_sessions(corpus)
    print(
        f"{'recording':58} {'sport':5} {'ch':>2} {'samples':>7} {'hours':>5} "
        f"{'KB/h':>6} {'rows KB/h':>9} {'decode ms':>9}"
    )
    for name, activity in sessions:
        streams = activity.streams
        blob = encode_streams(streams)
        per_hour = len(blob) / 1024 / hours(streams)
        rows = row_bytes(streams) / 1024 / hours(streams)
        decode = median_ms(lambda blob=blob: decode_streams(blob), repeats=10)
        mark = "*" if is_1hz_gps_hr(activity) else " "
        print(
            f"{mark}{name[:57]:57} {activity.sport.value:5} {len(streams.present()):>2} "
            f"{len(streams):>7} {hours(streams):>5.2f} {per_hour:>6.1f} {rows:>9.0f} "
            f"{decode:>9.2f}"
        )
    return sessions


def tiled(streams: Streams, samples: int) -> Streams:
    """The recording repeated end to end: time and distance keep counting."""
    copies = -(-samples // len(streams))
    period_s = float(streams.time_s[-1] - streams.time_s[0]) + 1.0
    columns: dict[str, np.ndarray] = {}
    for name in ("time_s", *Streams.CHANNELS):
        column = getattr(streams, name)
        if column is None:
            continue
        step = {"time_s": period_s, "distance_m": float(np.nanmax(column))}.get(name, 0.0)
        columns[name] = np.concatenate([column + i * step for i in range(copies)])[:samples]
    return Streams(**columns)


def synthetic_ride(samples: int, seed: int = 6) -> Streams:
    """A 1 Hz ride with every channel: random-walk signals plus sensor noise."""
    rng = np.random.default_rng(seed)
    time_s = np.arange(samples, dtype=np.float64)
    speed = np.clip(8 + np.cumsum(rng.normal(0, 0.05, samples)), 0, 20)
    heading = np.cumsum(rng.normal(0, 0.02, samples))
    north, east = np.cumsum(speed * np.cos(heading)), np.cumsum(speed * np.sin(heading))
    return Streams(
        time_s=time_s,
        hr_bpm=np.round(np.clip(140 + np.cumsum(rng.normal(0, 0.3, samples)), 90, 190)),
        power_w=np.round(np.clip(200 + 60 * rng.standard_normal(samples), 0, None)),
        cadence_spm=np.round(np.clip(88 + rng.normal(0, 3, samples), 0, None)),
        speed_mps=speed + rng.normal(0, 0.05, samples),
        distance_m=np.cumsum(speed),
        altitude_m=300 + np.cumsum(rng.normal(0, 0.2, samples)),
        lat_deg=45 + north / 111_195,
        lon_deg=6 + east / (111_195 * np.cos(np.radians(45))),
        temperature_c=np.round(20 + np.cumsum(rng.normal(0, 0.01, samples)), 1),
    )


def six_hour_rows(corpus: Path) -> None:
    (source,) = parse_file((corpus / TILE_SOURCE).read_bytes(), TILE_SOURCE)
    cases = [
        (f"tiled {TILE_SOURCE}", tiled(source.streams, SIX_HOURS)),
        ("synthetic 6 h ride, all channels", synthetic_ride(SIX_HOURS)),
    ]
    print(
        f"\n{'6 h activity':40} {'KB/h':>6} {'zlib decode ms':>14} {'lzma KB/h':>9} "
        f"{'lzma inflate ms':>15}"
    )
    for label, streams in cases:
        blob = encode_streams(streams)
        raw = zlib.decompress(blob[HEADER_BYTES:])
        packed = lzma.compress(raw, preset=6)
        print(
            f"{label:40} {len(blob) / 1024 / 6:>6.1f} "
            f"{median_ms(lambda blob=blob: decode_streams(blob)):>14.2f} "
            f"{len(packed) / 1024 / 6:>9.1f} "
            f"{median_ms(lambda packed=packed: lzma.decompress(packed)):>15.2f}"
        )
        print(
            f"{'':40} target: decode < {TARGET_DECODE_MS:.0f} ms (zlib level {ZLIB_LEVEL} is what "
            "the codec uses; lzma shown for comparison)"
        )


def main() -> None:
    corpus = Path(os.environ.get("PACELINE_CORPUS", ROOT.parent / "shared" / "corpus"))
    if not corpus.joinpath("tcx_gpx").is_dir():
        raise SystemExit(f"no corpus at {corpus}: set PACELINE_CORPUS to the corpus folder")
    sessions = corpus_table(corpus)
    target = [(n, a) for n, a in sessions if is_1hz_gps_hr(a)]
    sizes = [len(encode_streams(a.streams)) / 1024 / hours(a.streams) for _, a in target]
    rows = [row_bytes(a.streams) / 1024 / hours(a.streams) for _, a in target]
    print(
        f"\n* 1 Hz runs and rides with GPS + HR: {len(target)} recordings, "
        f"{statistics.median(sizes):.1f} KB/h median, {max(sizes):.1f} KB/h worst "
        f"(target ≤ {TARGET_KB_PER_HOUR:.0f} KB/h) — one row per sample would take "
        f"{statistics.median(rows):.0f} KB/h"
    )
    six_hour_rows(corpus)


if __name__ == "__main__":
    main()
