"""Writes of the attention queue: a coach dismisses or snoozes an item, edits thresholds."""

from __future__ import annotations

import datetime as dt
from typing import Any

from athletes.models import Athlete
from coaching.models import AttentionDismissal


def attention_dismiss(
    *, coach: Any, athlete: Athlete, kind: str, fingerprint: str, until: dt.date | None = None
) -> AttentionDismissal:
    """Hide the item of `kind` of this athlete while its state is `fingerprint`: for good
    (`until` None) or until that day (a snooze). Replaces the coach's earlier one of the kind."""
    dismissal, _ = AttentionDismissal.objects.update_or_create(
        coach=coach,
        athlete=athlete,
        kind=kind,
        defaults={"fingerprint": fingerprint, "until": until},
    )
    return dismissal
