"""Strava's rate budget: one count of requests for the whole application, shared by every worker.

Strava limits the application, not each athlete: per 15-minute window (from :00, :15, :30 and
:45 UTC) and per day (from 00:00 UTC), for reads (`X-ReadRateLimit-*`) and for all requests
(`X-RateLimit-*`). Before its requests a caller reserves them (`budget_reserve`), within the share
of its lane; after each response `budget_observe` takes Strava's own usage and limits (the budget
counts the larger of ours and Strava's). Over budget, or after a 429, `BudgetExhausted` says when
to try again: nothing here sleeps, the caller reschedules its task to `until` (plus jitter).

The counts live in Redis when REDIS_URL is set (checked and counted in one Lua script: never more
than the share, whatever the number of workers), else in Django's default cache (the zero-setup
mode: one process, where a check and its count are not atomic).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, NamedTuple, Protocol

import redis
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

QUARTER = dt.timedelta(minutes=15)
DAY = dt.timedelta(days=1)
SHORT, DAILY = "15min", "daily"
PAIR = {SHORT: 0, DAILY: 1}  # where each window is in a (15-minute, daily) pair
READ, OVERALL = "read", "overall"
HEADERS = {
    READ: ("x-readratelimit-limit", "x-readratelimit-usage"),
    OVERALL: ("x-ratelimit-limit", "x-ratelimit-usage"),
}
# Strava's defaults for an application, used until a response told us its limits.
DEFAULT_LIMITS = {READ: (100, 1_000), OVERALL: (200, 2_000)}
DAILY_SHARE_PCT = 90
LARGEST = 10**9  # larger numbers in a header are malformed (and would overflow Redis counters)
LIMITS_TTL_S = 7 * 24 * 3600
MARGIN_S = 60  # counters outlive their window a little: a late response still finds them
KEY_PREFIX = "paceline:strava:budget"


class Lane(StrEnum):
    """Who asks: webhook events first, then reconciliation sweeps, then backfills."""

    WEBHOOK = "webhook"
    RECONCILE = "reconcile"
    BACKFILL = "backfill"


# Each lane's share of the 15-minute limits (per cent); every lane gets DAILY_SHARE_PCT of a day.
LANE_SHARE_PCT = {Lane.WEBHOOK: 100, Lane.RECONCILE: 70, Lane.BACKFILL: 40}


class BudgetExhausted(Exception):  # noqa: N818 — names the situation
    """No request of this lane before `until` (aware UTC); reason is "15min", "daily" or "429"."""

    def __init__(self, *, until: dt.datetime, lane: Lane, reason: str) -> None:
        super().__init__(f"Strava budget of the {lane} lane: {reason}, until {until.isoformat()}")
        self.until = until
        self.lane = lane
        self.reason = reason


class Rates(NamedTuple):
    """One kind of Strava limit from a response: (15-minute, daily) requests, None when absent."""

    limit: tuple[int, int] | None
    usage: tuple[int, int] | None


# --- Pure helpers: headers and windows ---------------------------------------------------------


def rate_pair(value: object) -> tuple[int, int] | None:
    """A "short,daily" header value ("100,1000", "601, 602") as two ints; None if malformed."""
    if not isinstance(value, str):
        return None
    parts = [part.strip() for part in value.split(",")]
    if len(parts) != 2 or not all(p.isascii() and p.isdigit() and len(p) < 10 for p in parts):
        return None
    short, daily = int(parts[0]), int(parts[1])
    return (short, daily) if short <= LARGEST and daily <= LARGEST else None


def rates_from_headers(headers: Mapping[Any, Any]) -> dict[str, Rates]:
    """Strava's read and overall limits and usage in a response's headers (any case, any junk)."""
    lowered = {str(name).strip().lower(): value for name, value in headers.items()}
    return {
        kind: Rates(limit=rate_pair(lowered.get(limit)), usage=rate_pair(lowered.get(usage)))
        for kind, (limit, usage) in HEADERS.items()
    }


def _utc(now: dt.datetime) -> dt.datetime:
    if now.tzinfo is None:
        raise ValueError("an aware datetime is needed")
    return now.astimezone(dt.UTC)


def quarter_start(now: dt.datetime) -> dt.datetime:
    """Start of the 15-minute window holding `now` (:00, :15, :30 or :45 UTC)."""
    utc = _utc(now)
    return utc.replace(minute=utc.minute - utc.minute % 15, second=0, microsecond=0)


def quarter_next(now: dt.datetime) -> dt.datetime:
    """Start of the next 15-minute window."""
    return quarter_start(now) + QUARTER


def day_start(now: dt.datetime) -> dt.datetime:
    """00:00 UTC of `now`'s day."""
    return _utc(now).replace(hour=0, minute=0, second=0, microsecond=0)


