"""Our ascent from altitude records beside each device's own total (docs/ascent.md).

    PACELINE_CORPUS=/path/to/corpus .venv/bin/python bench/ascent.py

One row per session of reference/fit_device_session_values.csv whose device wrote a total
ascent of 10 m or more (below that, 5 % is under one 0.2 m altitude step): the device's value,
ours (`activities.summary.climb`), the gap in %, the median recording interval, the altitude
step and where the altitude comes from when the device is known. Then the agreement count
(within 5 %) of a few filters, over all sessions and over the two halves of the files (every
other file in name order), to check that a choice tuned on one half holds on the other.
Pure: no Django, no database.
"""

from __future__ import annotations

import csv
import os
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from activities.parsers.fit import parse_fit  # noqa: E402
from activities.summary import climb, dead_band  # noqa: E402
from activities.types import NormalizedActivity, RejectedFile  # noqa: E402

MIN_DEVICE_ASCENT_M = 10.0
AGREEMENT = 0.05
# Where a device's altitude comes from, when its spec sheet says so (others: barometer).
ALTITUDE_SOURCE = {
    "Garmin Edge 200": "GPS",
    "Suunto 9": "GPS",  # the non-Baro model; "Suunto 9 Baro" has the barometer
    "Zwift 0": "virtual",
    "Bryton 1901": "synthetic",
}
Filter = Callable[[NormalizedActivity], float | None]


def sessions(corpus: Path) -> list[tuple[str, int, float, NormalizedActivity]]:
    """(file, session, device ascent, activity) for every reference row with ascent ≥ 10 m."""
    with (corpus / "reference" / "fit_device_session_values.csv").open(newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["total_ascent"]]
    parsed: dict[str, list[NormalizedActivity] | None] = {}
    found = []
    for row in rows:
        if float(row["total_ascent"]) < MIN_DEVICE_ASCENT_M:
            continue
        if row["file"] not in parsed:
            try:
                parsed[row["file"]] = parse_fit((corpus / row["file"]).read_bytes())
            except RejectedFile:
                parsed[row["file"]] = None
        activities = parsed[row["file"]]
        if activities is not None:
            session = int(row["session_index"])
            found.append(
                (Path(row["file"]).name, session, float(row["total_ascent"]), activities[session])
            )
    return found


def chosen(activity: NormalizedActivity) -> float | None:
    return climb(activity.streams.time_s, activity.streams.altitude_m)[0]


def previous(activity: NormalizedActivity) -> float | None:
    """The filter before docs/ascent.md: a 5-sample moving average, then a 1 m dead band."""
    altitude = activity.streams.altitude_m
    if altitude is None or not np.isfinite(altitude).any():
        return None
    values = altitude[np.isfinite(altitude)]
    if values.size >= 5:
        values = np.convolve(np.pad(values, (2, 2), mode="edge"), np.ones(5) / 5, mode="valid")
    return dead_band(values, 1.0)[0]


def variant(median_s: float, band_m: float, gap_s: float) -> Filter:
    def run(activity: NormalizedActivity) -> float | None:
        streams = activity.streams
        return climb(
            streams.time_s, streams.altitude_m, median_s=median_s, dead_band_m=band_m, gap_s=gap_s
        )[0]

    return run


def within(mine: float | None, device: float) -> bool:
    return mine is not None and abs(mine - device) <= AGREEMENT * device


def describe(activity: NormalizedActivity) -> tuple[float, str]:
    """Median recording interval (s) and the altitude's smallest step (m)."""
    streams = activity.streams
    intervals = np.diff(streams.time_s)
    interval = float(np.median(intervals)) if intervals.size else 0.0
    altitude = streams.altitude_m
    steps = np.abs(np.diff(altitude[np.isfinite(altitude)])) if altitude is not None else None
    steps = steps[steps > 0.01] if steps is not None else None
    return interval, f"{steps.min():.1f}" if steps is not None and steps.size else "-"


def table(found: list[tuple[str, int, float, NormalizedActivity]]) -> None:
    print(f"{'file':52} {'device':24} {'dev m':>6} {'ours':>6} {'gap %':>6} {'dt s':>5} step  src")
    for name, session, device, activity in found:
        mine = chosen(activity)
        gap = (mine - device) / device * 100 if mine is not None else float("nan")
        interval, step = describe(activity)
        source = ALTITUDE_SOURCE.get(activity.device, "baro")
        mark = "" if within(mine, device) else "  ✗"
        shown = f"{mine:6.0f}" if mine is not None else "     -"
        print(
            f"{name[:48]:48}#{session:<3} {activity.device[:24]:24} {device:6.0f} {shown} "
            f"{gap:6.1f} {interval:5.1f} {step:4}  {source}{mark}"
        )


def agreement(found: list[tuple[str, int, float, NormalizedActivity]]) -> None:
    files = sorted({name for name, *_ in found})
    half_a = set(files[::2])
    filters: dict[str, Filter] = {
        "before: 5-sample mean, 1 m band": previous,
        "raw, 2 m band, gap 60 s": variant(0, 2.0, 60),
        "median 9 s, 1 m band, gap 60 s": variant(9, 1.0, 60),
        "chosen: median 5 s, 1.5 m band, gap 60 s": chosen,
        "median 5 s, 1.5 m band, no gap cut": variant(5, 1.5, float("inf")),
    }
    print(f"\n{'filter':44} {'all':>7} {'half A':>7} {'half B':>7} {'median |gap|':>13}")
    for label, run in filters.items():
        hits = {"all": 0, "A": 0, "B": 0}
        gaps = []
        for name, _session, device, activity in found:
            mine = run(activity)
            gaps.append(abs((mine if mine is not None else 0.0) - device) / device * 100)
            if within(mine, device):
                hits["all"] += 1
                hits["A" if name in half_a else "B"] += 1
        size_a = sum(1 for name, *_ in found if name in half_a)
        print(
            f"{label:44} {hits['all']:3}/{len(found):<3} {hits['A']:3}/{size_a:<3} "
            f"{hits['B']:3}/{len(found) - size_a:<3} {statistics.median(gaps):12.1f}%"
        )


def main() -> None:
    corpus = Path(os.environ.get("PACELINE_CORPUS", ROOT.parent / "shared" / "corpus"))
    found = sessions(corpus)
    table(found)
    agreement(found)


if __name__ == "__main__":
    main()
