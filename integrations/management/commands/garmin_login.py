"""Connect an athlete's Garmin account from a terminal: for servers whose address Garmin blocks.

    python manage.py garmin_login --athlete EMAIL                  # asks email, password, code
    python manage.py garmin_login --athlete EMAIL --tokens-file F  # tokens made elsewhere

Garmin blocks sign-ins from many cloud addresses. The way around it: run this command on a
computer at home (a Paceline checkout with `--tokens-out F` and no database needed), then hand
the file to the server with `--tokens-file F`. The password is only held in memory.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from athletes.models import Athlete
from integrations.garmin import client
from integrations.garmin.auth import SignInRefused, signed_in_store, tokens_hand_over

MAX_CODE_TRIES = 3


class Command(BaseCommand):
    help = "Connect an athlete's Garmin account: sign in here (with MFA), or hand over tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--athlete", help="The Paceline athlete's email address.")
        parser.add_argument(
            "--tokens-file", type=Path, help="Store tokens made on another machine."
        )
        parser.add_argument(
            "--tokens-out",
            type=Path,
            help="Only sign in and write the tokens to this file (no database needed).",
        )
        parser.add_argument(
            "--garmin-email", help="The Garmin account's email (asked if not given)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["tokens_out"] is not None:
            signed = self._sign_in(options["garmin_email"])
            path: Path = options["tokens_out"]
            path.write_text(signed.tokens)
            path.chmod(0o600)
            self.stdout.write(
                f"Tokens written to {path} (keep it secret; delete it once handed over)."
            )
            return
        if not options["athlete"]:
            raise CommandError("--athlete is required (or --tokens-out to only make tokens)")
        email = options["athlete"].strip()
        athlete = Athlete.objects.filter(user__email__iexact=email).first()
        if athlete is None:
            raise CommandError(f"no athlete with the email {email}")
        try:
            if options["tokens_file"] is not None:
                tokens = _read(options["tokens_file"])
                connection = tokens_hand_over(athlete=athlete, tokens=tokens)
            else:
                connection = signed_in_store(
                    athlete=athlete, signed=self._sign_in(options["garmin_email"])
                )
        except SignInRefused as refused:
            raise CommandError(refused.message) from refused
        name = connection.credentials_dict.get("display_name", "")
        self.stdout.write(f"Garmin connected for {email} (Garmin account {name}).")

    def _sign_in(self, garmin_email: str | None) -> client.SignIn:
        garmin_email = garmin_email or input("Garmin email: ").strip()
        password = getpass.getpass("Garmin password: ")
        signed = client.sign_in(garmin_email, password)
        del password
        if signed.result == client.Result.NEEDS_CODE:
            state = signed.mfa_state
            for _ in range(MAX_CODE_TRIES):
                signed = client.finish_sign_in(state, input("Code sent by Garmin: ").strip())
                if signed.result != client.Result.REFUSED:
                    break
                self.stderr.write("Garmin did not accept this code.")
        if signed.result != client.Result.SIGNED_IN:
            raise CommandError(f"Garmin sign-in failed ({signed.result}): {signed.detail}")
        return signed


def _read(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror}") from error
