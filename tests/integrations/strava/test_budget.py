"""Strava's app-wide rate budget: header parsing and windows (pure), then the budget itself on
each store — Redis (REDIS_URL; skipped without it unless PACELINE_REQUIRE_SERVICES=1), Django's
local-memory cache and the database cache of the zero-setup mode."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import time_machine
from stravalib import Client, exc

from integrations.strava.budget import (
    LARGEST,
    BudgetExhausted,
    Lane,
    Rates,
    budget_eta,
    budget_observe,
    budget_rate_limiter,
    budget_reserve,
    budget_state,
    day_next,
    quarter_next,
    quarter_start,
    rate_pair,
    rates_from_headers,
    requests_eta,
)
from tests.conftest import need

UTC = dt.UTC
NOW = dt.datetime(2026, 12, 5, 12, 5, 30, tzinfo=UTC)
NEXT_QUARTER = dt.datetime(2026, 12, 5, 12, 15, tzinfo=UTC)
MIDNIGHT = dt.datetime(2026, 12, 6, tzinfo=UTC)
SHARES = [(Lane.BACKFILL, 40), (Lane.RECONCILE, 70), (Lane.WEBHOOK, 100)]


def ratelimit(corpus: Path, name: str) -> dict[str, Any]:
    return json.loads((corpus / "strava" / "ratelimit" / name).read_text())


def reads(usage: str, limit: str = "100,1000") -> dict[str, str]:
    return {"X-ReadRateLimit-Usage": usage, "X-ReadRateLimit-Limit": limit}


def granted(lane: Lane, *, now: dt.datetime = NOW, attempts: int = 200) -> int:
    """How many single requests the lane gets, asking until the first refusal."""
    for count in range(attempts):
        try:
            budget_reserve(lane, now=now)
        except BudgetExhausted:
            return count
    return attempts


# --- Headers -------------------------------------------------------------------------------------


def test_stravalib_header_sets_read_as_stravalib_reads_them(corpus: Path) -> None:
    data = ratelimit(corpus, "stravalib_limiter_header_sets.json")
    for case in data["expected_rates"]["cases"]:
        rates = rates_from_headers(data["header_sets"][case["headers"]])
        kind = "read" if case["method"] == "GET" and rates["read"].usage else "overall"
        got = rates[kind]
        expected = case["rates"]
        if expected is None:
            assert got == Rates(limit=None, usage=None)
        else:
            assert got == Rates(limit=tuple(expected[2:]), usage=tuple(expected[:2]))


def test_a_space_after_the_comma_is_read(corpus: Path) -> None:
    data = ratelimit(corpus, "stravalib_limiter_header_sets.json")
    headers = data["header_sets"]["fake_response_unenrolled_limit_exceeded"]
    assert rates_from_headers(headers)["overall"] == Rates(limit=(600, 30000), usage=(601, 602))


@pytest.mark.parametrize(
    ("name", "read", "overall"),
    [
        ("docs_200_headers.json", Rates(None, None), Rates((600, 30000), (314, 27536))),
        ("docs_429.json", Rates(None, None), Rates((600, 30000), (692, 29300))),
        ("read_limit_429.json", Rates((300, 15000), (301, 302)), Rates((600, 30000), (4, 67))),
        ("overall_limit_429.json", Rates((300, 15000), (2, 32)), Rates((600, 30000), (601, 602))),
    ],
)
def test_recorded_responses_give_their_limits_and_usage(
    corpus: Path, name: str, read: Rates, overall: Rates
) -> None:
    """The docs' examples spell the headers `X-Ratelimit-*`, stravalib's tests in lower case."""
    assert rates_from_headers(ratelimit(corpus, name)["headers"]) == {
        "read": read,
        "overall": overall,
    }


@pytest.mark.parametrize(
    "value",
    ["", "100", "100,", ",100", "1,2,3", "-1,5", "abc,def", "1.5,2", "1e3,5", "+1,2", "1_0,2",
     "\u0661\u0660,\u0661", "9" * 5000 + ",1", "1000000001,1", None, 100, b"100,1000", ["1", "2"]],
)  # fmt: skip
def test_malformed_values_read_as_absent(value: object) -> None:
    assert rate_pair(value) is None


def test_fuzzed_headers_never_raise() -> None:
    rng = random.Random(20261205)
    alphabet = "0123456789,, -+.x\t\u00a0\u0663e_"
    names = [
        "X-ReadRateLimit-Usage",
        "x-readratelimit-limit",
        "X-RATELIMIT-USAGE",
        "x-ratelimit-limit",
    ]
    for _ in range(500):
        headers: dict[Any, Any] = {
            name: "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))) for name in names
        }
        headers[rng.choice([None, 3, "X-Other"])] = rng.choice([None, 7, "1,2"])
        for rates in rates_from_headers(headers).values():
            for pair in (rates.limit, rates.usage):
                assert pair is None or all(0 <= value <= LARGEST for value in pair)


def test_odd_spacing_and_case_are_read() -> None:
    rates = rates_from_headers({" x-READratelimit-usage ": " 7 ,  8 ", "X-Ratelimit-Limit": "1,2"})
    assert rates["read"].usage == (7, 8)
    assert rates["overall"].limit == (1, 2)


# --- Windows -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "start", "following"),
    [
        ("12:05:30", "12:00", "12:15"),
        ("12:14:59.999999", "12:00", "12:15"),
        ("12:15:00", "12:15", "12:30"),
        ("12:59:59", "12:45", "13:00"),
    ],
)
def test_quarter_hours_start_at_00_15_30_45_utc(now: str, start: str, following: str) -> None:
    day = "2026-12-05T"
    at = dt.datetime.fromisoformat(day + now).replace(tzinfo=UTC)
    assert quarter_start(at) == dt.datetime.fromisoformat(day + start).replace(tzinfo=UTC)
    assert quarter_next(at) == dt.datetime.fromisoformat(day + following).replace(tzinfo=UTC)


def test_windows_are_utc_whatever_the_zone_of_now() -> None:
    nepal = dt.timezone(dt.timedelta(hours=5, minutes=45))
    india = dt.timezone(dt.timedelta(hours=5, minutes=30))
    at = dt.datetime(2026, 12, 6, 5, 40, tzinfo=india)  # 00:10 UTC
    assert quarter_next(at) == dt.datetime(2026, 12, 6, 0, 15, tzinfo=UTC)
    assert day_next(at) == dt.datetime(2026, 12, 7, tzinfo=UTC)
    assert day_next(dt.datetime(2026, 12, 5, 23, 59, tzinfo=nepal)) == MIDNIGHT
    assert quarter_next(dt.datetime(2026, 12, 5, 23, 50, tzinfo=UTC)) == MIDNIGHT


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        quarter_start(dt.datetime(2026, 12, 5, 12, 0))


# --- Eta (pure) ----------------------------------------------------------------------------------


def test_eta_spreads_the_rest_over_the_next_windows() -> None:
    """300 at 40 a window with 40 left now: 260 more, ceil(260/40) = 7 windows → 13:45."""
    eta = requests_eta(300, now=NOW, room=(40, 900), caps=(40, 900))
    assert eta == dt.datetime(2026, 12, 5, 13, 45, tzinfo=UTC)


def test_eta_is_now_when_the_requests_fit() -> None:
    assert requests_eta(40, now=NOW, room=(40, 900), caps=(40, 900)) == NOW
    assert requests_eta(0, now=NOW, room=(0, 0), caps=(40, 900)) == NOW


def test_eta_waits_for_midnight_when_the_day_is_used_up() -> None:
    late = dt.datetime(2026, 12, 5, 23, 50, tzinfo=UTC)
    assert requests_eta(41, now=NOW, room=(40, 40), caps=(40, 900)) == MIDNIGHT
    assert requests_eta(80, now=late, room=(40, 900), caps=(40, 900)) == MIDNIGHT
    after = requests_eta(81, now=late, room=(40, 900), caps=(40, 900))
    assert after == MIDNIGHT + dt.timedelta(minutes=15)


def test_eta_starts_after_a_block() -> None:
    eta = requests_eta(41, now=NOW, room=(0, 900), caps=(40, 900), blocked_until=NEXT_QUARTER)
    assert eta == NEXT_QUARTER + dt.timedelta(minutes=15)


# --- The budget on each store --------------------------------------------------------------------


def redis_url() -> str:
    import redis

    url = os.environ.get("REDIS_URL", "")
    try:
        answers = bool(url) and bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except (redis.RedisError, OSError):
        answers = False
    need(answers, "Redis (REDIS_URL=redis://…)")
    return url


@pytest.fixture(params=["redis", "locmem", pytest.param("database", marks=pytest.mark.django_db)])
def store(request: pytest.FixtureRequest, settings: Any) -> Iterator[str]:
    """The budget's store for this test, under a key prefix of its own."""
    prefix = f"test:strava-budget:{uuid.uuid4().hex}"
    settings.PACELINE_STRAVA_BUDGET_PREFIX = prefix
    settings.REDIS_URL = ""
    if request.param == "redis":
        settings.REDIS_URL = redis_url()
    elif request.param == "database":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": "paceline_cache",
            }
        }
    yield request.param
    if request.param == "redis":
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)


