"""Activity files → NormalizedActivity, whatever the format. Pure: no Django.

`parse_file` looks at the content, never the file name: gzip by its magic bytes, FIT by the
".FIT" signature of its header, TCX and GPX by the XML root element.
"""

from __future__ import annotations

import gzip
import io
import zlib

from activities.parsers.xml import root_name
from activities.types import NormalizedActivity, RejectedFile

GZIP_MAGIC = b"\x1f\x8b"
MAX_DECOMPRESSED_BYTES = 512 * 1024 * 1024  # a gzip bomb guard: real activity files are far smaller
NOT_AN_ACTIVITY = "not an activity file (FIT, TCX or GPX)"


def parse_file(data: bytes, filename: str) -> list[NormalizedActivity]:
    """Every session of an activity file (FIT, TCX or GPX, optionally gzipped).

    Raises RejectedFile with a sentence for the athlete when nothing is usable.
    """
    if data.startswith(GZIP_MAGIC):
        data = gunzip(data)
    if is_fit(data):
        from activities.parsers.fit import parse_fit  # loads the FIT decoders

        sessions: list[NormalizedActivity] = parse_fit(data)
        return sessions
    root = root_name(data)
    if root == "TrainingCenterDatabase":
        from activities.parsers.tcx import parse_tcx

        return parse_tcx(data, filename=filename)
    if root == "gpx":
        from activities.parsers.gpx import parse_gpx

        return parse_gpx(data)
    raise RejectedFile(NOT_AN_ACTIVITY if data else "empty file")


def is_fit(data: bytes) -> bool:
    """A FIT header: its size (12 or 14) in byte 0 and ".FIT" at bytes 8–11."""
    return len(data) >= 12 and data[0] in (12, 14) and data[8:12] == b".FIT"


def gunzip(data: bytes, *, max_bytes: int = MAX_DECOMPRESSED_BYTES) -> bytes:
    """The decompressed content of gzip data (all members); RejectedFile beyond `max_bytes`."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            content = stream.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as error:
        raise RejectedFile(f"damaged gzip file: {error}") from error
    if len(content) > max_bytes:
        raise RejectedFile(f"decompresses to more than {max_bytes // (1024 * 1024)} MB")
    return content
