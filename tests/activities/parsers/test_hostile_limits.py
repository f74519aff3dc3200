"""Hostile files stay within the memory and time a web worker has (DESIGN §5): a gzip bomb and a
huge damaged FIT are refused, each decoded in a fresh process whose peak memory is measured."""

from __future__ import annotations

import json
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from activities.parsers._fit_decoders import FALLBACK_MAX_BYTES

ROOT = Path(__file__).resolve().parents[3]
MIB = 1024 * 1024
MEMORY_LIMIT_MIB = 256  # what one decode may add to a web worker's peak resident memory
# Decode a file in a fresh interpreter; print the verdict and the peak memory it added.
PROBE = """
import json, resource, sys
from activities.parsers import parse_file
from activities.types import RejectedFile
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    parse_file(data, "upload", max_bytes=50 * 1024 * 1024)
    verdict = "parsed"
except RejectedFile as rejected:
    verdict = rejected.reason
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"verdict": verdict, "added_mib": (after - before) / 1024}))
"""


def probe(path: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)],
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=120,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def gzip_bomb(path: Path, *, expands_to_mib: int) -> Path:
    """Zeros compressed in a stream: a few hundred KB that expand a thousandfold."""
    deflater = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    with path.open("wb") as out:
        for _ in range(expands_to_mib):
            out.write(deflater.compress(b"\0" * MIB))
        out.write(deflater.flush())
    return path


def test_a_gzip_bomb_is_refused_before_it_fills_the_memory(tmp_path: Path) -> None:
    bomb = gzip_bomb(tmp_path / "run.fit.gz", expands_to_mib=530)
    assert bomb.stat().st_size < 600 * 1024

    result = probe(bomb)

    assert str(result["verdict"]).startswith("decompresses to more than")
    assert float(result["added_mib"]) < MEMORY_LIMIT_MIB, result  # was 1.4 GB


@pytest.mark.corpus
def test_a_huge_damaged_fit_is_refused_quickly_within_the_memory_limit(
    corpus: Path, tmp_path: Path
) -> None:
    original = (corpus / "fit" / "muktihari__big_activity.fit").read_bytes()
    header_size = original[0]
    body = original[header_size:-2] * 18  # ~43 MB of real records, the CRC no longer matches
    header = bytearray(original[:header_size])
    header[4:8] = len(body).to_bytes(4, "little")
    damaged = tmp_path / "damaged.fit"
    damaged.write_bytes(bytes(header) + body + b"\0\0")
    assert damaged.stat().st_size > 40 * MIB > FALLBACK_MAX_BYTES

    result = probe(damaged)

    assert "too large to recover" in str(result["verdict"])
    assert float(result["added_mib"]) < MEMORY_LIMIT_MIB, result  # was 1.8 GB and 83 s
