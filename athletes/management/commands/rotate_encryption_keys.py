"""Re-encrypt every stored secret with the newest key of FERNET_KEYS (DESIGN §5)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from athletes.services.encryption import DEFAULT_BATCH_SIZE, FAILED, encryption_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt encrypted columns and MFA secrets with the first key of FERNET_KEYS. "
        "Run it after adding a new key in front; drop old keys only once it reports 0 failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print the counts as JSON.")
        parser.add_argument(
            "--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="Rows per transaction."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        counts = encryption_rotate(batch_size=options["batch_size"])
        if options["json"]:
            self.stdout.write(json.dumps(counts, sort_keys=True))
        else:
            for label, count in sorted(counts.items()):
                self.stdout.write(f"{label}: {count}")
        if counts[FAILED]:
            raise CommandError(f"{counts[FAILED]} value(s) could not be decrypted with any key.")
