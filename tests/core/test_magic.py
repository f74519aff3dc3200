"""File types by their first bytes."""

from __future__ import annotations

import gzip
import io
import zipfile

from core.magic import is_gzip, is_zip


def test_a_zip_and_a_gzip_are_told_by_their_bytes() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.fit", b"x")

    assert is_zip(buffer.getvalue()) and not is_gzip(buffer.getvalue())
    assert is_gzip(gzip.compress(b"x")) and not is_zip(gzip.compress(b"x"))
    assert not is_zip(b"<gpx>") and not is_gzip(b"") and not is_zip(b"PK")
