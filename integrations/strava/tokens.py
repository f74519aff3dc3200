"""Strava access tokens for workers: refreshed when less than five minutes remain, or once after
a 401 — exactly one refresh however many tasks find the token expired at the same moment.

Strava rotates the refresh token on every refresh, so two workers refreshing at once would
leave one of them holding a refresh token Strava no longer accepts. The read, the refresh call
and the write-back therefore happen inside one transaction holding the connection's row
(`select_for_update`): the others wait on the row, then find the fresh token and use it.
"""

from __future__ import annotations

import time

from django.db import transaction
from django.utils.translation import gettext_noop

from integrations.models import Connection
from integrations.services.connections import connection_needs_user
from integrations.strava import client

MARGIN_S = 300  # refresh when less than this remains
SIGNED_OUT = gettext_noop("Strava no longer accepts Paceline's access: connect Strava again.")


class Disconnected(client.StravaError):
    """The connection has no tokens (disconnected, deauthorized)."""


def access_token(connection_id: int, *, refused: str = "", now: float | None = None) -> str:
    """A valid access token of the connection. `refused`: the token Strava just answered 401
    to — refreshed unless another worker already replaced it. Raises Disconnected without
    tokens, client.SignedOut when Strava refuses the refresh (the connection then needs its
    athlete), client.Unreachable / RateLimited as the refresh call may."""
    now = time.time() if now is None else now
    try:
        with transaction.atomic():
            connection = Connection.objects.select_for_update().get(id=connection_id)
            credentials = connection.credentials_dict
            current = str(credentials.get("access_token", ""))
            if not current or connection.status == Connection.Status.DISCONNECTED:
                raise Disconnected("Strava is not connected.")
            if refused and current != refused:
                return current  # another worker refreshed it meanwhile
            expires_at = float(credentials.get("expires_at") or 0)
            if not refused and expires_at - now > MARGIN_S:
                return current
            tokens = client.token_refresh(str(credentials.get("refresh_token", "")))
            connection.set_credentials({**credentials, **tokens.as_credentials()})
            connection.save(update_fields=["credentials"])
            return tokens.access_token
    except client.SignedOut:
        connection = Connection.objects.get(id=connection_id)
        connection_needs_user(connection, SIGNED_OUT)
        raise
