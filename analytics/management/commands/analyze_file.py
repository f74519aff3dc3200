"""Analyse activity files without a database (DESIGN §7): one JSON document per file.

    python manage.py analyze_file PATH... --json [--sex M|F] [--hr-rest N] [--hr-max N]
        [--lthr N] [--ftp W] [--threshold-speed MPS]

The analysis — what is computed, the thresholds' fallbacks — is `analytics.analysis`. A file
that cannot be read: one stderr line, exit status 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from analytics.analysis import ThresholdOptions, UnreadableFile, file_analysis


class Command(BaseCommand):
    help = (
        "Print our analysis of activity files as JSON (no database needed). Thresholds: the "
        "options win, else the file's own values, else the defaults: sex M, --hr-rest 60, "
        "--hr-max 190, --lthr 0.9 x HR max, no FTP (IF/TSS/power zones null), no threshold "
        "speed (rTSS and pace zones null)."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument("--json", action="store_true", help="One JSON document per file.")
        parser.add_argument("--sex", choices=("M", "F"), help="Banister weights (default M).")
        parser.add_argument("--hr-rest", type=float, help="Resting HR, bpm (default: file, 60).")
        parser.add_argument("--hr-max", type=float, help="Max HR, bpm (default: file, 190).")
        parser.add_argument(
            "--lthr", type=float, help="Lactate-threshold HR, bpm (default: file, 0.9 x max)."
        )
        parser.add_argument("--ftp", type=float, help="FTP, W (default: the file's, else none).")
        parser.add_argument(
            "--threshold-speed",
            type=float,
            metavar="MPS",
            help="Run threshold speed, m/s (default none: rTSS and pace zones null).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        thresholds = ThresholdOptions(
            sex=options["sex"],
            hr_rest_bpm=options["hr_rest"],
            hr_max_bpm=options["hr_max"],
            lthr_bpm=options["lthr"],
            ftp_w=options["ftp"],
            threshold_speed_mps=options["threshold_speed"],
        )
        unreadable = 0
        for path in options["paths"]:
            try:
                document = file_analysis(path, thresholds)
            except UnreadableFile as error:
                sys.stderr.write(f"cannot read {path}: {error}\n")
                unreadable += 1
                continue
            self.stdout.write(json.dumps(document) if options["json"] else _text(document))
        if unreadable:
            sys.stdout.flush()
            sys.exit(2)


def _text(document: dict[str, Any]) -> str:
    lines = [str(document["file"])]
    for item in document["activities"]:
        lines.append(
            f"  {item['sport']} {item['started_at']} distance_m={item['distance_m']} "
            f"elapsed_s={item['elapsed_s']} samples={item['samples']}"
        )
    return "\n".join(lines)
