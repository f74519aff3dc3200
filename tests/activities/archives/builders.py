"""Build realistic archives at test time from corpus files (never copied into the repository).

No real Garmin export is public (corpus garmin/EXPORT_ZIP_LAYOUT.md), so `garmin_export` builds
one in the documented shape: FIT files in a nested UploadedFiles zip, summary pages generated
from those FITs' own session values (corpus reference/fit_device_session_values.csv) — one page
in milliseconds/centimetres with tenth-speeds, one in SI — a multisport parent with its legs, a
summary without a file, a non-activity FIT (a corpus FIT whose file_id.type we rewrite to
monitoring, CRC recomputed), and sleep and health-status JSON.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import stat
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GARMIN_FITS_MS_CM = (
    "sportslib__runs_6914538454.fit",
    "sportslib__rides_5319808632.fit",
    "fitparse__garmin-fenix-5-run.fit",  # 57 s: ambiguous alone, the page's vote decides
)
GARMIN_FITS_SI = ("sportslib__runs_6916663933.fit", "sportslib__swim_6021532030.fit")
TRIATHLON = "muktihari__triathlon_summary_first.fit"
NOT_ACTIVITY_SOURCE = "fitparse__garmin-fenix-5-bike.fit"
ACTIVITY_TYPES = {
    "running": "running",
    "cycling": "road_biking",
    "swimming": "lap_swimming",
    "transition": "transition_v2",
}
FIT_MONITORING_B = 32

# Twenty FIT files with distinct starts that import cleanly (the job tests and worker test).
JOB_FITS = (
    "fitparse__2015-10-13-08-43-15.fit",
    "fitparse__20170518-191602-1740899583.fit",
    "fitparse__activity-small-fenix2-run.fit",
    "fitparse__sample-activity-indoor-trainer.fit",
    "sportslib__rides_5319808632.fit",
    "sportslib__runs_6914538454.fit",
    "sportslib__runs_6909950168.fit",
    "sportslib__swim_6021532030.fit",
    "sportslib__swim_7617306288.fit",
    "sportslib__swim_6688025408.fit",
    "fitparse__sample-activity.fit",
    "fitparse__Edge810-Vector-2013-08-16-15-35-10.fit",
    "fitparse__garmin-edge-500-activity.fit",
    "fitdecode__garmin-fr935-cr.fit",
    "sportslib__rides_3939576645.fit",
    "sportslib__rides_614953343.fit",
    "sportslib__runs_6916663933.fit",
    "muktihari__triathlon_summary_first.fit",
    "fitparse__2019-02-17-062644-ELEMNT-297E-195-0.fit",
    "muktihari__big_activity.fit",
)


def session_values(corpus: Path) -> dict[tuple[str, int], dict[str, str]]:
    """What each corpus FIT's session messages say, by (file name, session index)."""
    path = corpus / "reference" / "fit_device_session_values.csv"
    with path.open(newline="") as handle:
        return {
            (row["file"].removeprefix("fit/"), int(row["session_index"])): row
            for row in csv.DictReader(handle)
        }


def epoch_ms(iso: str) -> int:
    return int(dt.datetime.fromisoformat(iso).timestamp() * 1000)


def first_number(text: str) -> float:
    """A CSV cell as a number; some devices wrote a list (e.g. "[0.76, 65.535]")."""
    return float(text.strip("[]").split(",")[0])


def garmin_summary(
    row: dict[str, str], activity_id: int, *, ms_cm: bool, name: str
) -> dict[str, Any]:
    """A summarizedActivities entry from a FIT session row, in the page's units."""
    elapsed = float(row["total_elapsed_time"] or 0)
    timer = float(row["total_timer_time"] or elapsed)
    distance = float(row["total_distance"] or 0)
    speed = first_number(row["enhanced_avg_speed"] or row["avg_speed"] or "0")
    time_scale, distance_scale, speed_scale = (1000, 100, 0.1) if ms_cm else (1, 1, 1)
    summary: dict[str, Any] = {
        "activityId": activity_id,
        "name": name,
        "activityType": ACTIVITY_TYPES.get(row["sport"], row["sport"]),
        "startTimeGmt": epoch_ms(row["start_time"]),
        "beginTimestamp": epoch_ms(row["start_time"]),
        "duration": elapsed * time_scale,
        "elapsedDuration": elapsed * time_scale,
        "movingDuration": timer * time_scale,
        "distance": distance * distance_scale,
        "avgSpeed": speed * speed_scale,
    }
    if row["avg_heart_rate"]:
        summary["avgHr"] = float(row["avg_heart_rate"])
    return summary


