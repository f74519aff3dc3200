"""The workout editor: the live preview of the text (chart, estimates, steps, or the error with a
caret), the list → text endpoint, and the partial inside the library's and planner's forms."""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from athletes.models import Athlete, User
from coaching.forms.library import PlannedSessionForm, WorkoutTemplateForm
from coaching.workouts.text import format_workout, parse
from coaching.workouts.tree import from_data, to_data
from tests.factories import ThresholdsFactory

pytestmark = pytest.mark.django_db

PREVIEW = reverse("workout_preview")
FORMAT = reverse("workout_format")


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _tree(html: str) -> Any:
    match = re.search(r'<div class="workout-tree" hidden data-tree="([^"]*)"></div>', html)
    return None if match is None else json.loads(unescape(match.group(1)))


# --- preview -----------------------------------------------------------------------------------


def test_the_preview_draws_the_profile_lists_the_steps_and_returns_the_tree(coach: User) -> None:
    text = "wu 10m, 3x (2m Z4, 1m Z1), cd 5m"

    response = _client(coach).post(PREVIEW, {"steps_text": text, "sport": "run"})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<rect class="bar') == 1 + 3 * 2 + 1
    assert 'viewBox="0 0 1000.0 100.0"' in html
    assert "3 ×" in html and "Z4 HR" in html
    assert "0:24:00" in html  # 10 + 3 × 3 + 5 minutes
    assert _tree(html) == to_data(parse(text, sport="run"))


def test_the_preview_lists_the_easy_step_of_a_repeated_pair_as_a_recovery(coach: User) -> None:
    text = "5x (3m 105% FTP, 2m Z1)"

    response = _client(coach).post(PREVIEW, {"steps_text": text, "sport": "ride"})

    html = response.content.decode()
    assert '<li class="workout-step intent-recovery">' in html
    assert [step["intent"] for step in _tree(html)[0]["steps"]] == ["active", "recovery"]


def test_the_editor_help_explains_which_step_of_a_pair_is_the_recovery() -> None:
    html = unescape(_render(WorkoutTemplateForm()))

    assert "the easier one" in html and "5x (3m Z4, active 2m Z1)" in html


def test_a_typing_error_is_shown_with_a_caret_under_its_position(coach: User) -> None:
    response = _client(coach).post(PREVIEW, {"steps_text": "10m Z2\n4x (3m Z4, 2m Zed)"})

    html = response.content.decode()
    assert "Unknown word" in html and "line 2, column 15" in html
    caret = re.search(r'<pre class="workout-caret"[^>]*>(.*?)</pre>', html, re.S)
    assert caret is not None
    line, pointer = caret.group(1).split("\n")
    assert line == "4x (3m Z4, 2m Zed)"
    assert pointer == " " * 14 + "^"
    assert _tree(html) is None


def test_the_sport_changes_what_a_bare_zone_means(coach: User) -> None:
    client = _client(coach)

    run = _tree(client.post(PREVIEW, {"steps_text": "20m Z2", "sport": "run"}).content.decode())
    ride = _tree(client.post(PREVIEW, {"steps_text": "20m Z2", "sport": "ride"}).content.decode())

    assert run[0]["target"]["kind"] == "hr"
    assert ride[0]["target"]["kind"] == "power"


def test_the_preview_estimates_with_the_athletes_thresholds_on_the_day(
    coach: User, athlete: Athlete
) -> None:
    ThresholdsFactory(athlete=athlete, sport="ride", valid_from=dt.date(2026, 1, 1), ftp_w=200)
    ThresholdsFactory(athlete=athlete, sport="ride", valid_from=dt.date(2026, 6, 1), ftp_w=300)
    client = _client(coach)
    data = {"steps_text": "1h 250W", "sport": "ride", "athlete": athlete.id}

    march = client.post(PREVIEW, data | {"day": "2026-03-01"}).context["view"].estimate
    july = client.post(PREVIEW, data | {"day": "2026-07-01"}).context["view"].estimate

    assert march.load == pytest.approx(100 * (250 / 200) ** 2)
    assert july.load == pytest.approx(100 * (250 / 300) ** 2)


def test_the_preview_reads_prefixed_form_fields(coach: User) -> None:
    data = {
        "text_field": "s-steps_text",
        "sport_field": "s-sport",
        "s-steps_text": "20m Z2",
        "s-sport": "ride",
    }

    html = _client(coach).post(PREVIEW, data).content.decode()

    assert _tree(html)[0]["target"]["kind"] == "power"


def test_the_preview_of_another_coachs_athlete_is_404(coach: User, other_athlete: Athlete) -> None:
    response = _client(coach).post(PREVIEW, {"steps_text": "10m", "athlete": other_athlete.id})

    assert response.status_code == 404


