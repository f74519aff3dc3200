"""Connecting a Garmin account: sign-in with email, password and MFA code, or handed-over tokens.

A sign-in can take tens of seconds (the library's anti-bot pauses), so the web request only
writes a `LoginAttempt` and a worker runs it (`login_attempt_run`, task `integrations.
garmin_login`); the page polls the attempt. The password is in the attempt's encrypted secret
until the login call returns — success, failure or MFA — and is wiped then; a pending MFA
state stays at most `LoginAttempt.LIFETIME`, and the code the athlete types goes into the same
encrypted row (never into a task's arguments, which the broker keeps and logs). Any worker
finishes an MFA login: the state is restored on a new client.

Garmin's 429/427 on sign-in blocks the account for hours and re-arms when retried, so such a
refusal sets the connection to `needs_user` with a `retry_after`, and no login — automatic or
asked for — reaches Garmin before it.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from athletes.models import Athlete, User
from core.outbox import send
from integrations.garmin import client
from integrations.garmin.schedule import queue_after_connect
from integrations.models import Connection, LoginAttempt
from integrations.services.connections import (
    ConnectionPaused,
    connection_activate,
    connection_lease,
    connection_needs_user,
    connections_manage_check,
    credentials_save,
)

# After a refused sign-in (429/427) no login before this long; Garmin's own block lasts hours.
SIGN_IN_COOL_DOWN = dt.timedelta(hours=1)
# Sign-ins one connection may start per hour (each one is a login at Garmin, which blocks
# accounts that log in too often); counted in the shared cache.
SIGN_INS_PER_HOUR = 5
CODE_DIGITS = range(4, 11)

MESSAGES = {
    client.Result.REFUSED: gettext_noop("Garmin did not accept this email and password."),
    client.Result.UNREACHABLE: gettext_noop(
        "Garmin could not be reached. Try again in a few minutes."
    ),
    client.Result.BLOCKED: gettext_noop(
        "Garmin is refusing sign-ins for this account or this server for now. Try again in "
        "an hour, or connect from your own computer (see “Garmin blocks this server”)."
    ),
}
WRONG_CODE = gettext_noop("Garmin did not accept this code. Check the latest message from Garmin.")
TOO_MANY_CODES = gettext_noop("Too many wrong codes: start again.")
TAKEN = gettext_noop("This Garmin account is already connected to another Paceline athlete.")
EXPIRED = gettext_noop("The sign-in was not finished in time: connect again.")


class SignInRefused(Exception):  # noqa: N818 — the athlete's request, refused with a reason
    """A sign-in or code that cannot be taken now; `message` is for the athlete."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def garmin_connection(athlete: Athlete) -> Connection:
    connection, _created = Connection.objects.get_or_create(
        athlete=athlete,
        provider=Connection.Provider.GARMIN,
        defaults={"status": Connection.Status.DISCONNECTED},
    )
    return connection


def sign_in_start(*, by: User, athlete: Athlete, email: str, password: str) -> LoginAttempt:
    """Ask a worker to sign in to Garmin as the athlete; the attempt says how it goes."""
    connections_manage_check(by, athlete.id)
    now = timezone.now()
    with transaction.atomic():
        connection = garmin_connection(athlete)
        connection = Connection.objects.select_for_update().get(id=connection.id)
        if connection.retry_after is not None and connection.retry_after > now:
            when = formats.time_format(timezone.localtime(connection.retry_after), "TIME_FORMAT")
            raise SignInRefused(
                _("Garmin asked Paceline to wait: try again after %(time)s.") % {"time": when}
            )
        _count_sign_in(connection, now)
        LoginAttempt.objects.filter(connection=connection).delete()  # one sign-in at a time
        attempt = LoginAttempt(connection=connection, expires_at=now + LoginAttempt.LIFETIME)
        attempt.set_secret({"email": email.strip(), "password": password})
        attempt.save()
        if connection.status != Connection.Status.ACTIVE:
            connection.status_reason = ""
            connection.save(update_fields=["status_reason"])
        transaction.on_commit(partial(login_attempt_send, attempt.id), robust=True)
    return attempt


def _count_sign_in(connection: Connection, now: dt.datetime) -> None:
    key = f"paceline:garmin-sign-in:{connection.id}:{now:%Y%m%d%H}"
    cache.add(key, 0, timeout=3600)
    if cache.incr(key) > SIGN_INS_PER_HOUR:
        raise SignInRefused(
            _(
                "Too many sign-ins in the last hour: Garmin blocks accounts that log in too "
                "often. Try again later."
            )
        )


def code_submit(*, by: User, attempt: LoginAttempt, code: str) -> LoginAttempt:
    """The MFA code the athlete typed, for a worker to finish the sign-in with."""
    connections_manage_check(by, attempt.connection.athlete_id)
    code = "".join(code.split())
    if not code.isdigit() or len(code) not in CODE_DIGITS:
        raise SignInRefused(_("Type the code Garmin sent you (digits only)."))
    with transaction.atomic():
        locked = LoginAttempt.objects.select_for_update().filter(id=attempt.id).first()
        if locked is None or locked.expires_at < timezone.now():
            raise SignInRefused(_(EXPIRED))
        if locked.state != LoginAttempt.State.NEEDS_CODE:
            raise SignInRefused(_("This sign-in is not waiting for a code."))
        locked.set_secret({**locked.secret_dict, "code": code})
        locked.state = LoginAttempt.State.CODE_QUEUED
        locked.message = ""
        locked.save(update_fields=["secret", "state", "message", "updated_at"])
        transaction.on_commit(partial(login_attempt_send, locked.id), robust=True)
    return locked


