"""FIT workout downloads of planned sessions and templates, decoded with fitdecode."""

from __future__ import annotations

import datetime as dt
import io
import math
from typing import Any

import fitdecode
import pytest
from django.test import Client
from django.urls import reverse

from athletes.models import Athlete, User
from athletes.services.groups import group_create, group_set_members
from coaching.models import PlannedSession
from coaching.selectors.context import workout_thresholds
from coaching.services.sessions import planned_session_create
from coaching.services.templates import template_create
from coaching.workouts.resolve import compliance_range
from coaching.workouts.text import parse
from coaching.workouts.tree import TargetKind, flatten, to_data
from tests.factories import ThresholdsFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 3)
STEP_NAMES = {
    0: "wkt_step_name",
    1: "duration_type",
    2: "duration_value",
    3: "target_type",
    4: "target_value",
    5: "custom_target_value_low",
    6: "custom_target_value_high",
    7: "intensity",
    8: "notes",
    254: "message_index",
}


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _decode(data: bytes) -> dict[str, list[dict[str, Any]]]:
    """Messages by name, raw values keyed by field name (enums as names); CRCs enforced."""
    messages: dict[str, list[dict[str, Any]]] = {}
    with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage):
                fields = {}
                for field in frame.fields:
                    name = STEP_NAMES.get(field.def_num, field.name)
                    if frame.name != "workout_step":
                        name = field.name
                    enum = name in ("duration_type", "target_type", "intensity", "sport")
                    fields[name] = field.value if enum else field.raw_value
                messages.setdefault(frame.name, []).append(fields)
    return messages


def _session(athlete: Athlete, coach: User, text: str, **fields: Any) -> PlannedSession:
    fields.setdefault("sport", "run")
    return planned_session_create(
        athlete=athlete,
        by=coach,
        day=DAY,
        title="Threshold reps",
        steps=to_data(parse(text, sport=fields["sport"])) if text else [],
        **fields,
    )


def _url(session: PlannedSession) -> str:
    return reverse("planned_session_fit", args=[session.athlete_id, session.id])


def test_a_planned_session_downloads_as_a_fit_workout_with_the_athletes_lthr(
    coach: User, athlete: Athlete
) -> None:
    ThresholdsFactory(athlete=athlete, sport="run", valid_from=dt.date(2026, 1, 1), lthr_bpm=170)
    session = _session(athlete, coach, "wu 10m, 4x (1km 100% LTHR, 2m Z1), cd open")

    response = _client(athlete.user).get(_url(session))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.ant.fit"
    assert response["Content-Disposition"] == 'attachment; filename="threshold-reps.fit"'
    messages = _decode(response.content)
    assert messages["workout"][0]["wkt_name"] == "Threshold reps"
    assert messages["workout"][0]["num_valid_steps"] == 5
    steps = messages["workout_step"]
    assert [s["duration_type"] for s in steps] == [
        "time",
        "distance",
        "time",
        "repeat_until_steps_cmplt",
        "open",
    ]
    work = steps[1]
    assert work["duration_value"] == 1000 * 100  # cm
    assert work["target_type"] == "heart_rate"
    # 100 % of LTHR 170, ± 3 bpm as compliance judges it, + 100
    assert (work["custom_target_value_low"], work["custom_target_value_high"]) == (267, 273)
    assert (steps[3]["duration_value"], steps[3]["target_value"]) == (1, 4)


# FIT custom target units: (target_type, scale, offset) — bpm + 100, W + 1000, mm/s
FIT_UNITS = {
    TargetKind.HR: ("heart_rate", 1, 100),
    TargetKind.POWER: ("power", 1, 1000),
    TargetKind.PACE: ("speed", 1000, 0),
}


