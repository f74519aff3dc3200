"""`manage.py seed_demo`: demo coaches and athletes, and their logins (DESIGN §7)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from athletes.models import User
from athletes.services.demo import CoachLogins, demo_logins, demo_plan, demo_seed


class Command(BaseCommand):
    help = "Create demo coaches and athletes (idempotent) and print their logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--athletes", type=int, default=4, help="athletes per coach")
        parser.add_argument("--years", type=int, default=1, help="years of history")
        parser.add_argument("--seed", type=int, default=0, help="random seed for the numbers")
        parser.add_argument("--json", action="store_true", help="print the logins as JSON")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="seed only when the database has no users; otherwise just print the logins",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["athletes"] < 1 or options["years"] < 1:
            self.stderr.write("--athletes and --years must be at least 1")
            raise SystemExit(2)
        if options["if_empty"] and User.objects.exists():
            plan = demo_plan(athletes_per_coach=options["athletes"])
            logins = demo_logins(plan, existing_only=True)
        else:
            logins = demo_seed(
                athletes_per_coach=options["athletes"],
                years=options["years"],
                seed=options["seed"],
                today=timezone.localdate(),
            )
        self.stdout.write(_json(logins) if options["json"] else _table(logins))


def _json(logins: list[CoachLogins]) -> str:
    coaches = [
        {
            "email": coach.email,
            "password": coach.password,
            "athletes": [{"email": a.email, "password": a.password} for a in coach.athletes],
        }
        for coach in logins
    ]
    return json.dumps({"coaches": coaches}, indent=2)


def _table(logins: list[CoachLogins]) -> str:
    if not logins:
        return "The database already has users; no demo data was added."
    lines = ["Demo logins (http://127.0.0.1:8000/accounts/login/):", ""]
    for coach in logins:
        lines.append(f"  coach    {coach.email:<44} {coach.password}")
        for athlete in coach.athletes:
            note = "  (self-coached; shares view access)" if athlete.self_coached else ""
            lines.append(f"  athlete  {athlete.email:<44} {athlete.password}{note}")
        lines.append("")
    return "\n".join(lines)
