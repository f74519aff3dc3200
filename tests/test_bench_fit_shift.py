"""The ingest bench's export copies (bench/fit_shift.py) are new recordings that parse like
their originals apart from the times: otherwise its 1,000-file figures would measure dedupe."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from activities.parsers import parse_file

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from fit_shift import fit_layout, shifted_fit  # bench/ is not a package

WEEK_S = 7 * 86400


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name", ["fitparse__garmin-edge-820-bike.fit", "fitparse__activity-large-fenxi2-multisport.fit"]
)
def test_a_shifted_copy_parses_like_its_original_a_week_earlier(corpus: Path, name: str) -> None:
    data = (corpus / "fit" / name).read_bytes()

    copy = shifted_fit(data, -WEEK_S, fit_layout(data))

    assert copy != data and len(copy) == len(data)
    original, moved = parse_file(data, name), parse_file(copy, name)
    assert len(moved) == len(original) >= 1
    for before, after in zip(original, moved, strict=True):
        assert before.started_at - after.started_at == dt.timedelta(seconds=WEEK_S)
        assert (after.sport, after.summary, after.laps) == (
            before.sport,
            before.summary,
            before.laps,
        )
        assert len(after.streams) == len(before.streams)
        assert not after.recovered


def test_a_shift_that_would_break_compressed_timestamps_is_refused() -> None:
    with pytest.raises(ValueError, match="multiple of 32"):
        shifted_fit(b"", 60)