def day_next(now: dt.datetime) -> dt.datetime:
    """The next 00:00 UTC."""
    return day_start(now) + DAY


def lane_caps(lane: Lane, limit: tuple[int, int]) -> tuple[int, int]:
    """The lane's (15-minute, daily) share of a limit: floor of the percentage, at least 1."""
    short, daily = limit
    return max(1, short * LANE_SHARE_PCT[lane] // 100), max(1, daily * DAILY_SHARE_PCT // 100)


def requests_eta(
    requests: int,
    *,
    now: dt.datetime,
    room: tuple[int, int],
    caps: tuple[int, int],
    blocked_until: dt.datetime | None = None,
) -> dt.datetime:
    """When the last of `requests` more requests can be made, a window's share at a time.

    `room` is what is left of the lane's (15-minute, daily) share now, `caps` the whole share of
    a fresh window and day. The first `a0 = min(room)` requests go now (none while blocked: then
    from `blocked_until`, in a fresh window); the rest take `cap_15` per window, so without the
    daily cap the answer is the start of the k-th next quarter-hour, k = ceil((R - a0) / cap_15).
    A window that would pass the daily share waits for 00:00 UTC.
    """
    (room_short, room_daily), (cap_short, cap_daily) = room, caps
    at, left = _utc(now), requests
    if blocked_until is not None and blocked_until > at:
        room_short = cap_short
        room_daily = cap_daily if blocked_until >= day_next(at) else room_daily
        at = _utc(blocked_until)
    while True:
        fit = max(0, min(room_short, room_daily))
        if left <= fit:
            return at
        left, room_daily, room_short = left - fit, room_daily - fit, cap_short
        following = quarter_next(at)
        if room_daily <= 0 or following >= day_next(at):
            following, room_daily = max(following, day_next(at)), cap_daily
        at = following


# --- Storage: Redis (atomic) or Django's cache ------------------------------------------------

# KEYS: counters; ARGV: requests, then cap and ttl of each. Counts all or nothing; returns the
# 1-based index of the first counter the requests would take past its cap, 0 when counted.
TAKE = """
local n = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') + n > tonumber(ARGV[2 * i]) then return i end
end
for i, key in ipairs(KEYS) do
  redis.call('INCRBY', key, n)
  redis.call('EXPIRE', key, ARGV[2 * i + 1])
end
return 0
"""
# KEYS: values to raise; ARGV: value and ttl of each. A value only ever goes up.
RAISE = """
for i, key in ipairs(KEYS) do
  local value = tonumber(ARGV[2 * i - 1])
  if value > tonumber(redis.call('GET', key) or '0') then
    redis.call('SET', key, value, 'EX', ARGV[2 * i])
  end
end
"""


class Counter(NamedTuple):
    key: str
    value: int  # the cap (take) or the new value (raise_to)
    ttl_s: int


class Store(Protocol):
    def get_many(self, keys: list[str]) -> dict[str, str]: ...
    def set(self, key: str, value: str, ttl_s: int) -> None: ...
    def take(self, counters: list[Counter], requests: int) -> int | None: ...
    def raise_to(self, counters: list[Counter]) -> None: ...


class RedisStore:
    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(url, decode_responses=True)
        self.take_script = self.client.register_script(TAKE)
        self.raise_script = self.client.register_script(RAISE)

    def get_many(self, keys: list[str]) -> dict[str, str]:
        values = self.client.mget(keys)
        return {
            key: str(value) for key, value in zip(keys, values, strict=True) if value is not None
        }

    def set(self, key: str, value: str, ttl_s: int) -> None:
        self.client.set(key, value, ex=ttl_s)

    def take(self, counters: list[Counter], requests: int) -> int | None:
        args = [requests, *(x for c in counters for x in (c.value, c.ttl_s))]
        failed = int(self.take_script(keys=[c.key for c in counters], args=args))
        return failed - 1 if failed else None

    def raise_to(self, counters: list[Counter]) -> None:
        args = [x for c in counters for x in (c.value, c.ttl_s)]
        self.raise_script(keys=[c.key for c in counters], args=args)


class CacheStore:
    """Django's default cache: the same contract, atomic only within one thread."""

    def get_many(self, keys: list[str]) -> dict[str, str]:
        return {key: str(value) for key, value in cache.get_many(keys).items()}

    def set(self, key: str, value: str, ttl_s: int) -> None:
        cache.set(key, value, timeout=ttl_s)

    def take(self, counters: list[Counter], requests: int) -> int | None:
        used = self.get_many([c.key for c in counters])
        for index, counter in enumerate(counters):
            if int(used.get(counter.key, 0)) + requests > counter.value:
                return index
        for counter in counters:
            self.set(counter.key, str(int(used.get(counter.key, 0)) + requests), counter.ttl_s)
        return None

    def raise_to(self, counters: list[Counter]) -> None:
        current = self.get_many([c.key for c in counters])
        for counter in counters:
            if counter.value > int(current.get(counter.key, 0)):
                self.set(counter.key, str(counter.value), counter.ttl_s)


@functools.cache
def _redis_store(url: str) -> RedisStore:
    return RedisStore(url)


def _store() -> Store:
    url = getattr(settings, "REDIS_URL", "")
    return _redis_store(url) if url else CacheStore()


# --- The budget ---------------------------------------------------------------------------------


def _key(*parts: object) -> str:
    prefix = getattr(settings, "PACELINE_STRAVA_BUDGET_PREFIX", KEY_PREFIX)
    return ":".join([prefix, *map(str, parts)])


def _windows(now: dt.datetime) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """Start and end of the current daily and 15-minute windows (daily first: it waits longer)."""
    return {DAILY: (day_start(now), day_next(now)), SHORT: (quarter_start(now), quarter_next(now))}


def _usage_key(kind: str, window: str, start: dt.datetime) -> str:
    return _key("usage", kind, window, int(start.timestamp()))


def _ttl(end: dt.datetime, now: dt.datetime) -> int:
    return max(1, int((end - now).total_seconds())) + MARGIN_S


class Snapshot(NamedTuple):
    limits: dict[str, tuple[int, int]]
    usage: dict[str, tuple[int, int]]
    blocked_until: dt.datetime | None


def _snapshot(store: Store, now: dt.datetime) -> Snapshot:
    windows = _windows(now)
    usage_keys = {
        (k, w): _usage_key(k, w, start) for k in HEADERS for w, (start, _) in windows.items()
    }
    keys = [_key("limit", kind) for kind in HEADERS] + [*usage_keys.values(), _key("blocked")]
    found = store.get_many(keys)
    limits = {k: rate_pair(found.get(_key("limit", k))) or DEFAULT_LIMITS[k] for k in HEADERS}
    used = {key: int(found.get(key, 0)) for key in usage_keys.values()}
    usage = {k: (used[usage_keys[k, SHORT]], used[usage_keys[k, DAILY]]) for k in HEADERS}
    blocked = int(found.get(_key("blocked"), 0))
    until = dt.datetime.fromtimestamp(blocked, dt.UTC) if blocked else None
    return Snapshot(limits, usage, until if until is not None and until > now else None)


def budget_reserve(lane: Lane, *, requests: int = 1, now: dt.datetime | None = None) -> None:
    """Count `requests` about to be made by this lane against the current windows.

    Raises BudgetExhausted, counting nothing, when they would take the lane past its share of
    the 15-minute or daily limits (read and overall) or while a 429 blocks Strava; ValueError
    when they could never fit in a window of the lane.
    """
    now, store = _utc(now or timezone.now()), _store()
    snapshot = _snapshot(store, now)
    smallest = min(min(lane_caps(lane, limit)) for limit in snapshot.limits.values())
    if not 1 <= requests <= smallest:
        raise ValueError(f"{requests} requests cannot fit in one window of the {lane} lane")
    if snapshot.blocked_until is not None:
        raise BudgetExhausted(until=snapshot.blocked_until, lane=lane, reason="429")
    checks = _checks(lane, snapshot.limits, now)
    failed = store.take([counter for _, _, counter in checks], requests)
    if failed is not None:
        window, end, _ = checks[failed]
        raise BudgetExhausted(until=end, lane=lane, reason=window)


def _checks(
    lane: Lane, limits: dict[str, tuple[int, int]], now: dt.datetime
) -> list[tuple[str, dt.datetime, Counter]]:
    """(window, its end, counter with the lane's cap) for each window and kind, daily first."""
    checks = []
    for window, (start, end) in _windows(now).items():
        for kind, limit in limits.items():
            cap = lane_caps(lane, limit)[PAIR[window]]
            checks.append(
                (window, end, Counter(_usage_key(kind, window, start), cap, _ttl(end, now)))
            )
    return checks


def budget_observe(
    headers: Mapping[str, str], *, status: int = 200, now: dt.datetime | None = None
) -> None:
    """Take Strava's limits and usage from a response; after a 429, block every lane.

    Usage only raises our counts (the larger of ours and Strava's). A 429 blocks until the next
    15-minute window, or until 00:00 UTC when a daily usage has reached its limit. Call it after
    every Strava response: `budget_rate_limiter` is stravalib's hook, which does not see the
    status, so on `Fault` with status 429 call this with the response's headers and status.
    """
    now, store = _utc(now or timezone.now()), _store()
    rates = rates_from_headers(headers)
    raised = []
    for kind, (limit, usage) in rates.items():
        if limit is not None and min(limit) > 0:  # a zero limit is a garbled header
            store.set(_key("limit", kind), f"{limit[0]},{limit[1]}", LIMITS_TTL_S)
        for window, (start, end) in _windows(now).items():
            if usage is not None:
                key = _usage_key(kind, window, start)
                raised.append(Counter(key, usage[PAIR[window]], _ttl(end, now)))
    if status == 429:
        limits = _snapshot(store, now).limits
        daily = any(r.usage and r.usage[1] >= limits[k][1] for k, r in rates.items())
        until = day_next(now) if daily else quarter_next(now)
        raised.append(Counter(_key("blocked"), int(until.timestamp()), _ttl(until, now)))
    if raised:
        store.raise_to(raised)


def budget_rate_limiter(headers: Mapping[str, str], method: str) -> None:
    """stravalib's `rate_limiter` hook (`client.protocol.rate_limiter`), called after a response."""
    budget_observe(headers)


def _room(lane: Lane, snapshot: Snapshot) -> tuple[tuple[int, int], tuple[int, int]]:
    """What is left of the lane's (15-minute, daily) share, and its whole share, over both kinds."""
    caps = {kind: lane_caps(lane, limit) for kind, limit in snapshot.limits.items()}
    room = tuple(min(caps[k][i] - snapshot.usage[k][i] for k in caps) for i in (0, 1))
    whole = tuple(min(caps[k][i] for k in caps) for i in (0, 1))
    return (room[0], room[1]), (whole[0], whole[1])


def budget_eta(lane: Lane, requests: int, *, now: dt.datetime | None = None) -> dt.datetime:
    """When the last of `requests` more requests of this lane can be made, at the lane's share.

    Now if they fit in what is left of the share; else the start of the k-th next quarter-hour,
    k = ceil((requests - left now) / share per window), later when a day's share runs out
    (then from 00:00 UTC) or a 429 blocks; see `requests_eta`. An estimate: other lanes use the
    same windows.
    """
    now = _utc(now or timezone.now())
    snapshot = _snapshot(_store(), now)
    (room, caps), blocked = _room(lane, snapshot), snapshot.blocked_until
    return requests_eta(requests, now=now, room=room, caps=caps, blocked_until=blocked)


def budget_state(*, now: dt.datetime | None = None) -> dict[str, Any]:
    """Limits, usage, window ends, blocked-until and each lane's share and room, for operators."""
    now = _utc(now or timezone.now())
    snapshot = _snapshot(_store(), now)
    lanes = {}
    for lane in Lane:
        room, caps = _room(lane, snapshot)
        lanes[str(lane)] = {"share": caps, "room": (max(0, room[0]), max(0, room[1]))}
    return {
        "limits": snapshot.limits,
        "usage": snapshot.usage,
        "resets": {SHORT: quarter_next(now), DAILY: day_next(now)},
        "blocked_until": snapshot.blocked_until,
        "lanes": lanes,
    }
