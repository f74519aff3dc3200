"""Every GET page of Paceline, derived from the URL resolver and filled with real object ids of
the demo data, for the Content-Security-Policy tests (tests/test_csp.py, the fast walk with the
test client, and tests/test_csp_browser.py, the walk in Chromium).

A named route is a page unless `NOT_PAGES` says why not (downloads, feeds, JSON, JavaScript)
or it answers GET with 405 (an action: POST only). Each route parameter takes its value from
`SiteWorld.values` (or a per-route override); a route with a parameter nobody filled fails the
tests with its name, so a new route is never left out.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group as AuthGroup
from django.core.management import call_command
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.module_loading import import_string
from rest_framework.authtoken.models import Token

from activities.models import Activity, ImportJob
from activities.services.files import activity_file_store
from analytics.models import PendingLoad
from athletes.models import Athlete, CoachAthlete, Group, User, WellnessDay, ZoneSet
from athletes.services.invitations import invitation_create
from athletes.services.thresholds import zone_set_device_save, zone_set_save
from athletes.services.wellness import wellness_sharing_set
from coaching.models import (
    AttentionSettings,
    Comment,
    Link,
    LinkRefusal,
    PlannedSession,
    WeekCopy,
    WorkoutTemplate,
)
from coaching.services.attention import attention_dismiss
from coaching.services.comments import thread_mark_read
from coaching.services.feeds import calendar_feed_regenerate
from integrations.models import Connection, LoginAttempt, RawPayload, SyncRun, WebhookEvent

PASSWORD = "paceline-demo"
COACH = "coach.alice@demo.paceline.test"
OTHER_COACH = "coach.bruno@demo.paceline.test"
ATHLETE = "daniel.okafor@demo.paceline.test"  # English: screenshots people can read
STAFF = "operator@demo.paceline.test"

# Routes that answer something other than an HTML page, and why.
NOT_PAGES = {
    "favicon": "the site icon (SVG)",
    "favicon-ico": "the site icon under the name browsers ask for",
    "activity_file_download": "the original recording (a file download)",
    "template_fit": "a FIT workout file",
    "planned_session_fit": "a FIT workout file",
    "calendar_feed_ics": "an iCal feed",
    "mfa_download_recovery_codes": "a text file",
    "workout_format": "JSON for the workout editor's script",
    "api-schema": "the OpenAPI document (YAML)",
    "admin:jsi18n": "JavaScript",
    "admin:autocomplete": "JSON",
    "strava_webhook": "JSON for Strava's servers (its subscription check and events)",
    "admin:view_on_site": "a redirect to the object's own page",
}
API_PAGES = {"api-docs", "api-redoc"}  # the rest of api-* is the JSON REST API
# Routes no role of the walk ever gets a page from, and why (each must really only redirect).
REDIRECTS_ONLY = {
    "me": "a shortcut to one's own athlete page",
    "set_language": "the language form posts here; a GET only goes back",
    "account_set_password": "every demo user has a password: it sends them to change it",
    "account_confirm_login_code": "login by emailed code is off",
    "mfa_authenticate": "a step of the login itself (the walk's staff login goes through it)",
    "admin:login": "the admin signs in on the web form",
    "strava_callback": "Strava sends the browser back here: it connects, then goes on",
}


@dataclass(frozen=True)
class Route:
    """One named route: its full name (namespace included) and its parameter names."""

    name: str
    params: tuple[str, ...]

    @property
    def is_admin(self) -> bool:
        return self.name.startswith("admin:")


def _walk(patterns: list[Any], namespace: str) -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            params = tuple(pattern.pattern.regex.groupindex)
            for route in _walk(pattern.url_patterns, inner):
                yield Route(route.name, params + route.params)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield Route(namespace + pattern.name, tuple(pattern.pattern.regex.groupindex))


def page_routes() -> list[Route]:
    """Every named route that may be a page: all of them but the non-HTML ones."""
    routes = {route.name: route for route in _walk(get_resolver().url_patterns, "")}
    return [
        route
        for name, route in sorted(routes.items())
        if name not in NOT_PAGES and (not name.startswith("api-") or name in API_PAGES)
    ]


@dataclass
class SiteWorld:
    """The demo data (seed_demo) plus one object of every kind a page shows, and the value of
    every route parameter."""

    coach: User
    athlete: User
    staff: User
    totp_secret: str  # staff logs in with a second factor
    values: dict[str, Any]
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)

    def users(self) -> dict[str, User | None]:
        """The roles that walk the site; None is the anonymous visitor."""
        return {"anon": None, "athlete": self.athlete, "coach": self.coach, "staff": self.staff}

    def url(self, route: Route) -> str:
        """The route's address; fails naming the parameter when no value is known for it."""
        kwargs = {}
        for param in route.params:
            value = self.overrides.get(route.name, {}).get(param)
            value = value if value is not None else _admin_value(route, param)
            value = value if value is not None else self.values.get(param)
            assert value is not None, (
                f"no value for <{param}> of route {route.name!r}: add one in tests/site_pages.py"
            )
            kwargs[param] = value
        return reverse(route.name, kwargs=kwargs)


