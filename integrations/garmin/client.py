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

import datetime as dt
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from garminconnect import (
    Garmin,
    GarminConnectAuthenticationError,
    GarminConnectConnectionError,
    GarminConnectNotFoundError,
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
        return _signed_in(session(tokens_of(client)).garmin)
    except Blocked as error:
        return SignIn(Result.BLOCKED, detail=str(error))
    except GarminError as error:
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


class GarminError(Exception):
    """A call that failed; the subclass says what the sync does about it."""


class SignedOut(GarminError):  # noqa: N818 — what happened, as the sync reads it
    """Garmin refuses the tokens even after a refresh: the athlete must sign in again."""


class Blocked(GarminError):  # noqa: N818
    """A 429: pause the connection (never sleep in a worker waiting for it)."""


class Unreachable(GarminError):  # noqa: N818
    """Network trouble or a 5xx after the library's own retries: try at the next run."""


def _cause_status(error: BaseException) -> int | None:
    """The HTTP status behind an error, through its causes: the library reports a profile it
    could not load (a 429, a network error) as an authentication error raised from it."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, GarminConnectTooManyRequestsError):
            return 429
        status = getattr(getattr(seen, "response", None), "status_code", None)
        if isinstance(status, int):
            return status
        seen = seen.__cause__
    return None


@contextmanager
def _mapped_errors() -> Iterator[None]:
    try:
        yield
    except (
        GarminConnectTooManyRequestsError,
        GarminConnectConnectionError,
        GarminConnectAuthenticationError,
        OSError,
    ) as error:
        status = _cause_status(error)
        if status == 429:
            raise Blocked(str(error)) from error
        if status in (401, 403) or (
            status is None
            and isinstance(error, GarminConnectAuthenticationError)
            and not isinstance(error.__cause__, (GarminConnectConnectionError, OSError))
        ):
            raise SignedOut(str(error)) from error
        raise Unreachable(str(error)) from error


class Api:
    """A signed-in client whose calls are serial and at least `spacing_s` apart."""

    def __init__(self, garmin: Garmin, *, spacing_s: float) -> None:
        self.garmin = garmin
        self.spacing_s = spacing_s
        self._last = 0.0

    def _pace(self) -> None:
        wait = self._last + self.spacing_s - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last = time.monotonic()

    def activities_between(self, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
        """Activity summaries of these days, oldest first (pages of 20 inside the library)."""
        self._pace()
        with _mapped_errors():
            found = self.garmin.get_activities_by_date(
                start.isoformat(), end.isoformat(), sortorder="asc"
            )
        return [item for item in found if isinstance(item, dict)]

    def original_file(self, activity_id: str) -> bytes | None:
        """The ORIGINAL download (a zip holding the device's FIT); None when Garmin has no
        file for it (a manual activity)."""
        self._pace()
        with _mapped_errors():
            try:
                return bytes(
                    self.garmin.download_activity(
                        activity_id, dl_fmt=Garmin.ActivityDownloadFormat.ORIGINAL
                    )
                )
            except GarminConnectNotFoundError:
                return None

    def wellness(self, kind: str, day: dt.date) -> Any:
        """One wellness body of one day (`WELLNESS_CALLS` kinds); None when Garmin has none."""
        call = getattr(self.garmin, WELLNESS_CALLS[kind])
        self._pace()
        with _mapped_errors():
            try:
                return call(day.isoformat())
            except GarminConnectNotFoundError:
                return None
            except GarminConnectConnectionError as error:
                if _cause_status(error) is None and "No data" in str(error):
                    return None  # the user summary of a day the watch did not record
                raise

    def tokens(self) -> str:
        return tokens_of(self.garmin)


# Wellness kinds → the library's call for one day.
WELLNESS_CALLS = {
    "user_summary": "get_user_summary",
    "sleep": "get_sleep_data",
    "hrv": "get_hrv_data",
    "readiness": "get_training_readiness",
    "weigh_ins": "get_daily_weigh_ins",
}


def session(tokens: str, *, spacing_s: float = 0.0) -> Api:
    """A signed-in `Api` from stored tokens (2 calls: profile and settings). Raises SignedOut,
    Blocked or Unreachable."""
    garmin = Garmin(retry_attempts=RETRY_ATTEMPTS)
    with _mapped_errors():
        garmin.login(tokenstore=tokens)
    return Api(garmin, spacing_s=spacing_s)


def account_of(api: Api) -> tuple[str, str]:
    """(profile id, display name) of a signed-in client."""
    garmin = api.garmin
    return str(getattr(garmin, "profile_id", "") or ""), str(garmin.display_name or "")
