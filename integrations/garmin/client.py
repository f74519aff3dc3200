"""The one place Paceline calls `garminconnect` (≥ 0.3.20; garth is dead).

Sign-in: `sign_in(email, password)` runs the library's own login chain (it can take tens of
seconds: run it in a task, never in a request) and returns a `SignIn` — tokens, a pending-MFA
state for `finish_sign_in(state, code)` in any process, or why it failed. The library's
exceptions do not leave this module.

Syncs: `session(tokens)` opens an authenticated client from stored tokens (2 API calls: the
profile and settings most URLs need); `tokens_of(client)` must be saved after EVERY run, as
the library refreshes and rotates the refresh token on its own and only writes it back to a
token file, which Paceline does not use (research: omramin#21, garmin-connect-mcp PR #19).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from garminconnect import (
    Garmin,
    GarminConnectAuthenticationError,
    GarminConnectConnectionError,
    GarminConnectTooManyRequestsError,
)

# Retries inside the library are for 5xx and network errors only (401/429 fail fast).
RETRY_ATTEMPTS = 2


class Result(StrEnum):
    SIGNED_IN = "signed_in"
    NEEDS_CODE = "needs_code"
    REFUSED = "refused"  # wrong email/password, or a wrong MFA code
    BLOCKED = "blocked"  # 429/427: Garmin refuses sign-ins for a while (never retry by itself)
    UNREACHABLE = "unreachable"  # network, 5xx, a Cloudflare challenge


@dataclass(frozen=True)
class SignIn:
    result: Result
    tokens: str = ""  # the library's dumps() JSON
    profile_id: str = ""
    display_name: str = ""
    mfa_state: dict[str, Any] = field(default_factory=dict)
    detail: str = ""  # the library's message, for logs and the run's error: never a secret


def sign_in(email: str, password: str) -> SignIn:
    """One credential login; `NEEDS_CODE` carries the state `finish_sign_in` needs."""
    client = Garmin(email, password, return_on_mfa=True, retry_attempts=RETRY_ATTEMPTS)
    try:
        status, state = client.login()
    except GarminConnectTooManyRequestsError as error:
        return SignIn(Result.BLOCKED, detail=str(error))
    except GarminConnectAuthenticationError as error:
        return SignIn(Result.REFUSED, detail=str(error))
    except (GarminConnectConnectionError, OSError) as error:
        return SignIn(Result.UNREACHABLE, detail=str(error))
    finally:
        client.password = None
    if status == "needs_mfa":
        # JSON round trip: what is stored is exactly what another process will restore.
        return SignIn(Result.NEEDS_CODE, mfa_state=json.loads(json.dumps(state)))
    # Without MFA the early-return login loads no profile: open a session with the new
    # tokens, as every sync will (it loads the profile id and display name).
    try:
        return _signed_in(session(tokens_of(client)))
    except GarminConnectTooManyRequestsError as error:
        return SignIn(Result.BLOCKED, detail=str(error))
    except (GarminConnectConnectionError, OSError) as error:
        return SignIn(Result.UNREACHABLE, detail=str(error))


def finish_sign_in(mfa_state: dict[str, Any], code: str) -> SignIn:
    """Complete an MFA login started anywhere (any worker) with the code the athlete typed.

    A wrong code is `REFUSED` and the same `mfa_state` may be tried again.
    """
    client = Garmin(retry_attempts=RETRY_ATTEMPTS)
    try:
        client.resume_login(mfa_state, code)
    except GarminConnectTooManyRequestsError as error:
        return SignIn(Result.BLOCKED, detail=str(error))
    except GarminConnectAuthenticationError as error:
        return SignIn(Result.REFUSED, detail=str(error))
    except (GarminConnectConnectionError, OSError) as error:
        return SignIn(Result.UNREACHABLE, detail=str(error))
    return _signed_in(client)


def _signed_in(client: Garmin) -> SignIn:
    return SignIn(
        Result.SIGNED_IN,
        tokens=tokens_of(client),
        profile_id=str(getattr(client, "profile_id", "") or ""),
        display_name=str(client.display_name or ""),
    )


def tokens_of(client: Garmin) -> str:
    return str(client.client.dumps())


def tokens_valid(tokens: str) -> bool:
    """Whether `tokens` looks like the library's dumps() output (a hand-over file's content)."""
    try:
        value = json.loads(tokens)
    except ValueError:
        return False
    return isinstance(value, dict) and bool(value.get("di_token")) and "di_refresh_token" in value


def session(tokens: str) -> Garmin:
    """An authenticated client from stored tokens; raises the library's errors (the sync maps
    them: 401 → needs_user, 429 → pause)."""
    client = Garmin(retry_attempts=RETRY_ATTEMPTS)
    client.login(tokenstore=tokens)
    return client


def account_of(client: Garmin) -> tuple[str, str]:
    """(profile id, display name) of a signed-in client."""
    return str(getattr(client, "profile_id", "") or ""), str(client.display_name or "")
