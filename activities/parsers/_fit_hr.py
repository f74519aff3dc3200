"""Heart rate stored by a swim strap (HRM-Swim, HRM-Tri, HRM-Pro) → the records. Pure: no Django.

Under water the watch receives no heart rate; the strap stores it and sends it after the swim,
and the watch writes it into `hr` messages, not into the records. Each `hr` message holds up
to 8 readings (`filtered_bpm`) stamped by `event_timestamp` (the strap's clock, 1/1024 s).
An anchor message also carries `timestamp` (+ `fractional_timestamp`): the moment on the
file's clock of its own event_timestamp. The others are compressed: `event_timestamp_12`
packs 8 × 12 bits, the low bits of each reading's event_timestamp.

The merge follows the FIT SDK's `merge_heart_rates` (garmin_fit_sdk/hr_mesg_utils.py): a
reading is carried forward over a gap for up to 5 s in 250 ms steps, and each record gets
the rounded mean of the readings in (previous record, record] — the first record covers the
second before it — replacing what the record had; records without readings keep theirs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from activities.types import FloatArray

Message = dict[str, Any]
TICKS_PER_S = 1024
ROLLOVER_TICKS = 1 << 32  # event_timestamp is a 32-bit count of 1/1024 s
CARRY_STEP_S = 0.25
CARRY_MAX_STEPS = 20  # 5 s


def merged_heart_rate(
    record_times_s: FloatArray, record_hr: FloatArray | None, hr_messages: list[Message]
) -> FloatArray | None:
    """The records' heart rate with the `hr` messages' readings merged in (times in Unix
    seconds, sorted): a record with readings takes theirs, as the SDK's merge does (the
    strap's stored HR is the measured one; what the watch wrote live under water is not).
    None when there is nothing to merge and no HR column."""
    times, bpm = _expanded(list(_readings(hr_messages)))
    if times.size == 0 or record_times_s.size == 0:
        return record_hr
    slot = np.searchsorted(record_times_s, times, side="left")
    inside = (slot < record_times_s.size) & ((slot > 0) | (times > record_times_s[0] - 1.0))
    sums = np.bincount(slot[inside], weights=bpm[inside], minlength=record_times_s.size)
    counts = np.bincount(slot[inside], minlength=record_times_s.size)
    with np.errstate(invalid="ignore", divide="ignore"):
        merged = np.where(counts > 0, np.floor(sums / counts + 0.5), np.nan)
    if record_hr is None:
        return merged
    return np.where(np.isfinite(merged), merged, record_hr)


def _readings(messages: list[Message]) -> Iterator[tuple[float, float]]:
    """(Unix seconds, bpm) of every reading, in message order."""
    anchor_time: float | None = None
    anchor_ticks = last_ticks = 0
    for message in messages:
        bpm = _values(message.get("filtered_bpm"))
        stamp = _number(message.get("timestamp"))
        if stamp is not None:
            event = _values(message.get("event_timestamp"))
            if len(event) != 1:
                continue  # an anchor names exactly one event time
            anchor_time = stamp + (_number(message.get("fractional_timestamp")) or 0.0)
            anchor_ticks = last_ticks = round(event[0] * TICKS_PER_S)
        if anchor_time is None:
            continue  # readings before any anchor have no place on the file's clock
        for value, ticks in zip(bpm, _event_ticks(message, last_ticks), strict=False):
            last_ticks = ticks
            if not 0 < value < 255:
                continue  # 0 and 255 are "no reading"
            elapsed = (ticks - anchor_ticks) % ROLLOVER_TICKS
            yield anchor_time + elapsed / TICKS_PER_S, value


def _event_ticks(message: Message, last_ticks: int) -> list[int]:
    """Each reading's event_timestamp in ticks: the packed 12-bit low bits rolled forward
    from the previous reading, or the full values."""
    packed = message.get("event_timestamp_12")
    if packed is None:
        return [round(value * TICKS_PER_S) for value in _values(message.get("event_timestamp"))]
    raw = _packed(packed)
    bits = int.from_bytes(raw, "little")
    ticks = []
    for index in range(len(raw) * 8 // 12):
        low = (bits >> (12 * index)) & 0xFFF
        value = (last_ticks & ~0xFFF) | low
        if low < (last_ticks & 0xFFF):
            value += 0x1000
        ticks.append(value)
        last_ticks = value
    return ticks


def _expanded(readings: list[tuple[float, float]]) -> tuple[FloatArray, FloatArray]:
    """Readings with each one carried forward over the gap to the next, 250 ms at a time,
    for at most 5 s (the SDK's `expand_heart_rates`), sorted by time (stable: a carried value
    comes before the reading that follows it in the list, as in the SDK's loop)."""
    if not readings:
        return np.zeros(0), np.zeros(0)
    read_times, read_bpm = np.asarray(readings, dtype=np.float64).T
    gaps = np.abs(np.diff(read_times))
    carries = np.clip(np.ceil(gaps / CARRY_STEP_S).astype(np.int64) - 1, 0, CARRY_MAX_STEPS)
    # In list order: reading 0, then for each next reading its carries, then the reading.
    ends = np.cumsum(np.concatenate(([1], carries + 1)))  # one past each reading's slot
    size = int(ends[-1])
    times = np.empty(size)
    values = np.empty(size)
    times[ends - 1], values[ends - 1] = read_times, read_bpm
    owner = np.repeat(np.arange(carries.size), carries)  # the reading carried forward
    if owner.size:
        first = np.repeat(np.cumsum(carries) - carries, carries)  # group start in `owner`
        step = np.arange(owner.size) - first + 1
        slots = np.repeat(ends[:-1], carries) + step - 1
        times[slots] = read_times[owner] + CARRY_STEP_S * step
        values[slots] = read_bpm[owner]
    order = np.argsort(times, kind="stable")
    return times[order], values[order]


def _values(value: Any) -> list[float]:
    items = value if isinstance(value, list | tuple) else (value,)
    found = []
    for item in items:
        kind = type(item)  # plain ints and floats first: thousands of messages per swim
        if kind is int:
            found.append(float(item))
        elif kind is float:
            if item - item == 0.0:  # finite
                found.append(item)
        else:
            number = _number(item)
            if number is not None:
                found.append(number)
    return found


def _packed(value: Any) -> bytes:
    """A byte array as bytes (each value's low 8 bits)."""
    if isinstance(value, list | tuple | bytes):
        try:
            return bytes(value)
        except (TypeError, ValueError):
            pass  # floats, or values over 255
    return bytes(int(byte) & 0xFF for byte in value)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if np.isfinite(value) else None
