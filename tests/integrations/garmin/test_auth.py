"""Connecting Garmin: the real garminconnect library signs in against a fake Garmin at its
HTTP boundary (tests/integrations/garmin/fake.py), replaying the recorded SSO exchange."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection as db
from django.utils import timezone

from athletes.models import Athlete, CoachAthlete, User
from core.leases import LeaseHeld
from integrations.garmin import client
from integrations.garmin.auth import (
    SignInRefused,
    code_submit,
    login_attempt_run,
    sign_in_start,
    tokens_hand_over,
)
from integrations.garmin.tasks import login_attempts_resend_sweep
from integrations.models import Connection, LoginAttempt
from integrations.services.connections import connection_lease
from tests.integrations.garmin.fake import (
    CODE,
    EMAIL,
    PASSWORD,
    PROFILE_ID,
    FakeGarmin,
    installed,
)

Run = Callable[..., Any]


@pytest.fixture
def garmin(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGarmin]:
    with installed(FakeGarmin(corpus), monkeypatch) as fake:
        yield fake


@pytest.fixture
def start(athlete: Athlete, django_capture_on_commit_callbacks: Callable[..., Any]) -> Run:
    """Start a sign-in as the athlete; the task runs in-process after commit."""

    def run(password: str = PASSWORD, **kwargs: Any) -> LoginAttempt:
        with django_capture_on_commit_callbacks(execute=True):
            attempt = sign_in_start(
                by=kwargs.get("by", athlete.user),
                athlete=athlete,
                email=EMAIL,
                password=password,
            )
        attempt.refresh_from_db()
        return attempt

    return run


@pytest.fixture
def submit(athlete: Athlete, django_capture_on_commit_callbacks: Callable[..., Any]) -> Run:
    def run(attempt: LoginAttempt, code: str) -> LoginAttempt:
        with django_capture_on_commit_callbacks(execute=True):
            code_submit(by=athlete.user, attempt=attempt, code=code)
        attempt.refresh_from_db()
        return attempt

    return run


def _raw(table: str, column: str, row_id: int) -> str:
    with db.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [row_id])  # noqa: S608
        return str(cursor.fetchone()[0])


def test_a_sign_in_without_mfa_connects_with_tokens_only(
    garmin: FakeGarmin, start: Run, athlete: Athlete
) -> None:
    attempt = start()
    assert attempt.state == LoginAttempt.State.DONE
    assert attempt.secret_dict == {}  # the password is gone
    connection = Connection.objects.get(athlete=athlete, provider="garmin")
    assert connection.status == Connection.Status.ACTIVE
    assert connection.external_user_id == str(PROFILE_ID)
    assert set(connection.credentials_dict) == {"tokens", "display_name"}
    assert (
        json.loads(connection.credentials_dict["tokens"])["di_refresh_token"]
        == (garmin.refresh_tokens[-1])
    )
    stored = _raw("integrations_connection", "credentials", connection.id)
    assert "di_token" not in stored and garmin.refresh_tokens[-1] not in stored
    assert PASSWORD not in _raw("integrations_loginattempt", "secret", attempt.id)


def test_mfa_is_finished_from_the_stored_state_with_the_code(
    garmin: FakeGarmin, start: Run, submit: Run, athlete: Athlete
) -> None:
    garmin.mfa = True
    attempt = start()
    assert attempt.state == LoginAttempt.State.NEEDS_CODE
    assert set(attempt.secret_dict) == {"mfa_state"}  # no password while waiting for the code
    assert attempt.secret_dict["mfa_state"]["flow"] == "ios"
    connection = attempt.connection
    connection.refresh_from_db()
    assert connection.status == Connection.Status.MFA_PENDING

    wrong = submit(attempt, "000000")
    assert wrong.state == LoginAttempt.State.NEEDS_CODE
    assert wrong.code_tries == 1 and "did not accept this code" in wrong.message

    done = submit(wrong, f" {CODE[:3]} {CODE[3:]} ")  # typed with spaces
    assert done.state == LoginAttempt.State.DONE
    connection.refresh_from_db()
    assert connection.status == Connection.Status.ACTIVE
    assert connection.credentials_dict["display_name"] == "mtamizi"
    verified = garmin.calls(path="/mfa/verifyCode")
    assert [call.json()["mfaVerificationCode"] for call in verified][-1] == CODE


def test_three_wrong_codes_end_the_sign_in(garmin: FakeGarmin, start: Run, submit: Run) -> None:
    garmin.mfa = True
    attempt = start()
    for _ in range(LoginAttempt.MAX_CODE_TRIES):
        attempt = submit(attempt, "999999")
    assert attempt.state == LoginAttempt.State.FAILED
    assert "Too many wrong codes" in attempt.message
    assert attempt.secret_dict == {}
    with pytest.raises(SignInRefused):
        submit(attempt, CODE)


def test_a_wrong_password_is_said_and_nothing_is_stored(
    garmin: FakeGarmin, start: Run, athlete: Athlete
) -> None:
    attempt = start(password="wrong")
    assert attempt.state == LoginAttempt.State.FAILED
    assert attempt.message == "Garmin did not accept this email and password."
    connection = Connection.objects.get(athlete=athlete, provider="garmin")
    assert connection.status == Connection.Status.DISCONNECTED
    assert connection.credentials_dict == {}
    assert attempt.secret_dict == {}


def test_a_blocked_sign_in_is_not_retried_during_the_cool_down(
    garmin: FakeGarmin, start: Run, athlete: Athlete
) -> None:
    garmin.login_status = 429
    attempt = start()
    assert attempt.state == LoginAttempt.State.FAILED
    assert "refusing sign-ins" in attempt.message
    connection = Connection.objects.get(athlete=athlete, provider="garmin")
    assert connection.status == Connection.Status.NEEDS_USER
    assert connection.retry_after is not None
    assert connection.retry_after > timezone.now() + dt.timedelta(minutes=59)
    asked = len(garmin.login_calls())

    garmin.login_status = 200  # even once Garmin would answer, nobody asks it before the time
    with pytest.raises(SignInRefused, match="try again after"):
        start()
    assert len(garmin.login_calls()) == asked

    Connection.objects.filter(id=connection.id).update(
        retry_after=timezone.now() - dt.timedelta(seconds=1)
    )
    assert start().state == LoginAttempt.State.DONE


def test_one_garmin_account_connects_one_athlete(
    garmin: FakeGarmin, start: Run, other_athlete: Athlete
) -> None:
    assert start().state == LoginAttempt.State.DONE
    other = sign_in_start(
        by=other_athlete.user, athlete=other_athlete, email=EMAIL, password=PASSWORD
    )
    result = login_attempt_run(other.id)
    assert result is not None and result.state == LoginAttempt.State.FAILED
    assert "already connected to another" in result.message
    theirs = Connection.objects.get(athlete=other_athlete, provider="garmin")
    assert theirs.credentials_dict == {} and theirs.external_user_id == ""


def test_who_may_connect_the_athletes_garmin(
    garmin: FakeGarmin,
    start: Run,
    athlete: Athlete,
    coach: User,
    view_coach: User,
    other_coach: User,
) -> None:
    for stranger in (view_coach, other_coach):
        with pytest.raises(PermissionDenied):
            start(by=stranger)
    assert not LoginAttempt.objects.exists()
    CoachAthlete.objects.filter(coach=coach, athlete=athlete).update(
        permission=CoachAthlete.Permission.FULL
    )
    assert start(by=coach).state == LoginAttempt.State.DONE


@pytest.mark.parametrize("code", ["", "abc123", "12", "12345678901"])
def test_a_code_that_cannot_be_one_is_refused_before_garmin(
    garmin: FakeGarmin, start: Run, submit: Run, code: str
) -> None:
    garmin.mfa = True
    attempt = start()
    asked = len(garmin.log)
    with pytest.raises(SignInRefused):
        submit(attempt, code)
    assert len(garmin.log) == asked


def test_a_sign_in_past_its_ten_minutes_is_dropped(garmin: FakeGarmin, athlete: Athlete) -> None:
    attempt = sign_in_start(by=athlete.user, athlete=athlete, email=EMAIL, password=PASSWORD)
    late = timezone.now() + LoginAttempt.LIFETIME + dt.timedelta(seconds=1)
    result = login_attempt_run(attempt.id, now=late)
    assert result is not None and result.state == LoginAttempt.State.FAILED
    assert result.secret_dict == {}
    assert garmin.log == []


def test_a_sync_holding_the_connection_makes_the_sign_in_wait(
    garmin: FakeGarmin, athlete: Athlete
) -> None:
    attempt = sign_in_start(by=athlete.user, athlete=athlete, email=EMAIL, password=PASSWORD)
    with connection_lease(attempt.connection_id), pytest.raises(LeaseHeld):
        login_attempt_run(attempt.id)
    attempt.refresh_from_db()
    assert attempt.state == LoginAttempt.State.QUEUED
    assert login_attempt_run(attempt.id) is not None
    attempt.refresh_from_db()
    assert attempt.state == LoginAttempt.State.DONE


def test_a_sign_in_whose_task_was_lost_is_sent_again_by_the_sweep(
    garmin: FakeGarmin, athlete: Athlete
) -> None:
    attempt = sign_in_start(by=athlete.user, athlete=athlete, email=EMAIL, password=PASSWORD)
    # No on-commit callback ran: as if the broker had been away when it was sent.
    assert login_attempts_resend_sweep(now=timezone.now()) == 0  # within its grace
    assert login_attempts_resend_sweep(now=timezone.now() + dt.timedelta(minutes=1)) == 1
    attempt.refresh_from_db()
    assert attempt.state == LoginAttempt.State.DONE
    assert login_attempts_resend_sweep(now=timezone.now() + dt.timedelta(minutes=1)) == 0


def test_tokens_made_elsewhere_connect_the_athlete(garmin: FakeGarmin, athlete: Athlete) -> None:
    signed = client.sign_in(EMAIL, PASSWORD)  # "on the athlete's own computer"
    assert signed.result == client.Result.SIGNED_IN
    connection = tokens_hand_over(athlete=athlete, tokens=signed.tokens)
    assert connection.status == Connection.Status.ACTIVE
    assert connection.external_user_id == str(PROFILE_ID)
    with pytest.raises(SignInRefused, match="not a Garmin token file"):
        tokens_hand_over(athlete=athlete, tokens='{"oauth1_token": "old garth"}')


def test_no_password_or_token_reaches_the_logs(
    garmin: FakeGarmin, start: Run, submit: Run, caplog: pytest.LogCaptureFixture, athlete: Athlete
) -> None:
    caplog.set_level(logging.DEBUG)
    garmin.mfa = True
    submit(start(), CODE)
    connection = Connection.objects.get(athlete=athlete, provider="garmin")
    secrets = [PASSWORD, CODE, json.loads(connection.credentials_dict["tokens"])["di_token"]]
    secrets += garmin.refresh_tokens
    for secret in secrets:
        assert secret not in caplog.text


def test_the_command_signs_in_with_a_code_typed_at_the_terminal(
    garmin: FakeGarmin, athlete: Athlete, monkeypatch: pytest.MonkeyPatch
) -> None:
    garmin.mfa = True
    typed = iter([EMAIL, "111111", CODE])
    monkeypatch.setattr("builtins.input", lambda prompt: next(typed))
    monkeypatch.setattr("getpass.getpass", lambda prompt: PASSWORD)
    out, err = StringIO(), StringIO()
    call_command("garmin_login", athlete=athlete.user.email, stdout=out, stderr=err)
    assert "Garmin connected" in out.getvalue()
    assert "did not accept this code" in err.getvalue()
    connection = Connection.objects.get(athlete=athlete, provider="garmin")
    assert connection.status == Connection.Status.ACTIVE


def test_the_command_hands_over_a_tokens_file(
    garmin: FakeGarmin, athlete: Athlete, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("getpass.getpass", lambda prompt: PASSWORD)
    tokens = tmp_path / "garmin-tokens.json"
    call_command("garmin_login", tokens_out=tokens, garmin_email=EMAIL, stdout=StringIO())
    assert tokens.stat().st_mode & 0o777 == 0o600
    call_command("garmin_login", athlete=athlete.user.email, tokens_file=tokens, stdout=StringIO())
    connection = Connection.objects.get(athlete=athlete, provider="garmin")
    assert connection.status == Connection.Status.ACTIVE
    bad = tmp_path / "bad.json"
    bad.write_text("not json")
    with pytest.raises(CommandError, match="not a Garmin token file"):
        call_command("garmin_login", athlete=athlete.user.email, tokens_file=bad)
    with pytest.raises(CommandError, match="no athlete"):
        call_command("garmin_login", athlete="nobody@example.com", tokens_file=tokens)
