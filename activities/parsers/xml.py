"""Safe XML for activity files (TCX, GPX). Pure: no Django.

Parsing goes through defusedxml: entity declarations (billion laughs) and external entities or
DTDs fetched from elsewhere are refused. Namespaces are dropped after parsing, so the readers
match local names only — a Garmin `ns3:TPX`, a `gpxtpx:hr` and an unprefixed `hr` look alike.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import cast
from xml.etree.ElementTree import Element, ParseError

import numpy as np
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from numpy.typing import NDArray

from activities.types import FloatArray, RejectedFile, Streams
from core.geo import step_lengths_m

_BOM = b"\xef\xbb\xbf"


def local_name(tag: object) -> str:
    """`{namespace}Name` → `Name` (comments and processing instructions → "")."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _cleaned(data: bytes) -> bytes:
    """Drop a UTF-8 byte-order mark and the blank lines some exporters put before `<?xml`."""
    return data.removeprefix(_BOM).lstrip()


def parse_xml(data: bytes) -> Element:
    """The document's root element with namespaces stripped from every tag and attribute.

    Raises RejectedFile for malformed XML ("not valid XML: …") and for entity or external
    references ("unsafe XML: …").
    """
    try:
        root = cast(Element, SafeET.fromstring(_cleaned(data)))
    except DefusedXmlException as error:
        raise RejectedFile(f"unsafe XML: {_defused_reason(error)}") from error
    except (ParseError, ValueError, UnicodeError) as error:
        raise RejectedFile(f"not valid XML: {error}") from error
    local_names: dict[object, str] = {}
    for element in root.iter():
        tag = element.tag
        name = local_names.get(tag)
        if name is None:
            name = local_names[tag] = local_name(tag)
        element.tag = name
        if element.attrib and any("}" in key for key in element.attrib):
            element.attrib = {local_name(k): v for k, v in element.attrib.items()}
    return root


def root_name(data: bytes) -> str | None:
    """Local name of the root element, reading only the start of the document; None if not XML.

    Raises RejectedFile when the prologue declares entities or external references.
    """
    try:
        events = SafeET.iterparse(io.BytesIO(_cleaned(data)), events=("start",))
        for _event, element in events:
            return local_name(cast(Element, element).tag)
    except DefusedXmlException as error:
        raise RejectedFile(f"unsafe XML: {_defused_reason(error)}") from error
    except (ParseError, ValueError, UnicodeError):
        return None
    return None


def _defused_reason(error: DefusedXmlException) -> str:
    name = type(error).__name__
    if name == "EntitiesForbidden":
        return "entity declarations are not allowed"
    if name == "ExternalReferenceForbidden":
        return "external references are not allowed"
    return "document type declarations are not allowed"


def child(element: Element, name: str) -> Element | None:
    """The first direct child with this local name."""
    for item in element:
        if item.tag == name:
            return item
    return None


def children(element: Element, name: str) -> Iterator[Element]:
    """Direct children with this local name, in document order."""
    return (item for item in element if item.tag == name)


def element_at(element: Element | None, *path: str) -> Element | None:
    """The element reached by following direct children's local names, or None."""
    current = element
    for name in path:
        if current is None:
            return None
        current = child(current, name)
    return current


def text_at(element: Element | None, *path: str) -> str | None:
    """Stripped text of the element reached by following local names; None if absent or empty."""
    current = element_at(element, *path)
    if current is None or current.text is None:
        return None
    return current.text.strip() or None


def to_float(text: str | None) -> float | None:
    """A finite float from element text, or None (absent, empty, garbage, NaN, infinite)."""
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def float_at(element: Element | None, *path: str) -> float | None:
    return to_float(text_at(element, *path))


def parse_time(text: str | None) -> dt.datetime | None:
    """An ISO 8601 timestamp as an aware UTC datetime (no offset = UTC); None if unreadable."""
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


# --- Shared by the XML formats: track points → Streams, error classification ---


