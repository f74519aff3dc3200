"""FIT decoders behind one shape: `DecodedFit` (record columns + the other messages).

Three decoders, fastest first (see docs/design-fit-decoding.md for the measurements):
`fitfast` (Rust, columnar), `pyfitparsernative` (Rust, one dict per message) and `fitdecode`
(pure Python, the reference, and the only one that keeps what it read before an error).
Whatever the decoder, a `DecodedFit` holds the same values:

- record columns are float64 numpy arrays of the native fields in `RECORD_FIELDS` (NaN where a
  record lacks the field); developer fields are never read into them;
- positions are in degrees, every `date_time` value is Unix seconds (FIT time + 631065600,
  relative "system time" values included: the caller rejects those dates);
- other messages are dicts of native field name → value, enums as their profile names.

Pure: no Django.
"""

from __future__ import annotations

import datetime as dt
import struct
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import fitdecode  # untyped: pyproject sets ignore_missing_imports
import fitfast
import numpy as np
import pyfitparsernative

from activities.parsers import _fit_bytes
from activities.types import FloatArray

# The fallback decoders (damaged or CRC-less files) keep Python objects per message: bounded so
# a hostile file cannot take the memory or the time of a web worker (a 24 h race at 1 Hz is
# about 3 MB; fitfast reads valid files of any size).
FALLBACK_MAX_BYTES = 8 * 1024 * 1024
FITDECODE_BUDGET_S = 20.0
FIT_EPOCH_UNIX_S = 631065600  # 1989-12-31T00:00:00Z, the FIT epoch, in Unix seconds
SEMICIRCLE_DEG = 180.0 / 2**31

RECORD_FIELDS = (
    "timestamp",
    "heart_rate",
    "power",
    "cadence",
    "fractional_cadence",
    "speed",
    "enhanced_speed",
    "distance",
    "altitude",
    "enhanced_altitude",
    "position_lat",
    "position_long",
    "temperature",
)
POSITION_FIELDS = ("position_lat", "position_long")
# date_time fields of the messages we read (pyfitparsernative gives them as ISO strings).
TIME_FIELDS = frozenset({"timestamp", "start_time", "time_created", "local_timestamp"})
MESSAGES = frozenset(
    {
        "file_id",
        "session",
        "lap",
        "length",
        "sport",
        "zones_target",
        "user_profile",
        "activity",
        "device_info",
        "event",
        "hr",
        "time_in_zone",
        "hr_zone",
        "power_zone",
    }
)

# Their global numbers, for the copy without records fitfast parses (fitdecode's profile names
# the messages as fitfast does; a test checks that every name has its number).
MESSAGE_NUMBERS = frozenset(
    number for number, kind in fitdecode.profile.MESSAGE_TYPES.items() if kind.name in MESSAGES
)

Message = dict[str, Any]


class DecoderError(Exception):
    """A decoder could not read this file at all; the next decoder gets a try."""


@dataclass(slots=True)
class DecodedFit:
    """One FIT file (all its chained parts), decoded."""

    decoder: str
    records: dict[str, FloatArray]
    messages: dict[str, list[Message]] = field(default_factory=dict)
    damage: str = ""  # why decoding stopped early (salvage) or what was wrong; "" = clean

    def record_count(self) -> int:
        timestamps = self.records.get("timestamp")
        return 0 if timestamps is None else int(timestamps.shape[0])

    def of(self, message: str) -> list[Message]:
        return self.messages.get(message, [])


def decode_fitfast(data: bytes) -> DecodedFit:
    """Rust decoder, columnar records; strict: any structural or CRC error fails it.

    A zero header CRC ("not computed", allowed by the spec) is filled in first, the file CRC
    shifted to match (`_fit_bytes`); should that copy fail (a writer that left the header out
    of its file CRC), the original bytes get their try, as fitfast reads them.
    """
    readable = _fit_bytes.with_header_crcs(data)
    try:
        return _fitfast_decoded(readable)
    except DecoderError:
        if readable is data:
            raise
    return _fitfast_decoded(data)


def _fitfast_decoded(data: bytes) -> DecodedFit:
    """The file decoded once in full, as columns; `parse` reads a copy without the records."""
    try:
        columns = fitfast.records(data)
        parsed = _fitfast_messages(data, columns)
    except BaseException as error:  # a Rust panic is a BaseException (PanicException)
        if _is_interrupt(error):
            raise
        raise DecoderError(f"fitfast: {error}") from error
    records = {name: _float_column(columns[name]) for name in RECORD_FIELDS if name in columns}
    _expand_compressed_speed_distance(records, parsed.get("record", []))
    messages = {
        name: [_named_fields(message) for message in values]
        for name, values in parsed.items()
        if name in MESSAGES
    }
    return DecodedFit(decoder="fitfast", records=records, messages=messages)


