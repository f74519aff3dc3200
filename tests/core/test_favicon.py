"""The site's icon: admin pages and our pages link one that answers 200, and /favicon.ico (what
browsers and clients ask for without a link) answers too — no 404 in the admin's console."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from athletes.models import Athlete

pytestmark = pytest.mark.django_db
ICON_LINK = re.compile(r'<link rel="icon" href="([^"]+)"')


def _icon_href(html: str) -> str:
    match = ICON_LINK.search(html)
    assert match is not None, "the page links no icon: browsers then ask for /favicon.ico"
    return match.group(1)


@pytest.mark.parametrize("page", ["admin:index", "admin:activities_activity_changelist"])
def test_admin_pages_link_an_icon_that_is_served(staff_client: Client, page: str) -> None:
    href = _icon_href(staff_client.get(reverse(page)).content.decode())

    icon = Client().get(href)

    assert icon.status_code == 200
    assert icon["Content-Type"] == "image/svg+xml"
    assert b"<svg" in icon.content


def test_site_pages_link_the_same_icon(client: Client, athlete: Athlete) -> None:
    client.force_login(athlete.user)

    href = _icon_href(client.get(reverse("athlete_detail", args=[athlete.id])).content.decode())

    assert href == reverse("favicon")


def test_favicon_ico_answers_for_clients_that_ask_by_convention(client: Client) -> None:
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert "max-age=86400" in response["Cache-Control"]
