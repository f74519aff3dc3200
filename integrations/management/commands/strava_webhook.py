"""Strava's webhook subscription of this server (one per Strava app):

    python manage.py strava_webhook --create       # subscribe PACELINE_BASE_URL/strava/webhook/
    python manage.py strava_webhook --list
    python manage.py strava_webhook --delete ID

Strava checks the callback at once (a GET answered by this server with the verify token), so
the site must be reachable from the internet at PACELINE_BASE_URL when creating it.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from integrations.strava import client
from integrations.strava.webhooks import verify_token


class Command(BaseCommand):
    help = "Create, list or delete Strava's webhook subscription for this server."

    def add_arguments(self, parser: CommandParser) -> None:
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--create", action="store_true", help="Subscribe this server.")
        action.add_argument("--list", action="store_true", help="Show the subscription.")
        action.add_argument("--delete", type=int, metavar="ID", help="Delete a subscription.")
        parser.add_argument(
            "--callback-url",
            help="The address Strava posts to (default: PACELINE_BASE_URL/strava/webhook/).",
        )
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not client.enabled():
            raise CommandError("Strava is not configured: set STRAVA_CLIENT_ID and _SECRET.")
        try:
            if options["create"]:
                url = options["callback_url"] or (
                    settings.PACELINE_BASE_URL + reverse("strava_webhook")
                )
                subscription_id = client.subscription_create(
                    callback_url=url, verify_token=verify_token()
                )
                self._say(options, {"created": subscription_id, "callback_url": url})
            elif options["list"]:
                self._say(options, {"subscriptions": client.subscriptions_list()})
            else:
                client.subscription_delete(options["delete"])
                self._say(options, {"deleted": options["delete"]})
        except client.StravaError as error:
            raise CommandError(f"Strava refused: {error}") from error

    def _say(self, options: dict[str, Any], result: dict[str, Any]) -> None:
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        for key, value in result.items():
            self.stdout.write(f"{key}: {value}")
