"""SVG chart geometry for the analytics pages: scales, nice ticks, line paths, bars. Pure maths.

Every chart is drawn in a fixed viewBox (`Frame`, user units) that the browser scales to the
width of its box. Pages draw each chart twice, in a wide frame (640 units) and a narrow, taller
one (360 units) that CSS shows instead in boxes narrower than 30rem (a 390 px phone), so that
the plot keeps its height and labels read at about 12 px; the wide frame's text size follows its
box's width (container queries in static/css/app.css). The date axis gets one tick per ~75 units
at most, so labels never collide. Nothing here knows Django: templates turn the geometry into
``<svg>`` markup with translated titles.

Conventions: x grows to the right, y grows downwards (SVG); a NaN value breaks a line; numbers
in labels use ``decimal_sep`` (the template layer passes the active language's).
"""

from __future__ import annotations

from analytics.charts.axes import (
    MAX_TICKS,
    DayTick,
    Frame,
    Scale,
    Tick,
    day_ticks,
    duration_label,
    duration_ticks,
    nice_domain,
    nice_step,
    number_label,
    value_ticks,
)
from analytics.charts.pages import (
    BARS_FRAME,
    BARS_NARROW,
    CURVE_FRAME,
    CURVE_NARROW,
    LINES_FRAME,
    LINES_NARROW,
    RATIO_FRAME,
    RATIO_NARROW,
    CurveChart,
    DayAxis,
    DayChart,
    bars_chart,
    curve_chart,
    lines_chart,
    range_chart,
    ratio_chart,
    stacked_chart,
)
from analytics.charts.shapes import (
    Band,
    Bar,
    Marker,
    area_path,
    bands,
    bars,
    line_path,
    stacked_bars,
)

__all__ = [
    "BARS_FRAME",
    "BARS_NARROW",
    "CURVE_FRAME",
    "CURVE_NARROW",
    "LINES_FRAME",
    "LINES_NARROW",
    "MAX_TICKS",
    "RATIO_FRAME",
    "RATIO_NARROW",
    "Band",
    "Bar",
    "CurveChart",
    "DayAxis",
    "DayChart",
    "DayTick",
    "Frame",
    "Marker",
    "Scale",
    "Tick",
    "area_path",
    "bands",
    "bars",
    "bars_chart",
    "curve_chart",
    "day_ticks",
    "duration_label",
    "duration_ticks",
    "line_path",
    "lines_chart",
    "nice_domain",
    "nice_step",
    "number_label",
    "range_chart",
    "ratio_chart",
    "stacked_bars",
    "stacked_chart",
    "value_ticks",
]