@pytest.mark.parametrize(("lane", "share"), SHARES)
def test_a_lane_gets_its_share_of_the_window_then_waits_for_the_next(
    store: str, lane: Lane, share: int
) -> None:
    assert granted(lane) == share
    with pytest.raises(BudgetExhausted) as refused:
        budget_reserve(lane, now=NOW)
    assert (refused.value.until, refused.value.lane, refused.value.reason) == (
        NEXT_QUARTER,
        lane,
        "15min",
    )
    assert granted(lane, now=NEXT_QUARTER) == share


def test_lanes_share_one_count(store: str) -> None:
    """Backfill stops at 40 of the window, whoever used them; the webhook lane goes on to 100."""
    assert granted(Lane.WEBHOOK, attempts=30) == 30
    assert granted(Lane.BACKFILL) == 10
    assert granted(Lane.RECONCILE) == 30
    assert granted(Lane.WEBHOOK) == 30


def test_a_refused_reservation_counts_nothing(store: str) -> None:
    budget_reserve(Lane.BACKFILL, requests=30, now=NOW)
    with pytest.raises(BudgetExhausted):
        budget_reserve(Lane.BACKFILL, requests=11, now=NOW)
    budget_reserve(Lane.BACKFILL, requests=10, now=NOW)
    assert budget_state(now=NOW)["usage"]["read"] == (40, 40)


