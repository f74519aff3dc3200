"""FIT decoders over the corpus: time per activity-hour, files/s, and the files each refuses.

    PACELINE_CORPUS=/path/to/corpus .venv/bin/python bench/fit_decoders.py [--repeat N]

For each decoder, `parse_fit_with(data, decoder=...)` (decode + sessions + streams + our
summary) runs over every corpus FIT file; "chain" is `parse_fit` itself (fitfast →
pyfitparsernative → fitdecode). Activity-hours are recorded hours (elapsed minus pauses:
one corpus file pauses for 27 days inside its session).
Pure: no Django, no database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from activities.parsers.fit import DECODER_CHAIN, parse_fit, parse_fit_with  # noqa: E402
from activities.summary import recorded_s  # noqa: E402
from activities.types import RejectedFile  # noqa: E402


def activity_hours(files: list[Path]) -> float:
    total_s = 0.0
    for path in files:
        try:
            activities = parse_fit(path.read_bytes())
        except RejectedFile:
            continue
        total_s += sum(recorded_s(a.streams, sport=a.sport) for a in activities)
    return total_s / 3600


def run(decoder: str, files: list[Path], repeat: int) -> tuple[float, list[str]]:
    """Median total seconds over `repeat` passes, and the files this decoder refused."""
    blobs = [(path.name, path.read_bytes()) for path in files]
    refused: list[str] = []
    passes = []
    for index in range(repeat):
        started = time.perf_counter()
        for name, data in blobs:
            try:
                if decoder == "chain":
                    parse_fit(data)
                else:
                    parse_fit_with(data, decoder=decoder)
            except RejectedFile as rejected:
                if index == 0:
                    refused.append(f"{name}: {rejected.reason[:90]}")
        passes.append(time.perf_counter() - started)
    return statistics.median(passes), refused


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="passes for the fast decoders")
    args = parser.parse_args()
    corpus = Path(os.environ.get("PACELINE_CORPUS", ROOT.parent / "shared" / "corpus"))
    files = sorted((corpus / "fit").glob("*.fit"))
    hours = activity_hours(files)
    size_mb = sum(path.stat().st_size for path in files) / 1e6
    print(f"{len(files)} FIT files, {size_mb:.1f} MB, {hours:.1f} recorded activity-hours\n")
    print(f"{'decoder':<18} {'total s':>8} {'ms/activity-h':>14} {'files/s':>8} {'refused':>8}")
    refusals = {}
    for decoder in (*DECODER_CHAIN, "chain"):
        repeat = 1 if decoder == "fitdecode" else args.repeat
        seconds, refused = run(decoder, files, repeat)
        refusals[decoder] = refused
        print(
            f"{decoder:<18} {seconds:>8.2f} {seconds * 1000 / hours:>14.1f} "
            f"{len(files) / seconds:>8.1f} {len(refused):>8}"
        )
    for decoder, refused in refusals.items():
        print(f"\n{decoder} refused {len(refused)}:")
        for line in refused:
            print(f"  {line}")


if __name__ == "__main__":
    main()
