"""Django admin (operators only: staff, the Django default): the outbox's messages, and what
every app's admin shares — read-only admins for rows the system writes, and large JSON shown
indented and cut to a bound, never as an editable text area."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core import outbox
from core.models import OutboxMessage

JSON_PREVIEW_LINES = 40
JSON_PREVIEW_CHARS = 3000


def json_preview(value: Any) -> SafeString:
    """`value` as indented JSON in a <pre>: its first JSON_PREVIEW_LINES lines, at most
    JSON_PREVIEW_CHARS characters, and how much was left out."""
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    shown = "\n".join(text.splitlines()[:JSON_PREVIEW_LINES])[:JSON_PREVIEW_CHARS]
    if shown == text:
        return format_html("<pre>{}</pre>", text)
    note = gettext("%(shown)s of %(total)s characters shown") % {
        "shown": len(shown),
        "total": len(text),
    }
    return format_html('<pre>{}\n…</pre><p class="help">{}</p>', shown, note)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Rows only the system writes (derived data, delivery state): viewed, never added or
    edited by hand; deletable unless a subclass says otherwise."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """Follow-up work in flight. Never deleted here: a pending message is work not yet done
    (the sweep forgets done messages itself)."""

    list_display = ("id", "topic", "subscriber", "state", "attempts", "available_at")
    list_filter = ("state", "topic", "subscriber")
    search_fields = ("subscriber", "topic", "key", "batch", "error")
    date_hierarchy = "created_at"
    fields = (
        ("topic", "subscriber"),
        ("state", "attempts"),
        "payload_preview",
        ("key", "batch"),
        ("created_at", "available_at", "lease_until", "done_at"),
        "error",
    )
    readonly_fields = ("payload_preview",)
    actions = ("send_now",)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("payload"))
    def payload_preview(self, obj: OutboxMessage) -> SafeString:
        return json_preview(obj.payload)

    @admin.action(description=_("Send the selected pending messages now"), permissions=["view"])
    def send_now(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        """What the sweep does for due messages, for these ones now (only pending ones go)."""
        sent = outbox.deliver(queryset.values_list("id", flat=True))
        message = ngettext("%(count)d message sent.", "%(count)d messages sent.", sent)
        self.message_user(request, message % {"count": sent}, messages.SUCCESS)
