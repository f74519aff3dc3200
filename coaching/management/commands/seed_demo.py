"""`manage.py seed_demo`: demo coaches and athletes, months of their activities, their plans
(workout library, sessions linked to the activities, RPE, comments), and their logins
(DESIGN §7).

The command lives in `coaching`, the app that may use all the others it seeds: accounts
(`athletes`), activities and plans.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from athletes.models import Athlete, User
from coaching.demo.accounts import CoachLogins, PlannedCoach, demo_logins, demo_plan, demo_seed
from coaching.demo.activities import DEMO_WEEKS, DemoAthlete, demo_activities_seed
from coaching.demo.plans import DemoPlanAthlete, demo_plans_seed
from core.outbox import batched


class Command(BaseCommand):
    help = (
        "Create demo coaches, athletes, activities and plans (idempotent) and print their logins."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--athletes", type=int, default=4, help="athletes per coach")
        parser.add_argument("--years", type=int, default=1, help="years of thresholds history")
        parser.add_argument(
            "--weeks",
            type=int,
            default=getattr(settings, "DEMO_ACTIVITY_WEEKS", DEMO_WEEKS),
            help=f"weeks of synthetic activities per athlete (default {DEMO_WEEKS}; 0 = none)",
        )
        parser.add_argument("--seed", type=int, default=0, help="random seed for the numbers")
        parser.add_argument("--json", action="store_true", help="print the logins as JSON")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="seed only when the database has no users; otherwise just print the logins",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["athletes"] < 1 or options["years"] < 1 or options["weeks"] < 0:
            self.stderr.write("--athletes and --years must be at least 1, --weeks at least 0")
            raise SystemExit(2)
        plan = demo_plan(athletes_per_coach=options["athletes"])
        if options["if_empty"] and User.objects.exists():
            logins = demo_logins(plan, existing_only=True)
        else:
            logins = _seed(plan, options)
        self.stdout.write(_json(logins) if options["json"] else _table(logins))


def _seed(plan: list[PlannedCoach], options: dict[str, Any]) -> list[CoachLogins]:
    """Accounts, thresholds and goals first, then weeks of activities shaped by them, then the
    plans they followed; metrics are computed once per athlete at the end (one batch)."""
    today = timezone.localdate()
    with batched():  # thresholds changes too: one refresh per athlete and sport
        logins = demo_seed(
            athletes_per_coach=options["athletes"],
            years=options["years"],
            seed=options["seed"],
            today=today,
        )
        athletes = _demo_athletes(plan)
        demo_activities_seed(
            athletes=athletes, weeks=options["weeks"], seed=options["seed"], today=today
        )
        demo_plans_seed(
            athletes=[DemoPlanAthlete(a.athlete, a.person.profile) for a in athletes],
            weeks=options["weeks"],
            seed=options["seed"],
            today=today,
        )
    return logins


def _demo_athletes(plan: list[PlannedCoach]) -> list[DemoAthlete]:
    planned = {a.email: a.person for coach in plan for a in coach.athletes}
    athletes = Athlete.objects.filter(user__email__in=planned).select_related("user")
    return [DemoAthlete(a, planned[a.user.email]) for a in sorted(athletes, key=lambda a: a.id)]


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
