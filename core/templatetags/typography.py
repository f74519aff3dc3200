"""Punctuation in the active language: thin wrappers around core.l10n."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from core import l10n

register = template.Library()


@register.simple_tag
def colon() -> str:
    """The colon after a label: ":" in English, a non-breaking space and ":" in French."""
    return l10n.colon(get_language())