def _fitfast_messages(data: bytes, columns: dict[str, Any]) -> dict[str, list[Any]]:
    """fitfast's dict messages, from the copy without records when that copy can be made and
    the records are not needed as dicts (records without `distance` may pack it in
    `compressed_speed_distance`, which only `parse` gives)."""
    needs_rows = "timestamp" in columns and "distance" not in columns
    summary = None if needs_rows else _fit_bytes.without_records(data, MESSAGE_NUMBERS)
    return fitfast.parse(data if summary is None else summary, enum_names=True, datetimes=False)


def _expand_compressed_speed_distance(records: dict[str, FloatArray], rows: list[Any]) -> None:
    """Old watches with a foot pod write `compressed_speed_distance` (3 bytes: speed in
    1/100 m/s on 12 bits, then distance in 1/16 m on 12 bits, rolling over every 256 m) in
    place of speed and distance. fitdecode expands it; the Rust decoders leave the bytes:
    expanded here the same way (distance accumulated across roll-overs)."""
    if (
        "distance" in records
        or "timestamp" not in records
        or len(rows) != len(records["timestamp"])
    ):
        return
    packed = [row.get("compressed_speed_distance") for row in rows]
    if all(value is None for value in packed):
        return
    speed = np.full(len(packed), np.nan)
    distance = np.full(len(packed), np.nan)
    total = last = None
    for index, value in enumerate(packed):
        if not isinstance(value, bytes | list | tuple) or len(value) != 3:
            continue  # absent or damaged
        bits = int.from_bytes(bytes(int(byte) & 0xFF for byte in value), "little")
        speed[index] = (bits & 0xFFF) / 100
        ticks = bits >> 12
        total = ticks if total is None or last is None else total + (ticks - last) % 4096
        last = ticks
        distance[index] = total / 16
    records.setdefault("speed", speed)
    records["distance"] = distance


def _check_fallback_size(data: bytes, decoder: str) -> None:
    """The fallback decoders hold one Python object per message: refuse files whose size
    would cost far more memory and time than any real activity (fitfast reads those)."""
    if len(data) > FALLBACK_MAX_BYTES:
        raise DecoderError(
            f"{decoder}: damaged and too large to recover "
            f"(over {FALLBACK_MAX_BYTES // (1024 * 1024)} MB)"
        )


def decode_pyfitparsernative(data: bytes) -> DecodedFit:
    """Rust decoder, one dict per message in file order; strict like fitfast."""
    if not data:
        raise DecoderError("pyfitparsernative: empty input")  # it returns [] for b""
    _check_fallback_size(data, "pyfitparsernative")
    try:
        parsed = pyfitparsernative.parse_fit_bytes(data)
    except BaseException as error:  # a Rust panic is a BaseException (PanicException)
        if _is_interrupt(error):
            raise
        raise DecoderError(f"pyfitparsernative: {error}") from error
    rows: list[Message] = []
    messages: dict[str, list[Message]] = {}
    for message in parsed:
        kind = message.get("message_type")
        if kind == "record":
            rows.append(message)
        elif kind in MESSAGES:
            messages.setdefault(str(kind), []).append(_iso_times(message))
    records = _columns(rows, time_parser=_iso_to_unix_s, positions_in_semicircles=True)
    if "timestamp" in records:
        _expand_compressed_speed_distance(records, rows)
    return DecodedFit(decoder="pyfitparsernative", records=records, messages=messages)


def decode_fitdecode(data: bytes) -> DecodedFit:
    """Pure-Python reference decoder, lenient: keeps every message read before an error.

    CRCs are computed but not enforced; a mismatch, a broken header or an early end is
    reported in `damage` and decoding keeps what it had (salvage of truncated files).
    """
    _check_fallback_size(data, "fitdecode")
    records = _RecordChunks()
    messages: dict[str, list[Message]] = {}
    problems: list[str] = []
    deadline = time.monotonic() + FITDECODE_BUDGET_S
    try:
        for count, frame in enumerate(_fitdecode_frames(data)):
            _collect_frame(frame, records.rows, messages, problems)
            records.flush_when_full()
            if count % 1000 == 0 and time.monotonic() > deadline:
                raise DecoderError(
                    f"fitdecode: damaged and too slow to recover (over {FITDECODE_BUDGET_S:.0f} s)"
                )
    except DecoderError:
        raise
    except Exception as error:
        problems.append(_describe(error))
    if not records.count() and not messages:
        raise DecoderError("fitdecode: " + ("; ".join(problems) or "no FIT messages"))
    return DecodedFit(
        decoder="fitdecode",
        records=records.columns(),
        messages=messages,
        damage="; ".join(problems),
    )


