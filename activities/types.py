"""Our own representation of a recorded session, whatever its source. Pure: no Django.

Parsers (FIT, TCX, GPX), provider mappings (Strava, Garmin) and the manual log all produce
`NormalizedActivity`; `activities.services.ingest` turns it into the stored canonical Activity.
Units are SI and in the names: `_s`, `_m`, `_mps`, `_bpm`, `_w`, `_spm` (per minute as the
recording reports them: revolutions, strokes, and for running and hiking the cycles of one foot
that devices and providers write; ingest stores on-foot cadence in steps per minute, doubled
once: `activities.services.ingest.cadence_in_steps`), `_deg`, `_c`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from core.sports import Sport

FloatArray = NDArray[np.float64]


class RejectedFile(Exception):  # noqa: N818 — the name says what it is to users
    """A file with nothing usable in it: not an activity, no records, impossible dates.

    `reason` is a sentence for the athlete ("not a FIT file", "no records").
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Provider(StrEnum):
    """Where a recording came from, most authoritative first (see `AUTHORITY`)."""

    DEVICE_FILE = "device_file"  # a FIT file written by the device
    GARMIN = "garmin"  # Garmin Connect API or export summary
    STRAVA = "strava"
    TCX = "tcx"
    GPX = "gpx"
    MANUAL = "manual"  # the manual log form and CSV import


# Source authority for summary values and streams: a lower rank wins (documented in README).
AUTHORITY: dict[Provider, int] = {
    Provider.DEVICE_FILE: 0,
    Provider.GARMIN: 1,
    Provider.STRAVA: 2,
    Provider.TCX: 3,
    Provider.GPX: 4,
    Provider.MANUAL: 5,
}


@dataclass(slots=True)
class Streams:
    """Columnar samples on the recording's own clock: `time_s` is seconds since `started_at`.

    Every channel has the length of `time_s` or is None when the recording lacks it; missing
    samples inside a present channel are NaN.
    """

    time_s: FloatArray
    hr_bpm: FloatArray | None = None
    power_w: FloatArray | None = None
    cadence_spm: FloatArray | None = None
    speed_mps: FloatArray | None = None
    distance_m: FloatArray | None = None
    altitude_m: FloatArray | None = None
    lat_deg: FloatArray | None = None
    lon_deg: FloatArray | None = None
    temperature_c: FloatArray | None = None

    CHANNELS = (
        "hr_bpm",
        "power_w",
        "cadence_spm",
        "speed_mps",
        "distance_m",
        "altitude_m",
        "lat_deg",
        "lon_deg",
        "temperature_c",
    )

    def __len__(self) -> int:
        return int(self.time_s.shape[0])

    def present(self) -> list[str]:
        """Names of the channels this recording has."""
        return [name for name in self.CHANNELS if getattr(self, name) is not None]

    @classmethod
    def empty(cls) -> Streams:
        return cls(time_s=np.zeros(0, dtype=np.float64))


@dataclass(slots=True)
class Summary:
    """Whole-session values. None = not known.

    `timer_s`: time the device's timer ran: between its start/stop events; None when the file
    has no timer events.
    """

    elapsed_s: float | None = None
    moving_s: float | None = None  # timer time for device values, moving time for ours
    distance_m: float | None = None
    ascent_m: float | None = None
    descent_m: float | None = None
    avg_hr_bpm: float | None = None
    max_hr_bpm: float | None = None
    avg_power_w: float | None = None
    max_power_w: float | None = None
    avg_speed_mps: float | None = None
    max_speed_mps: float | None = None
    avg_cadence_spm: float | None = None
    calories_kcal: float | None = None
    timer_s: float | None = None

    def as_dict(self) -> dict[str, float | None]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def merged_over(self, fallback: Summary) -> Summary:
        """These values, with fallback's where these are None."""
        mine, other = self.as_dict(), fallback.as_dict()
        return Summary(**{k: v if v is not None else other[k] for k, v in mine.items()})


