"""Analyse activity files without a database (DESIGN §7): one JSON document per file.

    python manage.py analyze_file PATH... --json [--sex M|F] [--hr-rest N] [--hr-max N]
        [--lthr N] [--ftp W] [--threshold-speed MPS]

Every value is computed by our code from the file's records; what the device wrote is printed
beside it under "device". Metric fields (NP, TSS, TRIMP, zones, mean-max…) stay null until the
metrics pipeline exists. A file that cannot be read: one stderr line, exit status 2.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from activities.parsers import parse_file
from activities.types import NormalizedActivity, RejectedFile, Summary

SUMMARY_KEYS = (
    "elapsed_s",
    "moving_s",
    "distance_m",
    "ascent_m",
    "descent_m",
    "avg_hr_bpm",
    "max_hr_bpm",
    "avg_power_w",
    "max_power_w",
    "avg_speed_mps",
    "avg_cadence_spm",
)
METRIC_KEYS = (
    "np_w",
    "intensity_factor",
    "tss",
    "trimp",
    "hr_tss",
    "rtss",
    "dist_eq_km",
    "decoupling_pct",
    "efficiency_factor",
)
ENTRY_ORDER = (
    "sport",
    "sub_sport",
    "started_at",
    "elapsed_s",
    "moving_s",
    "distance_m",
    "ascent_m",
    "descent_m",
    "avg_hr_bpm",
    "max_hr_bpm",
    "avg_power_w",
    "max_power_w",
    "np_w",
    "intensity_factor",
    "tss",
    "trimp",
    "hr_tss",
    "rtss",
    "avg_speed_mps",
    "avg_cadence_spm",
    "dist_eq_km",
    "decoupling_pct",
    "efficiency_factor",
    "laps",
    "samples",
)


class Command(BaseCommand):
    help = "Print our analysis of activity files as JSON (no database needed)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument("--json", action="store_true", help="One JSON document per file.")
        parser.add_argument("--sex", choices=("M", "F"))
        parser.add_argument("--hr-rest", type=float)
        parser.add_argument("--hr-max", type=float)
        parser.add_argument("--lthr", type=float)
        parser.add_argument("--ftp", type=float)
        parser.add_argument("--threshold-speed", type=float, metavar="MPS")

    def handle(self, *args: Any, **options: Any) -> None:
        unreadable = 0
        for path in options["paths"]:
            try:
                sessions = _read(path)
            except UnreadableError as error:
                sys.stderr.write(f"cannot read {path}: {error}\n")
                unreadable += 1
                continue
            document = {"file": str(path), "activities": [entry(s) for s in sessions]}
            self.stdout.write(json.dumps(document) if options["json"] else _text(document))
        if unreadable:
            sys.stdout.flush()
            sys.exit(2)


class UnreadableError(Exception):
    pass


def _read(path: Path) -> list[NormalizedActivity]:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableError(error.strerror or str(error)) from error
    try:
        sessions = parse_file(data, path.name)
    except RejectedFile as rejected:
        raise UnreadableError(rejected.reason) from rejected
    except Exception as error:  # a parser bug must still give the one-line contract
        raise UnreadableError("could not read this file") from error
    if not sessions:
        raise UnreadableError("no activity in this file")
    return sessions


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _summary(summary: Summary | None) -> dict[str, float | None]:
    values = summary.as_dict() if summary is not None else {}
    return {key: _number(values.get(key)) for key in SUMMARY_KEYS}


def entry(normalized: NormalizedActivity) -> dict[str, Any]:
    """One session in the DESIGN §7 shape: our summary, metric fields, the device's values."""
    values: dict[str, Any] = {
        "sport": normalized.sport.value,
        "sub_sport": normalized.sub_sport,
        "started_at": normalized.started_at.astimezone(dt.UTC).isoformat(),
        "laps": len(normalized.laps),
        "samples": len(normalized.streams),
        **_summary(normalized.summary),
        **dict.fromkeys(METRIC_KEYS),
    }
    ordered = {key: values[key] for key in ENTRY_ORDER}
    ordered["time_in_zone_s"] = {"hr": None, "power": None, "pace": None}
    ordered["mean_max"] = {"power_w": None, "speed_mps": None, "hr_bpm": None}
    ordered["best_efforts_s"] = None
    ordered["device"] = _summary(normalized.device_summary)
    return ordered


def _text(document: dict[str, Any]) -> str:
    lines = [str(document["file"])]
    for item in document["activities"]:
        lines.append(
            f"  {item['sport']} {item['started_at']} distance_m={item['distance_m']} "
            f"elapsed_s={item['elapsed_s']} samples={item['samples']}"
        )
    return "\n".join(lines)
