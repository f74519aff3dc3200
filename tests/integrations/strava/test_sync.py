"""Strava runs (backfill, reconcile) with the real stravalib against the fake Strava: what lands,
the dedupe with Garmin, re-runs that change nothing, tokens, the rate budget and Strava's
refusals. Tasks in-process."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from activities.models import Activity, ActivitySource
from activities.services.ingest import activity_ingest
from activities.types import NormalizedActivity, Provider, SourceRef, Streams, Summary
from core.sports import Sport
from integrations.models import Connection, RawPayload, SyncRun
from integrations.strava import client
from integrations.strava.schedule import backfill_request, option_set, strava_syncs_sweep, sync_now
from integrations.strava.sync import Deferred, strava_run
from integrations.strava.tokens import access_token
from tests.integrations.strava.conftest import STRAVA_ATHLETE
from tests.integrations.strava.fake_server import FakeStrava

DAY = dt.timedelta(days=1)


def _rows(connection: Connection) -> list[tuple[Any, ...]]:
    return sorted(
        Activity.objects.filter(athlete_id=connection.athlete_id).values_list(
            "started_at", "sport", "name", "primary_provider", "distance_m"
        )
    )


def _strava_sources(connection: Connection) -> list[str]:
    return sorted(
        ActivitySource.objects.filter(
            athlete_id=connection.athlete_id, provider=Provider.STRAVA
        ).values_list("external_id", flat=True)
    )


def _backfill(connection: Connection, since: dt.date, capture: Callable[..., Any]) -> SyncRun:
    with capture(execute=True):
        run = backfill_request(by=connection.athlete.user, connection=connection, since=since)
    run.refresh_from_db()
    return run


def test_a_backfill_imports_each_activity_once_and_a_rerun_changes_nothing(
    strava: FakeStrava,
    connected: Connection,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    start = timezone.now() - 10 * DAY
    ids = strava.corpus_activities(STRAVA_ATHLETE, 3, start=start, step=2 * DAY)
    run = _backfill(connected, (start - DAY).date(), django_capture_on_commit_callbacks)

    assert run.state == SyncRun.State.DONE, run.error
    assert run.counts["fetched"] == 3 and run.counts["created"] == 3
    assert _strava_sources(connected) == sorted(str(i) for i in ids)
    rows = _rows(connected)
    assert len(rows) == 3 and {row[3] for row in rows} == {Provider.STRAVA}
    assert all(row[4] and row[4] > 1000 for row in rows)  # distances from the real streams
    assert {row[1] for row in rows} == {Sport.RIDE, Sport.RUN}
    # two reads per activity and one list page
    assert len(strava.seen("/athlete/activities")) == 1
    assert len(strava.seen("/streams")) == 3

    before = strava.api_calls
    again = _backfill(connected, (start - DAY).date(), django_capture_on_commit_callbacks)
    assert again.state == SyncRun.State.DONE and again.counts["skipped"] == 3
    assert again.counts["created"] == again.counts["merged"] == 0
    assert _rows(connected) == rows
    assert strava.api_calls - before == 1  # the list only: nothing known is read again
    assert RawPayload.objects.filter(connection=connected, kind="activity").count() == 3


def _garmin_activity(connection: Connection, strava: FakeStrava, strava_id: int) -> Activity:
    """Paceline's Garmin activity of the Strava activity `strava_id` pushed by Garmin."""
    detail = strava.activity(strava_id)
    garmin_id = str(detail["external_id"]).removeprefix("garmin_push_")
    started = dt.datetime.fromisoformat(detail["start_date"].replace("Z", "+00:00"))
    normalized = NormalizedActivity(
        sport=Sport.RIDE,
        sub_sport="",
        started_at=started + dt.timedelta(seconds=5),
        streams=Streams.empty(),
        summary=Summary(elapsed_s=3600.0, distance_m=30000.0),
    )
    activity, _outcome = activity_ingest(
        athlete=connection.athlete,
        normalized=normalized,
        source=SourceRef(Provider.GARMIN, external_id=garmin_id),
    )
    return activity


