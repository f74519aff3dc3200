"""The TrainingPeaks feed parser against the hand-written expectations of the corpus's
real-wording pulls, and against hostile input (a clear FeedError, never another exception)."""

from __future__ import annotations

import json
import random
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from integrations.trainingpeaks.mapping import FeedError, parse_feed

MONTREAL = ZoneInfo("America/Toronto")
FIELDS = ("day", "sport", "title", "planned_duration_s", "planned_distance_m", "completed")


def _folder(corpus: Path) -> Path:
    return corpus / "ical" / "trainingpeaks_realwording"


@pytest.mark.parametrize("pull", ["pull1", "pull2"])
def test_each_pull_reads_as_its_hand_written_sessions(corpus: Path, pull: str) -> None:
    folder = _folder(corpus)
    expected = json.loads((folder / f"{pull}_expected.json").read_text())
    sessions = parse_feed((folder / f"{pull}.ics").read_bytes(), ZoneInfo(expected["tz"]))
    found = [{key: s.as_json()[key] for key in FIELDS} for s in sessions]
    assert found == expected["sessions"]


def test_an_evening_session_stays_on_the_athletes_day(corpus: Path) -> None:
    sessions = parse_feed((_folder(corpus) / "pull2.ics").read_bytes(), MONTREAL)
    evening = next(s for s in sessions if s.title == "Footing du soir")
    assert evening.day.isoformat() == "2027-01-13"  # 01:35 UTC on the 14th
    assert evening.completed and evening.planned_duration_s == 45 * 60


def test_the_coachs_text_is_kept_without_the_key_lines(corpus: Path) -> None:
    sessions = parse_feed((_folder(corpus) / "pull1.ics").read_bytes(), MONTREAL)
    swim = sessions[0]
    assert swim.description.startswith("Échauffement 400 m")
    assert "Planned Time" not in swim.description and "Workout type" not in swim.description


def test_zoned_and_utc_starts_are_read_in_the_athletes_zone() -> None:
    feed = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
        b"BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:Run: Late\r\nDTSTART:20270114T013500Z\r\n"
        b"DESCRIPTION:Workout type: Run\\nPlanned Time: 0:45\\nTSS: 52.5\\nIF: 0.81\\n\r\n"
        b"END:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:b\r\nSUMMARY:Bike: Zoned\r\n"
        b"DTSTART;TZID=Europe/Paris:20270114T003000\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    late, zoned = parse_feed(feed, MONTREAL)
    assert late.day.isoformat() == "2027-01-13" and late.tss == 52.5
    assert late.intensity_factor == 0.81
    assert zoned.day.isoformat() == "2027-01-13" and zoned.sport == "ride"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not a calendar at all",
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2027XXXX\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        b"BEGIN:VCALENDAR\r\n" * 20_000 + b"END:VCALENDAR\r\n" * 20_000,
        b"BEGIN:VCALENDAR\r\n" + b"X" * 6_000_000,
    ],
    ids=["empty", "text", "bad-date", "deeply-nested", "huge"],
)
def test_hostile_feeds_give_a_clear_error(body: bytes) -> None:
    with pytest.raises(FeedError) as refused:
        parse_feed(body, MONTREAL)
    assert refused.value.reason


def test_a_thousand_mutated_feeds_never_raise_anything_but_feed_error(corpus: Path) -> None:
    original = (_folder(corpus) / "pull1.ics").read_bytes()
    rng = random.Random(20271)
    outcomes = {"read": 0, "refused": 0}
    for _ in range(1_000):
        data = bytearray(original)
        for _edit in range(rng.randint(1, 12)):
            at = rng.randrange(len(data))
            choice = rng.random()
            if choice < 0.4:
                data[at] = rng.randrange(256)
            elif choice < 0.7:
                del data[at : at + rng.randint(1, 40)]
            else:
                data[at:at] = rng.choice([b":", b";", b"\r\n", b"BEGIN:VEVENT\r\n", b"\\", b"="])
        try:
            parse_feed(bytes(data), MONTREAL)
            outcomes["read"] += 1
        except FeedError:
            outcomes["refused"] += 1
    assert outcomes["read"] + outcomes["refused"] == 1_000
    assert outcomes["read"] > 0 and outcomes["refused"] > 0