def fit_crc(data: bytes, crc: int = 0) -> int:
    """The FIT CRC-16 (FIT SDK algorithm)."""
    table = (0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
             0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400)  # fmt: skip
    for byte in data:
        for nibble in (byte & 0x0F, byte >> 4):
            tmp = table[crc & 0x0F]
            crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ table[nibble]
    return crc


def with_file_type(data: bytes, file_type: int) -> bytes:
    """A copy of a FIT file whose file_id.type is `file_type` (file CRC recomputed)."""
    pos = data[0]
    definition = data[pos + 1 :]
    assert data[pos] & 0x40 and struct.unpack_from("<H", definition, 2)[0] == 0, "file_id first"
    count = definition[4]
    fields = [(definition[5 + 3 * i], definition[6 + 3 * i]) for i in range(count)]
    offset = pos + 1 + 5 + 3 * count + 1  # past the definition and the data record header
    for number, size in fields:
        if number == 0:
            break
        offset += size
    patched = bytearray(data[:-2])
    patched[offset] = file_type
    return bytes(patched) + struct.pack("<H", fit_crc(patched))


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@dataclass
class GarminExport:
    path: Path
    linked: dict[str, int] = field(default_factory=dict)  # FIT name → its summary's activityId
    names: dict[int, str] = field(default_factory=dict)  # activityId → name
    unlinked_id: int = 0
    parent_id: int = 0
    sleep: dict[str, tuple[int, int]] = field(default_factory=dict)  # day → (seconds, score)
    health: dict[str, tuple[float, int]] = field(default_factory=dict)  # day → (hrv, rest hr)


def garmin_export(corpus: Path, folder: Path, *, older_layout: bool = False) -> GarminExport:
    """A Garmin "Export Your Data" zip built from corpus FITs (see the module docstring)."""
    rows = session_values(corpus)
    export = GarminExport(path=folder / "garmin-export.zip")
    fits: dict[str, bytes] = {}
    pages: list[list[dict[str, Any]]] = [[], []]
    next_id = iter(range(9_000_000_001, 9_000_001_000))
    for page, names in ((0, GARMIN_FITS_MS_CM), (1, GARMIN_FITS_SI)):
        for file_name in names:
            fits[f"{700 + len(fits)}.fit"] = (corpus / "fit" / file_name).read_bytes()
            activity_id = next(next_id)
            export.linked[file_name] = activity_id
            export.names[activity_id] = f"Morning {file_name.split('__')[1][:12]}"
            row = rows[(file_name, 0)]
            pages[page].append(
                garmin_summary(row, activity_id, ms_cm=page == 0, name=export.names[activity_id])
            )
    _add_triathlon(corpus, rows, export, fits, pages[1], next_id)
    _add_unlinked(export, pages[0], next_id)
    fits["799.fit"] = with_file_type(
        (corpus / "fit" / NOT_ACTIVITY_SOURCE).read_bytes(), FIT_MONITORING_B
    )
    members = _garmin_members(export, fits, pages, older_layout=older_layout)
    export.path.write_bytes(zip_bytes(members))
    return export


def _add_triathlon(
    corpus: Path,
    rows: dict[tuple[str, int], dict[str, str]],
    export: GarminExport,
    fits: dict[str, bytes],
    page: list[dict[str, Any]],
    next_id: Any,
) -> None:
    fits["750.fit"] = (corpus / "fit" / TRIATHLON).read_bytes()
    legs = [rows[(TRIATHLON, index)] for index in range(5)]
    export.parent_id = next(next_id)
    parent = garmin_summary(legs[0], export.parent_id, ms_cm=False, name="Sprint triathlon")
    parent.update(activityType="multi_sport", parent=True, sportType="MULTISPORT")
    page.append(parent)
    for index, leg in enumerate(legs):
        activity_id = next(next_id)
        export.linked[f"{TRIATHLON}#{index}"] = activity_id
        export.names[activity_id] = f"Triathlon leg {index + 1}"
        page.append(garmin_summary(leg, activity_id, ms_cm=False, name=export.names[activity_id]))


