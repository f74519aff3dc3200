"""The Django admin as a whole: every model of our apps is in it, every changelist and change
page opens for staff at a fixed number of queries, no page shows a secret, values read in their
units and large JSON is bounded. App-specific admin behaviour is tested beside each app."""

from __future__ import annotations

from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib import admin
from django.db import connection as db_connection
from django.db import models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries
from rest_framework.authtoken.models import Token

from activities.models import Activity, ActivityFile, ActivitySource, ImportJob, Streams
from athletes.models import Goal, Invitation, WellnessDay
from coaching.models import CalendarFeed, PlannedSession, WorkoutTemplate
from integrations.models import Connection
from tests.admin_world import CALENDAR_TOKEN, EMAIL_TOKEN, TOTP_SECRET, admin_rows

ROOT = Path(__file__).resolve().parent.parent
REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
IDS = [model._meta.label for model, _ in REGISTERED]
# Models of our apps that must stay out of the admin, each with the reason. None so far.
NOT_IN_THE_ADMIN: dict[str, str] = {
    "integrations.LoginAttempt": "holds a password or a pending MFA state for minutes at most",
    "activities.ImportChunk": "a running job's share of work, shown through its ImportJob",
}


def _url(model: type[models.Model], view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _latest(model: type[models.Model]) -> models.Model:
    latest = model._default_manager.order_by("-pk").first()
    assert latest is not None, f"tests/admin_world.py makes no {model._meta.label}"
    return latest


def test_every_model_of_our_apps_is_in_the_admin() -> None:
    ours = [
        model
        for model in apps.get_models()
        if Path(model._meta.app_config.path).parent == ROOT  # our apps, not installed packages
    ]
    missing = [
        model._meta.label
        for model in ours
        if not admin.site.is_registered(model) and model._meta.label not in NOT_IN_THE_ADMIN
    ]
    assert {model._meta.app_label for model in ours} == {
        "core",
        "athletes",
        "activities",
        "analytics",
        "coaching",
        "integrations",
    }
    assert missing == []


def _queries(client: Client, url: str) -> tuple[int, int | None]:
    """The number of queries of a GET (which must answer 200), and the rows it lists."""
    with CaptureQueriesContext(db_connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    changelist = response.context.get("cl")
    return len(queries), None if changelist is None else changelist.result_count


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=IDS)
def test_changelist_and_change_page_cost_the_same_queries_for_few_or_many_rows(
    model: type[models.Model],
    model_admin: admin.ModelAdmin,
    staff_client: Client,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    changelist = _url(model, "changelist")
    admin_rows(1, children=1)
    change = _url(model, "change", _latest(model).pk)
    for url in (changelist, change):  # once first: what Django caches per process is cached
        _queries(staff_client, url)
    listed, few_rows = _queries(staff_client, changelist)
    changed, _rows = _queries(staff_client, change)

    admin_rows(4, children=5)  # more rows, and more children of each
    change = _url(model, "change", _latest(model).pk)
    with django_assert_max_num_queries(listed):
        _count, many_rows = _queries(staff_client, changelist)
    with django_assert_max_num_queries(changed):
        _queries(staff_client, change)
    assert many_rows is not None and few_rows is not None and many_rows > few_rows


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=IDS)
def test_every_add_page_opens_for_staff_unless_adding_is_disabled(
    model: type[models.Model], model_admin: admin.ModelAdmin, staff_client: Client
) -> None:
    response = staff_client.get(_url(model, "add"))
    request = response.wsgi_request
    assert response.status_code == (200 if model_admin.has_add_permission(request) else 403)


def _secrets() -> list[str]:
    """Every secret of the admin world, in clear and as stored."""
    connection = _latest(Connection)
    assert isinstance(connection, Connection)
    stored = [
        *Token.objects.values_list("key", flat=True),
        *Invitation.objects.values_list("token_hash", flat=True),
        *CalendarFeed.objects.values_list("token_hash", flat=True),
        *(str(data["secret"]) for data in Authenticator.objects.values_list("data", flat=True)),
    ]
    return [
        CALENDAR_TOKEN,
        EMAIL_TOKEN,
        TOTP_SECRET,
        *connection.credentials_dict.values(),
        *stored,
    ]


def test_no_admin_page_shows_a_secret_nor_a_field_to_edit_one(staff_client: Client) -> None:
    admin_rows(2, children=2)
    secrets = _secrets()
    shown = []
    for model, _model_admin in REGISTERED:
        for url in (_url(model, "changelist"), _url(model, "change", _latest(model).pk)):
            html = staff_client.get(url).content.decode()
            shown += [(url, secret) for secret in secrets if secret in html]
            for field in ("credentials", "token", "token_hash", "email_token", "data", "key"):
                if f'name="{field}"' in html:
                    shown.append((url, f"a {field} field"))
    assert len(secrets) > 10
    assert shown == []


UNITS = [
    (Activity, ["1:00:00", "12.3 km", "4:53 /km"]),
    (Goal, ["42.2 km", "3:15:00"]),
    (WellnessDay, ["7:30:00"]),
    (ActivityFile, ["32\xa0bytes"]),
    (ImportJob, ["3.3\xa0MB", "1/1"]),
    (Streams, ["bytes"]),
    (PlannedSession, ["0:45:00", "9 km", "55"]),
    (WorkoutTemplate, ["0:45:00"]),
]


@pytest.mark.parametrize(("model", "texts"), UNITS, ids=[m._meta.label for m, _ in UNITS])
def test_changelists_show_values_in_their_units(
    staff_client: Client, model: type[models.Model], texts: list[str]
) -> None:
    admin_rows(1, children=1)
    html = staff_client.get(_url(model, "changelist")).content.decode()
    assert [text for text in texts if text not in html] == []


def test_large_json_is_shown_read_only_and_cut(staff_client: Client) -> None:
    admin_rows(1, children=1)
    source = _latest(ActivitySource)
    html = staff_client.get(_url(ActivitySource, "change", source.pk)).content.decode()
    assert "&quot;records&quot;: [" in html
    assert "1999" not in html  # the payload's last records are cut
    assert "characters shown" in html
    assert 'name="raw"' not in html
    assert 'name="summary"' not in html


def test_the_admin_names_paceline(staff_client: Client) -> None:
    html = staff_client.get(reverse("admin:index")).content.decode()
    assert "<title>Paceline data and operations | Paceline admin</title>" in html
    assert "Paceline administration" in html