@dataclass(slots=True)
class Lap:
    """A lap (or a split a device recorded), with its offset in the session."""

    start_s: float  # seconds since the session's started_at
    elapsed_s: float
    moving_s: float | None = None
    distance_m: float | None = None
    avg_hr_bpm: float | None = None
    max_hr_bpm: float | None = None
    avg_power_w: float | None = None
    max_power_w: float | None = None
    avg_speed_mps: float | None = None
    avg_cadence_spm: float | None = None
    ascent_m: float | None = None
    descent_m: float | None = None
    intensity: str = "active"  # active | rest | warmup | cooldown | recovery
    lengths: int | None = None  # pool swims: active lengths in the lap
    strokes: int | None = None  # swims: strokes in the lap (one arm's cycles, as devices count)
    stroke: str = ""  # swims: the lap's stroke (freestyle, breaststroke, …, mixed), "" unknown


@dataclass(slots=True)
class FileThresholds:
    """Thresholds a device file carries (user profile, zones target, session FTP), and the
    zones it counted time in: the lower bounds of every zone above Z1, ascending, as
    `ZoneSet.bounds` holds them."""

    ftp_w: float | None = None
    hr_max_bpm: float | None = None
    hr_rest_bpm: float | None = None
    lthr_bpm: float | None = None
    hr_zone_bounds_bpm: tuple[float, ...] | None = None
    power_zone_bounds_w: tuple[float, ...] | None = None


@dataclass(slots=True)
class NormalizedActivity:
    """One session of a recording (a triathlon file gives one per leg, in file order)."""

    sport: Sport
    sub_sport: str
    started_at: dt.datetime  # aware, UTC
    streams: Streams
    summary: Summary  # computed by our code from the records (or given, for manual entries)
    laps: list[Lap] = field(default_factory=list)
    device_summary: Summary | None = None  # what the device wrote in its session message
    device: str = ""  # "Garmin Forerunner 935", "Wahoo ELEMNT BOLT"
    name: str = ""
    description: str = ""
    pool_length_m: float | None = None
    thresholds: FileThresholds = field(default_factory=FileThresholds)
    recovered: bool = False  # read from a damaged file: what was readable is kept
    warnings: list[str] = field(default_factory=list)

    @property
    def ended_at(self) -> dt.datetime:
        elapsed = self.summary.elapsed_s or (self.device_summary and self.device_summary.elapsed_s)
        return self.started_at + dt.timedelta(seconds=float(elapsed or 0.0))


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where one recording came from: provider, its id there, and the raw payload kept."""

    provider: Provider
    external_id: str = ""  # provider activity id, file sha256, CSV external_id…
    raw: dict[str, object] = field(default_factory=dict)


class Outcome(StrEnum):
    CREATED = "created"  # a new canonical activity
    MERGED = "merged"  # a new source attached to an existing activity
    SKIPPED = "skipped"  # already known (same file or same provider id)
    FAILED = "failed"  # rejected, with a reason

    @classmethod
    def combined(cls, outcomes: Iterable[Outcome]) -> Outcome:
        """Of several parts of one file or entry: created if any created an activity, else
        merged if any merged, else skipped."""
        seen = set(outcomes)
        return next((o for o in (cls.CREATED, cls.MERGED) if o in seen), cls.SKIPPED)


@dataclass(slots=True)
class FileResult:
    """What happened to one file (or one archive entry) of an import."""

    name: str
    outcome: Outcome
    reason: str = ""
    activity_ids: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ImportReport:
    """The per-file results of an import and their counts."""

    results: list[FileResult] = field(default_factory=list)

    def add(self, result: FileResult) -> None:
        self.results.append(result)

    def extend(self, other: ImportReport) -> None:
        self.results.extend(other.results)

    def counts(self) -> dict[str, int]:
        counted = Counter(r.outcome.value for r in self.results)
        return {outcome.value: counted.get(outcome.value, 0) for outcome in Outcome}
