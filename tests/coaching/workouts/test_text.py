"""The workout text syntax: canonical round trips, the issue's examples as trees, accepted
variants, errors with their positions, and properties over random trees and random text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from coaching.workouts.text import SYNTAX_HELP, format_workout, parse
from coaching.workouts.tree import (
    MAX_DEPTH,
    MAX_REPEAT,
    MAX_STEPS,
    Duration,
    DurationKind,
    Intent,
    Node,
    Repeat,
    Step,
    Target,
    TargetKind,
    TargetMode,
    Workout,
    WorkoutError,
    flatten,
    from_data,
    to_data,
)
from core import ranges

SPORTS = ("run", "ride", "swim", "hike", "ski", "row", "strength", "other")

TIME, DISTANCE = DurationKind.TIME, DurationKind.DISTANCE
ACTIVE, RECOVERY = Intent.ACTIVE, Intent.RECOVERY


def minutes(value: float) -> Duration:
    return Duration(TIME, value * 60)


def metres(value: float) -> Duration:
    return Duration(DISTANCE, value)


def target(kind: TargetKind, mode: TargetMode, low: float, high: float | None = None) -> Target:
    return Target(kind, mode, low, low if high is None else high)


# (sport, canonical text) — parse then format gives the text back, format then parse the tree.
CANONICAL = [
    # the examples
    ("run", "10m Z1"),
    ("ride", "5x (3m 105% FTP, 2m Z1)"),
    ("run", "6x800m @3:40/km r2m"),
    ("run", "20m 150-160bpm"),
    ("run", "cooldown 10m"),
    # whole sessions, one node a line
    ("run", "warmup 15m Z1\n6x800m @3:30-3:40/km r2m\ncooldown 10m"),
    ("ride", "warmup 20m Z1-Z2\n3x (10m 95-100% FTP, 5m Z1)\ncooldown 10m Z1"),
    ("swim", "warmup 400m\n8x50m @1:45/100m r15s\ncooldown 200m"),
    # durations
    ("run", "1h30m Z2"),
    ("run", "45s"),
    ("run", "2m30s Z4"),
    ("run", "1h5s"),
    ("run", "1h"),
    ("run", "12.5s"),
    ("run", "open Z1"),
    ("swim", "10min"),
    ("swim", "2min30s"),
    ("swim", "1h30min"),
    # distances
    ("run", "400m"),
    ("run", "5km Z2"),
    ("run", "1.5km @4:10/km"),
    ("run", "42.195km @4:15/km"),
    ("run", '50mtr "strides"'),
    ("run", "99.5mtr"),
    ("run", "5mi @7:00/mi"),
    ("swim", "1500m"),
    ("swim", "10x100yd"),
    # intents
    ("run", "rest 2m"),
    ("run", "recovery 3m Z1"),
    ("run", "warmup 10m\nrest 1m\ncooldown 5m"),
    # targets: zones, percent, absolute
    ("run", "10m Z2 pace"),
    ("run", "10m Z4 power"),
    ("ride", "1h Z2 HR"),
    ("ride", "10m Z2-Z3"),
    ("run", "40m Z1-Z2"),
    ("run", "20m 88% LTHR"),
    ("run", "10m 105% pace"),
    ("run", "5m 90-95% LTHR"),
    ("ride", "20m 250W"),
    ("ride", "10m 240-260W"),
    ("ride", "10m 90rpm"),
    ("run", "1m 180spm"),
    ("run", "30m RPE 7"),
    ("run", "10m RPE 6-7"),
    ("run", "1km @3:39.5/km"),
    ("run", "10m @3.5m/s"),
    ("ride", "30m @30km/h"),
    ("row", "4x500m @1:45/500m r2m"),
    ("swim", "10x100m Z4 rest 20s"),
    # repeats
    ("run", "3x (4x1m Z5 r1m, 5m Z1)"),
    ("run", "2x (3x (1m Z5, 1m Z1), 5m Z1)"),
    # a pair without intent keywords: the easier step is the recovery, wherever it stands
    ("ride", "5x (3m 105% FTP, active 2m Z1)"),
    ("run", "2x (3x (1m Z5, active 1m Z1), 5m Z1)"),
    ("run", "5x (1m Z1, 3m Z4)"),
    ("run", "4x (active 1m Z1, 3m Z4)"),
    ("run", "4x (1m Z3, 1m Z3)"),
    ("run", "4x (2m, 1m Z1)"),
    ("run", "4x (recovery 1m Z4, 1m Z4)"),
    ("run", "4x1m Z4 r1m Z4"),
    ("ride", "3x (10m 60% FTP, 5m 280W)"),
    ("run", "8x400m 105% pace r200m"),
    ("ride", "2x20m 95-100% FTP r5m"),
    ("ride", "6x30s 150% FTP r30s"),
    ("run", "3x (1km @3:50/km, recovery 1m30s, rest 1m)"),
    ("run", "6x open r1m"),
    ("run", "3x warmup 10m r open"),
    ("ride", "2x (3x1m)"),
    # notes
    ("run", '10m Z2 "relaxed, high cadence"'),
    ("ride", '15m 88% LTHR "steady, seated"'),
    ("run", '5m "say \\"go\\" \\\\ then\\nrun"'),
    ("run", '6x (800m @3:40/km "strong", 2m "jog")'),
    ("run", '6x800m @3:40/km "strong" r2m "steady"'),
]


@pytest.mark.parametrize(("sport", "text"), CANONICAL)
def test_canonical_text_reads_and_prints_back_identically(sport: str, text: str) -> None:
    workout = parse(text, sport=sport)
    assert format_workout(workout, sport=sport) == text
    assert parse(format_workout(workout, sport=sport), sport=sport) == workout


def test_there_are_at_least_forty_canonical_examples() -> None:
    assert len(CANONICAL) >= 40


@pytest.mark.parametrize(("sport", "text"), CANONICAL)
def test_every_parsed_workout_survives_the_json_validator(sport: str, text: str) -> None:
    workout = parse(text, sport=sport)
    assert from_data(to_data(workout)) == workout


# --- the examples as trees -----------------------------------------------------------


def test_a_bare_zone_in_a_run_is_a_heart_rate_zone() -> None:
    assert parse("10m Z1", sport="run") == Workout(
        (Step(ACTIVE, minutes(10), target(TargetKind.HR, TargetMode.ZONE, 1)),)
    )


def test_a_bare_zone_in_a_ride_is_a_power_zone() -> None:
    step = parse("10m Z1", sport="ride").nodes[0]
    assert isinstance(step, Step)
    assert step.target == target(TargetKind.POWER, TargetMode.ZONE, 1)


def test_a_bracketed_repeat_holds_its_steps_in_order_with_the_easy_one_a_recovery() -> None:
    assert parse("5x (3m 105% FTP, 2m Z1)", sport="ride") == Workout(
        (
            Repeat(
                5,
                (
                    Step(ACTIVE, minutes(3), target(TargetKind.POWER, TargetMode.PERCENT, 105)),
                    Step(RECOVERY, minutes(2), target(TargetKind.POWER, TargetMode.ZONE, 1)),
                ),
            ),
        )
    )


PAIRS = [
    # (text in a ride, the pair's intents)
    ("5x (3m 105% FTP, 2m Z1)", (ACTIVE, RECOVERY)),
    ("5x (1m Z1, 3m 250W)", (RECOVERY, ACTIVE)),
    ("5x (3m Z4, 2m Z3)", (ACTIVE, RECOVERY)),
    ("5x (3m Z1, 2m Z2)", (RECOVERY, ACTIVE)),
    ("5x (3m 95% FTP, 2m 60% FTP)", (ACTIVE, RECOVERY)),
    ("5x (3m 280W, 2m 150W)", (ACTIVE, RECOVERY)),
    ("5x (3m RPE 8, 2m RPE 2)", (ACTIVE, RECOVERY)),
    ("5x (3m @40km/h, 2m @25km/h)", (ACTIVE, RECOVERY)),
    ('5x (3m, 2m "easy spin")', (ACTIVE, RECOVERY)),
    ('5x (3m "à bloc", 2m "récup en trottinant")', (ACTIVE, RECOVERY)),
    ('5x (3m "recovering", 2m)', (ACTIVE, ACTIVE)),
    # explicit keywords win; overlapping, equal or unknown intensities stay active
    ("5x (3m 105% FTP, active 2m Z1)", (ACTIVE, ACTIVE)),
    ("5x (warmup 3m Z1, 2m Z4)", (Intent.WARMUP, ACTIVE)),
    ("5x (3m Z2-Z3, 2m Z3)", (ACTIVE, ACTIVE)),
    ("5x (3m Z2, 2m Z2)", (ACTIVE, ACTIVE)),
    ("5x (3m, 2m Z1)", (ACTIVE, ACTIVE)),
    ("5x (3m 90rpm, 2m 60rpm)", (ACTIVE, ACTIVE)),
    ('5x (3m "easy", 2m "easy")', (ACTIVE, ACTIVE)),
]


@pytest.mark.parametrize(("text", "intents"), PAIRS)
def test_the_easier_step_of_a_pair_without_keywords_is_a_recovery(
    text: str, intents: tuple[Intent, Intent]
) -> None:
    (repeat,) = parse(text, sport="ride").nodes
    assert isinstance(repeat, Repeat)
    assert tuple(step.intent for step in repeat.children if isinstance(step, Step)) == intents


def test_three_steps_or_top_level_steps_are_never_guessed() -> None:
    for text in ("3x (3m Z4, 2m Z1, 1m Z1)", "10m Z4\n5m Z1"):
        assert {flat.step.intent for flat in flatten(parse(text, sport="run"))} == {ACTIVE}


def test_intervals_at_pace_with_recovery_are_a_repeat_of_work_and_recovery() -> None:
    pace = target(TargetKind.PACE, TargetMode.ABSOLUTE, 1000 / 220)
    assert parse("6x800m @3:40/km r2m", sport="run") == Workout(
        (Repeat(6, (Step(ACTIVE, metres(800), pace), Step(RECOVERY, minutes(2)))),)
    )


def test_a_heart_rate_range_in_bpm_is_an_absolute_target() -> None:
    assert parse("20m 150-160bpm", sport="run") == Workout(
        (Step(ACTIVE, minutes(20), target(TargetKind.HR, TargetMode.ABSOLUTE, 150, 160)),)
    )


def test_a_cooldown_keyword_sets_the_intent() -> None:
    assert parse("cooldown 10m", sport="run") == Workout((Step(Intent.COOLDOWN, minutes(10)),))


def test_a_pace_range_stores_speeds_with_the_slower_one_low() -> None:
    step = parse("1km @3:30-3:40/km", sport="run").nodes[0]
    assert isinstance(step, Step) and step.target is not None
    assert (step.target.low, step.target.high) == (1000 / 220, 1000 / 210)


def test_a_swim_pace_is_per_100_metres() -> None:
    step = parse("400m @1:45/100m", sport="swim").nodes[0]
    assert isinstance(step, Step) and step.target is not None
    assert step.target.low == 100 / 105


def test_m_is_minutes_below_100_and_metres_from_100_outside_swims() -> None:
    assert parse("99m", sport="run").nodes[0] == Step(ACTIVE, minutes(99))
    assert parse("100m", sport="run").nodes[0] == Step(ACTIVE, metres(100))


def test_m_is_always_metres_in_swims() -> None:
    assert parse("50m", sport="swim").nodes[0] == Step(ACTIVE, metres(50))
    assert parse("2m30s", sport="swim").nodes[0] == Step(ACTIVE, Duration(TIME, 150))


def test_rest_after_a_repeated_step_is_a_rest_step() -> None:
    repeat = parse("10x100m Z4 rest 20s", sport="swim").nodes[0]
    assert isinstance(repeat, Repeat)
    assert repeat.children[1] == Step(Intent.REST, Duration(TIME, 20))


def test_the_recovery_of_a_shorthand_repeat_can_have_a_target_and_note() -> None:
    repeat = parse('6x800m r2m Z1 "jog"', sport="run").nodes[0]
    assert isinstance(repeat, Repeat)
    hr_zone = target(TargetKind.HR, TargetMode.ZONE, 1)
    assert repeat.children[1] == Step(RECOVERY, minutes(2), hr_zone, "jog")


def test_open_is_an_open_duration() -> None:
    assert parse("open", sport="run").nodes[0] == Step(ACTIVE, Duration(DurationKind.OPEN))


def test_cadence_rpm_and_spm_are_both_per_minute() -> None:
    cadence = target(TargetKind.CADENCE, TargetMode.ABSOLUTE, 90)
    assert parse("10m 90rpm", sport="ride").nodes[0] == Step(ACTIVE, minutes(10), cadence)
    assert parse("10m 90spm", sport="ride").nodes[0] == Step(ACTIVE, minutes(10), cadence)


# --- accepted variants -----------------------------------------------------------------------

VARIANTS = [
    ("run", "wu 15 min z1", "warmup 15m Z1"),
    ("run", "6 x 800 m @ 3:40/km r 2 min", "6x800m @3:40/km r2m"),
    ("run", "6X800M @3:40-3:30/KM REC 2MIN", "6x800m @3:30-3:40/km r2m"),
    ("run", "6x (800m, recovery 2m)", "6x800m r2m"),
    ("ride", "5x(3m 105%ftp,2m z1)", "5x (3m 105% FTP, 2m Z1)"),
    ("ride", "5x (3m 105% FTP, recovery 2m Z1)", "5x (3m 105% FTP, 2m Z1)"),
    ("ride", "5x3m 105% FTP r2m Z1", "5x (3m 105% FTP, 2m Z1)"),
    ("run", "6x800m @3:40/km r2m Z1", "6x (800m @3:40/km, 2m Z1)"),
    ("run", '6x400m r200m "jog"', '6x (400m, 200m "jog")'),
    ("ride", "3x (recovery 10m 60% FTP, 5m 280W)", "3x (10m 60% FTP, 5m 280W)"),
    ("ride", "5x (\n  3m 105% of FTP\n  2m Z1\n)", "5x (3m 105% FTP, 2m Z1)"),
    ("ride", "1:30:00 Z2 hr", "1h30m Z2 HR"),
    ("ride", "20m HR Z2", "20m Z2 HR"),
    ("ride", "10m 95%-100%", "10m 95-100% FTP"),
    ("ride", "10m z2-3", "10m Z2-Z3"),
    ("ride", "10m Z3-Z2", "10m Z2-Z3"),
    ("run", "10m 160-150 bpm", "10m 150-160bpm"),
    ("run", "90m", "1h30m"),
    ("run", "1h30 Z2", "1h30m Z2"),
    ("run", "1.5h", "1h30m"),
    ("run", "4:30", "4m30s"),
    ("run", "90 seconds", "1m30s"),
    ("run", "2 km", "2km"),
    ("run", "1000m", "1km"),
    ("run", "lap button", "open"),
    ("run", "lap", "open"),
    ("run", "Z2 10m", "10m Z2"),
    ("run", "10m RPE7", "10m RPE 7"),
    ("run", "cool-down 10m", "cooldown 10m"),
    ("run", "cd 10m", "cooldown 10m"),
    ("run", "active 10m", "10m"),
    ("run", "rec 3m", "recovery 3m"),
    ("run", "10m Z2, 5m Z3 + 5m Z4; cd 10m", "10m Z2\n5m Z3\n5m Z4\ncooldown 10m"),
    ("run", "\n\n10m,, 5m,\n", "10m\n5m"),
    ("run", "10m 250 watts", "10m 250W"),
    ("run", "10m 12km/h", "10m @5:00/km"),
    ("ride", "1h @20mph", "1h @20mph"),
    ("ride", "1h @3:00/km", "1h @20km/h"),
    ("swim", "10x100y", "10x100yd"),
    ("swim", "400m @1:30/100y", "400m @1:30/100yd"),
    ("run", "2x 3x 1m r1m", "2x (3x1m r1m)"),
    ("run", '10m "a \\q"', '10m "a \\\\q"'),
]


@pytest.mark.parametrize(("sport", "text", "canonical"), VARIANTS)
def test_variants_read_as_their_canonical_form(sport: str, text: str, canonical: str) -> None:
    workout = parse(text, sport=sport)
    assert format_workout(workout, sport=sport) == canonical
    assert parse(canonical, sport=sport) == workout


# --- errors ----------------------------------------------------------------------------------

ERRORS = [
    # unknown unit
    ("10q Z2", 2, "Unknown unit 'q'"),
    ("10 furlongs", 3, "Unknown unit 'furlongs'"),
    ("10m @4:00/fur", 10, "Unknown unit '/fur'"),
    # missing duration
    ("Z2", 0, "needs a duration"),
    ('10m Z1, Z3 "easy"', 8, "needs a duration"),
    ("5x (3m, Z1)", 8, "needs a duration"),
    ("6x800m r Z1", 7, "needs a duration"),
    # bad numbers and missing units
    ("1.2.3m", 0, "'1.2.3' is not a number"),
    ("10m @3:7/km", 5, "'3:7' is not a number"),
    ("-5m", 0, "'-5' is not a number"),
    ("20 Z2", 0, "20 needs a unit"),
    ("10m @3:75/km", 7, "75 must be below 60"),
    ("1h75m", 2, "75 must be below 60"),
    ("10-20m", 3, "one value, not a range"),
    # parentheses
    ("5x (3m, 2m", 3, "never closed"),
    ("5x (3m, 2x (1m, 1m)", 3, "never closed"),
    ("3m, 2m)", 6, "no matching ("),
    ("(3m, 2m)", 0, "Parentheses group repeated steps"),
    ("10m (easy)", 4, "Parentheses group repeated steps"),
    ("3x ()", 3, "at least one step"),
    ("5x (3m, 2m) Z2", 12, "Start the next step"),
    # repeat counts and depth
    ("0x 3m", 0, "from 1 to 99"),
    ("100x3m", 0, "from 1 to 99"),
    ("1m, 0x 3m", 4, "from 1 to 99"),
    ("2.5x 3m", 0, "from 1 to 99"),
    ("2x (2x (2x 1m))", 8, "nest at most 2 deep"),
    ("6x", 2, "after 6x"),
    ("6x, 3m", 2, "after 6x"),
    ("1m\n1m\n99x (3m, 2m)\n1m", 19, "at most 200 steps"),
    # empty text
    ("", 0, "empty"),
    ("  \n , ", 0, "empty"),
    # steps that run together
    ("10m Z2 cooldown 5m", 7, "cooldown starts a new step"),
    ("10m 6x800m", 4, "6x starts a new step"),
    ("10m Z2 250W", 7, "one target"),
    ("10m 20m", 4, "one duration"),
    ("1h 30m", 3, "one duration"),
    ('10m "a" "b"', 8, "one note"),
    ("800m r2m", 5, "follows a repeated step"),
    ("6x r2m", 3, "follows a repeated step"),
    # words and values
    ("10m fast", 4, "Unknown word 'fast'"),
    ("10m Z2 HR power", 10, "Unknown word 'power'"),
    ("10m HR Z2 power", 10, "kind of zone once"),
    ("10m Z0", 5, "Zones are numbered from 1 to 10"),
    ("10m Z2-Z11", 8, "Zones are numbered from 1 to 10"),
    ("10m RPE 11", 8, "RPE is a number above 0 and up to 10"),
    ("10m 0W", 4, "above 0"),
    ("10000000s", 0, "below 10,000,000"),
    ("10m @", 4, "target after @"),
    ("10m @10m", 4, "target after @"),
    ('10m "easy', 4, "quote is never closed"),
    ('10m "easy\n" 5m', 4, "quote is never closed"),
    ('10m "' + "x" * 501 + '"', 4, "at most 500 characters"),
]


@pytest.mark.parametrize(("text", "position", "message"), ERRORS)
def test_errors_point_at_the_offending_character(text: str, position: int, message: str) -> None:
    with pytest.raises(WorkoutError) as caught:
        parse(text, sport="run")
    assert message in caught.value.message
    assert caught.value.position == position


def test_error_templates_keep_their_placeholders_for_translation() -> None:
    with pytest.raises(WorkoutError) as caught:
        parse("10q", sport="run")
    assert caught.value.template.startswith("Unknown unit %(unit)r")
    assert caught.value.params == {"unit": "q"}


def test_the_step_limit_counts_unrolled_repeats() -> None:
    assert len(flatten(parse("1m\n99x (3m, 2m)\n1m", sport="run"))) == MAX_STEPS


def test_every_syntax_help_example_parses_alone_or_after_a_duration() -> None:
    for example, meaning in SYNTAX_HELP:
        assert meaning
        for part in example.split(" · "):
            try:
                workout = parse(part, sport="run")
            except WorkoutError as error:
                assert "needs a duration" in error.message
                workout = parse(f"10m {part}", sport="run")
            assert workout.nodes


# --- properties ------------------------------------------------------------------------------


def _positive(low: float, high: float) -> st.SearchStrategy[float]:
    nice = st.integers(int(max(low, 1)), int(high)).map(float)
    decimal = st.integers(int(low * 10), int(high * 10)).map(lambda tenths: tenths / 10)
    raw = st.floats(low, high, allow_nan=False, allow_infinity=False)
    return st.one_of(nice, decimal, raw).filter(lambda value: value > 0 and low <= value <= high)


def _ordered(values: st.SearchStrategy[float]) -> st.SearchStrategy[tuple[float, float]]:
    return st.one_of(
        values.map(lambda value: (value, value)),
        st.tuples(values, values).map(lambda pair: (min(pair), max(pair))),
    )


# the plausible ranges every stored workout keeps to (core.ranges)
_BOUNDS = {
    (TargetMode.ZONE, None): ranges.ZONE_NUMBER,
    (TargetMode.PERCENT, None): ranges.TARGET_PERCENT,
    (TargetMode.ABSOLUTE, TargetKind.RPE): ranges.TARGET_RPE,
    (TargetMode.ABSOLUTE, TargetKind.PACE): ranges.TARGET_SPEED_MPS,
    (TargetMode.ABSOLUTE, TargetKind.HR): ranges.TARGET_HR_BPM,
    (TargetMode.ABSOLUTE, TargetKind.POWER): ranges.TARGET_POWER_W,
    (TargetMode.ABSOLUTE, TargetKind.CADENCE): ranges.TARGET_CADENCE_SPM,
}


@st.composite
def targets(draw: st.DrawFn) -> Target:
    kind = draw(st.sampled_from(TargetKind))
    mode = draw(st.sampled_from(TargetMode))
    if mode is TargetMode.ABSOLUTE and kind is TargetKind.PACE:
        speed = st.one_of(
            st.integers(60, 900).map(lambda seconds: 1000 / seconds),
            st.integers(30, 300).map(lambda seconds: 100 / seconds),
            _positive(ranges.TARGET_SPEED_MPS.low, ranges.TARGET_SPEED_MPS.high),
        )
        low, high = draw(_ordered(speed))
        return Target(kind, mode, low, high)
    bounds = _BOUNDS[(mode, kind if mode is TargetMode.ABSOLUTE else None)]
    low, high = draw(_ordered(_positive(bounds.low, bounds.high)))
    return Target(kind, mode, low, high)


durations = st.one_of(
    st.just(Duration(DurationKind.OPEN)),
    st.integers(1, 6 * 3600).map(lambda seconds: Duration(TIME, float(seconds))),
    _positive(ranges.STEP_DURATION_S.low, ranges.STEP_DURATION_S.high).map(
        lambda seconds: Duration(TIME, seconds)
    ),
    st.integers(1, 50).map(lambda n: Duration(DISTANCE, n * 50.0)),
    st.integers(1, 20).map(lambda miles: Duration(DISTANCE, miles * 1609.344)),
    _positive(ranges.STEP_DISTANCE_M.low, ranges.STEP_DISTANCE_M.high).map(
        lambda value: Duration(DISTANCE, value)
    ),
)
notes = st.one_of(st.just(""), st.text(max_size=30))
steps = st.builds(Step, st.sampled_from(Intent), durations, st.one_of(st.none(), targets()), notes)


def unrolled(node: Node) -> int:
    if isinstance(node, Step):
        return 1
    return node.count * sum(unrolled(child) for child in node.children)


@st.composite
def repeats(draw: st.DrawFn, children: st.SearchStrategy[Node]) -> Repeat:
    """A repeat whose count keeps it within the step limit once unrolled."""
    drawn = tuple(draw(st.lists(children, min_size=1, max_size=3)))
    inner = sum(unrolled(child) for child in drawn)
    assume(inner <= MAX_STEPS)
    return Repeat(draw(st.integers(1, max(1, min(MAX_REPEAT, MAX_STEPS // inner)))), drawn)


# nodes allowed at each depth (1 = top level), built once: deepest level holds only steps
NODES: dict[int, st.SearchStrategy[Node]] = {MAX_DEPTH: steps}
for _depth in range(MAX_DEPTH - 1, 0, -1):
    NODES[_depth] = st.one_of(steps, repeats(NODES[_depth + 1]))


@st.composite
def workouts(draw: st.DrawFn) -> Workout:
    items = draw(st.lists(NODES[1], min_size=1, max_size=5))
    while sum(unrolled(item) for item in items) > MAX_STEPS:
        items.pop()
    assume(items)
    return Workout(tuple(items))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workout=workouts(), sport=st.sampled_from(SPORTS))
def test_any_valid_workout_prints_to_text_that_reads_back_to_it(
    workout: Workout, sport: str
) -> None:
    assert from_data(to_data(workout)) == workout  # the generator only makes valid trees
    text = format_workout(workout, sport=sport)
    assert parse(text, sport=sport) == workout
    assert format_workout(parse(text, sport=sport), sport=sport) == text


easy_notes = st.sampled_from(["", "easy", "jog", "strong", "récup", "easy jog"])
pair_targets = st.one_of(
    st.none(),
    st.builds(
        Target,
        st.sampled_from([TargetKind.HR, TargetKind.POWER, TargetKind.CADENCE]),
        st.just(TargetMode.ZONE),
        st.integers(1, 3).map(float),
        st.integers(3, 5).map(float),
    ),
    st.builds(
        Target,
        st.sampled_from([TargetKind.POWER, TargetKind.PACE]),
        st.just(TargetMode.PERCENT),
        st.sampled_from([60.0, 80.0, 95.0]),
        st.sampled_from([95.0, 105.0]),
    ),
)
pair_steps = st.builds(
    Step, st.sampled_from(Intent), st.just(Duration(TIME, 60.0)), pair_targets, easy_notes
)


@settings(max_examples=300, deadline=None)
@given(first=pair_steps, second=pair_steps, sport=st.sampled_from(SPORTS))
def test_any_repeated_pair_prints_to_text_that_reads_back_to_its_intents(
    first: Step, second: Step, sport: str
) -> None:
    workout = Workout((Repeat(3, (first, second)),))
    text = format_workout(workout, sport=sport)
    assert parse(text, sport=sport) == workout
    assert format_workout(parse(text, sport=sport), sport=sport) == text


WORDS = ["min", "km", "bpm", "rpm", "FTP", "LTHR", "pace", "HR", "RPE ", "wu ", "rest", "open"]
ALPHABET = st.sampled_from([*'0123456789 ,+;()\n"@%-:/.xXzZrmshkWpbe', *WORDS])


@settings(max_examples=500, deadline=None)
@given(text=st.lists(ALPHABET, max_size=25).map("".join), sport=st.sampled_from(SPORTS))
def test_any_text_either_parses_to_a_valid_workout_or_raises_a_positioned_error(
    text: str, sport: str
) -> None:
    try:
        workout = parse(text, sport=sport)
    except WorkoutError as error:
        assert error.position is not None
        assert 0 <= error.position <= len(text)
        assert error.message
        return
    assert from_data(to_data(workout)) == workout
    canonical = format_workout(workout, sport=sport)
    assert parse(canonical, sport=sport) == workout
    assert format_workout(parse(canonical, sport=sport), sport=sport) == canonical
