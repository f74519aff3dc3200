"""The vectorised `mask_speed_spikes` gives exactly what the former sample-by-sample loop gave.

`reference_mask` below IS that loop (the code it replaced, kept here as the definition): the
two are compared bit for bit on every corpus recording (its 1 Hz speed as the mean-max curves
see it, its raw speed, the step speeds of its distance stream as best efforts see them, each
judged as every sport) and on crafted and random streams full of spikes, gaps and pauses.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from activities.parsers.fit import parse_fit
from activities.types import RejectedFile
from analytics.metrics.prep import SPIKE_LOOKBACK_S, mask_speed_spikes, resample_1hz
from core.sports import MAX_PLAUSIBLE_SPEED_MPS, MAX_SPEED_GAIN_MPS_PER_S, SPEED_NOISE_MPS

SPORTS = ("run", "ride", "swim", "row", "ski", "other")  # every maximum, and none ("other")


def reference_mask(speed_mps: np.ndarray, time_s: np.ndarray, *, sport: str) -> np.ndarray:
    """The former `mask_speed_spikes`, unchanged: one sample at a time against a deque of the
    plausible samples of the last SPIKE_LOOKBACK_S seconds."""
    speed = np.array(speed_mps, dtype=np.float64)
    times = np.asarray(time_s, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        speed[speed > MAX_PLAUSIBLE_SPEED_MPS.get(sport, np.inf)] = np.nan
    recent: deque[tuple[float, float]] = deque()  # (time, speed) of plausible samples
    for index, (value, moment) in enumerate(zip(speed.tolist(), times.tolist(), strict=True)):
        if not np.isfinite(value):
            continue
        while len(recent) > 1 and recent[0][0] < moment - SPIKE_LOOKBACK_S:
            recent.popleft()
        if recent:
            reference = max(kept for _, kept in recent)
            allowed = SPEED_NOISE_MPS + MAX_SPEED_GAIN_MPS_PER_S * (moment - recent[-1][0])
            if value - reference > allowed:
                speed[index] = np.nan
                continue
        recent.append((moment, value))
    return speed


def assert_same(speed: np.ndarray, times: np.ndarray, sport: str) -> int:
    """Both masks agree bit for bit (NaN where NaN); returns how many spikes were found."""
    expected = reference_mask(speed, times, sport=sport)
    np.testing.assert_array_equal(mask_speed_spikes(speed, times, sport=sport), expected)
    return int(np.sum(np.isnan(expected) & ~np.isnan(speed)))


def step_speeds(distance: np.ndarray, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What `distance_without_spikes` judges: each step's speed (inf for metres in 0 s)."""
    kept = np.isfinite(distance) & np.isfinite(times)
    order = np.argsort(times[kept], kind="stable")
    distance, times = distance[kept][order], times[kept][order]
    steps, seconds = np.diff(distance), np.diff(times)
    with np.errstate(divide="ignore", invalid="ignore"):
        speeds = np.where(seconds > 0, steps / seconds, np.where(steps > 0, np.inf, 0.0))
    return speeds, times[1:]


def corpus_streams(corpus: Path) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
    """(label, speed, times) of every corpus FIT session with speed or distance."""
    for path in sorted((corpus / "fit").glob("*.fit")):
        try:
            sessions = parse_fit(path.read_bytes())
        except RejectedFile:
            continue
        for number, session in enumerate(sessions):
            streams, label = session.streams, f"{path.name}#{number}"
            ordered = np.argsort(streams.time_s, kind="stable")
            times = np.asarray(streams.time_s, dtype=np.float64)[ordered]
            if streams.speed_mps is not None:
                speed = np.asarray(streams.speed_mps, dtype=np.float64)[ordered]
                yield f"{label} speed", speed, times
                grid = resample_1hz(times, speed)
                yield f"{label} 1 Hz speed", grid.channels[0], grid.time_s
            if streams.distance_m is not None:
                distance = np.asarray(streams.distance_m, dtype=np.float64)[ordered]
                yield (f"{label} distance steps", *step_speeds(distance, times))


@pytest.mark.corpus
def test_every_corpus_stream_is_masked_exactly_as_before(corpus: Path) -> None:
    spikes = streams = 0
    for label, speed, times in corpus_streams(corpus):
        for sport in SPORTS:
            try:
                spikes += assert_same(speed, times, sport)
            except AssertionError as error:
                raise AssertionError(f"{label} as {sport}") from error
        streams += 1
    assert streams > 50 and spikes > 1000  # the comparison saw real spikes, many of them


@pytest.mark.parametrize(
    "speed",
    [
        [],
        [5.0],
        [np.nan],
        [30.0, 3.0, 3.0, 3.0],  # a spike as the first sample is the reference, never a spike
        [3.0, 3.0, 3.0, 30.0],  # a spike as the last sample
        [3.0, 30.0, 31.0, 32.0, 3.0, 3.0, 33.0, 33.0, 33.0, 33.0, 33.0],  # runs of spikes
        [3.0, np.nan, 30.0, np.nan, np.nan, 3.0, 20.0, np.nan, 20.0],  # NaNs judge nothing
        [3.0, np.inf, 30.0, -np.inf, 3.0, 12.0, 13.0],  # nor do infinities
        [3.0, 3.0, 9.5, 3.0, 9.5, 16.0, 22.0, 3.0],  # a spike widens nobody's allowance
        [8.0, 10.0, 12.0, 14.0, 16.0, 5.0, 0.0, 0.0, 2.0, 4.0, 0.0, 8.0, 4.0],  # none at all
    ],
)
@pytest.mark.parametrize("sport", SPORTS)
def test_crafted_edges_are_masked_exactly_as_before(speed: list[float], sport: str) -> None:
    values = np.asarray(speed, dtype=np.float64)
    assert_same(values, np.arange(float(values.size)), sport)


@pytest.mark.parametrize("sport", SPORTS)
def test_pauses_and_repeated_times_are_masked_exactly_as_before(sport: str) -> None:
    # a stop at a light, a spike straight after it, a spike in a burst of same-time samples
    times = np.array([0.0, 1.0, 2.0, 60.0, 61.0, 62.0, 62.0, 62.0, 63.0, 63.5, 67.0, 67.0])
    speed = np.array([2.0, 2.0, 2.0, 12.0, 30.0, 12.5, 40.0, 12.0, 11.0, 25.0, 30.0, 5.0])
    assert_same(speed, times, sport)


@pytest.mark.parametrize("seed", range(40))
def test_random_streams_full_of_spikes_are_masked_exactly_as_before(seed: int) -> None:
    rng = np.random.default_rng(seed)
    size = int(rng.integers(2, 3000))
    speed = np.abs(np.cumsum(rng.normal(0.0, 0.8, size))) + rng.uniform(0, 8)
    spiky = rng.random(size) < rng.uniform(0.0, 0.3)
    speed[spiky] += rng.uniform(3.0, 60.0, spiky.sum())
    speed[rng.random(size) < 0.05] = np.nan
    steps = rng.choice([0.0, 0.25, 1.0, 1.0, 1.0, 2.0, 5.0, 40.0], size=size)
    times = np.cumsum(steps) + rng.uniform(-1e4, 1e4)
    found = sum(assert_same(speed, times, sport) for sport in SPORTS)
    assert found or not spiky.any() or size < 5  # spikes were there to be judged
