"""Daily wellness values (sleep, HRV, resting heart rate…) written from exports and providers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from activities.types import Outcome
from athletes.models import Athlete, WellnessDay

VALUE_FIELDS = frozenset(
    {
        "sleep_s",
        "sleep_score",
        "sleep_deep_s",
        "sleep_light_s",
        "sleep_rem_s",
        "sleep_awake_s",
        "hrv_ms",
        "hrv_weekly_ms",
        "hrv_baseline_low_ms",
        "hrv_baseline_high_ms",
        "resting_hr_bpm",
        "body_battery",
        "body_battery_low",
        "stress",
        "readiness",
        "weight_kg",
        "steps",
    }
)


def wellness_upsert(
    *, athlete: Athlete, day: dt.date, source: str, **values: Any
) -> tuple[WellnessDay, Outcome]:
    """Create or update one athlete-local day; None values never erase a known one.

    `source` (the provider of the values) is recorded when the day's row is created.

    `raw` (a dict) is merged key by key into the stored raw JSON. Returns the row and CREATED,
    MERGED (a value changed) or SKIPPED (nothing new): running an import twice changes nothing.
    """
    raw = values.pop("raw", None) or {}
    unknown = set(values) - VALUE_FIELDS
    if unknown:
        raise TypeError(f"unknown wellness values: {sorted(unknown)}")
    with transaction.atomic():
        row, created = WellnessDay.objects.select_for_update().get_or_create(
            athlete=athlete, day=day, defaults={"source": source}
        )
        changed = _apply(row, {k: v for k, v in values.items() if v is not None}, raw)
        if created or changed:
            row.save()
    if created:
        return row, Outcome.CREATED
    return row, Outcome.MERGED if changed else Outcome.SKIPPED


def _apply(row: WellnessDay, values: dict[str, Any], raw: dict[str, Any]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    merged = {**row.raw, **raw}
    if merged != row.raw:
        row.raw = merged
        changed = True
    return changed
