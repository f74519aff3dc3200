"""Writes of effective-dated thresholds and custom zone sets.

A thresholds row holds the values that change on `valid_from`; values it leaves empty are
carried forward from the previous row in force (see athletes/selectors/thresholds.py).
Every write publishes `ThresholdsChanged` from its `valid_from` in its transaction
(`core.outbox`): what was computed with the old values is recomputed (config/wiring.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from athletes.models import Athlete, Thresholds, User, ZoneSet
from athletes.selectors.thresholds import THRESHOLD_FIELDS, values_from_rows
from athletes.zones import zones_from_bounds
from core.events import ThresholdsChanged
from core.outbox import publish
from core.ranges import THRESHOLDS, ZONE_BOUNDS
from core.sports import THRESHOLD_SPORTS


def _check_sport(sport: str) -> None:
    if sport not in THRESHOLD_SPORTS:
        raise ValidationError({"sport": _("Thresholds are kept for run, ride, swim and other.")})


def _range_errors(values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, value in values.items():
        limits = THRESHOLDS[name]
        if value is not None and not limits.contains(value):
            errors[name] = _("Enter a value between %(low)s and %(high)s.") % {
                "low": f"{limits.low:g}",
                "high": f"{limits.high:g}",
            }
    return errors


def _consistency_errors(effective: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    hr_max = effective.get("hr_max_bpm")
    if hr_max is None:
        return errors
    if effective.get("hr_rest_bpm") is not None and effective["hr_rest_bpm"] >= hr_max:
        errors["hr_rest_bpm"] = _("Resting heart rate must be below max heart rate.")
    if effective.get("lthr_bpm") is not None and effective["lthr_bpm"] >= hr_max:
        errors["lthr_bpm"] = _("Threshold heart rate must be below max heart rate.")
    return errors


def _effective(
    athlete: Athlete, sport: str, valid_from: dt.date, row: dict[str, Any]
) -> dict[str, Any]:
    """The row's values with the older rows' values carried forward (what will be in force)."""
    older = Thresholds.objects.filter(athlete=athlete, sport=sport, valid_from__lt=valid_from)
    previous = values_from_rows(older, sport=sport, fallback=False)
    carried = {n: getattr(previous, n) for n in THRESHOLD_FIELDS} if previous else {}
    return {n: row[n] if row[n] is not None else carried.get(n) for n in THRESHOLD_FIELDS}


def _validated(
    athlete: Athlete, sport: str, valid_from: dt.date, values: dict[str, Any]
) -> dict[str, Any]:
    unknown = set(values) - set(THRESHOLD_FIELDS)
    if unknown:
        raise TypeError(f"unknown thresholds: {sorted(unknown)}")
    _check_sport(sport)
    row = {name: values.get(name) for name in THRESHOLD_FIELDS}
    if all(value is None for value in row.values()):
        raise ValidationError({NON_FIELD_ERRORS: [_("Enter at least one threshold.")]})
    errors = _range_errors(row) or _consistency_errors(_effective(athlete, sport, valid_from, row))
    if errors:
        raise ValidationError(errors)
    return row


@transaction.atomic
def thresholds_set(
    *, athlete: Athlete, sport: str, valid_from: dt.date, by: User | None, **values: Any
) -> Thresholds:
    """Create or replace the thresholds row of (athlete, sport, valid_from).

    Values not given are stored empty and carried forward from the previous row in force.
    Raises ValidationError on implausible values (`core.ranges.THRESHOLDS`: HR 25-250 bpm,
    FTP 30-2000 W, threshold speed 0.5-10 m/s, CSS 0.3-3 m/s; rest and LTHR below max),
    checked after carry-forward.
    """
    row = _validated(athlete, sport, valid_from, values)
    # Editing an estimated row (same day) makes it an entered one, like confirming it.
    entered: dict[str, Any] = {"source": Thresholds.Source.ENTERED, "basis": {}, "created_by": by}
    thresholds, _created = Thresholds.objects.update_or_create(
        athlete=athlete, sport=sport, valid_from=valid_from, defaults={**row, **entered}
    )
    publish(ThresholdsChanged(athlete_id=athlete.id, sport=sport, since=valid_from))
    return thresholds


@transaction.atomic
def thresholds_confirm(*, row: Thresholds, by: User | None) -> Thresholds:
    """Confirm an estimated row: it becomes an entered row with the same values (and the
    metrics computed with it are recomputed: `ThresholdsChanged`). An entered row: unchanged."""
    if not row.estimated:
        return row
    row.source, row.created_by = Thresholds.Source.ENTERED, by
    row.save(update_fields=["source", "created_by"])
    publish(ThresholdsChanged(athlete_id=row.athlete_id, sport=row.sport, since=row.valid_from))
    return row


def _same(
    row: Thresholds, valid_from: dt.date, values: dict[str, Any], basis: dict[str, Any]
) -> bool:
    same_values = all(getattr(row, name) == values[name] for name in THRESHOLD_FIELDS)
    return same_values and row.valid_from == valid_from and row.basis == basis


@transaction.atomic
def thresholds_estimate_save(
    *,
    athlete: Athlete,
    sport: str,
    valid_from: dt.date,
    values: dict[str, Any],
    basis: dict[str, Any],
) -> Thresholds | None:
    """Store the estimated thresholds of a sport that has no entered row, replacing an older
    estimate; None (nothing written, nothing published) when the sport has an entered row,
    the values are not plausible, or the same estimate is already stored (idempotent)."""
    _check_sport(sport)
    # The athlete row serialises two estimates of the same athlete (no row to lock yet).
    Athlete.objects.select_for_update().filter(id=athlete.id).first()
    rows = list(Thresholds.objects.filter(athlete=athlete, sport=sport))
    row = {name: values.get(name) for name in THRESHOLD_FIELDS}
    if any(not r.estimated for r in rows) or _range_errors(row) or _consistency_errors(row):
        return None
    if len(rows) == 1 and _same(rows[0], valid_from, row, basis):
        return None
    since = min([valid_from, *(r.valid_from for r in rows)])
    Thresholds.objects.filter(id__in=[r.id for r in rows]).delete()
    estimated = Thresholds.objects.create(
        athlete=athlete,
        sport=sport,
        valid_from=valid_from,
        source=Thresholds.Source.ESTIMATED,
        basis=basis,
        **row,
    )
    publish(ThresholdsChanged(athlete_id=athlete.id, sport=sport, since=since))
    return estimated


@transaction.atomic
def thresholds_delete(*, row: Thresholds) -> None:
    """Delete one thresholds row; the previous row is in force again from its date."""
    athlete_id, sport, since = row.athlete_id, row.sport, row.valid_from
    row.delete()
    publish(ThresholdsChanged(athlete_id=athlete_id, sport=sport, since=since))


def _zone_errors(kind: str, bounds: Sequence[float], names: Sequence[str]) -> dict[str, str]:
    if kind not in ZoneSet.Kind.values:
        return {"kind": _("Unknown zone kind.")}
    if len(names) < 2 or any(not name.strip() for name in names):
        return {"names": _("Name at least two zones.")}
    limits = ZONE_BOUNDS[kind]
    if not all(limits.contains(bound) for bound in bounds):
        return {"bounds": _("A zone boundary is out of the plausible range.")}
    try:
        zones_from_bounds(bounds, names)
    except ValueError:
        return {"bounds": _("Zone boundaries must increase from one zone to the next.")}
    return {}


@transaction.atomic
def zone_set_save(
    *,
    athlete: Athlete,
    sport: str,
    kind: str,
    valid_from: dt.date,
    bounds: Sequence[float],
    names: Sequence[str],
    by: User | None,
) -> ZoneSet:
    """Create or replace the custom zones of (athlete, sport, kind) in force from `valid_from`.

    `bounds` are the lower bounds (SI: bpm, W, m/s) of every zone above the first, ascending;
    `names` one label per zone. A custom set in force wins over derived zones.
    """
    _check_sport(sport)
    errors = _zone_errors(kind, bounds, names)
    if errors:
        raise ValidationError(errors)
    zone_set, _created = ZoneSet.objects.update_or_create(
        athlete=athlete,
        sport=sport,
        kind=kind,
        valid_from=valid_from,
        defaults={
            "bounds": [float(b) for b in bounds],
            "names": [n.strip() for n in names],
            "source": ZoneSet.Source.ENTERED,
            "created_by": by,
        },
    )
    publish(ThresholdsChanged(athlete_id=athlete.id, sport=sport, since=valid_from))
    return zone_set


def device_zone_names(count: int) -> list[str]:
    """Z1…Zn, the labels devices show."""
    return [f"Z{number}" for number in range(1, count + 1)]


@transaction.atomic
def zone_set_device_save(
    *, athlete: Athlete, sport: str, kind: str, valid_from: dt.date, bounds: Sequence[float]
) -> ZoneSet | None:
    """Store the zones a device counted time in for (sport, kind), replacing an older device
    set; None (nothing written, nothing published) when zones were entered for them, the
    bounds are not plausible, or the same set is already stored (idempotent)."""
    _check_sport(sport)
    names = device_zone_names(len(bounds) + 1)
    if _zone_errors(kind, bounds, names):
        return None
    # The athlete row serialises two imports of the same athlete (no row to lock yet).
    Athlete.objects.select_for_update().filter(id=athlete.id).first()
    rows = list(ZoneSet.objects.filter(athlete=athlete, sport=sport, kind=kind))
    if any(not row.from_device for row in rows):
        return None
    stored = [float(b) for b in bounds]
    if len(rows) == 1 and rows[0].bounds == stored and rows[0].valid_from == valid_from:
        return None
    since = min([valid_from, *(row.valid_from for row in rows)])
    ZoneSet.objects.filter(id__in=[row.id for row in rows]).delete()
    zone_set = ZoneSet.objects.create(
        athlete=athlete,
        sport=sport,
        kind=kind,
        valid_from=valid_from,
        bounds=stored,
        names=names,
        source=ZoneSet.Source.DEVICE,
    )
    publish(ThresholdsChanged(athlete_id=athlete.id, sport=sport, since=since))
    return zone_set


def zone_set_confirm(*, zone_set: ZoneSet, by: User | None) -> ZoneSet:
    """Keep a device's zones as entered ones (same bounds: nothing to recompute); an entered
    set is unchanged."""
    if zone_set.from_device:
        zone_set.source, zone_set.created_by = ZoneSet.Source.ENTERED, by
        zone_set.save(update_fields=["source", "created_by"])
    return zone_set


@transaction.atomic
def zone_set_delete(*, zone_set: ZoneSet) -> None:
    """Delete a custom zone set: the zones revert to derived ones (or an older custom set)."""
    athlete_id, sport, since = zone_set.athlete_id, zone_set.sport, zone_set.valid_from
    zone_set.delete()
    publish(ThresholdsChanged(athlete_id=athlete_id, sport=sport, since=since))
