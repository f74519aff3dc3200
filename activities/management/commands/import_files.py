"""Import activity files, folders (recursively) and export zips for one athlete.

    python manage.py import_files --athlete EMAIL PATH... [--json]

Idempotent: running it twice creates nothing the second time. Always exits 0; failed files
are listed with their reasons.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from activities.services.archives import archive_import
from activities.services.files import files_import
from activities.types import FileResult, ImportReport, Outcome
from athletes.models import Athlete
from core.magic import is_zip
from core.outbox import batched

SUFFIXES = (".fit", ".tcx", ".gpx", ".gz", ".zip")


class Command(BaseCommand):
    help = "Import FIT/TCX/GPX files, folders and Garmin/Strava export zips for an athlete."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--athlete", required=True, help="The athlete's email address.")
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument("--json", action="store_true", help="Print a JSON report.")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["athlete"].strip()
        athlete = Athlete.objects.filter(user__email__iexact=email).first()
        if athlete is None:
            raise CommandError(f"no athlete with the email {email}")
        report = ImportReport()
        files = list(_files(options["paths"], report))
        with batched():  # one metrics run for the whole import
            archives = [p for p in files if is_zip(_head(p))]
            for path in archives:
                report.extend(_archive(athlete, path))
            plain = ((str(p), p.read_bytes()) for p in files if p not in archives)
            report.extend(files_import(athlete=athlete, items=plain))
        self.stdout.write(_json(report) if options["json"] else _text(report))


def _files(paths: list[Path], report: ImportReport) -> Iterator[Path]:
    """Named files as given; folders walked recursively for the known suffixes, in order."""
    for path in paths:
        if path.is_dir():
            found = (p for p in sorted(path.rglob("*")) if p.is_file())
            yield from (p for p in found if p.name.lower().endswith(SUFFIXES))
        elif path.is_file():
            yield path
        else:
            report.add(FileResult(str(path), Outcome.FAILED, "no such file or folder"))


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(4)


def _archive(athlete: Athlete, path: Path) -> ImportReport:
    return archive_import(athlete=athlete, path=path)


def _json(report: ImportReport) -> str:
    results = [
        {"name": r.name, "outcome": r.outcome.value, "reason": r.reason,
         "activity_ids": r.activity_ids, "warnings": r.warnings}
        for r in report.results
    ]  # fmt: skip
    return json.dumps({"counts": report.counts(), "results": results})


def _text(report: ImportReport) -> str:
    counts = report.counts()
    lines = [" ".join(f"{outcome}={counts[outcome]}" for outcome in counts)]
    lines += [f"failed {r.name}: {r.reason}" for r in report.results if r.outcome is Outcome.FAILED]
    return "\n".join(lines)