def _admin_value(route: Route, param: str) -> Any:
    """The id of the first object of the admin model a route belongs to."""
    if not route.is_admin or param != "object_id":
        return None
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if route.name.startswith(prefix):
            first = model._default_manager.order_by("pk").first()
            assert first is not None, f"{model._meta.label} has no object: add one to the world"
            return first.pk
    return None


def site_world() -> SiteWorld:
    """Seed the demo (two coaches, two athletes each) and add what it lacks."""
    # Metrics and links are computed on commit: run them inside a test's transaction too.
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("seed_demo", "--athletes", "2", stdout=io.StringIO())
    coach, athlete_user = User.objects.get(email=COACH), User.objects.get(email=ATHLETE)
    staff = User.objects.create_superuser(email=STAFF, password=PASSWORD)
    EmailAddress.objects.create(user=staff, email=STAFF, verified=True, primary=True)
    totp_secret = generate_totp_secret()
    TOTP.activate(staff, totp_secret)
    RecoveryCodes.activate(staff)
    athlete = Athlete.objects.get(user=athlete_user)
    _objects_for_the_admin(athlete)
    _wellness(athlete)
    return SiteWorld(
        coach=coach,
        athlete=athlete_user,
        staff=staff,
        totp_secret=totp_secret,
        values=_values(coach, athlete),
        overrides=_overrides(coach, athlete),
    )


def _values(coach: User, athlete: Athlete) -> dict[str, Any]:
    # The richest activity page: time in zones, and a planned session it was done for.
    activity = Activity.objects.filter(
        athlete=athlete, metrics__time_in_zone_s__has_key="hr", link__isnull=False
    ).latest("started_at")
    session = PlannedSession.objects.filter(athlete=athlete).latest("day")
    invitation, _token = invitation_create(
        invited_by=coach, email="new.athlete@demo.paceline.test", direction="coach_to_athlete"
    )
    return {
        "athlete_id": athlete.id,
        "activity_id": activity.id,
        "session_id": session.id,
        "day": session.day.isoformat(),
        "job_id": _import_job(athlete).id,
        "template_id": WorkoutTemplate.objects.filter(owner=coach).first().id,
        "kind": "activity",
        "object_id": activity.id,
        "comment_id": Comment.objects.filter(athlete=athlete).first().id,
        "link_id": Link.objects.filter(athlete=athlete).first().id,
        "copy_id": WeekCopy.objects.filter(coach=coach, athlete=athlete).first().id,
        "group_id": Group.objects.filter(coach=coach).first().id,
        "goal_id": athlete.goals.first().id,
        "row_id": athlete.thresholds.first().id,
        "zone_set_id": athlete.zone_sets.get(source=ZoneSet.Source.DEVICE).id,
        "relationship_id": CoachAthlete.objects.get(coach=coach, athlete=athlete).id,
        "invitation_id": invitation.id,
        "attempt_id": LoginAttempt.objects.filter(connection__athlete=athlete).first().id,
        "app_label": "athletes",
        "id": coach.id,
    }