def _add_unlinked(export: GarminExport, page: list[dict[str, Any]], next_id: Any) -> None:
    """A 10 km run in 50 min with no file, in the ms/cm page."""
    export.unlinked_id = next(next_id)
    row = {"total_elapsed_time": "3000", "total_timer_time": "3000", "total_distance": "10000",
           "avg_speed": "3.3333", "enhanced_avg_speed": "", "avg_heart_rate": "150",
           "sport": "running", "start_time": "2022-01-01T07:00:00+00:00"}  # fmt: skip
    export.names[export.unlinked_id] = "Treadmill 10k (no file)"
    page.append(garmin_summary(row, export.unlinked_id, ms_cm=True, name="Treadmill 10k (no file)"))


def _garmin_members(
    export: GarminExport,
    fits: dict[str, bytes],
    pages: list[list[dict[str, Any]]],
    *,
    older_layout: bool,
) -> dict[str, bytes]:
    root = "DI_CONNECT/"
    uploads = "DI-Connect-Fitness-Uploaded-Files" if older_layout else "DI-Connect-Uploaded-Files"
    members = {
        f"{root}{uploads}/UploadedFiles_0-_Part1.zip": zip_bytes(fits),
        f"{root}DI-Connect-User/user_profile.json": b'{"firstName": "Ada"}',
    }
    if older_layout:  # one page, no page number, bare list
        members[f"{root}DI-Connect-Fitness/ada@example.test_summarizedActivities.json"] = (
            json.dumps(pages[0] + pages[1]).encode()
        )
    else:
        for number, page in zip((0, 1001), pages, strict=True):
            name = f"{root}DI-Connect-Fitness/ada@example.test_{number}_summarizedActivities.json"
            members[name] = json.dumps([{"summarizedActivitiesExport": page}]).encode()
    members.update(_wellness(export, root))
    return members


def _wellness(export: GarminExport, root: str) -> dict[str, bytes]:
    sleep, health = [], []
    for offset, (seconds, score, hrv, rest) in enumerate(
        ((27000, 81, 52.0, 48), (24300, 70, 47.0, 50), (30600, 88, 58.0, 46))
    ):
        day = (dt.date(2023, 7, 18) + dt.timedelta(days=offset)).isoformat()
        export.sleep[day] = (seconds, score)
        export.health[day] = (hrv, rest)
        deep, light = seconds // 3, seconds // 2
        sleep.append(
            {
                "calendarDate": day,
                "deepSleepSeconds": deep,
                "lightSleepSeconds": light,
                "remSleepSeconds": seconds - deep - light,
                "awakeSleepSeconds": 600,
                "sleepScores": {"overallScore": score},
            }
        )
        metrics = [{"type": "HRV", "value": hrv}, {"type": "HR", "value": rest}]
        health.append({"calendarDate": day, "metrics": metrics})
    wellness = f"{root}DI-Connect-Wellness/"
    return {
        f"{wellness}123_sleepData.json": json.dumps(sleep).encode(),
        f"{wellness}123_healthStatusData.json": json.dumps(health).encode(),
    }


# --- Strava ---------------------------------------------------------------------------------------

STRAVA_HEADER = ["Activity ID", "Activity Date", "Activity Name", "Activity Type",
                 "Activity Description", "Elapsed Time", "Distance", "Max Heart Rate",
                 "Relative Effort", "Commute", "Activity Gear", "Filename", "Distance"]  # fmt: skip


@dataclass
class StravaExport:
    path: Path
    rows: list[dict[str, str]] = field(default_factory=list)


