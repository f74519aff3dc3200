"""The REST API as a mobile client uses it: a Bearer token, scoped reads, clear 4xx errors."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
import time_machine
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from athletes.models import Athlete, CoachAthlete, User
from tests.factories import (
    PASSWORD,
    AthleteFactory,
    CoachAthleteFactory,
    GoalFactory,
    ThresholdsFactory,
    UserFactory,
)

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Throttle counters and used TOTP codes live in the cache: start each test clean."""
    cache.clear()
    yield
    cache.clear()


def _login(client: APIClient, email: str, **extra: str) -> Any:
    return client.post(TOKEN_URL, {"email": email, "password": PASSWORD, **extra}, format="json")


def _bearer(user: User) -> APIClient:
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.key}")
    return client


def _current_code(secret: str) -> str:
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def test_token_url_is_the_documented_one() -> None:
    assert reverse("api-token") == TOKEN_URL


def test_mobile_client_gets_a_token_and_reads_me_with_it(athlete: Athlete) -> None:
    client = APIClient()
    response = _login(client, "Athlete@Example.test")
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}")

    me = client.get(reverse("api-me"))

    assert me.status_code == 200
    body = me.json()
    assert body["user"]["email"] == "athlete@example.test"
    assert body["athlete"]["id"] == athlete.id
    assert (body["athlete"]["fitness_days"], body["athlete"]["fatigue_days"]) == (42, 7)
    assert body["is_coach"] is False
    assert body["coached_athlete_count"] == 0


def test_logging_in_twice_returns_the_same_token(athlete: Athlete) -> None:
    client = APIClient()
    assert _login(client, athlete.user.email).json() == _login(client, athlete.user.email).json()


def test_me_for_a_coach_counts_current_athletes_only(
    coach: User, athlete: Athlete, former_athlete: Athlete
) -> None:
    body = _bearer(coach).get(reverse("api-me")).json()
    assert body["is_coach"] is True
    assert body["athlete"] is None
    assert body["coached_athlete_count"] == 1


