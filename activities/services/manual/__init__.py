"""Sessions without a recording: the manual log form and the CSV import.

A manual session is an `Activity` whose `primary_provider` is `manual`, with one
`ActivitySource(provider=manual)`, made through `activity_ingest` like every other activity:

- **Start time.** With a start time, the session starts then (athlete-local → UTC) and the
  ingest rules decide: a recorded activity of a compatible sport starting within ±60 s is the
  same session, so the manual entry is *merged* into it as an extra source — the device's values
  stay, the RPE, notes and load typed here are added. Without a start time (and for every CSV
  row) the session is placed at 12:00 local, moved on by 5 minutes while another activity of
  the athlete starts within ±60 s, so an entry without a time never merges by accident.
- **Never overwritten.** A device file arriving later for the same time is attached as a source
  but the manual values stay (`activity_ingest` never lets an import outrank a manual activity).
- **CSV idempotency.** A row with `external_id` is a `SourceRef(manual, external_id)`: importing
  it again is SKIPPED. A row without one is SKIPPED when a manual activity of the athlete already
  has the same day, activity type and duration (to the second) — so re-importing the same file
  adds nothing, and two identical rows in one file give one activity. A second session of the
  same type that day with another duration is a new activity.
"""

from __future__ import annotations

from activities.services.manual.csv_parse import CSV_COLUMNS, CSV_MAX_BYTES, CSV_MAX_ROWS, csv_rows
from activities.services.manual.csv_store import csv_import
from activities.services.manual.log import MAX_DURATION_S, ManualEntry, manual_activity_log

__all__ = [
    "CSV_COLUMNS",
    "CSV_MAX_BYTES",
    "CSV_MAX_ROWS",
    "MAX_DURATION_S",
    "ManualEntry",
    "csv_import",
    "csv_rows",
    "manual_activity_log",
]
