"""`manage.py sweep [--json]`: run every sweeper once (what beat does every PACELINE_SWEEP_S)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from core.tasks import sweep


class Command(BaseCommand):
    help = "Send again the durable work that is due: outbox messages, import jobs, daily loads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print the counts as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        done = sweep()
        if options["json"]:
            self.stdout.write(json.dumps(done, sort_keys=True))
            return
        for name, count in sorted(done.items()):
            self.stdout.write(f"{name}: {count}")