def strava_export(corpus: Path, folder: Path) -> StravaExport:
    """A Strava bulk export: activities.csv + activities/ with .fit.gz, .gpx, .tcx.gz, .fit."""
    export = StravaExport(path=folder / "strava-export.zip")
    fit, tcx_gpx = corpus / "fit", corpus / "tcx_gpx"
    files = [
        ("4101", "activities/4101.fit.gz", gzip.compress(
            (fit / "sportslib__runs_6909950168.fit").read_bytes()),
         "Run", "Hill repeats", "6 × 2 min up the hill"),
        ("4102", "activities/4102.gpx",
         (tcx_gpx / "sportslib__samples_movescount.gpx").read_bytes(),
         "Run", "Forest loop", ""),
        ("4103", "activities/4103.tcx.gz", gzip.compress(
            (tcx_gpx / "tcxparser__test.tcx").read_bytes()), "Run", "Tempo", "Felt strong"),
        ("4104", "activities/4104.fit", (fit / "sportslib__rides_614953343.fit").read_bytes(),
         "Ride", "Club ride", "Coffee stop at km 40"),
        ("4105", "", b"", "Weight Training", "Gym", "Entered by hand"),
    ]  # fmt: skip
    members: dict[str, bytes] = {}
    lines = io.StringIO()
    writer = csv.writer(lines)
    writer.writerow(STRAVA_HEADER)
    for strava_id, filename, data, kind, name, description in files:
        writer.writerow([strava_id, "Jan 5, 2020, 7:00:00 AM", name, kind, description, "3600",
                         "10.5", "", "", "false", "", filename, "10500.0"])  # fmt: skip
        export.rows.append({"id": strava_id, "filename": filename, "name": name,
                            "description": description})  # fmt: skip
        if filename:
            members[filename] = data
    members = {"activities.csv": lines.getvalue().encode(), **members}
    members["media/photo.jpg"] = b"\xff\xd8\xff not really a photo"
    export.path.write_bytes(zip_bytes(members))
    return export


# --- Plain zips and hostile archives --------------------------------------------------------------


def files_zip(corpus: Path, folder: Path, names: tuple[str, ...] = JOB_FITS) -> Path:
    """A plain zip of corpus FIT files (the job and worker tests)."""
    path = folder / "fits.zip"
    path.write_bytes(
        zip_bytes(
            {f"run-{i:02d}-{n}": (corpus / "fit" / n).read_bytes() for i, n in enumerate(names)}
        )
    )
    return path


def declared_size_zip(path: Path, *, declared: int, actual: bytes = b"x" * 1024) -> Path:
    """A zip whose central directory claims `declared` bytes for a small member (a bomb header,
    or a lying header when `declared` is smaller than the data)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.fit", actual)
        archive.getinfo("bomb.fit").file_size = declared
    return path


def many_entries_zip(path: Path, count: int) -> Path:
    """`count` empty stored members, written byte by byte (zipfile would take seconds)."""
    local, central = bytearray(), bytearray()
    for index in range(count):
        name = f"f{index}.fit".encode()
        central += struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, 0, 0, 0,
                               len(name), 0, 0, 0, 0, 0, len(local)) + name  # fmt: skip
        local += struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0)
        local += name
    start, size = len(local), len(central)
    zip64_end = struct.pack(
        "<4sQ2H2I4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, size, start
    )
    locator = struct.pack("<4sIQI", b"PK\x06\x07", 0, start + size, 1)
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, size, start, 0)
    path.write_bytes(bytes(local + central) + zip64_end + locator + end)
    return path


def nested_zip(path: Path, depth: int, inner: dict[str, bytes]) -> Path:
    """`depth` levels of zips: depth 1 is a plain zip of `inner`."""
    data = zip_bytes(inner)
    for level in range(depth - 1):
        data = zip_bytes({f"level-{depth - level}.zip": data})
    path.write_bytes(data)
    return path


def symlink_zip(path: Path, real: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in real.items():
            archive.writestr(name, data)
        link = zipfile.ZipInfo("passwd.fit")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, b"/etc/passwd")
    return path


def stored_rows(athlete: Any) -> list[tuple[Any, ...]]:
    """What an import left for an athlete, comparable across athletes and runs: per activity its
    start, sport, distance, sources (provider, external id, leg), laps and samples."""
    from activities.models import Activity, Streams

    samples = dict(
        Streams.objects.filter(activity__athlete=athlete).values_list("activity_id", "sample_count")
    )
    activities = Activity.objects.filter(athlete=athlete).prefetch_related("sources", "laps")
    return sorted(
        (
            a.started_at,
            a.sport,
            a.distance_m,
            a.name,
            tuple(sorted((s.provider, s.external_id, s.session_index) for s in a.sources.all())),
            len(a.laps.all()),
            samples.get(a.id, 0),
        )
        for a in activities
    )
