"""Charts drawn on the server as SVG: no JavaScript, readable by a screen reader.

Each chart is one ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that states the data
in words, and every bar or point carries its value as text, so the chart says the same printed
in black and white, in a PDF, or read aloud.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

WIDTH = 720
ROW_HEIGHT = 22
LABEL_WIDTH = 180
PLOT_HEIGHT = 200
MARGIN = 40
_COLOURS = ("#1f4e79", "#c55a11")


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: tuple[int, ...]


def bar_chart(title: str, rows: Sequence[tuple[str, int]], unit: str) -> str:
    """Horizontal bars, one per labelled value, largest first as given."""
    height = MARGIN + ROW_HEIGHT * max(len(rows), 1) + 10
    top = max((value for _, value in rows), default=0) or 1
    span = WIDTH - LABEL_WIDTH - 80
    words = "; ".join(f"{label}: {value} {unit}" for label, value in rows) or "no data"
    parts = [_open(title, words, WIDTH, height)]
    if not rows:
        parts.append(_text(LABEL_WIDTH, MARGIN + 14, "No data in the period."))
    for index, (label, value) in enumerate(rows):
        y = MARGIN + index * ROW_HEIGHT
        length = round(span * value / top)
        parts.append(_text(LABEL_WIDTH - 8, y + 15, label, anchor="end"))
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{length}" height="{ROW_HEIGHT - 6}" '
            f'fill="{_COLOURS[0]}"/>'
        )
        parts.append(_text(LABEL_WIDTH + length + 6, y + 15, f"{value}"))
    parts.append("</svg>")
    return "".join(parts)


def line_chart(title: str, labels: Sequence[str], series: Sequence[Series]) -> str:
    """One line per series over the labelled days, with a legend and the axis extremes."""
    height = PLOT_HEIGHT + 2 * MARGIN + 20
    top = max((value for item in series for value in item.values), default=0) or 1
    left, right = 60, WIDTH - 20
    step = (right - left) / max(len(labels) - 1, 1)
    words = "; ".join(
        f"{item.name}: "
        + ", ".join(f"{label} {value}" for label, value in zip(labels, item.values, strict=True))
        for item in series
    )
    parts = [_open(title, words or "no data", WIDTH, height)]
    base = MARGIN + PLOT_HEIGHT
    parts.append(f'<line x1="{left}" y1="{base}" x2="{right}" y2="{base}" stroke="#444"/>')
    parts.append(f'<line x1="{left}" y1="{MARGIN}" x2="{left}" y2="{base}" stroke="#444"/>')
    parts.append(_text(left - 6, MARGIN + 4, str(top), anchor="end"))
    parts.append(_text(left - 6, base + 4, "0", anchor="end"))
    if labels:
        parts.append(_text(left, base + 16, labels[0]))
        parts.append(_text(right, base + 16, labels[-1], anchor="end"))
    for number, item in enumerate(series):
        colour = _COLOURS[number % len(_COLOURS)]
        points = " ".join(
            f"{left + i * step:.1f},{base - PLOT_HEIGHT * value / top:.1f}"
            for i, value in enumerate(item.values)
        )
        if points:
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        legend_y = height - 8
        parts.append(f'<rect x="{left + number * 160}" y="{legend_y - 9}" width="10" height="10" ')
        parts.append(f'fill="{colour}"/>')
        parts.append(_text(left + number * 160 + 14, legend_y, f"{item.name} ({sum(item.values)})"))
    parts.append("</svg>")
    return "".join(parts)


def _open(title: str, description: str, width: int, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12" '
        f"aria-label={quoteattr(title)}>"
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>"
        f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>'
    )


def _text(x: float, y: float, content: str, anchor: str = "start") -> str:
    return f'<text x="{x:.0f}" y="{y:.0f}" text-anchor="{anchor}">{escape(content)}</text>'
