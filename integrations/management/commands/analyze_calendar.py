"""`manage.py analyze_calendar PATH [--json] [--tz ZONE]`: the planned sessions our parser finds in
a TrainingPeaks calendar file (DESIGN §7). No database needed. Exit 2 with one line on stderr
for a file that cannot be read."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.management.base import BaseCommand, CommandParser

from integrations.trainingpeaks.mapping import FeedError, FeedSession, parse_feed

EXIT_UNREADABLE = 2


class Command(BaseCommand):
    help = "Print the planned sessions found in a TrainingPeaks calendar (.ics) file."
    requires_system_checks: list[str] = []  # no database, no checks

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--json", action="store_true", help="Print JSON.")
        parser.add_argument(
            "--tz", default="UTC", help="The athlete's time zone (e.g. Europe/Paris)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            zone = ZoneInfo(options["tz"])
        except (ZoneInfoNotFoundError, ValueError):
            self._unreadable(f"unknown time zone: {options['tz']}")
        try:
            sessions = parse_feed(path.read_bytes(), zone)
        except OSError as error:
            self._unreadable(f"{path}: {error.strerror or error}")
        except FeedError as error:
            self._unreadable(f"{path}: {error.reason}")
        if options["json"]:
            data = {"tz": options["tz"], "sessions": [s.as_json() for s in sessions]}
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(_table(sessions))

    def _unreadable(self, line: str) -> None:
        sys.stderr.write(line + "\n")
        sys.exit(EXIT_UNREADABLE)


def _table(sessions: list[FeedSession]) -> str:
    if not sessions:
        return "No planned sessions in this calendar."
    lines = []
    for s in sessions:
        minutes = f"{s.planned_duration_s // 60} min" if s.planned_duration_s else "—"
        km = f"{s.planned_distance_m / 1000:.1f} km" if s.planned_distance_m else "—"
        done = "done" if s.completed else ""
        lines.append(f"{s.day}  {s.sport:<8} {minutes:>8} {km:>9}  {s.title}  {done}".rstrip())
    return "\n".join(lines)