def test_wrong_password_is_a_400_with_a_clear_message(athlete: Athlete) -> None:
    response = APIClient().post(
        TOKEN_URL, {"email": athlete.user.email, "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert "Unable to log in" in response.json()["non_field_errors"][0]


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(db: None) -> None:
    response = _login(APIClient(), "nobody@example.test")
    assert response.status_code == 400
    assert "Unable to log in" in response.json()["non_field_errors"][0]


def test_unverified_email_cannot_get_a_token(db: None) -> None:
    user = UserFactory(email="fresh@example.test")
    user.emailaddress_set.update(verified=False)
    response = _login(APIClient(), "fresh@example.test")
    assert response.status_code == 400
    assert "not verified" in response.json()["non_field_errors"][0]
    assert not Token.objects.filter(user=user).exists()


def test_inactive_user_cannot_get_a_token(athlete: Athlete) -> None:
    User.objects.filter(pk=athlete.user_id).update(is_active=False)
    assert _login(APIClient(), athlete.user.email).status_code == 400


@pytest.mark.parametrize(
    "body",
    [{}, {"email": "athlete@example.test"}, {"password": PASSWORD}, {"email": "x", "password": 1}],
    ids=["empty", "no password", "no email", "bad email"],
)
def test_missing_or_invalid_fields_are_a_400(athlete: Athlete, body: dict[str, Any]) -> None:
    response = APIClient().post(TOKEN_URL, body, format="json")
    assert response.status_code == 400
    assert set(response.json()) <= {"email", "password"}


def test_malformed_json_is_a_400_not_a_500(athlete: Athlete) -> None:
    response = APIClient().post(TOKEN_URL, '{"email": ', content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


class TestTwoFactor:
    @pytest.fixture(autouse=True)
    def _mid_period(self) -> Iterator[None]:
        """Freeze the clock mid-period so a code never expires between making and checking it."""
        with time_machine.travel(dt.datetime(2026, 3, 2, 7, 0, 10, tzinfo=dt.UTC), tick=False):
            yield

    @pytest.fixture
    def secret(self, athlete: Athlete) -> str:
        secret = generate_totp_secret()
        TOTP.activate(athlete.user, secret)
        return secret

    def test_a_right_password_without_the_code_answers_like_a_wrong_password(
        self, athlete: Athlete, secret: str
    ) -> None:
        without_code = _login(APIClient(), athlete.user.email)
        wrong_password = APIClient().post(
            TOKEN_URL, {"email": athlete.user.email, "password": "nope"}, format="json"
        )
        assert without_code.status_code == wrong_password.status_code == 400
        assert without_code.json() == wrong_password.json()
        assert "otp" in without_code.json()["non_field_errors"][0]  # says a code may be due

    def test_a_wrong_code_is_refused_like_a_wrong_password(
        self, athlete: Athlete, secret: str
    ) -> None:
        wrong = f"{(int(_current_code(secret)) + 1) % 1_000_000:06d}"
        response = _login(APIClient(), athlete.user.email, otp=wrong)
        assert response.status_code == 400
        assert set(response.json()) == {"non_field_errors"}

    def test_a_valid_code_gives_a_token_once(self, athlete: Athlete, secret: str) -> None:
        code = _current_code(secret)
        assert "token" in _login(APIClient(), athlete.user.email, otp=code).json()
        assert _login(APIClient(), athlete.user.email, otp=code).status_code == 400

    def test_a_wrong_password_is_refused_before_the_code_is_asked(
        self, athlete: Athlete, secret: str
    ) -> None:
        response = APIClient().post(
            TOKEN_URL, {"email": athlete.user.email, "password": "nope"}, format="json"
        )
        assert "otp" not in response.json()


def test_deleting_the_token_logs_the_client_out(athlete: Athlete) -> None:
    client = _bearer(athlete.user)
    assert client.delete(TOKEN_URL).status_code == 204
    assert client.get(reverse("api-me")).status_code == 401
    assert not Token.objects.filter(user=athlete.user).exists()


def test_a_stale_token_does_not_block_logging_in_again(athlete: Athlete) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer stale-token")
    assert _login(client, athlete.user.email).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        reverse("api-me"),
        reverse("api-athlete-list"),
        reverse("api-athlete-detail", kwargs={"athlete_id": 1}),
        reverse("api-athlete-goals", kwargs={"athlete_id": 1}),
        reverse("api-athlete-thresholds", kwargs={"athlete_id": 1}),
    ],
)
def test_anonymous_and_bad_tokens_get_401(url: str, athlete: Athlete) -> None:
    assert APIClient().get(url).status_code == 401
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert client.get(url).status_code == 401


def test_anonymous_cannot_revoke_a_token(db: None) -> None:
    assert APIClient().delete(TOKEN_URL).status_code == 401


def _listed(client: APIClient) -> dict[int, str]:
    body = client.get(reverse("api-athlete-list")).json()
    return {row["id"]: row["permission"] for row in body["results"]}


def test_athlete_list_shows_each_viewer_their_scope_and_permission(
    athlete: Athlete,
    other_athlete: Athlete,
    former_athlete: Athlete,
    coach: User,
    view_coach: User,
    former_coach: User,
) -> None:
    assert _listed(_bearer(athlete.user)) == {athlete.id: "owner"}
    assert _listed(_bearer(coach)) == {athlete.id: "edit"}
    assert _listed(_bearer(view_coach)) == {athlete.id: "view"}
    assert _listed(_bearer(former_coach)) == {}


def test_a_self_coached_athlete_is_listed_once_as_owner(db: None) -> None:
    me = AthleteFactory()
    CoachAthleteFactory(coach=me.user, athlete=me, permission=CoachAthlete.Permission.FULL)
    assert _listed(_bearer(me.user)) == {me.id: "owner"}


def test_athlete_detail_is_404_outside_the_callers_scope(
    athlete: Athlete, other_athlete: Athlete, coach: User, former_coach: User
) -> None:
    url = reverse("api-athlete-detail", kwargs={"athlete_id": other_athlete.id})
    assert _bearer(athlete.user).get(url).status_code == 404
    assert _bearer(coach).get(url).status_code == 404
    own = reverse("api-athlete-detail", kwargs={"athlete_id": athlete.id})
    assert _bearer(former_coach).get(own).status_code == 404
    body = _bearer(coach).get(own).json()
    assert (body["user"]["email"], body["permission"]) == ("athlete@example.test", "edit")


@pytest.mark.parametrize("name", ["api-athlete-goals", "api-athlete-thresholds"])
def test_goals_and_thresholds_are_404_outside_the_callers_scope(
    name: str, athlete: Athlete, other_athlete: Athlete, former_coach: User
) -> None:
    GoalFactory(athlete=other_athlete)
    ThresholdsFactory(athlete=other_athlete)
    other = reverse(name, kwargs={"athlete_id": other_athlete.id})
    assert _bearer(athlete.user).get(other).status_code == 404
    own = reverse(name, kwargs={"athlete_id": athlete.id})
    assert _bearer(former_coach).get(own).status_code == 404
    assert (
        _bearer(athlete.user).get(reverse(name, kwargs={"athlete_id": 999_999})).status_code == 404
    )


def test_a_coach_reads_an_athletes_goals_and_thresholds(
    athlete: Athlete, view_coach: User, other_athlete: Athlete
) -> None:
    GoalFactory(athlete=athlete, name="Berlin Marathon", weekly_distance_m=60000.0)
    GoalFactory(athlete=other_athlete, name="Not yours")
    ThresholdsFactory(athlete=athlete, ftp_w=None, threshold_speed_mps=4.2)
    client = _bearer(view_coach)

    goals = client.get(reverse("api-athlete-goals", kwargs={"athlete_id": athlete.id})).json()
    thresholds = client.get(
        reverse("api-athlete-thresholds", kwargs={"athlete_id": athlete.id})
    ).json()

    assert [goal["name"] for goal in goals["results"]] == ["Berlin Marathon"]
    assert goals["results"][0]["distance_m"] == 42195.0
    assert goals["results"][0]["weekly_distance_m"] == 60000.0
    assert goals["results"][0]["weekly_duration_s"] is None
    assert thresholds["results"][0]["threshold_speed_mps"] == 4.2


def test_list_endpoints_are_read_only(athlete: Athlete) -> None:
    client = _bearer(athlete.user)
    url = reverse("api-athlete-goals", kwargs={"athlete_id": athlete.id})
    assert client.post(url, {"name": "x"}, format="json").status_code == 405


def _roster(coach: User, size: int) -> None:
    for relationship in CoachAthleteFactory.create_batch(size, coach=coach):
        GoalFactory(athlete=relationship.athlete)


@pytest.mark.parametrize("size", [3, 20])
def test_athlete_list_runs_a_fixed_number_of_queries(
    other_coach: User, size: int, django_assert_max_num_queries: Any
) -> None:
    _roster(other_coach, size)
    client = _bearer(other_coach)
    with django_assert_max_num_queries(3):  # token, page count, page
        response = client.get(reverse("api-athlete-list"))
    assert len(response.json()["results"]) == size


def test_token_endpoint_is_throttled(db: None) -> None:
    client = APIClient()
    statuses = [_login(client, "nobody@example.test").status_code for _ in range(6)]
    assert statuses == [400] * 5 + [429]  # five failures per account, then locked


def test_schema_is_served(db: None) -> None:
    response = APIClient().get(reverse("api-schema"))
    assert response.status_code == 200
    assert b"/api/v1/auth/token/" in response.content


def test_schema_validates_without_warnings() -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=StringIO())