def tokens_hand_over(*, athlete: Athlete, tokens: str) -> Connection:
    """Tokens made on another machine (`garmin_login --tokens-file`): the way in for servers
    whose address Garmin blocks. They are checked by opening a session with them."""
    if not client.tokens_valid(tokens):
        raise SignInRefused(_("This is not a Garmin token file (expected di_token JSON)."))
    try:
        api = client.session(tokens)
    except client.GarminError as error:
        raise SignInRefused(
            _("Garmin did not accept these tokens: %(error)s") % {"error": error}
        ) from error
    profile_id, display_name = client.account_of(api)
    signed = client.SignIn(
        client.Result.SIGNED_IN,
        tokens=api.tokens(),
        profile_id=profile_id,
        display_name=display_name,
    )
    return signed_in_store(athlete=athlete, signed=signed)


def signed_in_store(*, athlete: Athlete, signed: client.SignIn) -> Connection:
    """Keep the tokens of a sign-in made in this process (the `garmin_login` command)."""
    connection = garmin_connection(athlete)
    with connection_lease(connection.id) as held:
        message = _connected(held, signed)
    if message:
        raise SignInRefused(_(message))
    connection.refresh_from_db()
    queue_after_connect(connection)  # once the lease is free for the runs it queues
    return connection


# --- the worker side --------------------------------------------------------------------------


def login_attempt_send(attempt_id: int) -> bool:
    """Queue the attempt's next step; False when the broker is away (the sweep sends it)."""
    from integrations.garmin.tasks import garmin_login_task  # tasks import this module

    return send(garmin_login_task, attempt_id)


def login_attempt_run(attempt_id: int, *, now: dt.datetime | None = None) -> LoginAttempt | None:
    """Run the attempt's step — the sign-in, or the code — once; None when there is nothing
    to do (done, gone, or another worker has it). Raises LeaseHeld while a sync holds the
    connection (its task retries then: the sync must not write back older tokens after ours).
    """
    now = now or timezone.now()
    attempt = LoginAttempt.objects.select_related("connection").filter(id=attempt_id).first()
    if attempt is None or attempt.state not in LoginAttempt.WAITING_FOR_A_WORKER:
        return None
    if attempt.expires_at < now:
        return _fail(attempt, EXPIRED)
    try:
        with connection_lease(attempt.connection_id, now=now) as connection:
            claimed = LoginAttempt.objects.filter(id=attempt.id, state=attempt.state).update(
                state=LoginAttempt.State.RUNNING
            )
            if not claimed:
                return None
            done = _step(attempt, connection, now)
    except ConnectionPaused:
        return _fail(attempt, MESSAGES[client.Result.BLOCKED])
    if done.state == LoginAttempt.State.DONE:
        connection.refresh_from_db()
        queue_after_connect(connection)  # once the lease is free for the runs it queues
    return done


def _step(attempt: LoginAttempt, connection: Connection, now: dt.datetime) -> LoginAttempt:
    secret = attempt.secret_dict
    code = secret.get("code")
    if code:
        signed = client.finish_sign_in(secret.get("mfa_state") or {}, str(code))
    else:
        signed = client.sign_in(str(secret.get("email", "")), str(secret.get("password", "")))
    # The password goes as soon as the call returned; only a pending MFA state may stay.
    if signed.result == client.Result.NEEDS_CODE:
        _save(attempt, LoginAttempt.State.NEEDS_CODE, "", {"mfa_state": signed.mfa_state})
        Connection.objects.filter(id=connection.id).update(status=Connection.Status.MFA_PENDING)
        return attempt
    if signed.result == client.Result.SIGNED_IN:
        message = _connected(connection, signed)
        if message:
            return _fail(attempt, message)
        _save(attempt, LoginAttempt.State.DONE, "", {})
        return attempt
    if signed.result == client.Result.BLOCKED:
        connection_needs_user(
            connection, MESSAGES[client.Result.BLOCKED], retry_after=now + SIGN_IN_COOL_DOWN
        )
        return _fail(attempt, MESSAGES[client.Result.BLOCKED])
    if code and signed.result == client.Result.REFUSED:
        tries = attempt.code_tries + 1
        if tries < LoginAttempt.MAX_CODE_TRIES:
            attempt.code_tries = tries
            kept = {"mfa_state": secret.get("mfa_state") or {}}
            _save(attempt, LoginAttempt.State.NEEDS_CODE, WRONG_CODE, kept)
            return attempt
        return _fail(attempt, TOO_MANY_CODES)
    return _fail(attempt, MESSAGES[signed.result])


def _connected(connection: Connection, signed: client.SignIn) -> str:
    """Store the tokens and the account (inside the caller's lease); a message if refused."""
    try:
        with transaction.atomic():
            connection_activate(connection, external_user_id=signed.profile_id)
    except IntegrityError:
        return TAKEN
    credentials_save(connection, {"tokens": signed.tokens, "display_name": signed.display_name})
    return ""


def _save(attempt: LoginAttempt, state: str, message: str, secret: dict[str, Any]) -> None:
    attempt.state = state
    attempt.message = message
    attempt.set_secret(secret)
    attempt.save(update_fields=["state", "message", "secret", "code_tries", "updated_at"])


def _fail(attempt: LoginAttempt, message: str) -> LoginAttempt:
    _save(attempt, LoginAttempt.State.FAILED, message, {})
    connection = attempt.connection
    if connection.status == Connection.Status.MFA_PENDING or not connection.credentials:
        Connection.objects.filter(id=connection.id).exclude(
            status=Connection.Status.NEEDS_USER
        ).update(
            status=Connection.Status.DISCONNECTED
            if not connection.credentials
            else Connection.Status.NEEDS_USER,
            status_reason=message,
        )
    return attempt
