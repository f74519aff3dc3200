"""Activity files → NormalizedActivity, whatever the format. Pure: no Django.

`parse_file` looks at the content, never the file name: gzip by its magic bytes, FIT by the
".FIT" signature of its header, TCX and GPX by the XML root element.
"""

from __future__ import annotations

import zlib

from activities.parsers.xml import root_name
from activities.types import NormalizedActivity, RejectedFile
from core.fit import is_fit
from core.magic import is_gzip

# Gzip bomb guards: real activity files are far smaller and compress less than 100:1.
MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR_BYTES = 1024 * 1024
NOT_AN_ACTIVITY = "not an activity file (FIT, TCX or GPX)"


def parse_file(
    data: bytes, filename: str, *, max_bytes: int = MAX_DECOMPRESSED_BYTES
) -> list[NormalizedActivity]:
    """Every session of an activity file (FIT, TCX or GPX, optionally gzipped).

    Raises RejectedFile with a sentence for the athlete when nothing is usable, also for a
    gzip that decompresses to more than `max_bytes`.
    """
    if is_gzip(data):
        data = gunzip(data, max_bytes=max_bytes)
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


def gunzip(data: bytes, *, max_bytes: int = MAX_DECOMPRESSED_BYTES) -> bytes:
    """The decompressed content of gzip data (all members); RejectedFile beyond `max_bytes`
    or beyond MAX_RATIO times its compressed size (a bomb): never more than that in memory."""
    limit = min(max_bytes, max(int(MAX_RATIO * len(data)), RATIO_FLOOR_BYTES))
    try:
        content = inflate(data, limit=limit)
    except (zlib.error, EOFError) as error:
        raise RejectedFile(f"damaged gzip file: {error}") from error
    if content is None:
        raise RejectedFile(f"decompresses to more than {limit // (1024 * 1024)} MB")
    return content


def inflate(data: bytes, *, limit: int) -> bytes | None:
    """Gzip data decompressed in steps, all members; None as soon as it passes `limit` bytes
    (so a bomb costs `limit` bytes of memory at most). Raises zlib.error when damaged."""
    out = bytearray()
    pending = data
    while pending:
        inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
        while pending and not inflater.eof:
            out += inflater.decompress(pending, limit + 1 - len(out))
            if len(out) > limit:
                return None
            pending = inflater.unconsumed_tail
        if not inflater.eof:
            raise EOFError("the gzip data ends early")
        out += inflater.flush()
        pending = inflater.unused_data  # the next member, if any
    return bytes(out) if len(out) <= limit else None
