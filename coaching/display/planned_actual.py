"""The planned-vs-actual table as text, the same for the page and its CSV download: values in
the metric's display unit (time h:mm, distance km or mi, distance-equivalent km, load and
TRIMP as numbers), % done of planned, and bar widths for the inline SVG. No query."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coaching.selectors.planned_actual import Cell, MetricKey, PlannedActual
from core.units import distance_unit, is_finite_number, metres_per_distance_unit

EMPTY = "—"
METRIC_LABELS: dict[MetricKey, Promise] = {
    "time": gettext_lazy("Time"),
    "distance": gettext_lazy("Distance"),
    "disteq": gettext_lazy("Distance-equivalent"),
    "load": gettext_lazy("Load"),
    "trimp": gettext_lazy("TRIMP"),
}


def unit_of(metric: MetricKey, units: str) -> str:
    """The unit the metric is shown in."""
    return {
        "time": "h:mm",
        "distance": distance_unit(units),
        "disteq": "km",
        "load": _("load"),
        "trimp": "TRIMP",
    }[metric]


def format_value(value: float | None, metric: MetricKey, units: str) -> str:
    """One value (SI) in the metric's display unit; "—" when unknown (or not a finite
    number: a sum over absurd stored values)."""
    if not is_finite_number(value):
        return EMPTY
    if metric == "time":
        minutes = round(value / 60)
        return f"{minutes // 60}:{minutes % 60:02d}"
    if metric == "distance":
        return f"{value / metres_per_distance_unit(units):.1f}"
    if metric == "disteq":
        return f"{value:.1f}"
    return f"{value:.0f}"


def format_percent(cell: Cell) -> str:
    percent = cell.percent
    return f"{percent:.0f}%" if is_finite_number(percent) else EMPTY


@dataclass(frozen=True, slots=True)
class Bar:
    """A pair of bars, planned and done, as widths in % of the largest value shown."""

    label: str
    planned_w: float
    done_w: float
    planned: str
    done: str
    percent: str


def _bar(label: str, cell: Cell, peak: float, metric: MetricKey, units: str) -> Bar:
    planned_w, done_w = _width(cell.planned, peak), _width(cell.done, peak)
    planned, done, percent = _trio(cell, metric, units)
    return Bar(label, planned_w, done_w, planned, done, percent)


def _width(value: float | None, peak: float) -> float:
    """`value` in % of `peak`, 0 when either is unknown, zero or not finite."""
    if not (is_finite_number(value) and is_finite_number(peak)) or peak <= 0:
        return 0.0
    return 100.0 * value / peak


def bars(data: PlannedActual, *, units: str, one: bool) -> list[Bar]:
    """One athlete: a bar pair per bucket; several: one per athlete (their totals)."""
    if one:
        cells = data.rows[0].cells
        peak = data.bucket_peak
        labels = [start.isoformat() for start in data.buckets]
        return [_bar(lb, c, peak, data.metric, units) for lb, c in zip(labels, cells, strict=True)]
    return [_bar(str(r.athlete), r.total, data.peak, data.metric, units) for r in data.rows]


@dataclass(frozen=True, slots=True)
class TableRow:
    label: str
    athlete_id: int | None
    values: list[str]
    is_total: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """`columns` above the values (the CSV's header); `groups` label each planned/done/% trio
    of a many-athlete table (none for one athlete: one row per bucket)."""

    columns: list[str]
    groups: list[str]
    rows: list[TableRow]


def _trio(cell: Cell, metric: MetricKey, units: str) -> list[str]:
    return [
        format_value(cell.planned, metric, units),
        format_value(cell.done, metric, units),
        format_percent(cell),
    ]


def _headers(unit: str) -> list[str]:
    return [_("Planned (%(unit)s)") % {"unit": unit}, _("Done (%(unit)s)") % {"unit": unit}, "%"]


def table_one(data: PlannedActual, *, units: str) -> Table:
    """One athlete: a row per bucket, then the total."""
    row = data.rows[0]
    period = _("Week of") if data.bucket == "week" else _("Day")
    columns = [period, *_headers(unit_of(data.metric, units))]
    rows = [
        TableRow(start.isoformat(), None, _trio(cell, data.metric, units))
        for start, cell in zip(data.buckets, row.cells, strict=True)
    ]
    rows.append(TableRow(_("Total"), None, _trio(row.total, data.metric, units), is_total=True))
    return Table(columns, [], rows)


def table_many(data: PlannedActual, *, units: str) -> Table:
    """Several athletes: a row per athlete, a planned/done/% trio per bucket, then the total."""
    unit = unit_of(data.metric, units)
    groups = [start.isoformat() for start in data.buckets] + [_("Total")]
    columns = [_("Athlete")] + [f"{g} {h}" for g in groups for h in _headers(unit)]
    rows = [
        TableRow(
            str(row.athlete),
            row.athlete.id,
            [v for cell in [*row.cells, row.total] for v in _trio(cell, data.metric, units)],
        )
        for row in data.rows
    ]
    return Table(columns, groups, rows)


def table_csv(table: Table) -> str:
    """The table as CSV text (header row first)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([row.label, *row.values])
    return out.getvalue()