def _overrides(coach: User, athlete: Athlete) -> dict[str, dict[str, Any]]:
    """Parameters whose name means something else on these routes."""
    _invitation, token = invitation_create(
        invited_by=User.objects.get(email=OTHER_COACH),
        email=athlete.user.email,
        direction="coach_to_athlete",
    )
    second = EmailAddress.objects.create(
        user=athlete.user, email="daniel.second@demo.paceline.test", verified=False
    )
    return {
        "zones_edit": {"sport": "run", "kind": "hr"},
        "invitation_respond": {"token": token},
        "account_confirm_email": {"key": EmailConfirmationHMAC(second).key},
        "account_reset_password_from_key": {
            "uidb36": user_pk_to_url_str(coach),
            "key": default_token_generator.make_token(coach),
        },
    }


def _import_job(athlete: Athlete) -> ImportJob:
    return ImportJob.objects.create(
        athlete=athlete, kind=ImportJob.Kind.FILES, archive="imports/x.zip", original_name="x.zip"
    )


def _garmin(athlete: Athlete) -> Connection:
    """A connected Garmin account: two runs (one failed), a raw payload, a sign-in waiting for
    its code."""
    connection = Connection(athlete=athlete, provider=Connection.Provider.GARMIN)
    connection.set_credentials({"tokens": '{"di_token": "x"}', "display_name": "daniel"})
    connection.save()
    done = SyncRun.objects.create(
        connection=connection,
        kind=SyncRun.Kind.BACKFILL,
        state=SyncRun.State.DONE,
        since=dt.date(2026, 9, 1),
        counts={"fetched": 12, "created": 10, "merged": 1, "skipped": 1, "failed": 0},
        done=4,
        total=4,
    )
    SyncRun.objects.create(
        connection=connection,
        kind=SyncRun.Kind.WELLNESS,
        state=SyncRun.State.FAILED,
        error="Garmin could not be reached: the next sync tries again.",
        errors=[{"item": "2026-11-02", "error": "no data"}],
    )
    RawPayload.objects.create(
        connection=connection, run=done, kind="activity", external_id="1", body={"id": 1},
        sha256="0" * 64,
    )  # fmt: skip
    LoginAttempt.objects.create(
        connection=connection,
        state=LoginAttempt.State.NEEDS_CODE,
        expires_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC),
    )
    return connection


def _strava(athlete: Athlete) -> Connection:
    """A connected Strava account with a backfill under way and one webhook event done."""
    connection = Connection(
        athlete=athlete, provider=Connection.Provider.STRAVA, external_user_id="1000001"
    )
    connection.set_credentials(
        {"access_token": "a", "refresh_token": "r", "expires_at": 0, "athlete_name": "Daniel"}
    )
    connection.save()
    SyncRun.objects.create(
        connection=connection,
        kind=SyncRun.Kind.BACKFILL,
        state=SyncRun.State.DONE,
        since=dt.date(2026, 10, 1),
        counts={"fetched": 3, "created": 3, "merged": 0, "skipped": 0, "failed": 0},
    )
    WebhookEvent.objects.create(
        provider=Connection.Provider.STRAVA,
        key="1" * 64,
        connection=connection,
        owner_id="1000001",
        object_type="activity",
        object_id="10000000000",
        aspect_type="create",
        state=WebhookEvent.State.DONE,
        event_time=dt.datetime(2026, 11, 2, 7, tzinfo=dt.UTC),
    )
    return connection


def _wellness(athlete: Athlete) -> None:
    """Three weeks of wellness up to today, shared with the coach (every chart and a flag)."""
    today = athlete.local_today()
    for n in range(21):
        WellnessDay.objects.update_or_create(
            athlete=athlete, day=today - dt.timedelta(days=n),
            defaults={"hrv_ms": 44.0 if n == 0 else 60.0 + n % 3, "hrv_weekly_ms": 59.0,
                      "hrv_baseline_low_ms": 52.0, "hrv_baseline_high_ms": 68.0,
                      "resting_hr_bpm": 48 + n % 2, "sleep_s": 26000, "sleep_score": 80,
                      "sleep_deep_s": 5000, "sleep_light_s": 14000, "sleep_rem_s": 6000,
                      "sleep_awake_s": 1000, "body_battery": 88, "body_battery_low": 22,
                      "stress": 30, "weight_kg": 71.5, "steps": 8000 + 100 * n},
        )  # fmt: skip
    wellness_sharing_set(by=athlete.user, athlete=athlete, shared=True)


