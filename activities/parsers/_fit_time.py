"""Watches whose clock was never set: relative times anchored to their one absolute time.

A FIT `date_time` below 0x10000000 is relative "system time" (seconds since the device
powered on; FIT spec). Old watches (a Forerunner 70 whose clock was never set) stamp every
record that way but write one absolute local time: the `activity` message's
`local_timestamp`, the wall-clock time of that message's own (relative) `timestamp`. Their
difference places the whole file on the calendar. The local time is the watch's wall clock;
the file does not say its time zone, so it is read as UTC and the activity says so.
Pure: no Django.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from activities.parsers._fit_decoders import FIT_EPOCH_UNIX_S, TIME_FIELDS, DecodedFit

RELATIVE_BELOW_UNIX_S = float(FIT_EPOCH_UNIX_S + 0x10000000)
ANCHORED = (
    "The watch's clock was not set: times are placed from its one local time, read as UTC "
    "(the file does not say its time zone)"
)


def anchored(decoded: DecodedFit) -> tuple[DecodedFit, bool]:
    """The file with its relative times moved onto the calendar, and whether it was moved.

    Only a file whose records are all relative and whose `activity` message pairs a relative
    `timestamp` with an absolute `local_timestamp` is moved; any other file is returned as is.
    """
    offset = _offset(decoded)
    if offset is None:
        return decoded, False
    records = dict(decoded.records)
    records["timestamp"] = _shifted_column(records["timestamp"], offset)
    messages = {
        kind: [_shifted_message(message, offset) for message in values]
        for kind, values in decoded.messages.items()
    }
    return dataclasses.replace(decoded, records=records, messages=messages), True


def _offset(decoded: DecodedFit) -> float | None:
    times = decoded.records.get("timestamp")
    if times is None or not np.isfinite(times).any():
        return None
    if np.nanmax(times) >= RELATIVE_BELOW_UNIX_S:
        return None  # some records have real dates: nothing to anchor
    for activity in decoded.of("activity"):
        stamp, local = _number(activity.get("timestamp")), _number(activity.get("local_timestamp"))
        if stamp is not None and local is not None and _relative(stamp) and not _relative(local):
            return local - stamp
    return None


def _shifted_column(column: np.ndarray, offset: float) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.where(column < RELATIVE_BELOW_UNIX_S, column + offset, column)


def _shifted_message(message: dict[str, Any], offset: float) -> dict[str, Any]:
    shifted = dict(message)
    for name in TIME_FIELDS - {"local_timestamp"}:
        value = _number(message.get(name))
        if value is not None and _relative(value):
            shifted[name] = value + offset
    return shifted


def _relative(unix_s: float) -> bool:
    return unix_s < RELATIVE_BELOW_UNIX_S


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if np.isfinite(value) else None
