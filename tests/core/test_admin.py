"""The outbox in the admin: messages are read, sent again on demand, never edited or deleted;
large JSON anywhere in the admin is shown escaped and cut."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from athletes.models import User
from athletes.services.invitations import invitation_create
from core.admin import JSON_PREVIEW_CHARS, JSON_PREVIEW_LINES, json_preview
from core.models import OutboxMessage

Commit = Callable[..., Any]
CHANGELIST = reverse("admin:core_outboxmessage_changelist")


@pytest.fixture
def undelivered(coach: User, django_capture_on_commit_callbacks: Commit) -> OutboxMessage:
    """An invitation email whose after-commit send never happened (as when Redis was away)."""
    with django_capture_on_commit_callbacks(execute=False):
        invitation_create(invited_by=coach, email="new@example.test", direction="coach_to_athlete")
    message = OutboxMessage.objects.get()
    message.available_at = timezone.now() + dt.timedelta(hours=1)  # the sweep would wait
    message.save()
    return message


def test_send_now_delivers_the_selected_pending_messages_at_once(
    staff_client: Client, undelivered: OutboxMessage
) -> None:
    response = staff_client.post(
        CHANGELIST,
        {"action": "send_now", admin.helpers.ACTION_CHECKBOX_NAME: [undelivered.pk]},
        follow=True,
    )
    undelivered.refresh_from_db()
    assert undelivered.state == OutboxMessage.State.DONE
    assert [message.to for message in mail.outbox] == [["new@example.test"]]
    assert "1 message sent." in response.content.decode()


def test_send_now_leaves_failed_messages_alone(
    staff_client: Client, undelivered: OutboxMessage
) -> None:
    OutboxMessage.objects.filter(pk=undelivered.pk).update(state=OutboxMessage.State.FAILED)
    staff_client.post(
        CHANGELIST, {"action": "send_now", admin.helpers.ACTION_CHECKBOX_NAME: [undelivered.pk]}
    )
    undelivered.refresh_from_db()
    assert undelivered.state == OutboxMessage.State.FAILED
    assert mail.outbox == []


def test_outbox_messages_are_never_edited_nor_deleted_in_the_admin(
    staff_client: Client, undelivered: OutboxMessage
) -> None:
    change = reverse("admin:core_outboxmessage_change", args=[undelivered.pk])
    delete = reverse("admin:core_outboxmessage_delete", args=[undelivered.pk])
    html = staff_client.get(change).content.decode()
    assert staff_client.post(change, {"state": "done"}).status_code == 403
    assert staff_client.get(delete).status_code == 403
    assert 'name="payload"' not in html
    assert "&quot;invitation_id&quot;" in html  # the payload, shown read-only
    undelivered.refresh_from_db()
    assert undelivered.state == OutboxMessage.State.PENDING


def test_json_is_shown_whole_and_escaped_when_short() -> None:
    html = json_preview({"name": "<script>alert(1)</script>", "laps": [1, 2]})
    assert html.startswith("<pre>{\n")
    assert "&lt;script&gt;" in html
    assert "<script>" not in html
    assert "characters shown" not in html


@pytest.mark.parametrize(
    ("value", "kept", "cut"),
    [
        (list(range(1000)), "  38,", "  39,"),  # many short lines: the first lines only
        (["x" * 5000], "x" * 100, "x" * 3000),  # one long line: its first characters only
    ],
)
def test_json_is_cut_by_lines_and_by_characters(value: object, kept: str, cut: str) -> None:
    html = json_preview(value)
    assert kept in html
    assert cut not in html
    assert len(html) < JSON_PREVIEW_CHARS + 200
    assert html.count("\n") <= JSON_PREVIEW_LINES + 1
    assert "characters shown" in html
