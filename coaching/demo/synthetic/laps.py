"""Laps of a synthetic session: one per workout block, values from the 1 Hz streams. Pure."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from activities.types import FloatArray, Lap, Streams
from coaching.demo.synthetic.workouts import Block

MOVING_MPS = 0.3


def _mean(values: FloatArray | None) -> float | None:
    return None if values is None or values.size == 0 else float(np.mean(values))


def _max(values: FloatArray | None) -> float | None:
    return None if values is None or values.size == 0 else float(np.max(values))


def _part(values: FloatArray | None, first: int, last: int) -> FloatArray | None:
    return None if values is None else values[first:last]


def _climb(altitude: FloatArray | None) -> tuple[float | None, float | None]:
    if altitude is None or altitude.size < 2:
        return None, None
    steps = np.diff(altitude)
    return float(steps[steps > 0].sum()), float(-steps[steps < 0].sum())


def _lap(streams: Streams, first: int, last: int, block: Block, pool_length_m: float | None) -> Lap:
    speed = _part(streams.speed_mps, first, last)
    distance_m = float(speed.sum()) if speed is not None else None
    moving_s = float((speed > MOVING_MPS).sum()) if speed is not None else float(last - first)
    cadence = _part(streams.cadence_spm, first, last)
    ascent_m, descent_m = _climb(_part(streams.altitude_m, first, last + 1))
    lengths = None
    if pool_length_m and distance_m is not None and block.intent != "rest":
        lengths = round(distance_m / pool_length_m)
    return Lap(
        start_s=float(first),
        elapsed_s=float(last - first),
        moving_s=moving_s,
        distance_m=distance_m,
        avg_hr_bpm=_mean(_part(streams.hr_bpm, first, last)),
        max_hr_bpm=_max(_part(streams.hr_bpm, first, last)),
        avg_power_w=_mean(_part(streams.power_w, first, last)),
        max_power_w=_max(_part(streams.power_w, first, last)),
        avg_speed_mps=distance_m / moving_s if distance_m is not None and moving_s else None,
        avg_cadence_spm=_mean(cadence[cadence > 0]) if cadence is not None else None,
        ascent_m=ascent_m,
        descent_m=descent_m,
        intensity=block.intent,
        lengths=lengths,
    )


def laps_from_blocks(
    streams: Streams, blocks: Sequence[Block], *, pool_length_m: float | None = None
) -> list[Lap]:
    """One lap per block, in order; lap values are computed from the streams."""
    laps, first = [], 0
    for block in blocks:
        last = first + block.duration_s
        laps.append(_lap(streams, first, last, block, pool_length_m))
        first = last
    return laps