@pytest.mark.parametrize(
    ("sport", "text"),
    [
        ("run", "wu 10m Z2, 4x (1km Z4, 2m Z1), 5m 105% pace, 5m 88-92% LTHR, cd 5m Z5"),
        ("ride", "wu 10m Z2, 3x (8m 95-100% FTP, 4m Z1), 10m Z3 HR, 5m 250W, 2m Z7"),
    ],
)
def test_the_watch_gets_the_ranges_compliance_judges_with_the_thresholds_of_the_session_day(
    coach: User, athlete: Athlete, sport: str, text: str
) -> None:
    ThresholdsFactory(athlete=athlete, sport=sport, valid_from=dt.date(2026, 1, 1), ftp_w=250)
    later = DAY + dt.timedelta(days=1)
    ThresholdsFactory(athlete=athlete, sport=sport, valid_from=later, lthr_bpm=190, ftp_w=320)
    session = _session(athlete, coach, text, sport=sport)
    thresholds = workout_thresholds(athlete=athlete, sport=sport, day=DAY)

    steps = _decode(_client(athlete.user).get(_url(session)).content)["workout_step"]

    written = [step for step in steps if step["duration_type"] != "repeat_until_steps_cmplt"]
    planned = [flat.step for flat in flatten(parse(text, sport=sport)) if flat.rep in ((), (1,))]
    assert len(written) == len(planned)
    for fit, step in zip(written, planned, strict=True):
        assert step.target is not None
        judged = compliance_range(step.target, sport=sport, thresholds=thresholds)
        assert judged is not None
        target_type, scale, offset = FIT_UNITS[step.target.kind]
        high = (
            judged[1]
            if judged[1] != float("inf")
            else {"heart_rate": 250, "power": 3000}[target_type]
        )
        assert (fit["target_type"], fit["target_value"]) == (target_type, 0)
        # FIT holds whole units: the nearest one, halves up
        assert fit["custom_target_value_low"] == math.floor(judged[0] * scale + 0.5) + offset
        assert fit["custom_target_value_high"] == math.floor(high * scale + 0.5) + offset


def test_a_session_without_steps_has_no_fit_file(coach: User, athlete: Athlete) -> None:
    session = _session(athlete, coach, "", duration_s=3600)

    assert _client(coach).get(_url(session)).status_code == 404


def test_a_draft_downloads_for_its_planner_only(
    coach: User, view_coach: User, athlete: Athlete
) -> None:
    session = _session(athlete, coach, "30m Z2", hidden=True)

    assert _client(coach).get(_url(session)).status_code == 200
    assert _client(view_coach).get(_url(session)).status_code == 404
    assert _client(athlete.user).get(_url(session)).status_code == 404


def test_another_athletes_session_is_404_even_through_your_own_athlete(
    coach: User, athlete: Athlete, other_athlete: Athlete, other_coach: User
) -> None:
    theirs = _session(other_athlete, other_coach, "30m Z2")
    url = reverse("planned_session_fit", args=[athlete.id, theirs.id])

    assert _client(coach).get(url).status_code == 404


def test_a_workout_too_long_for_a_watch_explains_why(coach: User, athlete: Athlete) -> None:
    text = ", ".join(["1m Z3, 1m Z1"] * 30)
    session = _session(athlete, coach, text)

    response = _client(coach).get(_url(session))

    assert response.status_code == 422
    assert "at most 50 steps" in response.content.decode()


def test_a_shared_template_downloads_for_a_group_member(coach: User, athlete: Athlete) -> None:
    group = group_create(coach=coach, name="Squad")
    group_set_members(group=group, athletes=[athlete])
    template = template_create(
        owner=coach,
        name="Sweet spot",
        sport="ride",
        steps=to_data(parse("3x (10m 90% FTP, 5m Z1)", sport="ride")),
        shared_with=[group],
    )

    response = _client(athlete.user).get(reverse("template_fit", args=[template.id]))

    messages = _decode(response.content)
    assert messages["workout"][0]["sport"] == "cycling"
    steps = messages["workout_step"]
    assert len(steps) == 3
    assert steps[0]["target_type"] == "power"
    assert (steps[0]["custom_target_value_low"], steps[0]["custom_target_value_high"]) == (90, 90)
    assert (steps[1]["target_type"], steps[1]["target_value"]) == ("power", 1)  # the watch's Z1
