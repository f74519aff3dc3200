"""`{% invitation_banner %}`: on the login and signup pages, who invites the visitor and what
accepting means, for the invitation this browser opened (athletes.adapters)."""

from __future__ import annotations

from typing import Any

from django import template

from athletes.adapters import session_invitation

register = template.Library()


@register.inclusion_tag("athletes/partials/_invitation_banner.html", takes_context=True)
def invitation_banner(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    return {"invitation": session_invitation(request) if request is not None else None}
