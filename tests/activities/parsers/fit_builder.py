"""Small FIT activity files written with Garmin's own encoder (garmin-fit-sdk), for the classes
of recording the corpus lacks. Times are seconds after `T0`; field names are the FIT profile's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from garmin_fit_sdk import Encoder, Profile

T0 = dt.datetime(2024, 5, 1, 8, 0, tzinfo=dt.UTC)
Message = tuple[str, dict[str, Any]]


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def record(seconds: float, **fields: Any) -> Message:
    return "RECORD", {"timestamp": at(seconds), **fields}


def timer(seconds: float, action: str) -> Message:
    """A timer event: action "start" or "stop_all"."""
    return "EVENT", {"timestamp": at(seconds), "event": "timer", "event_type": action}


def session(start: float, elapsed: float, sport: str = "running", **fields: Any) -> Message:
    return "SESSION", {
        "timestamp": at(start + elapsed),
        "start_time": at(start),
        "total_elapsed_time": elapsed,
        "sport": sport,
        **fields,
    }


def fit_file(messages: list[Message]) -> bytes:
    """An activity file: a file_id, then the messages in the order given."""
    encoder = Encoder()
    encoder.on_mesg(
        Profile["mesg_num"]["FILE_ID"],
        {"type": "activity", "manufacturer": "garmin", "product": 1, "time_created": T0},
    )
    for kind, fields in messages:
        encoder.on_mesg(Profile["mesg_num"][kind], fields)
    data: bytes = encoder.close()
    return data