def test_every_lane_stops_at_90_percent_of_the_day(store: str) -> None:
    budget_observe(reads("0,899"), now=NOW)
    budget_reserve(Lane.WEBHOOK, now=NOW)
    for lane in Lane:
        with pytest.raises(BudgetExhausted) as refused:
            budget_reserve(lane, now=NEXT_QUARTER)
        assert (refused.value.until, refused.value.reason) == (MIDNIGHT, "daily")
    assert granted(Lane.BACKFILL, now=MIDNIGHT) == 40


def test_the_daily_share_fills_window_by_window(store: str) -> None:
    for window in range(9):
        assert granted(Lane.WEBHOOK, now=NOW + window * dt.timedelta(minutes=15)) == 100
    with pytest.raises(BudgetExhausted) as refused:
        budget_reserve(Lane.WEBHOOK, now=NOW + dt.timedelta(hours=3))
    assert refused.value.reason == "daily"


def test_stravas_usage_counts_when_higher_than_ours(store: str) -> None:
    budget_reserve(Lane.BACKFILL, requests=5, now=NOW)
    budget_observe(reads("35,100"), now=NOW)
    assert granted(Lane.BACKFILL) == 5


def test_stravas_usage_never_lowers_ours(store: str) -> None:
    budget_reserve(Lane.BACKFILL, requests=30, now=NOW)
    budget_observe(reads("10,10"), now=NOW)
    assert granted(Lane.BACKFILL) == 10