def test_an_activity_strava_got_from_garmin_joins_the_garmin_one_without_a_read(
    strava: FakeStrava,
    connected: Connection,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    start = timezone.now() - 3 * DAY
    [garmin_ride] = strava.corpus_activities(STRAVA_ATHLETE, 1, start=start, kinds=("garmin_ride",))
    garmin = _garmin_activity(connected, strava, garmin_ride)

    run = _backfill(connected, (start - DAY).date(), django_capture_on_commit_callbacks)

    assert run.counts["merged"] == 1, (run.counts, run.error)
    assert Activity.objects.filter(athlete=connected.athlete).count() == 1
    source = ActivitySource.objects.get(provider=Provider.STRAVA, external_id=str(garmin_ride))
    assert source.activity_id == garmin.id
    assert strava.seen(f"/activities/{garmin_ride}") == []  # linked from the list alone


def test_with_only_activities_not_from_garmin_a_garmin_push_is_left_to_garmin(
    strava: FakeStrava,
    connected: Connection,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    option_set(by=connected.athlete.user, connection=connected, skip_garmin=True)
    start = timezone.now() - 4 * DAY
    ids = strava.corpus_activities(
        STRAVA_ATHLETE, 2, start=start, kinds=("garmin_ride", "app_ride")
    )
    run = _backfill(connected, (start - DAY).date(), django_capture_on_commit_callbacks)
    assert run.counts["created"] == 1 and run.counts["skipped"] == 1
    assert _strava_sources(connected) == [str(ids[1])]
    assert strava.seen(f"/activities/{ids[0]}") == []


def test_the_reconcile_takes_title_and_type_changes_from_the_list(
    strava: FakeStrava,
    connected: Connection,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    start = timezone.now() - 2 * DAY
    [ride] = strava.corpus_activities(STRAVA_ATHLETE, 1, start=start, kinds=("app_ride",))
    _backfill(connected, (start - DAY).date(), django_capture_on_commit_callbacks)
    strava.update_activity(ride, name="Col de la Croix-de-Fer", type="VirtualRide")
    connected.runs.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        sync_now(by=connected.athlete.user, connection=connected)

    activity = Activity.objects.get(athlete=connected.athlete)
    assert activity.name == "Col de la Croix-de-Fer"
    assert activity.sport == Sport.RIDE
    assert strava.seen(f"/activities/{ride}/streams")[1:] == []  # not read again


def test_a_name_typed_in_paceline_is_never_replaced_by_strava(
    strava: FakeStrava,
    connected: Connection,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    start = timezone.now() - 2 * DAY
    [ride] = strava.corpus_activities(STRAVA_ATHLETE, 1, start=start, kinds=("app_ride",))
    _backfill(connected, (start - DAY).date(), django_capture_on_commit_callbacks)
    Activity.objects.filter(athlete=connected.athlete).update(name="My own title")
    strava.update_activity(ride, name="Strava's new title")
    connected.runs.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        sync_now(by=connected.athlete.user, connection=connected)
    assert Activity.objects.get(athlete=connected.athlete).name == "My own title"


# --- Tokens --------------------------------------------------------------------------------------


def test_a_token_near_expiry_is_refreshed_and_the_rotated_one_kept(
    strava: FakeStrava, connected: Connection
) -> None:
    first = connected.credentials_dict
    connected.set_credentials({**first, "expires_at": int(timezone.now().timestamp()) + 120})
    connected.save(update_fields=["credentials"])

    token = access_token(connected.id)

    connected.refresh_from_db()
    stored = connected.credentials_dict
    live, refresh = strava.tokens(STRAVA_ATHLETE)
    assert strava.refresh_calls == 1
    assert token == stored["access_token"] != first["access_token"] and token in live
    assert stored["refresh_token"] == refresh != first["refresh_token"]
    assert access_token(connected.id) == token and strava.refresh_calls == 1  # fresh now


def test_a_refused_access_token_is_refreshed_once_and_the_read_goes_through(
    strava: FakeStrava,
    connected: Connection,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    strava.corpus_activities(STRAVA_ATHLETE, 1, start=timezone.now() - DAY, kinds=("run",))
    strava.expire_tokens(STRAVA_ATHLETE)  # Strava says expired; our expires_at says not yet
    with django_capture_on_commit_callbacks(execute=True):
        run = sync_now(by=connected.athlete.user, connection=connected)
    run.refresh_from_db()
    assert run.state == SyncRun.State.DONE and run.counts["created"] == 1
    assert strava.refresh_calls == 1


def test_tokens_strava_no_longer_accepts_ask_the_athlete_to_connect_again(
    strava: FakeStrava,
    connected: Connection,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    strava.deauthorize(STRAVA_ATHLETE)
    with django_capture_on_commit_callbacks(execute=True):
        run = sync_now(by=connected.athlete.user, connection=connected)
    run.refresh_from_db()
    connected.refresh_from_db()
    assert run.state == SyncRun.State.FAILED and "connect Strava again" in run.error
    assert connected.status == Connection.Status.NEEDS_USER


# --- Strava's refusals and the budget ----------------------------------------------------------


def test_an_inactive_app_fails_the_run_with_what_the_operator_must_do(
    strava: FakeStrava,
    connected: Connection,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    strava.inactive()
    with django_capture_on_commit_callbacks(execute=True):
        run = sync_now(by=connected.athlete.user, connection=connected)
    run.refresh_from_db()
    assert run.state == SyncRun.State.FAILED and "inactive" in run.error


WINDOW_START = dt.datetime(2026, 12, 7, 9, 0, 30, tzinfo=dt.UTC)


@pytest.fixture
def small_app(corpus: Any, settings: Any) -> Any:
    """An app allowed 10 reads per 15 minutes (the backfill lane: 4)."""
    with FakeStrava(corpus, read_limits=(10, 1000)) as fake:
        settings.STRAVA_CLIENT_ID = str(fake.client_id)
        settings.STRAVA_CLIENT_SECRET = fake.client_secret
        settings.STRAVA_API_URL = fake.url
        yield fake


def test_a_backfill_past_its_share_waits_for_the_next_window_and_goes_on_from_there(
    small_app: FakeStrava, athlete: Any
) -> None:
    from integrations.strava.schedule import oauth_complete

    with time_machine.travel(WINDOW_START, tick=True):
        small_app.authorize("ok", STRAVA_ATHLETE)
        connection = oauth_complete(
            by=athlete.user, athlete=athlete, code="ok", scope="read,activity:read_all"
        )
        connection.runs.all().delete()
        small_app.corpus_activities(
            STRAVA_ATHLETE, 3, start=WINDOW_START - 5 * DAY, kinds=("app_ride", "run")
        )
        run = backfill_request(
            by=athlete.user, connection=connection, since=(WINDOW_START - 6 * DAY).date()
        )
        with pytest.raises(Deferred) as deferred:
            strava_run(run.id)
        assert deferred.value.until == dt.datetime(2026, 12, 7, 9, 15, tzinfo=dt.UTC)
        run.refresh_from_db()
        assert run.state == SyncRun.State.QUEUED and run.resume_at == deferred.value.until
        first_window = len(small_app.seen("/api/v3/"))
        assert first_window == 4  # the list, then one activity: 40 % of 10
        assert Activity.objects.filter(athlete=athlete).count() == 1
        with pytest.raises(Deferred):  # still this window: not one more request
            strava_run(run.id)
        assert len(small_app.seen("/api/v3/")) == first_window

    with time_machine.travel(dt.datetime(2026, 12, 7, 9, 15, 5, tzinfo=dt.UTC), tick=True):
        with pytest.raises(Deferred):
            strava_run(run.id)
        assert Activity.objects.filter(athlete=athlete).count() == 2
    with time_machine.travel(dt.datetime(2026, 12, 7, 9, 30, 5, tzinfo=dt.UTC), tick=True):
        finished = strava_run(run.id)
    assert finished is not None and finished.state == SyncRun.State.DONE
    assert Activity.objects.filter(athlete=athlete).count() == 3
    assert ActivitySource.objects.filter(provider=Provider.STRAVA).count() == 3


def test_a_429_storm_stops_every_request_until_the_next_window(
    strava: FakeStrava, connected: Connection
) -> None:
    strava.corpus_activities(STRAVA_ATHLETE, 2, start=timezone.now() - DAY)
    strava.storm()
    run = sync_now(by=connected.athlete.user, connection=connected)
    with pytest.raises(Deferred) as deferred:
        strava_run(run.id)
    refused = len(strava.seen("/api/v3/"))
    assert refused == 1
    for _ in range(5):  # every retry in this window is refused before it reaches Strava
        with pytest.raises(Deferred):
            strava_run(run.id)
    assert len(strava.seen("/api/v3/")) == refused
    assert deferred.value.until > timezone.now()
    assert deferred.value.until.minute % 15 == 0 or deferred.value.until.hour == 0


def test_the_sweep_queues_one_reconcile_a_day_after_four_in_the_morning(
    strava: FakeStrava, connected: Connection, settings: Any
) -> None:
    connected.athlete.time_zone = "Europe/Paris"
    connected.athlete.save(update_fields=["time_zone"])
    settings.CELERY_TASK_ALWAYS_EAGER = True
    at_three = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)  # 03:00 in Paris
    strava_syncs_sweep(now=at_three)
    assert not SyncRun.objects.filter(connection=connected).exists()
    at_five = dt.datetime(2026, 12, 7, 4, 0, tzinfo=dt.UTC)
    strava_syncs_sweep(now=at_five)
    strava_syncs_sweep(now=at_five + dt.timedelta(hours=3))
    runs = SyncRun.objects.filter(connection=connected)
    assert runs.count() == 1 and runs.get().kind == SyncRun.Kind.ACTIVITIES


def test_the_client_refuses_without_the_operators_app(settings: Any) -> None:
    settings.STRAVA_CLIENT_ID = ""
    assert not client.enabled()
    with pytest.raises(client.NotConfigured):
        client.token_refresh("x")


def test_the_retention_setting_purges_strava_only_data_older_than_its_days(
    strava: FakeStrava,
    connected: Connection,
    settings: Any,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    now = timezone.now()
    old, recent = strava.corpus_activities(
        STRAVA_ATHLETE, 2, start=now - 20 * DAY, step=17 * DAY, kinds=("run",)
    )
    _backfill(connected, (now - 21 * DAY).date(), django_capture_on_commit_callbacks)
    RawPayload.objects.filter(connection=connected).update(fetched_at=now - 30 * DAY)
    assert _strava_sources(connected) == sorted([str(old), str(recent)])

    settings.STRAVA_RETENTION_DAYS = None
    strava_syncs_sweep(now=now)  # kept without the setting
    assert len(_strava_sources(connected)) == 2

    settings.STRAVA_RETENTION_DAYS = 7
    strava_syncs_sweep(now=now)
    assert _strava_sources(connected) == [str(recent)]
    assert Activity.objects.filter(athlete=connected.athlete).count() == 1
    assert not RawPayload.objects.filter(connection=connected).exists()
