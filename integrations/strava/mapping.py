"""Strava bulk-export `activities.csv` → our own values. Pure: no Django.

The CSV has one row per activity; we read only the columns that do not depend on the athlete's
locale (ids, names, the file's path, the activity type): its distances and times do. The API's
JSON (activities, streams, laps) is read by `api_mapping`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass

from core.sports import Sport, sport_from_words

# The one word→sport mapping for now, shared with Garmin's activity types.


@dataclass(frozen=True, slots=True)
class ExportRow:
    """What one activities.csv row says about a recording ("" where the cell is empty)."""

    activity_id: str  # Strava's id of the activity ("Activity ID")
    filename: str  # the recording's path in the archive; "" when it was entered by hand
    name: str
    description: str
    sport: Sport  # from "Activity Type" (Run, Ride, Weight Training…)


def csv_rows(data: bytes) -> list[dict[str, str]]:
    """Rows as {column: value}; a repeated column name keeps its first (Strava repeats some)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    first = {name.strip(): index for index, name in reversed(list(enumerate(header)))}
    return [
        {
            name: row[index].strip()
            for name, index in first.items()
            if index < len(row) and row[index].strip()
        }
        for row in reader
        if any(cell.strip() for cell in row)
    ]


def export_row(row: Mapping[str, str]) -> ExportRow:
    """The values we use of one `csv_rows` row."""
    return ExportRow(
        activity_id=row.get("Activity ID", ""),
        filename=row.get("Filename", ""),
        name=row.get("Activity Name", ""),
        description=row.get("Activity Description", ""),
        sport=sport_from_words(row.get("Activity Type", "")) or Sport.OTHER,
    )
