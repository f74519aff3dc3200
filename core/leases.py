"""Leases: a row held by one worker at a time, taken over once its holder stopped renewing."""

from __future__ import annotations


class LeaseHeld(Exception):  # noqa: N818 — names the situation, like Django's DoesNotExist
    """Another run holds this row; `retry_in_s` says when its lease expires.

    A task that meets it retries after that delay instead of dropping the work: the holder
    finishes it meanwhile, or died and its lease can be taken over.
    """

    def __init__(self, retry_in_s: float) -> None:
        super().__init__(f"leased for {retry_in_s:.0f} s more")
        self.retry_in_s = retry_in_s
