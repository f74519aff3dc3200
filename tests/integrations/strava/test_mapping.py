"""Strava's activities.csv → our values (pure: no database). No real export is in the corpus;
the values written into the CSVs here come from recorded Strava API activities (same names,
ids and activity types as the export's columns)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from core.sports import Sport
from integrations.strava.mapping import ExportRow, csv_rows, export_row

HEADER = ["Activity ID", "Activity Date", "Activity Name", "Activity Type",
          "Activity Description", "Elapsed Time", "Distance", "Filename", "Distance"]  # fmt: skip


def recorded_activities(corpus: Path) -> list[dict[str, Any]]:
    """Strava activities as the API returned them: stravalib's and vmpy's recordings and the
    examples of Strava's own API description."""
    strava = corpus / "strava"
    activities = [
        json.loads((strava / "stravalib" / "activity.3.json").read_text()),
        json.loads((strava / "vmpy" / "activity_1202065_1354978421.json").read_text()),
    ]
    paths = json.loads((strava / "openapi" / "strava_swagger.json").read_text())["paths"]
    example = paths["/activities/{id}"]["get"]["responses"]["200"]["examples"]
    return [*activities, example["application/json"]]


def export_csv(rows: list[list[str]]) -> bytes:
    """An activities.csv as Strava writes it: UTF-8 with a BOM, quoted where needed."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return "\ufeff".encode() + out.getvalue().encode()


@pytest.mark.corpus
def test_rows_of_recorded_activities_give_their_id_name_description_and_sport(
    corpus: Path,
) -> None:
    activities = recorded_activities(corpus)
    data = export_csv(
        [
            [str(a["id"]), "Jan 5, 2020, 7:00:00 AM", a["name"], a["type"], a["description"] or "",
             str(a["elapsed_time"]), "10,5", f"activities/{a['id']}.fit.gz", str(a["distance"])]
            for a in activities
        ]
    )  # fmt: skip

    rows = [export_row(row) for row in csv_rows(data)]

    assert rows == [
        ExportRow(
            activity_id=str(a["id"]),
            filename=f"activities/{a['id']}.fit.gz",
            name=a["name"],
            description=a["description"] or "",
            sport={"Run": Sport.RUN, "Ride": Sport.RIDE}[a["type"]],
        )
        for a in activities
    ]


@pytest.mark.corpus
def test_stravas_sport_types_of_recorded_activities_give_their_sport(corpus: Path) -> None:
    kinds = {a.get("sport_type") or a["type"] for a in recorded_activities(corpus)}

    sports = {kind: export_row({"Activity Type": kind}).sport for kind in kinds}

    assert sports == {"Run": Sport.RUN, "Ride": Sport.RIDE, "MountainBikeRide": Sport.RIDE}


def test_the_export_names_its_activity_types_in_words() -> None:
    kinds = ["Run", "Trail Run", "Ride", "Virtual Ride", "Swim", "Hike", "Walk", "Nordic Ski",
             "Rowing", "Weight Training", "Yoga"]  # fmt: skip

    sports = [export_row({"Activity Type": kind}).sport for kind in kinds]

    assert sports == [Sport.RUN, Sport.RUN, Sport.RIDE, Sport.RIDE, Sport.SWIM, Sport.HIKE,
                      Sport.HIKE, Sport.SKI, Sport.ROW, Sport.STRENGTH, Sport.OTHER]  # fmt: skip


def test_a_row_entered_by_hand_has_no_file_and_empty_cells_are_absent() -> None:
    data = export_csv([["4105", "Jan 5, 2020", "Gym", "Weight Training", "", "3600", "", "", ""]])

    [row] = csv_rows(data)

    assert "Filename" not in row and "Activity Description" not in row
    assert export_row(row) == ExportRow("4105", "", "Gym", "", Sport.STRENGTH)


def test_repeated_csv_columns_keep_their_first_value() -> None:
    data = (
        b"\xef\xbb\xbfActivity ID,Distance,Filename,Distance\n7,10.5,activities/7.gpx,10500.0\n\n"
    )

    assert csv_rows(data) == [
        {"Activity ID": "7", "Distance": "10.5", "Filename": "activities/7.gpx"}
    ]


def test_a_csv_that_is_not_utf8_is_read_as_latin_1() -> None:
    data = "Activity ID,Activity Name\n8,Café du col\n".encode("latin-1")

    assert export_row(csv_rows(data)[0]).name == "Café du col"
