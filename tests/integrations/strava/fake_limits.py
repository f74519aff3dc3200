"""The fake Strava's rate-limit counters: per quarter-hour (:00, :15, :30, :45) and per UTC day,
overall and for reads (GET), as Strava counts them. Not thread-safe: `FakeStrava` locks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class RateCounter:
    read_limits: tuple[int, int]  # per 15 minutes, per day
    overall_limits: tuple[int, int]
    _counts: Counter[tuple[str, str, int]] = field(default_factory=Counter)

    def usage(self, now: float) -> dict[str, int]:
        """This quarter-hour's and today's counts: read_15m, read_day, overall_15m, overall_day."""
        quarter, day = int(now // 900), int(now // 86400)
        return {
            "read_15m": self._counts["read", "15m", quarter],
            "read_day": self._counts["read", "day", day],
            "overall_15m": self._counts["all", "15m", quarter],
            "overall_day": self._counts["all", "day", day],
        }

    def count(self, method: str, now: float) -> dict[str, int]:
        """Count one request (a refused one counts too, as Strava's 429s show); the usage."""
        quarter, day = int(now // 900), int(now // 86400)
        for kind in ("all", "read") if method == "GET" else ("all",):
            self._counts[kind, "15m", quarter] += 1
            self._counts[kind, "day", day] += 1
        return self.usage(now)

    def headers(self, usage: dict[str, int]) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": "{},{}".format(*self.overall_limits),
            "X-RateLimit-Usage": f"{usage['overall_15m']},{usage['overall_day']}",
            "X-ReadRateLimit-Limit": "{},{}".format(*self.read_limits),
            "X-ReadRateLimit-Usage": f"{usage['read_15m']},{usage['read_day']}",
        }

    def exceeded(self, method: str, usage: dict[str, int]) -> str | None:
        """ "overall" or "read" when this request is past that limit, else None."""
        limit_15m, limit_day = self.overall_limits
        if usage["overall_15m"] > limit_15m or usage["overall_day"] > limit_day:
            return "overall"
        limit_15m, limit_day = self.read_limits
        if method == "GET" and (usage["read_15m"] > limit_15m or usage["read_day"] > limit_day):
            return "read"
        return None
