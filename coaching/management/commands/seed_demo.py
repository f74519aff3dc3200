"""`manage.py seed_demo`: demo coaches and athletes, months of their activities, their plans
(workout library, sessions linked to the activities, RPE, comments), and their logins
(DESIGN §7).

The command lives in `coaching`, the app that may use all the others it seeds: accounts
(`athletes`), activities and plans.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.urls import reverse
from django.utils import timezone

from athletes.models import Athlete, User
from coaching.demo.accounts import (
    CoachLogins,
    Login,
    PlannedCoach,
    demo_logins,
    demo_plan,
    demo_seed,
    demo_staff_ensure,
    demo_staff_login,
)
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
            logins = _seed(plan, options, progress=self._progress())
        staff = demo_staff_login()
        self.stdout.write(_json(logins) if options["json"] else _table(logins, staff))

    def _progress(self) -> Callable[[str], None]:
        """One line on stderr per step, with the seconds since the start (stdout stays the
        logins, or exactly the JSON)."""
        start = time.monotonic()

        def say(step: str) -> None:
            self.stderr.write(f"[{time.monotonic() - start:5.1f}s] {step}")
            self.stderr.flush()

        return say


def _seed(
    plan: list[PlannedCoach], options: dict[str, Any], *, progress: Callable[[str], None]
) -> list[CoachLogins]:
    """Accounts, thresholds and goals first, then per athlete the weeks of activities shaped by
    them and the plan they followed; each athlete's metrics are computed once, at the end of
    that athlete's batch (so progress moves athlete by athlete)."""
    today, weeks, seed = timezone.localdate(), options["weeks"], options["seed"]
    progress("Demo accounts, thresholds history and goals…")
    with batched():  # thresholds changes: one refresh per athlete and sport
        logins = demo_seed(
            athletes_per_coach=options["athletes"], years=options["years"], seed=seed, today=today
        )
        demo_staff_ensure()
    athletes = _demo_athletes(plan)
    for n, demo in enumerate(athletes, 1):
        progress(f"Activities, plan and metrics {n}/{len(athletes)}: {demo.athlete.user.email}")
        with batched():
            demo_activities_seed(athletes=[demo], weeks=weeks, seed=seed, today=today)
            plan_athlete = DemoPlanAthlete(demo.athlete, demo.person.profile)
            demo_plans_seed(athletes=[plan_athlete], weeks=weeks, seed=seed, today=today)
    progress("Done.")
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


def _table(logins: list[CoachLogins], staff: Login | None) -> str:
    if not logins:
        return "The database already has users; no demo data was added."
    login_url = settings.PACELINE_BASE_URL + reverse("account_login")
    lines = [f"Demo logins ({login_url}):", ""]
    for coach in logins:
        lines.append(f"  coach    {coach.email:<44} {coach.password}")
        for athlete in coach.athletes:
            note = "  (self-coached; shares view access)" if athlete.self_coached else ""
            lines.append(f"  athlete  {athlete.email:<44} {athlete.password}{note}")
        lines.append("")
    if staff is not None:
        admin_url = settings.PACELINE_BASE_URL + reverse("admin:index")
        lines.append(f"  staff    {staff.email:<44} {staff.password}  (the admin: {admin_url})")
        lines.append("")
    return "\n".join(lines)
