"""Chart geometry for server-side SVG (the templates draw it; no JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 44


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    value: int


@dataclass
class Chart:
    """Scaled shapes and axis ticks in a WIDTH x HEIGHT view box."""

    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: float = HEIGHT - BOTTOM
    right_edge: float = WIDTH - RIGHT
    y_ticks: list[tuple[float, int]] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    path: str = ""
    x_labels: list[tuple[float, str]] = field(default_factory=list)


def _ticks(top: int) -> list[int]:
    """Whole-number ticks from 0 to at least ``top`` (at most five)."""
    top = max(top, 1)
    step = max(1, -(-top // 4))
    return list(range(0, top + step, step))[:6]


def _scale(chart: Chart, top: int):
    ticks = _ticks(top)
    ceiling = ticks[-1]
    span = chart.baseline - TOP

    def y(value: int) -> float:
        return round(chart.baseline - span * value / ceiling, 1)

    chart.y_ticks = [(y(t), t) for t in ticks]
    return y


def bar_chart(values: list[int], labels: list[str]) -> Chart:
    """Bars for ``values`` with ``labels`` under them."""
    chart = Chart()
    y = _scale(chart, max(values, default=0))
    slot = (chart.right_edge - chart.left) / max(len(values), 1)
    for index, (value, label) in enumerate(zip(values, labels, strict=True)):
        x = round(chart.left + index * slot + slot * 0.15, 1)
        top = y(value)
        chart.bars.append(
            Bar(
                x,
                top,
                round(slot * 0.7, 1),
                round(chart.baseline - top, 1),
                label,
                value,
            )
        )
        chart.x_labels.append((round(x + slot * 0.35, 1), label))
    return chart


def line_chart(series: list[tuple[date, int]], labels: list[str]) -> Chart:
    """A running total over days: a step line through one point per day."""
    chart = Chart()
    y = _scale(chart, max((v for _d, v in series), default=0))
    if not series:
        return chart
    first, last = series[0][0], series[-1][0]
    days = max((last - first).days, 1)
    width = chart.right_edge - chart.left - 8

    def x(day: date) -> float:
        return round(chart.left + 4 + width * (day - first).days / days, 1)

    previous = None
    parts = []
    for (day, value), label in zip(series, labels, strict=True):
        point = Point(x(day), y(value), label, value)
        if previous is None:
            parts.append(f"M{point.x} {chart.baseline} L{point.x} {point.y}")
        else:
            parts.append(f"L{point.x} {previous.y} L{point.x} {point.y}")
        chart.points.append(point)
        previous = point
    chart.path = " ".join(parts)
    chart.x_labels = [(chart.points[0].x, labels[0])]
    if len(series) > 1:
        chart.x_labels.append((chart.points[-1].x, labels[-1]))
    return chart
