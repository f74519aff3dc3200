"""Reading a CSV training log into `ManualEntry` rows, each with its line number. No database."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass

from django.utils.translation import gettext

from activities.services.manual.log import MAX_DURATION_S, ManualEntry
from activities.types import RejectedFile
from core.ranges import SESSION_DISTANCE_M, SESSION_LOAD, Range
from core.sports import Sport, sport_from_words
from core.units import parse_duration

CSV_MAX_BYTES = 5 * 1024 * 1024
CSV_MAX_ROWS = 10_000
CSV_COLUMNS = (
    "activity_date",
    "activity_type",
    "distance_km",
    "duration_min",
    "training_load",
    "notes",
)
# The activity types of the CSV format, as its help lists them (any case). What sport each
# names is core.sports' reading of sport names ("other" names none); some also name a variant.
CSV_TYPES = frozenset(
    {
        "run",
        "running",
        "trail",
        "ride",
        "bike",
        "cycling",
        "swim",
        "hike",
        "walk",
        "ski",
        "row",
        "strength",
        "other",
    }
)
CSV_SUB_SPORTS = {"trail": "trail", "hike": "hiking", "walk": "walking"}


class RowError(ValueError):
    """A CSV row that cannot be imported; the message is shown next to its line number."""


@dataclass(frozen=True, slots=True)
class CsvRow:
    name: str  # "line 7"
    entry: ManualEntry | None = None
    external_id: str = ""
    error: str = ""


def _text(data: bytes) -> str:
    if len(data) > CSV_MAX_BYTES:
        raise RejectedFile(gettext("The file is larger than 5 MB; split it into smaller files."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")  # spreadsheets saved as "CSV" on Windows
        except UnicodeDecodeError:
            raise RejectedFile(gettext("This is not a text CSV file.")) from None
    if "\x00" in text:
        raise RejectedFile(gettext("This is not a text CSV file."))
    return text


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _header(fields: list[str]) -> dict[str, int]:
    columns = {name.strip().lower(): index for index, name in enumerate(fields)}
    missing = [name for name in CSV_COLUMNS if name not in columns]
    if missing:
        expected = ",".join(CSV_COLUMNS)
        raise RejectedFile(
            gettext("The header must be %(expected)s[,external_id]; missing: %(missing)s.")
            % {"expected": expected, "missing": ", ".join(missing)}
        )
    return columns


def _records(text: str) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    """The header's column positions and every non-empty record with its first line number."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    header = next(reader, None)
    if header is None:
        raise RejectedFile(gettext("The file is empty."))
    columns = _header(header)
    records, line = [], reader.line_num + 1
    for fields in reader:
        if any(value.strip() for value in fields):
            records.append((line, fields))
            if len(records) > CSV_MAX_ROWS:
                raise RejectedFile(
                    gettext("The file has more than %(rows)s rows; split it.")
                    % {"rows": f"{CSV_MAX_ROWS:,}"}
                )
        line = reader.line_num + 1
    return columns, records


def _number(value: str, what: str, limits: Range | None = None) -> float | None:
    """The cell's number (None when empty): finite, not negative, within `limits` if given."""
    value = value.strip().replace(" ", "")
    if not value:
        return None
    if len(value) > 40:
        raise RowError(gettext("bad %(what)s") % {"what": what})
    if "," in value and "." not in value:
        value = value.replace(",", ".")  # a decimal comma
    try:
        number = float(value)
    except ValueError:
        raise RowError(
            gettext("bad %(what)s “%(value)s”") % {"what": what, "value": value}
        ) from None
    if not math.isfinite(number):
        raise RowError(gettext("bad %(what)s “%(value)s”") % {"what": what, "value": value})
    if number < 0:
        raise RowError(gettext("negative %(what)s") % {"what": what})
    if limits is not None and not limits.contains(number):
        raise RowError(
            gettext("%(what)s above %(high)s") % {"what": what, "high": f"{limits.high:g}"}
        )
    return number


def _duration_s(value: str) -> float:
    """Minutes ("45", "45.5") or a clock read as everywhere else (core.units.parse_duration):
    "1:05:00" is h:mm:ss and a two-part "0:45" is h:mm, 45 minutes."""
    if ":" in value:
        try:
            seconds = parse_duration(value)
        except ValueError:
            raise RowError(gettext("bad duration “%(value)s”") % {"value": value}) from None
    else:
        minutes = _number(value, gettext("duration"))
        seconds = (minutes or 0.0) * 60
    if not 0 < seconds <= MAX_DURATION_S:
        raise RowError(
            gettext("the duration must be more than 0 and at most %(hours)s hours")
            % {"hours": f"{MAX_DURATION_S / 3600:.0f}"}
        )
    return seconds


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise RowError(
            gettext("bad date “%(value)s” (expected YYYY-MM-DD)") % {"value": value}
        ) from None


def _sport(value: str) -> tuple[Sport, str]:
    word = value.strip().lower()
    if word not in CSV_TYPES:
        raise RowError(gettext("unknown activity type “%(value)s”") % {"value": value})
    return sport_from_words(word) or Sport.OTHER, CSV_SUB_SPORTS.get(word, "")


def _entry(cells: dict[str, str]) -> ManualEntry:
    sport, sub_sport = _sport(cells["activity_type"])
    distance_km = _number(
        cells["distance_km"], gettext("distance"), SESSION_DISTANCE_M.scaled(1000)
    )
    notes = cells["notes"].strip()
    if len(notes) > 10_000:
        raise RowError(gettext("notes longer than 10,000 characters"))
    return ManualEntry(
        day=_day(cells["activity_date"]),
        sport=sport,
        sub_sport=sub_sport,
        duration_s=_duration_s(cells["duration_min"]),
        distance_m=distance_km * 1000 if distance_km is not None else None,
        load=_number(cells["training_load"], gettext("training load"), SESSION_LOAD),
        notes=notes,
    )


def _row(columns: dict[str, int], line: int, fields: list[str]) -> CsvRow:
    name = gettext("line %(number)d") % {"number": line}
    cells = {key: fields[i] if i < len(fields) else "" for key, i in columns.items()}
    external_id = cells.get("external_id", "").strip()
    if len(external_id) > 128:
        return CsvRow(name, error=gettext("external_id longer than 128 characters"))
    try:
        return CsvRow(name, entry=_entry(cells), external_id=external_id)
    except RowError as error:
        return CsvRow(name, error=str(error))


def csv_rows(data: bytes) -> list[CsvRow]:
    """Every data row of a CSV log, parsed or with the reason it cannot be imported."""
    columns, records = _records(_text(data))
    return [_row(columns, line, fields) for line, fields in records]
