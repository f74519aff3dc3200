"""Recompute stored metrics and the daily load chart, synchronously (after an algorithm change,
a thresholds import or a restore)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.pipeline import athlete_metrics_refresh
from athletes.models import Athlete


class Command(BaseCommand):
    help = (
        "Recompute every activity's metrics on or after --since (default: all), then the "
        "DailyLoad rows (Fitness/Fatigue/Form) from there to today; one athlete or all."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--athlete", metavar="EMAIL", help="Only this athlete.")
        parser.add_argument(
            "--since", type=dt.date.fromisoformat, metavar="YYYY-MM-DD", help="First day."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        athletes = Athlete.objects.select_related("user").order_by("id")
        if options["athlete"]:
            athletes = athletes.filter(user__email__iexact=options["athlete"])
            if not athletes.exists():
                raise CommandError(f"No athlete with the email {options['athlete']}.")
        totals = [0, 0, 0]
        for athlete in athletes.iterator():
            refreshed = athlete_metrics_refresh(athlete=athlete, since=options["since"])
            totals = [totals[0] + 1, totals[1] + refreshed.activities, totals[2] + refreshed.days]
        self.stdout.write(f"athletes: {totals[0]}\nactivities: {totals[1]}\ndays: {totals[2]}")