def _objects_for_the_admin(athlete: Athlete) -> None:
    """One row of each admin model the demo does not fill (the admin walk opens one of each)."""
    activity_file_store(athlete=athlete, data=b"recording", filename="run.fit")
    zone_set_save(
        athlete=athlete,
        sport="run",
        kind="hr",
        valid_from=dt.date(2026, 1, 1),
        bounds=[130, 145, 160, 172],
        names=["Z1", "Z2", "Z3", "Z4", "Z5"],
        by=None,
    )
    zone_set_device_save(  # the zones a device counted: the thresholds page suggests them
        athlete=athlete,
        sport="ride",
        kind="power",
        valid_from=dt.date(2026, 1, 1),
        bounds=[150, 200],
    )
    WellnessDay.objects.create(athlete=athlete, day=dt.date(2026, 1, 5), resting_hr_bpm=48)
    _garmin(athlete)
    _strava(athlete)
    Token.objects.create(user=athlete.user)
    AuthGroup.objects.create(name="Operators")
    PendingLoad.objects.create(athlete=athlete, since=dt.date(2026, 1, 5))
    calendar_feed_regenerate(athlete=athlete)
    session = PlannedSession.objects.filter(athlete=athlete).first()
    activity = Activity.objects.filter(athlete=athlete).first()
    LinkRefusal.objects.create(session=session, activity=activity)
    thread_mark_read(user=athlete.user, activity=activity)
    coach = User.objects.get(email=COACH)
    AttentionSettings.objects.create(coach=coach, form_min=-25)
    attention_dismiss(coach=coach, athlete=athlete, kind="plan", fingerprint="2026-01-05")
    WeekCopy.objects.create(  # the undo of a week copy (a POST route) and its admin page
        coach=coach,
        athlete=athlete,
        week_start=session.day,
        to_week_start=session.day,
        mode=WeekCopy.Mode.MERGE,
    )


def totp_code(secret: str) -> str:
    """The authenticator app's code of this moment — of the next 30 s period when this one ends
    within two seconds, so that the code is still valid when the server checks it."""
    left = 30 - time.time() % 30
    if left < 2:
        time.sleep(left)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def login_session(world: SiteWorld, user: User) -> str:
    """The session key of a real login through allauth's forms (the second factor too, for
    staff), confirmed once more with the password: the two-factor settings open only to a
    visitor who has just re-entered it."""
    client = Client()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    if user == world.staff:
        client.post(reverse("mfa_authenticate"), {"code": totp_code(world.totp_secret)})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.session.get(SESSION_KEY) == str(user.pk), f"{user.email} could not log in"
    return client.session.session_key


def session_copy(session_key: str) -> str:
    """A new session holding the same login: a page that logs its visitor out (another user's
    email confirmation or password reset link) ends that copy only."""
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    copy = store()
    copy.update(store(session_key).load())
    copy.save()
    return copy.session_key


def client_with(session_key: str | None) -> Client:
    """A test client in a copy of that session (anonymous for None)."""
    client = Client()
    if session_key is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = session_copy(session_key)
    return client


@dataclass(frozen=True)
class Answer:
    """What one role got from one route."""

    role: str
    route: str
    url: str
    status: int
    content_type: str
    policy: str | None  # the Content-Security-Policy header
    body: str

    @property
    def is_page(self) -> bool:
        """A rendered page or page part (HTML with a 200)."""
        return self.status == 200 and self.content_type.startswith("text/html")

    @property
    def is_document(self) -> bool:
        """A whole HTML document, not a partial for htmx."""
        return self.content_type.startswith("text/html") and "<html" in self.body[:1000].lower()


def walk(world: SiteWorld) -> list[Answer]:
    """GET every page route as every role (the admin as staff and anonymous only), each in a
    fresh copy of the role's login."""
    sessions = {
        role: None if user is None else login_session(world, user)
        for role, user in world.users().items()
    }
    answers = []
    for route in page_routes():
        url = world.url(route)
        for role, session_key in sessions.items():
            if route.is_admin and role not in ("staff", "anon"):
                continue
            response = client_with(session_key).get(url)
            answers.append(
                Answer(
                    role=role,
                    route=route.name,
                    url=url,
                    status=response.status_code,
                    content_type=response.get("Content-Type", ""),
                    policy=response.get("Content-Security-Policy"),
                    body=response.content.decode(errors="replace"),
                )
            )
    return answers
