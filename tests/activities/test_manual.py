"""The manual log: service (time zones, merge rules, never overwritten) and its form page."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from activities.models import Activity, ActivitySource
from activities.services.ingest import activity_ingest
from activities.services.manual import manual_activity_log
from activities.types import NormalizedActivity, Outcome, Provider, SourceRef, Streams, Summary
from athletes.models import Athlete, User
from core.sports import Sport
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 14)


def log(athlete: Athlete, **values: object) -> Activity:
    defaults: dict[str, object] = {"day": DAY, "sport": Sport.RUN, "duration_s": 3000.0}
    return manual_activity_log(athlete=athlete, by=athlete.user, **{**defaults, **values})


def device_recording(started_at: dt.datetime, *, seconds: int = 1800) -> NormalizedActivity:
    time_s = np.arange(seconds, dtype=np.float64)
    streams = Streams(
        time_s=time_s, hr_bpm=np.full(seconds, 150.0), speed_mps=np.full(seconds, 3.0)
    )
    summary = Summary(elapsed_s=float(seconds), moving_s=float(seconds), distance_m=seconds * 3.0)
    return NormalizedActivity(
        sport=Sport.RUN, sub_sport="", started_at=started_at, streams=streams, summary=summary
    )


def client_for(user: User) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_a_logged_session_is_a_manual_activity_at_noon_in_the_athletes_time_zone(
    athlete: Athlete,
) -> None:
    activity = log(athlete, distance_m=10000.0, ascent_m=120.0, rpe=6, notes="Windy", load=55.0)

    assert activity.primary_provider == Provider.MANUAL
    assert activity.started_at == dt.datetime(2026, 3, 14, 11, 0, tzinfo=dt.UTC)  # Paris, UTC+1
    assert activity.day == DAY
    assert (activity.elapsed_s, activity.distance_m, activity.ascent_m) == (3000, 10000, 120)
    assert activity.avg_speed_mps == pytest.approx(10000 / 3000)
    assert (activity.rpe, activity.notes, activity.manual_load) == (6, "Windy", 55.0)
    source = activity.sources.get()
    assert source.provider == Provider.MANUAL
    assert len(source.external_id) == 32
    assert source.raw["logged_by"] == athlete.user_id
    assert not hasattr(activity, "streams") or activity.streams is None


def test_a_start_time_is_read_in_the_athletes_time_zone(athlete: Athlete) -> None:
    athlete.time_zone = "America/Denver"
    athlete.save()

    activity = log(athlete, start_time=dt.time(18, 30))

    assert activity.started_at == dt.datetime(2026, 3, 15, 0, 30, tzinfo=dt.UTC)  # MDT, UTC-6
    assert activity.day == DAY


def test_two_untimed_sessions_on_one_day_stay_two_activities(athlete: Athlete) -> None:
    first = log(athlete, duration_s=1800.0)
    second = log(athlete, duration_s=3600.0)

    assert first.id != second.id
    assert abs(second.started_at - first.started_at) > dt.timedelta(seconds=60)
    assert Activity.objects.filter(athlete=athlete).count() == 2


def test_an_entry_timed_like_a_recorded_activity_is_merged_and_keeps_the_device_values(
    athlete: Athlete,
) -> None:
    recorded, _ = activity_ingest(
        athlete=athlete,
        normalized=device_recording(dt.datetime(2026, 3, 14, 6, 30, 20, tzinfo=dt.UTC)),
        source=SourceRef(Provider.DEVICE_FILE, "watch-1"),
    )

    entry = log(athlete, start_time=dt.time(7, 30), duration_s=1500.0, rpe=4, notes="Legs ok")

    assert entry.id == recorded.id
    entry.refresh_from_db()
    assert entry.primary_provider == Provider.DEVICE_FILE
    assert (entry.elapsed_s, entry.distance_m) == (1800, 5400)
    assert (entry.rpe, entry.notes) == (4, "Legs ok")
    assert sorted(entry.sources.values_list("provider", flat=True)) == ["device_file", "manual"]


def test_a_later_device_recording_at_the_same_time_keeps_the_manual_values(
    athlete: Athlete,
) -> None:
    manual = log(athlete, start_time=dt.time(7, 30), distance_m=8000.0, rpe=5)

    activity, outcome = activity_ingest(
        athlete=athlete,
        normalized=device_recording(dt.datetime(2026, 3, 14, 6, 30, 10, tzinfo=dt.UTC)),
        source=SourceRef(Provider.DEVICE_FILE, "watch-2"),
    )

    assert (activity.id, outcome) == (manual.id, Outcome.MERGED)
    manual.refresh_from_db()
    assert manual.primary_provider == Provider.MANUAL
    assert (manual.elapsed_s, manual.distance_m, manual.rpe) == (3000, 8000, 5)
    assert manual.started_at == dt.datetime(2026, 3, 14, 6, 30, tzinfo=dt.UTC)
    assert ActivitySource.objects.filter(activity=manual).count() == 2


def test_a_later_fit_file_at_the_same_time_keeps_the_manual_values(
    athlete: Athlete, corpus: object
) -> None:
    from pathlib import Path

    from activities.parsers import parse_file
    from activities.services.files import files_import

    path = Path(str(corpus)) / "fit" / "fitparse__garmin-fenix-5-run.fit"
    data = path.read_bytes()
    started_at = parse_file(data, path.name)[0].started_at
    local = started_at.astimezone(athlete.tz)
    manual = log(
        athlete,
        day=local.date(),
        start_time=local.time().replace(second=0, microsecond=0),
        duration_s=2400.0,
        distance_m=7000.0,
    )

    report = files_import(athlete=athlete, items=[(path.name, data)])

    assert report.counts()["merged"] == 1
    manual.refresh_from_db()
    assert manual.primary_provider == Provider.MANUAL
    assert (manual.elapsed_s, manual.distance_m) == (2400, 7000)
    assert manual.sources.filter(provider=Provider.DEVICE_FILE).exists()


def test_impossible_values_are_refused_by_the_service(athlete: Athlete) -> None:
    for values in ({"duration_s": 0.0}, {"distance_m": -1.0}, {"rpe": 11}):
        with pytest.raises(ValueError):
            log(athlete, **values)

    assert not Activity.objects.exists()


# --- the page ------------------------------------------------------------------------------


def url(athlete: Athlete) -> str:
    return reverse("activity_log_manual", args=[athlete.id])


def test_the_athlete_logs_a_session_and_lands_on_its_page(athlete: Athlete) -> None:
    client = client_for(athlete.user)
    form = {
        "day": "2026-03-14",
        "sport": "ride",
        "duration": "1:30:00",
        "distance": "42.5",
        "ascent": "350",
        "rpe": "7",
        "notes": "Club ride",
        "load": "",
    }

    response = client.post(url(athlete), form)

    activity = Activity.objects.get(athlete=athlete)
    assert response.status_code == 302
    assert response["Location"] == reverse("activity_detail", args=[athlete.id, activity.id])
    assert (activity.sport, activity.elapsed_s, activity.distance_m) == ("ride", 5400, 42500)
    assert (activity.ascent_m, activity.rpe, activity.manual_load) == (350, 7, None)
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Session logged."]


def test_imperial_athletes_type_miles_and_feet(athlete: Athlete) -> None:
    athlete.units = "imperial"
    athlete.save()
    client = client_for(athlete.user)

    page = client.get(url(athlete))
    client.post(
        url(athlete),
        {
            "day": "2026-03-14",
            "sport": "run",
            "duration": "0:50",
            "distance": "5",
            "ascent": "100",
        },
    )

    assert "Distance (mi)" in page.content.decode()
    activity = Activity.objects.get(athlete=athlete)
    assert activity.distance_m == pytest.approx(8046.72)
    assert activity.ascent_m == pytest.approx(30.48)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("duration", "abc"),
        ("duration", "0:00:00"),
        ("duration", "1:75:00"),
        ("distance", "-3"),
        ("rpe", "11"),
        ("day", "2026-02-30"),
        ("sport", "curling"),
    ],
)
def test_bad_input_shows_a_field_error_and_logs_nothing(
    athlete: Athlete, field: str, value: str
) -> None:
    client = client_for(athlete.user)
    form = {"day": "2026-03-14", "sport": "run", "duration": "0:45", field: value}

    response = client.post(url(athlete), form)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Activity.objects.exists()


def test_the_form_offers_cr10_labels_and_todays_date(athlete: Athlete) -> None:
    response = client_for(athlete.user).get(url(athlete))

    html = response.content.decode()
    assert response.status_code == 200
    assert "10 · Maximal" in html and "3 · Moderate" in html
    assert response.context["form"].initial["day"] == athlete.local_today()


def test_a_coach_with_edit_rights_logs_for_the_athlete(athlete: Athlete, coach: User) -> None:
    response = client_for(coach).post(
        url(athlete), {"day": "2026-03-14", "sport": "swim", "duration": "40"}
    )

    assert response.status_code == 302
    activity = Activity.objects.get(athlete=athlete)
    assert activity.sources.get().raw["logged_by"] == coach.id


def test_a_view_only_coach_gets_403_and_outsiders_get_404(
    athlete: Athlete, view_coach: User, other_coach: User, former_coach: User
) -> None:
    form = {"day": "2026-03-14", "sport": "run", "duration": "0:45"}

    assert client_for(view_coach).get(url(athlete)).status_code == 403
    assert client_for(view_coach).post(url(athlete), form).status_code == 403
    assert client_for(other_coach).post(url(athlete), form).status_code == 404
    assert client_for(former_coach).get(url(athlete)).status_code == 404
    assert Client().get(url(athlete)).status_code == 302
    assert not Activity.objects.exists()


# --- duration, title and the ways in ---------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "seconds"), [("0:45", 2700), ("1:30", 5400), ("0:45:30", 2730), ("45", 2700)]
)
def test_a_two_part_duration_is_hours_and_minutes_as_in_the_planner(
    athlete: Athlete, typed: str, seconds: int
) -> None:
    client_for(athlete.user).post(
        url(athlete), {"day": "2026-03-14", "sport": "run", "duration": typed}
    )

    assert Activity.objects.get(athlete=athlete).elapsed_s == seconds


def test_the_title_typed_is_stored_and_without_one_the_sport_names_the_activity(
    athlete: Athlete,
) -> None:
    client = client_for(athlete.user)
    client.post(
        url(athlete),
        {"day": "2026-03-14", "sport": "ride", "duration": "1:00", "title": " Club ride "},
    )
    client.post(url(athlete), {"day": "2026-03-15", "sport": "swim", "duration": "0:40"})

    names = dict(Activity.objects.filter(athlete=athlete).values_list("day", "name"))
    assert names == {DAY: "Club ride", dt.date(2026, 3, 15): "Swim"}


def test_a_link_from_a_day_prefills_its_date_and_a_bad_one_falls_back_to_today(
    athlete: Athlete,
) -> None:
    client = client_for(athlete.user)

    prefilled = client.get(url(athlete) + "?day=2026-02-03").context["form"]
    garbage = client.get(url(athlete) + "?day=yesterday").context["form"]

    assert prefilled.initial["day"] == dt.date(2026, 2, 3)
    assert garbage.initial["day"] == athlete.local_today()


def test_the_athletes_home_and_activity_list_link_to_the_manual_log(athlete: Athlete) -> None:
    log(athlete)
    client = client_for(athlete.user)

    home = client.get(reverse("athlete_detail", args=[athlete.id])).content.decode()
    listing = client.get(reverse("activity_list", args=[athlete.id])).content.decode()

    assert f'href="{url(athlete)}"' in home
    assert f'href="{url(athlete)}"' in listing  # not only when the list is empty


def test_a_view_only_coach_sees_no_manual_log_link(athlete: Athlete, view_coach: User) -> None:
    client = client_for(view_coach)

    home = client.get(reverse("athlete_detail", args=[athlete.id])).content.decode()
    listing = client.get(reverse("activity_list", args=[athlete.id])).content.decode()

    assert url(athlete) not in home and url(athlete) not in listing


def test_a_coach_logs_a_session_without_the_athletes_journal(athlete: Athlete, coach: User) -> None:
    page = client_for(coach).get(url(athlete))
    client_for(coach).post(
        url(athlete),
        {"day": "2026-03-14", "sport": "run", "duration": "0:45", "rpe": "9", "notes": "Hard"},
    )

    assert {"rpe", "notes"}.isdisjoint(page.context["form"].fields)
    activity = Activity.objects.get(athlete=athlete)
    assert (activity.rpe, activity.notes) == (None, "")


def test_the_service_refuses_a_coachs_rpe_or_notes(athlete: Athlete, coach: User) -> None:
    for journal in ({"rpe": 5}, {"notes": "Felt slow"}):
        with pytest.raises(PermissionDenied):
            manual_activity_log(
                athlete=athlete, by=coach, day=DAY, sport="run", duration_s=1800.0, **journal
            )

    assert not Activity.objects.exists()