class _RecordChunks:
    """Record dicts turned into float columns every CHUNK_ROWS rows: memory holds columns,
    not one dict per record."""

    CHUNK_ROWS = 20_000

    def __init__(self) -> None:
        self.rows: list[Message] = []
        self.chunks: list[tuple[int, dict[str, FloatArray]]] = []

    def flush_when_full(self) -> None:
        if len(self.rows) >= self.CHUNK_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self.rows:
            columns = _columns(self.rows, time_parser=_fit_to_unix_s, positions_in_semicircles=True)
            self.chunks.append((len(self.rows), columns))
            self.rows = []

    def count(self) -> int:
        return len(self.rows) + sum(size for size, _columns in self.chunks)

    def columns(self) -> dict[str, FloatArray]:
        self._flush()
        names = {name for _size, columns in self.chunks for name in columns}
        return {
            name: np.concatenate(
                [columns.get(name, np.full(size, np.nan)) for size, columns in self.chunks]
            )
            for name in names
        }


DECODERS: dict[str, Callable[[bytes], DecodedFit]] = {
    "fitfast": decode_fitfast,
    "pyfitparsernative": decode_pyfitparsernative,
    "fitdecode": decode_fitdecode,
}


def _fitdecode_frames(data: bytes) -> Iterator[Any]:
    reader = fitdecode.FitReader(
        data,
        processor=fitdecode.DataProcessorBase(),  # raw ints for date_time: converted below
        check_crc=fitdecode.CrcCheck.READONLY,
        error_handling=fitdecode.ErrorHandling.IGNORE,
    )
    with reader:
        yield from reader


def _collect_frame(
    frame: Any, rows: list[Message], messages: dict[str, list[Message]], problems: list[str]
) -> None:
    if isinstance(frame, fitdecode.FitCRC) and frame.matched is False:
        problems.append("checksum mismatch")
    elif isinstance(frame, fitdecode.FitHeader) and frame.crc_matched is False:
        problems.append("header checksum mismatch")
    elif isinstance(frame, fitdecode.FitDataMessage):
        name = frame.name
        if name == "record":
            rows.append(_fitdecode_fields(frame, RECORD_FIELDS))
        elif name in MESSAGES:
            messages.setdefault(name, []).append(_fit_times(_fitdecode_fields(frame, None)))


def _fitdecode_fields(frame: Any, wanted: Iterable[str] | None) -> Message:
    """Native fields only (developer fields are skipped), the first value of each name."""
    keep = None if wanted is None else set(wanted)
    values: Message = {}
    for field_data in frame.fields:
        if field_data.field is None or isinstance(field_data.field, fitdecode.types.DevField):
            continue  # unknown field number or developer field
        name = field_data.name
        wanted_here = keep is None or name in keep
        if wanted_here and name not in values and field_data.value is not None:
            values[name] = field_data.value
    if "garmin_product" in values and "product" not in values:
        values["product"] = values["garmin_product"]
    return values


def _columns(
    rows: list[Message],
    *,
    time_parser: Callable[[Any], float],
    positions_in_semicircles: bool,
) -> dict[str, FloatArray]:
    """Record dicts → float64 columns of the native fields in RECORD_FIELDS."""
    names = {name for row in rows for name in row if name in RECORD_FIELDS}
    columns: dict[str, FloatArray] = {}
    count = len(rows)
    for name in names:
        convert = time_parser if name == "timestamp" else _as_float
        column = np.fromiter((convert(row.get(name)) for row in rows), np.float64, count)
        if positions_in_semicircles and name in POSITION_FIELDS:
            column = column * SEMICIRCLE_DEG
        columns[name] = column
    return columns


def _float_column(values: Any) -> FloatArray:
    return np.asarray(values, dtype=np.float64)


def _as_float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        if isinstance(value, tuple | list) and value:
            return _as_float(value[0])
        return float("nan")
    return float(value)


def _fit_to_unix_s(value: Any) -> float:
    """A raw FIT date_time (seconds since 1989-12-31) in Unix seconds."""
    if isinstance(value, dt.datetime):
        return value.timestamp()
    number = _as_float(value)
    return number + FIT_EPOCH_UNIX_S


def _iso_to_unix_s(value: Any) -> float:
    """pyfitparsernative's naive ISO strings are UTC."""
    if not isinstance(value, str):
        return _as_float(value)
    try:
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC).timestamp()
    except ValueError:
        return float("nan")


def _named_fields(message: dict[str | int, Any]) -> Message:
    return {key: value for key, value in message.items() if isinstance(key, str)}


def _iso_times(message: Message) -> Message:
    return {
        key: (_iso_to_unix_s(value) if key in TIME_FIELDS else value)
        for key, value in message.items()
        if key != "message_type" and not key.startswith(("developer_field_", "unknown_field_"))
    }


def _fit_times(message: Message) -> Message:
    return {
        key: (_fit_to_unix_s(value) if key in TIME_FIELDS else value)
        for key, value in message.items()
    }


def _describe(error: Exception) -> str:
    if isinstance(error, fitdecode.FitEOFError | EOFError | struct.error):
        return "the file ends early (truncated)"
    text = str(error).strip() or type(error).__name__
    return text[:200]


def _is_interrupt(error: BaseException) -> bool:
    return isinstance(error, KeyboardInterrupt | SystemExit | GeneratorExit)