def test_an_empty_text_previews_as_no_steps(coach: User) -> None:
    html = _client(coach).post(PREVIEW, {"steps_text": "  "}).content.decode()

    assert "No steps yet" in html
    assert _tree(html) == []


# --- list → text -----------------------------------------------------------------------------


def _format(client: Client, steps: Any, sport: str = "run") -> Any:
    body = json.dumps({"steps": steps, "sport": sport})
    return client.post(FORMAT, body, content_type="application/json")


@pytest.mark.parametrize(
    ("text", "sport"),
    [
        ("warmup 15m\n5x (3m 105% FTP, 2m Z1)\ncooldown 10m", "ride"),
        ("6x800m @3:40/km r2m", "run"),
        ('20m 150-160bpm "steady"', "run"),
        ("10x100m @1:45/100m rest 20s", "swim"),
        ("3x (2x (1m Z5, 1m Z1), 5m Z1)", "run"),
    ],
)
def test_the_step_list_prints_back_to_the_canonical_text(
    coach: User, text: str, sport: str
) -> None:
    client = _client(coach)
    tree = _tree(client.post(PREVIEW, {"steps_text": text, "sport": sport}).content.decode())

    response = _format(client, tree, sport)

    assert response.json() == {"text": format_workout(from_data(tree), sport=sport)}
    assert response.json()["text"] == text


def test_the_step_list_edited_in_the_browser_becomes_text(coach: User) -> None:
    steps = [
        {"intent": "warmup", "duration": {"kind": "time", "value": 600}},
        {
            "repeat": 4,
            "steps": [
                {
                    "intent": "active",
                    "duration": {"kind": "distance", "value": 1000},
                    "target": {
                        "kind": "pace",
                        "mode": "absolute",
                        "low": 1000 / 230,
                        "high": 1000 / 220,
                    },
                },
                {"intent": "recovery", "duration": {"kind": "time", "value": 90}, "note": "jog"},
            ],
        },
        {"intent": "cooldown", "duration": {"kind": "open", "value": None}},
    ]

    text = _format(_client(coach), steps).json()["text"]

    assert text == 'warmup 10m\n4x (1km @3:40-3:50/km, 1m30s "jog")\ncooldown open'


def test_an_invalid_step_list_is_answered_with_the_reason(coach: User) -> None:
    response = _format(_client(coach), [{"repeat": 3, "steps": []}])

    assert response.status_code == 200
    assert response.json() == {"error": "A repeat needs at least one step."}


def test_an_unreadable_body_is_400(coach: User) -> None:
    response = _client(coach).post(FORMAT, "{not json", content_type="application/json")

    assert response.status_code == 400


def test_the_editor_endpoints_need_a_login() -> None:
    assert Client().post(PREVIEW, {"steps_text": "10m"}).status_code == 302
    assert Client().post(FORMAT, "{}", content_type="application/json").status_code == 302


# --- the partial in both forms -----------------------------------------------------------------


def _render(form: Any, **context: Any) -> str:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return render_to_string(
        "coaching/partials/_workout_editor.html", {"field": form["steps_text"], **context}, request
    )


def test_the_editor_partial_renders_a_bound_planned_session_form(athlete: Athlete) -> None:
    form = PlannedSessionForm(
        {"s-day": "2026-03-02", "s-sport": "run", "s-title": "T", "s-steps_text": "6x800m Z4 r2m"},
        prefix="s",
    )
    form.is_valid()

    html = _render(form, athlete=athlete)

    assert 'name="s-steps_text"' in html and "6x800m Z4 r2m</textarea>" in html
    vals = json.loads(re.search(r"hx-vals='([^']*)'", html).group(1).replace("&quot;", '"'))
    assert vals == {
        "text_field": "s-steps_text",
        "sport_field": "s-sport",
        "day_field": "s-day",
        "athlete": str(athlete.id),
    }
    assert reverse("workout_preview") in html and reverse("workout_format") in html
    assert "5x (3m 105% FTP, 2m Z1)" in html  # the syntax help beside the box


def test_the_editor_partial_shows_the_error_of_a_bound_template_form(coach: User) -> None:
    form = WorkoutTemplateForm(
        {"name": "X", "sport": "run", "session_type": "tempo", "steps_text": "10m Q"}, owner=coach
    )
    form.is_valid()

    html = _render(form)

    assert "Unknown word" in html
    vals = json.loads(re.search(r"hx-vals='([^']*)'", html).group(1).replace("&quot;", '"'))
    assert "athlete" not in vals
