"""The workout library: create from text, list (own + shared, search, filters, empty state),
read with estimates, edit, delete, duplicate, plan; who may do what."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from athletes.models import Athlete, Group, User
from athletes.services.groups import group_create, group_set_members
from coaching.models import PlannedSession, WorkoutTemplate
from coaching.services.sessions import template_apply
from coaching.services.templates import (
    TemplateError,
    template_create,
    template_duplicate,
    template_update,
)
from coaching.workouts.text import parse
from coaching.workouts.tree import WorkoutError, to_data
from tests.factories import GroupFactory, ThresholdsFactory

pytestmark = pytest.mark.django_db

INTERVALS = "wu 15m, 5x (3m 105% FTP, 2m Z1), cd 10m"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _template(owner: User, name: str = "VO2 5×3", **fields: Any) -> WorkoutTemplate:
    fields.setdefault("sport", "ride")
    fields.setdefault("steps", to_data(parse(INTERVALS, sport=fields["sport"])))
    return template_create(owner=owner, name=name, **fields)


def _squad(coach: User, athlete: Athlete) -> Group:
    group = group_create(coach=coach, name="Squad")
    group_set_members(group=group, athletes=[athlete])
    return group


# --- services ------------------------------------------------------------------------------


def test_template_create_stores_canonical_steps_and_clean_tags(coach: User) -> None:
    steps = [{"intent": "active", "duration": {"kind": "time", "value": 600}, "note": ""}]

    template = template_create(
        owner=coach, name="Easy", sport="run", steps=steps, tags=[" base ", "base", "", "z2"]
    )

    assert template.steps == [{"intent": "active", "duration": {"kind": "time", "value": 600.0}}]
    assert template.tags == ["base", "z2"]


def test_template_create_refuses_invalid_steps(coach: User) -> None:
    with pytest.raises(WorkoutError):
        template_create(owner=coach, name="Bad", sport="run", steps=[{"repeat": 0, "steps": []}])


def test_a_template_is_shared_only_with_its_owners_groups(coach: User, other_coach: User) -> None:
    foreign = GroupFactory(coach=other_coach)

    with pytest.raises(TemplateError):
        _template(coach, shared_with=[foreign])
    template = _template(coach)
    with pytest.raises(TemplateError):
        template_update(template=template, shared_with=[foreign])


def test_duplicating_a_shared_template_gives_an_unshared_copy_to_the_new_owner(
    coach: User, other_coach: User, athlete: Athlete
) -> None:
    template = _template(coach, tags=["vo2"], shared_with=[_squad(coach, athlete)])

    copy = template_duplicate(template=template, by=other_coach)

    assert copy.owner == other_coach
    assert copy.name == "VO2 5×3 (copy)"
    assert (copy.steps, copy.tags, copy.sport) == (template.steps, ["vo2"], "ride")
    assert list(copy.shared_with.all()) == []


# --- create and edit through the pages -------------------------------------------------------


def test_a_coach_creates_a_template_typed_in_the_text_syntax(coach: User, athlete: Athlete) -> None:
    group = _squad(coach, athlete)

    response = _client(coach).post(
        reverse("template_create"),
        {
            "name": "Track 6×800",
            "sport": "run",
            "session_type": "intervals",
            "steps_text": "wu 15m\n6x800m @3:40/km r2m\ncd 10m",
            "tags_text": "track, vo2",
            "shared_with": [group.id],
        },
    )

    template = WorkoutTemplate.objects.get(owner=coach)
    assert response.status_code == 302
    assert response["Location"] == reverse("template_detail", args=[template.id])
    assert template.steps[1]["repeat"] == 6
    assert template.steps[1]["steps"][0]["duration"] == {"kind": "distance", "value": 800.0}
    assert template.tags == ["track", "vo2"]
    assert list(template.shared_with.all()) == [group]


def test_bad_text_is_refused_with_the_line_and_column_of_the_error(coach: User) -> None:
    response = _client(coach).post(
        reverse("template_create"),
        {"name": "Oops", "sport": "run", "session_type": "tempo", "steps_text": "10m Z2\n3x (2m"},
    )

    assert response.status_code == 422
    assert "line 2, column 4" in response.content.decode()
    assert not WorkoutTemplate.objects.exists()


def test_an_athlete_who_does_not_coach_cannot_create_templates(athlete: Athlete) -> None:
    assert _client(athlete.user).get(reverse("template_create")).status_code == 403


def test_the_edit_form_shows_the_steps_as_text_and_saves_changes(coach: User) -> None:
    template = _template(coach)
    client = _client(coach)

    page = client.get(reverse("template_edit", args=[template.id])).content.decode()
    response = client.post(
        reverse("template_edit", args=[template.id]),
        {
            "name": "VO2 6×3",
            "sport": "ride",
            "session_type": "intervals",
            "steps_text": "6x (3m 110% FTP, 2m Z1)",
        },
    )

    assert "5x (3m 105% FTP, 2m Z1)" in page
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.name == "VO2 6×3"
    assert template.steps[0]["repeat"] == 6


def test_an_athlete_a_template_is_shared_with_reads_it_but_cannot_change_it(
    coach: User, athlete: Athlete
) -> None:
    template = _template(coach, shared_with=[_squad(coach, athlete)])
    client = _client(athlete.user)

    assert client.get(reverse("template_detail", args=[template.id])).status_code == 200
    assert client.get(reverse("template_edit", args=[template.id])).status_code == 403
    assert client.post(reverse("template_delete", args=[template.id])).status_code == 403
    assert WorkoutTemplate.objects.filter(id=template.id).exists()


def test_another_coachs_template_does_not_exist_for_you(coach: User, other_coach: User) -> None:
    template = _template(other_coach)
    client = _client(coach)

    for name in ("template_detail", "template_edit", "template_fit"):
        assert client.get(reverse(name, args=[template.id])).status_code == 404
    assert client.post(reverse("template_duplicate", args=[template.id])).status_code == 404


def test_deleting_a_template_keeps_the_sessions_planned_from_it(
    coach: User, athlete: Athlete
) -> None:
    template = _template(coach)
    session = template_apply(template=template, athlete=athlete, day=dt.date(2026, 3, 2), by=coach)

    response = _client(coach).post(reverse("template_delete", args=[template.id]))

    assert response["Location"] == reverse("template_list")
    session.refresh_from_db()
    assert session.template is None
    assert session.steps == template.steps


def test_duplicate_opens_the_copy_for_editing(coach: User) -> None:
    template = _template(coach)

    response = _client(coach).post(reverse("template_duplicate", args=[template.id]))

    copy = WorkoutTemplate.objects.exclude(id=template.id).get()
    assert response["Location"] == reverse("template_edit", args=[copy.id])


# --- list ------------------------------------------------------------------------------------


def test_the_list_shows_own_and_shared_templates_only(
    coach: User, other_coach: User, athlete: Athlete
) -> None:
    _template(coach, "Mine")
    _template(coach, "For the squad", shared_with=[_squad(coach, athlete)])
    _template(other_coach, "Someone else's")

    coach_page = _client(coach).get(reverse("template_list")).content.decode()
    athlete_page = _client(athlete.user).get(reverse("template_list")).content.decode()

    assert "Mine" in coach_page and "For the squad" in coach_page
    assert "Someone else" not in coach_page
    assert "For the squad" in athlete_page and "Shared by Claire Coach" in athlete_page
    assert "Mine" not in athlete_page


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("?q=threshold", {"Tempo run"}),
        ("?q=REPEATS", {"Hill repeats"}),
        ("?sport=ride", {"VO2 bike"}),
        ("?type=tempo", {"Tempo run"}),
        ("?tag=Hills", {"Hill repeats"}),
        ("?sport=run&tag=base", {"Tempo run"}),
        ("?sport=nonsense", {"Tempo run", "Hill repeats", "VO2 bike"}),
    ],
)
def test_the_list_searches_text_and_filters_by_sport_type_and_tag(
    coach: User, query: str, shown: set[str]
) -> None:
    _template(
        coach,
        "Tempo run",
        sport="run",
        session_type="tempo",
        description="20 min at threshold",
        tags=["base"],
    )
    _template(coach, "Hill repeats", sport="run", session_type="intervals", tags=["hills"])
    _template(coach, "VO2 bike", sport="ride", session_type="intervals", tags=["base"])

    response = _client(coach).get(reverse("template_list") + query)

    names = {row.template.name for row in response.context["rows"]}
    assert names == shown


def test_an_empty_library_explains_itself_and_offers_a_new_template(coach: User) -> None:
    html = _client(coach).get(reverse("template_list")).content.decode()

    assert "Your workout library is empty." in html
    assert reverse("template_create") in html


def test_no_match_offers_to_clear_the_filters(coach: User) -> None:
    _template(coach)

    html = _client(coach).get(reverse("template_list") + "?q=zzz").content.decode()

    assert "No template matches these filters." in html


@pytest.mark.parametrize("count", [1, 12])
def test_the_list_uses_a_fixed_number_of_queries(
    coach: User, athlete: Athlete, count: int, django_assert_max_num_queries: Any
) -> None:
    group = _squad(coach, athlete)
    for n in range(count):
        _template(coach, f"Workout {n}", tags=[f"t{n}"], shared_with=[group])
    client = _client(coach)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("template_list") + "?sport=ride")

    assert len(response.context["rows"]) == count


# --- read and plan ---------------------------------------------------------------------------


def test_the_detail_shows_times_only_without_an_athlete_and_load_for_one(
    coach: User, athlete: Athlete
) -> None:
    ThresholdsFactory(athlete=athlete, sport="ride", valid_from=dt.date(2020, 1, 1), ftp_w=250)
    template = _template(coach)
    url = reverse("template_detail", args=[template.id])
    client = _client(coach)

    plain = client.get(url)
    estimated = client.get(f"{url}?athlete={athlete.id}")

    assert plain.context["view"].estimate.duration_s == 15 * 60 + 25 * 60 + 10 * 60
    assert plain.context["view"].for_athlete is False
    assert "Load" not in plain.content.decode()
    assert estimated.context["view"].for_athlete is True
    assert estimated.context["view"].estimate.load is not None
    assert "5x (3m 105% FTP, 2m Z1)" in plain.content.decode()


def test_estimating_for_an_athlete_you_do_not_coach_is_404(
    coach: User, other_athlete: Athlete
) -> None:
    template = _template(coach)
    url = reverse("template_detail", args=[template.id])

    assert _client(coach).get(f"{url}?athlete={other_athlete.id}").status_code == 404


def test_plan_it_puts_the_template_on_the_athletes_day(coach: User, athlete: Athlete) -> None:
    template = _template(coach)

    response = _client(coach).post(
        reverse("template_plan", args=[template.id]),
        {"athlete": athlete.id, "day": "2026-03-04", "hidden": "on"},
    )

    session = PlannedSession.objects.get(athlete=athlete)
    assert response["Location"] == reverse("planner", args=[athlete.id]) + "?week=2026-03-04"
    assert (session.day, session.title, session.hidden) == (
        dt.date(2026, 3, 4),
        template.name,
        True,
    )
    assert session.source == PlannedSession.Source.TEMPLATE
    assert session.steps == template.steps


def test_a_view_only_coach_cannot_plan_a_template(
    coach: User, view_coach: User, athlete: Athlete
) -> None:
    template = _template(view_coach)

    response = _client(view_coach).post(
        reverse("template_plan", args=[template.id]), {"athlete": athlete.id, "day": "2026-03-04"}
    )

    assert response.status_code == 403
    assert not PlannedSession.objects.exists()


def test_plan_it_without_a_day_asks_for_one(coach: User, athlete: Athlete) -> None:
    template = _template(coach)

    response = _client(coach).post(
        reverse("template_plan", args=[template.id]),
        {"athlete": athlete.id, "day": ""},
        follow=True,
    )

    assert "Choose the day" in response.content.decode()
    assert not PlannedSession.objects.exists()
