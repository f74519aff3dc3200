"""The fake Strava's OAuth book: authorization codes, bearer tokens that expire, refresh tokens
that rotate. Not thread-safe: `FakeStrava` calls it under its lock."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

TOKEN_LIFETIME_S = 6 * 3600  # Strava's access tokens live six hours


@dataclass
class Access:
    athlete_id: int
    scope: str
    expires_at: int


@dataclass
class TokenBook:
    codes: dict[str, tuple[int, str]] = field(default_factory=dict)  # code → athlete, scope
    access: dict[str, Access] = field(default_factory=dict)
    refresh: dict[int, str] = field(default_factory=dict)  # athlete → the one that works
    scopes: dict[int, str] = field(default_factory=dict)  # athlete → the scope they granted

    def exchange(self, code: str, now: float) -> tuple[int, dict[str, Any]] | None:
        """A code works once: (athlete, Strava's token answer), or None."""
        if code not in self.codes:
            return None
        athlete_id, scope = self.codes.pop(code)
        return athlete_id, self.issue(athlete_id, scope, now)

    def rotate(self, refresh_token: str, now: float) -> dict[str, Any] | None:
        """New tokens for the current refresh token, which then stops working; else None."""
        athlete_id = self.owner(refresh_token)
        if athlete_id is None or self.refresh.get(athlete_id) != refresh_token:
            return None
        return self.issue(athlete_id, self.scopes[athlete_id], now)

    def issue(self, athlete_id: int, scope: str, now: float) -> dict[str, Any]:
        """Older access tokens keep working until they expire, as on Strava."""
        access, refresh = secrets.token_hex(20), secrets.token_hex(20)
        expires_at = int(now) + TOKEN_LIFETIME_S
        self.access[access] = Access(athlete_id, scope, expires_at)
        self.refresh[athlete_id], self.scopes[athlete_id] = refresh, scope
        return {
            "token_type": "Bearer",
            "access_token": access,
            "refresh_token": refresh,
            "expires_at": expires_at,
            "expires_in": TOKEN_LIFETIME_S,
        }

    def valid(self, token: str | None, now: float) -> Access | None:
        access = self.access.get(token or "")
        return access if access is not None and access.expires_at > now else None

    def owner(self, token: str) -> int | None:
        """The athlete whose access or current refresh token this is."""
        if token in self.access:
            return self.access[token].athlete_id
        return next((a for a, t in self.refresh.items() if t == token), None)

    def expire(self, athlete_id: int, now: float) -> None:
        for access in self.access.values():
            if access.athlete_id == athlete_id:
                access.expires_at = int(now) - 1

    def revoke(self, athlete_id: int) -> None:
        self.refresh.pop(athlete_id, None)
        for token in [t for t, a in self.access.items() if a.athlete_id == athlete_id]:
            del self.access[token]

    def live(self, athlete_id: int) -> tuple[list[str], str | None]:
        tokens = [t for t, a in self.access.items() if a.athlete_id == athlete_id]
        return tokens, self.refresh.get(athlete_id)
