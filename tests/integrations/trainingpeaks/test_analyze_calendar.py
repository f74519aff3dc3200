"""`analyze_calendar`: the parser's sessions as JSON or a table, no database; exit 2 for a file
it cannot read (run as a separate process, as scripts and agents run it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}  # never used
    return subprocess.run(
        [sys.executable, "manage.py", "analyze_calendar", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_json_is_the_hand_written_expectation(corpus: Path) -> None:
    folder = corpus / "ical" / "trainingpeaks_realwording"
    done = _run(str(folder / "pull2.ics"), "--json", "--tz", "America/Toronto")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    expected = json.loads((folder / "pull2_expected.json").read_text())
    keys = ("day", "sport", "title", "planned_duration_s", "planned_distance_m", "completed")
    assert [{k: s[k] for k in keys} for s in found["sessions"]] == expected["sessions"]


def test_a_table_for_people(corpus: Path) -> None:
    done = _run(str(corpus / "ical" / "trainingpeaks_realwording" / "pull1.ics"))
    assert done.returncode == 0
    assert "Technique et respiration" in done.stdout and "done" in done.stdout


def test_an_unreadable_file_exits_2_with_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ics"
    broken.write_bytes(b"BEGIN:VCALENDAR\r\n" * 10)
    for args in (
        [str(broken)],
        [str(tmp_path / "missing.ics")],
        [str(broken), "--tz", "Mars/Base"],
    ):
        done = _run(*args)
        assert done.returncode == 2
        assert len(done.stderr.strip().splitlines()) == 1