def test_the_overall_limit_binds_too(store: str) -> None:
    """Reads count against both limits: 40 % of an overall 200 is 80, 75 of which are used."""
    budget_observe({"X-RateLimit-Usage": "75,75", "X-RateLimit-Limit": "200,2000"}, now=NOW)
    assert granted(Lane.BACKFILL) == 5


def test_limits_come_from_the_headers(store: str) -> None:
    """An Extended Access application: 40 % of 300 reads, and the new limits are kept."""
    budget_observe(reads("0,0", limit="300,15000") | {"X-RateLimit-Limit": "600,30000"}, now=NOW)
    assert granted(Lane.BACKFILL, attempts=500) == 120
    assert budget_state(now=NOW)["limits"] == {"read": (300, 15000), "overall": (600, 30000)}


def test_fuzzed_responses_never_raise(store: str) -> None:
    rng = random.Random(5)
    for _ in range(100):
        value = "".join(rng.choice("0123456789, -x") for _ in range(rng.randint(0, 12)))
        budget_observe({"X-ReadRateLimit-Usage": value, "X-RateLimit-Limit": value}, now=NOW)
    assert min(budget_state(now=NOW)["limits"]["overall"]) > 0


def test_malformed_headers_change_nothing(store: str) -> None:
    budget_observe({"X-ReadRateLimit-Usage": "lots", "X-ReadRateLimit-Limit": "1,"}, now=NOW)
    assert budget_state(now=NOW)["limits"]["read"] == (100, 1000)
    assert granted(Lane.BACKFILL) == 40


@pytest.mark.parametrize("name", ["docs_429.json", "read_limit_429.json", "overall_limit_429.json"])
def test_a_429_blocks_every_lane_until_the_next_window(store: str, corpus: Path, name: str) -> None:
    response = ratelimit(corpus, name)
    budget_observe(response["headers"], status=response["status"], now=NOW)
    for lane in Lane:
        with pytest.raises(BudgetExhausted) as refused:
            budget_reserve(lane, now=NEXT_QUARTER - dt.timedelta(microseconds=1))
        assert (refused.value.until, refused.value.reason) == (NEXT_QUARTER, "429")
    assert budget_state(now=NOW)["blocked_until"] == NEXT_QUARTER


def test_after_a_429_the_next_window_is_open_unless_the_day_is_used(
    store: str, corpus: Path
) -> None:
    """read_limit_429: 302 of 15000 reads today → open again at 12:15. docs_429: 29300 of
    30000 requests today, past the 90 % share → nothing more until midnight."""
    response = ratelimit(corpus, "read_limit_429.json")
    budget_observe(response["headers"], status=429, now=NOW)
    assert granted(Lane.BACKFILL, now=NEXT_QUARTER, attempts=500) == 120  # 40 % of 300
    response = ratelimit(corpus, "docs_429.json")
    budget_observe(response["headers"], status=429, now=NEXT_QUARTER)
    with pytest.raises(BudgetExhausted) as refused:
        budget_reserve(Lane.WEBHOOK, now=NEXT_QUARTER + dt.timedelta(minutes=15))
    assert (refused.value.until, refused.value.reason) == (MIDNIGHT, "daily")


def test_a_429_at_the_daily_limit_blocks_until_midnight(store: str) -> None:
    budget_observe(reads("40,1000"), status=429, now=NOW)
    with pytest.raises(BudgetExhausted) as refused:
        budget_reserve(Lane.WEBHOOK, now=MIDNIGHT - dt.timedelta(seconds=1))
    assert (refused.value.until, refused.value.reason) == (MIDNIGHT, "429")
    assert granted(Lane.BACKFILL, now=MIDNIGHT) == 40


