"""The life of a connection, whatever the provider: lease, tokens, pauses, runs, raw payloads."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.db import connection as db
from django.utils import timezone

from athletes.models import Athlete
from core.leases import LeaseHeld
from integrations.models import Connection, LoginAttempt, RawPayload, SyncRun
from integrations.selectors import connection_problem_counts, connection_problems
from integrations.services.connections import (
    LEASE,
    ConnectionPaused,
    connection_activate,
    connection_calm,
    connection_disconnect,
    connection_lease,
    connection_needs_user,
    connection_pause,
    credentials_save,
    lease_renew,
    login_attempts_sweep,
    raw_payload_keep,
    sync_run_error,
    sync_run_finish,
    sync_run_progress,
    sync_run_start,
)

NOW = dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.UTC)
TOKENS = {"tokens": '{"di_token": "aaa", "di_refresh_token": "r1"}', "display_name": "runner"}


@pytest.fixture
def garmin(athlete: Athlete) -> Connection:
    connection = Connection(athlete=athlete, provider=Connection.Provider.GARMIN)
    connection.set_credentials(TOKENS)
    connection.save()
    return connection


def _stored_credentials(connection: Connection) -> str:
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT credentials FROM integrations_connection WHERE id = %s", [connection.id]
        )
        return str(cursor.fetchone()[0])


def test_two_runs_of_one_connection_never_overlap(garmin: Connection) -> None:
    with connection_lease(garmin.id, now=NOW) as held:
        assert held.lease_owner
        with pytest.raises(LeaseHeld) as second, connection_lease(garmin.id, now=NOW):
            pass
        # The second run is told when to come back: when the first one's lease ends.
        assert second.value.retry_in_s == LEASE.total_seconds()
    garmin.refresh_from_db()
    assert garmin.lease_until is None and garmin.lease_owner == ""


def test_the_lease_length_is_a_setting(garmin: Connection, settings: Any) -> None:
    settings.PACELINE_CONNECTION_LEASE_S = 4
    with connection_lease(garmin.id, now=NOW):
        garmin.refresh_from_db()
        assert garmin.lease_until == NOW + dt.timedelta(seconds=4)


def test_a_lease_whose_holder_died_is_taken_over(garmin: Connection) -> None:
    Connection.objects.filter(id=garmin.id).update(
        lease_until=NOW - dt.timedelta(seconds=1), lease_owner="dead-worker"
    )
    with connection_lease(garmin.id, now=NOW) as held:
        assert held.lease_owner != "dead-worker"


def test_the_lease_is_released_when_the_run_fails(garmin: Connection) -> None:
    with pytest.raises(RuntimeError), connection_lease(garmin.id, now=NOW):
        raise RuntimeError("provider down")
    with connection_lease(garmin.id, now=NOW):
        pass


def test_a_paused_connection_is_not_run_before_its_time(garmin: Connection) -> None:
    Connection.objects.filter(id=garmin.id).update(retry_after=NOW + dt.timedelta(minutes=5))
    with pytest.raises(ConnectionPaused) as paused, connection_lease(garmin.id, now=NOW):
        pass
    assert paused.value.until == NOW + dt.timedelta(minutes=5)
    garmin.refresh_from_db()
    assert garmin.lease_until is None  # a refused run holds nothing
    with connection_lease(garmin.id, now=NOW + dt.timedelta(minutes=6)):
        pass


def test_rotated_tokens_are_written_back_encrypted_inside_the_lease(garmin: Connection) -> None:
    # Values long enough not to turn up in base64 ciphertext by chance (a 2-letter one did, ~5%).
    rotated = {**TOKENS, "tokens": '{"di_token": "bbb", "di_refresh_token": "rotated-refresh"}'}
    with connection_lease(garmin.id, now=NOW) as held:
        assert credentials_save(held, TOKENS) is False  # unchanged: no write
        assert credentials_save(held, rotated) is True
    garmin.refresh_from_db()
    assert garmin.credentials_dict == rotated
    stored = _stored_credentials(garmin)
    assert "rotated-refresh" not in stored and "di_token" not in stored  # ciphertext only


def test_a_run_that_lost_its_lease_cannot_write_tokens(garmin: Connection) -> None:
    with connection_lease(garmin.id, now=NOW) as held:
        Connection.objects.filter(id=garmin.id).update(lease_owner="someone-else")
        with pytest.raises(LeaseHeld):
            credentials_save(held, {**TOKENS, "display_name": "x"})
        with pytest.raises(LeaseHeld):
            lease_renew(held)
    garmin.refresh_from_db()
    assert garmin.credentials_dict == TOKENS
    assert garmin.lease_owner == "someone-else"  # not released by the run that lost it


def test_api_429_pauses_30_minutes_doubling_up_to_6_hours(garmin: Connection) -> None:
    pauses = []
    for _ in range(6):
        until = connection_pause(garmin, "Garmin says: too many requests", now=NOW)
        pauses.append((until - NOW).total_seconds() / 60)
    assert pauses == [30, 60, 120, 240, 360, 360]
    garmin.refresh_from_db()
    assert garmin.status == Connection.Status.ACTIVE  # a pause is not the athlete's problem
    connection_calm(garmin)
    garmin.refresh_from_db()
    assert (garmin.backoff_s, garmin.retry_after, garmin.status_reason) == (0, None, "")
    assert (connection_pause(garmin, "again", now=NOW) - NOW) == dt.timedelta(minutes=30)


def test_needs_user_and_back_to_active(garmin: Connection) -> None:
    later = NOW + dt.timedelta(hours=1)
    connection_needs_user(garmin, "Garmin refused the login for now", retry_after=later)
    garmin.refresh_from_db()
    assert garmin.status == Connection.Status.NEEDS_USER
    assert garmin.retry_after == later
    connection_activate(garmin, external_user_id="12345")
    garmin.refresh_from_db()
    assert garmin.status == Connection.Status.ACTIVE
    assert (garmin.retry_after, garmin.status_reason, garmin.external_user_id) == (
        None,
        "",
        "12345",
    )


def test_disconnect_forgets_tokens_and_logins_but_keeps_runs(garmin: Connection) -> None:
    run = sync_run_start(garmin, SyncRun.Kind.ACTIVITIES)
    LoginAttempt.objects.create(
        connection=garmin, expires_at=timezone.now() + LoginAttempt.LIFETIME
    )
    connection_disconnect(garmin)
    garmin.refresh_from_db()
    assert garmin.status == Connection.Status.DISCONNECTED
    assert garmin.credentials_dict == {} and _stored_credentials(garmin) == ""
    assert garmin.cursor == {}
    assert not LoginAttempt.objects.filter(connection=garmin).exists()
    assert SyncRun.objects.filter(id=run.id).exists()


def test_one_provider_account_feeds_one_athlete(garmin: Connection, other_athlete: Athlete) -> None:
    connection_activate(garmin, external_user_id="12345")
    other = Connection.objects.create(athlete=other_athlete, provider=Connection.Provider.GARMIN)
    with pytest.raises(IntegrityError), transaction.atomic():
        Connection.objects.filter(id=other.id).update(external_user_id="12345")
    # No account yet is not an account: many connections may wait for theirs.
    third = Connection.objects.create(
        athlete=other_athlete, provider=Connection.Provider.STRAVA, external_user_id=""
    )
    assert third.pk


def test_a_run_counts_progress_errors_and_its_end(garmin: Connection) -> None:
    run = sync_run_start(garmin, SyncRun.Kind.ACTIVITIES)
    sync_run_progress(run, total=4, fetched=4)
    sync_run_progress(run, done=2, created=1, skipped=1)
    sync_run_error(run, "activity 3", "damaged file")
    sync_run_progress(run, done=4, created=1)
    stored = SyncRun.objects.get(id=run.id)
    assert stored.counts == {
        "fetched": 4, "created": 2, "merged": 0, "removed": 0, "skipped": 1, "failed": 1
    }  # fmt: skip
    assert (stored.done, stored.total, stored.progress_pct) == (4, 4, 100)
    assert stored.errors == [{"item": "activity 3", "error": "damaged file"}]
    assert stored.state == SyncRun.State.RUNNING
    sync_run_finish(run)
    stored.refresh_from_db()
    garmin.refresh_from_db()
    assert stored.state == SyncRun.State.DONE and stored.finished_at is not None
    assert garmin.last_synced_at == stored.finished_at


def test_a_failed_run_keeps_its_error_and_not_the_sync_time(garmin: Connection) -> None:
    run = sync_run_finish(sync_run_start(garmin, SyncRun.Kind.WELLNESS), error="Garmin is down")
    garmin.refresh_from_db()
    assert run.state == SyncRun.State.FAILED and run.error == "Garmin is down"
    assert garmin.last_synced_at is None


def test_an_identical_response_is_kept_once_a_changed_one_again(garmin: Connection) -> None:
    body = {"activityId": 1, "activityName": "Run", "laps": [1, 2]}
    first = raw_payload_keep(garmin, "activity", body, external_id=1)
    same = raw_payload_keep(
        garmin,
        "activity",
        {"laps": [1, 2], "activityName": "Run", "activityId": 1},
        external_id="1",
    )
    assert same.id == first.id
    changed = raw_payload_keep(garmin, "activity", {**body, "activityName": "Tempo"}, external_id=1)
    assert changed.id != first.id
    day = raw_payload_keep(garmin, "sleep", {"score": 80}, day=dt.date(2026, 12, 4))
    assert RawPayload.objects.filter(connection=garmin).count() == 3
    assert day.day == dt.date(2026, 12, 4) and day.external_id == ""


def test_runs_and_payloads_are_seen_through_the_one_door(
    garmin: Connection, other_athlete: Athlete
) -> None:
    run = sync_run_start(garmin, SyncRun.Kind.ACTIVITIES)
    raw_payload_keep(garmin, "activity", {"id": 1}, external_id=1, run=run)
    owner = garmin.athlete.user
    stranger = other_athlete.user
    assert SyncRun.objects.visible_to(owner).count() == 1
    assert RawPayload.objects.visible_to(owner).count() == 1
    assert SyncRun.objects.visible_to(stranger).count() == 0
    assert RawPayload.objects.visible_to(stranger).count() == 0


def test_the_sweep_deletes_login_attempts_past_their_lifetime(garmin: Connection) -> None:
    Connection.objects.filter(id=garmin.id).update(status=Connection.Status.MFA_PENDING)
    old = LoginAttempt(connection=garmin, expires_at=NOW - dt.timedelta(seconds=1))
    old.set_secret({"client_state": {"cookies": []}})
    old.save()
    fresh = LoginAttempt.objects.create(connection=garmin, expires_at=NOW + dt.timedelta(minutes=9))
    assert login_attempts_sweep(now=NOW) == 1
    assert list(LoginAttempt.objects.values_list("id", flat=True)) == [fresh.id]
    garmin.refresh_from_db()
    assert garmin.status == Connection.Status.MFA_PENDING  # its newer attempt still waits
    assert login_attempts_sweep(now=NOW + dt.timedelta(minutes=10)) == 1
    garmin.refresh_from_db()
    assert garmin.status == Connection.Status.NEEDS_USER
    assert "connect again" in garmin.status_reason


def test_the_sweep_is_wired() -> None:
    from core.wiring import wired

    assert login_attempts_sweep in wired("SWEEPERS")


def test_connection_problem_counts_counts_what_needs_each_athlete_in_one_query(
    athlete: Athlete, other_athlete: Athlete, django_assert_num_queries: Any
) -> None:
    Connection.objects.create(athlete=athlete, provider="garmin", status="needs_user")
    Connection.objects.create(athlete=athlete, provider="strava", status="error")
    Connection.objects.create(athlete=athlete, provider="trainingpeaks", status="active")
    Connection.objects.create(athlete=other_athlete, provider="garmin", status="disconnected")
    with django_assert_num_queries(1):
        counts = connection_problem_counts(athlete_ids=[athlete.id, other_athlete.id])
    assert counts == {athlete.id: 2}
    assert len(connection_problems(athlete)) == 2
