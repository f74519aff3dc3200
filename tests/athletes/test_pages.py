"""Home per role, "me", profile settings (403/404 rules), the shell's nav and the language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django.fixtures import Settings as SettingsWrapper

from athletes.models import Athlete, User
from athletes.services.profiles import athlete_profile_update
from tests.factories import AthleteFactory

MIDDLEWARE_WITH_PROFILE_LANGUAGE = [
    *settings.MIDDLEWARE[
        : settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
    ],
    "athletes.middleware.ProfileLanguageMiddleware",
    *settings.MIDDLEWARE[
        settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1 :
    ],
]


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _profile_data(**overrides: str) -> dict[str, str]:
    data = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "sex": "F",
        "birth_date": "1988-03-02",
        "time_zone": "America/Montreal",
        "units": "imperial",
        "language": "en",
        "load_model": "trimp",
    }
    return {**data, **overrides}


def _client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Home and me ------------------------------------------------------------------------------


def test_home_sends_anonymous_visitors_to_login(client: Client, db: None) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")


def test_home_sends_a_coach_to_the_cockpit(coach: User) -> None:
    response = _client_for(coach).get(reverse("home"))
    assert response["Location"] == reverse("cockpit")


def test_home_sends_an_athlete_to_their_home_page(athlete: Athlete) -> None:
    response = _client_for(athlete.user).get(reverse("home"))
    assert response["Location"] == reverse("athlete_home")


def test_home_welcomes_staff_without_a_profile_with_an_admin_link(staff: User) -> None:
    response = _client_for(staff).get(reverse("home"))
    assert response.status_code == 200
    assert reverse("admin:index") in response.content.decode()


def test_me_redirects_to_the_own_athlete_page(athlete: Athlete) -> None:
    response = _client_for(athlete.user).get(reverse("me"))
    assert response["Location"] == reverse("athlete_detail", args=[athlete.id])


def test_me_is_404_without_an_athlete_profile(staff: User) -> None:
    assert _client_for(staff).get(reverse("me")).status_code == 404


# --- Profile settings -----------------------------------------------------------------------------


def test_athlete_edits_own_profile_and_name(athlete: Athlete) -> None:
    url = reverse("profile_edit", args=[athlete.id])
    response = _client_for(athlete.user).post(url, _profile_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("athlete_detail", args=[athlete.id])
    athlete.refresh_from_db()
    athlete.user.refresh_from_db()
    assert (athlete.sex, athlete.birth_date) == ("F", dt.date(1988, 3, 2))
    assert (athlete.time_zone, athlete.units, athlete.load_model) == (
        "America/Montreal",
        "imperial",
        "trimp",
    )
    assert athlete.user.get_full_name() == "Ada Lovelace"


def test_saving_own_language_switches_the_ui_language(athlete: Athlete) -> None:
    url = reverse("profile_edit", args=[athlete.id])
    response = _client_for(athlete.user).post(url, _profile_data(language="fr"))
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    athlete.refresh_from_db()
    assert athlete.language == "fr"


def test_invalid_birth_date_shows_a_field_error_and_saves_nothing(athlete: Athlete) -> None:
    url = reverse("profile_edit", args=[athlete.id])
    response = _client_for(athlete.user).post(url, _profile_data(birth_date="1988-02-31"))
    assert response.status_code == 200
    assert response.context["form"].errors["birth_date"]
    assert 'class="errorlist' in response.content.decode()
    athlete.refresh_from_db()
    assert athlete.units == "metric"


def test_birth_date_in_the_future_is_refused(athlete: Athlete) -> None:
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    url = reverse("profile_edit", args=[athlete.id])
    response = _client_for(athlete.user).post(url, _profile_data(birth_date=tomorrow))
    assert response.status_code == 200
    assert "birth_date" in response.context["form"].errors


def test_editing_coach_changes_the_profile_but_not_the_name_nor_the_language_cookie(
    athlete: Athlete, coach: User
) -> None:
    client = _client_for(coach)
    url = reverse("profile_edit", args=[athlete.id])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="first_name"' not in page.content.decode()
    response = client.post(url, _profile_data(first_name="Hacked", language="fr"))
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    athlete.refresh_from_db()
    athlete.user.refresh_from_db()
    assert (athlete.units, athlete.language) == ("imperial", "fr")
    assert athlete.user.first_name == "Ada"


def test_view_only_coach_gets_403_on_profile_settings(athlete: Athlete, view_coach: User) -> None:
    url = reverse("profile_edit", args=[athlete.id])
    client = _client_for(view_coach)
    assert client.get(url).status_code == 403
    assert client.post(url, _profile_data(units="imperial")).status_code == 403
    athlete.refresh_from_db()
    assert athlete.units == "metric"


@pytest.mark.parametrize("role", ["other_coach", "former_coach", "other_athlete", "staff"])
def test_outsiders_get_404_on_profile_settings(
    athlete: Athlete, role: str, request: pytest.FixtureRequest
) -> None:
    outsider = request.getfixturevalue(role)
    user = outsider.user if isinstance(outsider, Athlete) else outsider
    url = reverse("profile_edit", args=[athlete.id])
    assert _client_for(user).post(url, _profile_data()).status_code == 404


def test_anonymous_visitor_is_sent_to_login_from_profile_settings(
    client: Client, athlete: Athlete
) -> None:
    response = client.get(reverse("profile_edit", args=[athlete.id]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_profile_service_refuses_a_name_change_by_someone_else(
    athlete: Athlete, coach: User
) -> None:
    with pytest.raises(PermissionDenied):
        athlete_profile_update(athlete=athlete, by=coach, first_name="Nope")


def test_profile_service_refuses_fields_that_are_not_profile_fields(athlete: Athlete) -> None:
    with pytest.raises(ValueError, match="user"):
        athlete_profile_update(athlete=athlete, by=athlete.user, user=None)


# --- The shell ---------------------------------------------------------------------------------


def test_coach_nav_shows_roster_invitations_and_account_menu(coach: User) -> None:
    body = _client_for(coach).get(reverse("mfa_index")).content.decode()
    assert f'href="{reverse("cockpit")}"' in body
    assert f'href="{reverse("roster")}"' in body
    assert f'href="{reverse("invitation_list")}"' in body
    assert f'action="{reverse("account_logout")}"' in body
    assert f'href="{reverse("account_change_password")}"' in body
    assert reverse("admin:index") not in body


def test_athlete_nav_links_to_own_profile_settings_and_not_the_roster(athlete: Athlete) -> None:
    body = _client_for(athlete.user).get(reverse("mfa_index")).content.decode()
    assert f'href="{reverse("profile_edit", args=[athlete.id])}"' in body
    assert f'href="{reverse("athlete_detail", args=[athlete.id])}"' in body
    assert f'href="{reverse("roster")}"' not in body
    assert f'href="{reverse("cockpit")}"' not in body


def test_staff_nav_links_to_the_admin(staff: User) -> None:
    body = _client_for(staff).get(reverse("home")).content.decode()
    assert f'href="{reverse("admin:index")}"' in body


def test_language_switch_posts_back_to_the_current_page(client: Client, db: None) -> None:
    body = client.get(reverse("account_login")).content.decode()
    assert f'action="{reverse("set_language")}"' in body
    assert f'name="next" value="{reverse("account_login")}"' in body
    response = client.post(
        reverse("set_language"), {"language": "fr", "next": reverse("account_login")}
    )
    assert response["Location"] == reverse("account_login")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"


# --- Profile language middleware -----------------------------------------------------------------


@pytest.fixture
def french_athlete(db: None) -> Athlete:
    return AthleteFactory(language="fr")


def test_profile_language_applies_when_the_browser_has_not_chosen(
    french_athlete: Athlete, settings: SettingsWrapper
) -> None:
    settings.MIDDLEWARE = MIDDLEWARE_WITH_PROFILE_LANGUAGE
    response = _client_for(french_athlete.user).get(reverse("mfa_index"))
    assert response["Content-Language"] == "fr"
    assert '<html lang="fr">' in response.content.decode()


def test_language_cookie_wins_over_the_profile_language(
    french_athlete: Athlete, settings: SettingsWrapper
) -> None:
    settings.MIDDLEWARE = MIDDLEWARE_WITH_PROFILE_LANGUAGE
    client = _client_for(french_athlete.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get(reverse("mfa_index"))["Content-Language"] == "en"


def test_anonymous_visitors_keep_the_browser_language(
    client: Client, french_athlete: Athlete, settings: SettingsWrapper
) -> None:
    settings.MIDDLEWARE = MIDDLEWARE_WITH_PROFILE_LANGUAGE
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "en"


def test_the_profile_edits_the_fitness_and_fatigue_time_constants(athlete: Athlete) -> None:
    url = reverse("profile_edit", args=[athlete.id])
    client = _client_for(athlete.user)
    assert 'name="fitness_days" value="42"' in client.get(url).content.decode()
    response = client.post(url, _profile_data(fitness_days="35", fatigue_days="6"))
    assert response.status_code == 302
    athlete.refresh_from_db()
    assert (athlete.fitness_days, athlete.fatigue_days) == (35, 6)
    response = client.post(url, _profile_data(fitness_days="3"))
    assert response.status_code == 200  # under 7 days is refused