def test_a_later_429_never_shortens_a_block(store: str) -> None:
    budget_observe(reads("40,1000"), status=429, now=NOW)
    budget_observe({}, status=429, now=NOW)
    assert budget_state(now=NOW)["blocked_until"] == MIDNIGHT


def test_a_429_without_headers_blocks_until_the_next_window(store: str) -> None:
    budget_observe({}, status=429, now=NOW)
    assert budget_state(now=NOW)["blocked_until"] == NEXT_QUARTER


def test_requests_that_never_fit_are_a_programming_error(store: str) -> None:
    for requests_ in (0, 41):
        with pytest.raises(ValueError):
            budget_reserve(Lane.BACKFILL, requests=requests_, now=NOW)


def test_eta_of_a_backfill(store: str) -> None:
    """Limit 100: 40 backfill requests a window; 300 from 12:05 with 40 used → 13:45 + 15."""
    assert budget_eta(Lane.BACKFILL, 300, now=NOW) == dt.datetime(2026, 12, 5, 13, 45, tzinfo=UTC)
    budget_reserve(Lane.BACKFILL, requests=40, now=NOW)
    assert budget_eta(Lane.BACKFILL, 300, now=NOW) == dt.datetime(2026, 12, 5, 14, 0, tzinfo=UTC)
    budget_observe({}, status=429, now=NOW)
    assert budget_eta(Lane.WEBHOOK, 1, now=NOW) == NEXT_QUARTER


def test_state_for_operators(store: str) -> None:
    budget_reserve(Lane.WEBHOOK, requests=50, now=NOW)
    state = budget_state(now=NOW)
    assert state["limits"] == {"read": (100, 1000), "overall": (200, 2000)}
    assert state["usage"] == {"read": (50, 50), "overall": (50, 50)}
    assert state["resets"] == {"15min": NEXT_QUARTER, "daily": MIDNIGHT}
    assert state["blocked_until"] is None
    assert state["lanes"]["backfill"] == {"share": (40, 900), "room": (0, 850)}
    assert state["lanes"]["webhook"] == {"share": (100, 900), "room": (50, 850)}


def fake_response(status: int, headers: dict[str, str]) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.headers.update(headers)
    response._content = json.dumps({"id": 1} if status == 200 else {"message": "x"}).encode()
    response.url = "https://www.strava.com/api/v3/athlete"
    return response


def test_stravalib_reports_each_response_through_its_hook(
    store: str, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real stravalib client with our hook: the 429's headers arrive before its Fault."""
    monkeypatch.setenv("SILENCE_TOKEN_WARNINGS", "true")
    traveller = time_machine.travel(NOW, tick=False)
    traveller.start()
    client = Client(access_token="token", rate_limit_requests=False)
    client.protocol.rate_limiter = budget_rate_limiter
    responses = iter([fake_response(200, reads("39,100")), fake_response(429, reads("100,101"))])
    monkeypatch.setattr(client.protocol.rsession, "get", lambda *a, **k: next(responses))
    client.protocol.get("/athlete")
    assert budget_state()["usage"]["read"] == (39, 100)
    with pytest.raises(exc.Fault) as fault:
        client.protocol.get("/athlete")
    assert fault.value.response is not None and fault.value.response.status_code == 429
    assert budget_state()["usage"]["read"] == (100, 101)
    traveller.stop()


@pytest.mark.parametrize("store", ["redis"], indirect=True)  # what concurrent workers share
def test_eight_threads_never_get_more_than_the_share(store: str) -> None:
    start, counts = threading.Barrier(8), []

    def worker() -> None:
        start.wait()
        counts.append(granted(Lane.BACKFILL, attempts=20))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 40
    assert budget_state(now=NOW)["usage"]["read"] == (40, 40)