@dataclass(slots=True)
class TrackPoints:
    """Track points as read, in file order: epoch seconds plus whatever channels each point has."""

    epoch_s: list[float] = field(default_factory=list)
    values: list[dict[str, float]] = field(default_factory=list)
    segment: list[int] = field(default_factory=list)  # GPX trkseg index: no distance across gaps
    untimed: int = 0  # points without a readable time (dropped)

    def add(self, time: dt.datetime | None, values: dict[str, float], segment: int = 0) -> None:
        if time is None:
            self.untimed += 1
            return
        self.epoch_s.append(time.timestamp())
        self.values.append(values)
        self.segment.append(segment)

    def warnings(self) -> list[str]:
        if not self.untimed:
            return []
        return [f"{self.untimed} track points without a time were skipped"]

    def first_time(self) -> dt.datetime:
        """Earliest point time; RejectedFile when the track is empty or has no timestamps."""
        if not self.epoch_s:
            raise RejectedFile("no timestamps" if self.untimed else "no track points")
        return dt.datetime.fromtimestamp(min(self.epoch_s), tz=dt.UTC)


def build_streams(points: TrackPoints, *, started_at: dt.datetime, gps_distance: bool) -> Streams:
    """Columnar streams on the `started_at` clock, sorted by time, one sample per timestamp.

    Points sharing a timestamp are merged (first value of each channel wins). With
    `gps_distance`, or when no point carries a distance, distance is the haversine sum of
    positions within each segment (points without a position get NaN).
    """
    epoch = np.asarray(points.epoch_s, dtype=np.float64)
    order = np.argsort(epoch, kind="stable")
    times, group = np.unique(epoch[order], return_inverse=True)
    columns: dict[str, FloatArray] = {}
    for name in Streams.CHANNELS:
        raw = np.array([row.get(name, np.nan) for row in points.values], dtype=np.float64)
        if np.isfinite(raw).any():
            columns[name] = _first_per_group(raw[order], group, len(times))
    has_position = "lat_deg" in columns and "lon_deg" in columns
    if has_position:
        _drop_impossible_positions(columns["lat_deg"], columns["lon_deg"])
    if has_position and (gps_distance or "distance_m" not in columns):
        segment = np.asarray(points.segment, dtype=np.int64)[order]
        segment_per_time = _first_per_group(segment.astype(np.float64), group, len(times))
        columns["distance_m"] = haversine_cumulative_m(
            columns["lat_deg"], columns["lon_deg"], segment_per_time
        )
    offset = started_at.timestamp()
    return Streams(time_s=times - offset, **columns)


def _drop_impossible_positions(lat_deg: FloatArray, lon_deg: FloatArray) -> None:
    """Out-of-range coordinates and the (0, 0) some devices write before a fix become NaN."""
    with np.errstate(invalid="ignore"):
        bad = (np.abs(lat_deg) > 90) | (np.abs(lon_deg) > 180) | ((lat_deg == 0) & (lon_deg == 0))
    lat_deg[bad] = np.nan
    lon_deg[bad] = np.nan


def _first_per_group(values: FloatArray, group: NDArray[np.intp], size: int) -> FloatArray:
    """For sorted group ids, the first finite value of each group (NaN when it has none)."""
    out = np.full(size, np.nan, dtype=np.float64)
    finite = np.isfinite(values)
    groups, first = np.unique(group[finite], return_index=True)
    out[groups] = values[finite][first]
    return out


def haversine_cumulative_m(
    lat_deg: FloatArray, lon_deg: FloatArray, segment: FloatArray
) -> FloatArray:
    """Cumulative great-circle distance over the points that have a position (NaN elsewhere).

    Steps between two segments (a GPX `trkseg` break: the recording was paused) add nothing.
    """
    out = np.full(lat_deg.shape, np.nan, dtype=np.float64)
    known = np.isfinite(lat_deg) & np.isfinite(lon_deg)
    if not known.any():
        return out
    step = step_lengths_m(lat_deg[known], lon_deg[known])
    step[np.diff(segment[known]) != 0] = 0.0
    out[known] = np.concatenate(([0.0], np.cumsum(step)))
    return out


def classified[**P, R](label: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorator: every failure of the parser other than RejectedFile becomes RejectedFile."""

    def decorate(parse: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(parse)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return parse(*args, **kwargs)
            except RejectedFile:
                raise
            except Exception as error:  # a hostile or odd file must never escape as a crash
                raise RejectedFile(f"unreadable {label} file: {error}") from error

        return wrapper

    return decorate
