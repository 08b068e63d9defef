"""Charts as inline SVG, made in Python: columns (a series over time), bars
(counts by category) and lines (shares over runs). Every text goes through
:func:`esc`; colours and sizes are presentation attributes (no ``style``), so
the report's Content-Security-Policy needs no 'unsafe-inline'. Pure."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

BLUE, GREEN, ORANGE, RED, GREY, INK = "#3b6fb6", "#3d8b5a", "#d9822b", "#c23b22", "#8a8f98", "#222"
FONT = 'font-family="system-ui, sans-serif"'


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def nice_max(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten that is at least ``value``."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def _open(width: int, height: int, label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{esc(label)}" {FONT} '
            f'font-size="12"><title>{esc(label)}</title>')


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value >= 1 or value == 0 else f"{value:g}"


def column_chart(columns: Sequence[tuple[str, int]], *, label: str, unit: str,
                 width: int = 960, height: int = 260, color: str = BLUE) -> str:
    """Vertical bars in order (e.g. days); at most about 12 x-axis labels."""
    left, right, top, bottom = 48, 12, 14, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    highest = max((v for _, v in columns), default=0)
    step = max(nice_max(highest / 4), 1)
    ticks = max(math.ceil(highest / step), 1)
    top_value = step * ticks
    parts = [_open(width, height, label)]
    for i in range(ticks + 1):
        value = step * i
        y = top + plot_h - plot_h * i / ticks
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#ddd"/><text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" '
                     f'fill="{INK}">{_fmt(value)}</text>')
    n = max(len(columns), 1)
    slot = plot_w / n
    every = max(1, math.ceil(n / 12))
    for i, (name, value) in enumerate(columns):
        h = plot_h * value / top_value
        x = left + i * slot
        parts.append(f'<rect x="{x + slot * 0.1:.1f}" y="{top + plot_h - h:.1f}" '
                     f'width="{max(slot * 0.8, 1):.1f}" height="{h:.1f}" fill="{color}">'
                     f'<title>{esc(name)}: {value:,} {esc(unit)}</title></rect>')
        if i % every == 0:
            parts.append(f'<text x="{x + slot / 2:.1f}" y="{top + plot_h + 16}" '
                         f'text-anchor="middle" fill="{INK}">{esc(name)}</text>')
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" '
                 f'y2="{top + plot_h}" stroke="{INK}"/></svg>')
    return "".join(parts)


def bar_chart(bars: Sequence[tuple[str, int, str]], *, label: str, unit: str,
              width: int = 960) -> str:
    """Horizontal bars, one per ``(name, value, colour)``, the value at the end."""
    name_w, row, top = 190, 26, 8
    height = top * 2 + row * max(len(bars), 1)
    plot_w = width - name_w - 90
    top_value = max((v for _, v, _ in bars), default=0) or 1
    parts = [_open(width, height, label)]
    for i, (name, value, color) in enumerate(bars):
        y = top + i * row
        w = max(plot_w * value / top_value, 1)
        parts.append(f'<text x="{name_w - 8}" y="{y + row / 2 + 4:.1f}" text-anchor="end" '
                     f'fill="{INK}">{esc(name)}</text>'
                     f'<rect x="{name_w}" y="{y + 4}" width="{w:.1f}" height="{row - 8}" '
                     f'fill="{color}"><title>{esc(name)}: {value:,} {esc(unit)}</title></rect>'
                     f'<text x="{name_w + w + 6:.1f}" y="{y + row / 2 + 4:.1f}" '
                     f'fill="{INK}">{value:,}</text>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart(xs: Sequence[str], series: Sequence[tuple[str, str, Sequence[float | None]]],
               *, title: str, label: str, marks: Sequence[int] = (), width: int = 460,
               height: int = 210) -> str:
    """Shares (0..1) over ``xs``: one line per ``(name, colour, values)`` with a
    gap where a value is None, a legend, and a red ring at each index of ``marks``;
    ``title`` is written above the plot."""
    left, right, top, bottom = 40, 14, 30, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(xs), 1)
    step = plot_w / max(n - 1, 1)

    def point(i: int, v: float) -> tuple[float, float]:
        x = left + (i * step if n > 1 else plot_w / 2)
        return x, top + plot_h - plot_h * v

    parts = [_open(width, height, label),
             f'<text x="4" y="14" font-weight="600" fill="{INK}">{esc(title)}</text>']
    for pct in (0, 50, 100):
        y = top + plot_h - plot_h * pct / 100
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#ddd"/><text x="{left - 5}" y="{y + 4:.1f}" '
                     f'text-anchor="end" fill="{INK}">{pct}%</text>')
    every = max(1, math.ceil(n / 10))
    for i, x_label in enumerate(xs):
        if i % every == 0:
            x, _ = point(i, 0)
            parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 15}" text-anchor="middle" '
                         f'fill="{INK}">{esc(x_label)}</text>')
    for i in marks:
        marked = [v for s in series if i < len(s[2]) and (v := s[2][i]) is not None]
        if marked:
            x, y = point(i, max(marked))
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="8" fill="none" stroke="{RED}" '
                         f'stroke-width="2"><title>health warning, run {esc(xs[i])}</title>'
                         f'</circle>')
    for name, color, values in series:
        runs: list[list[str]] = [[]]  # stretches without a gap
        for i, v in enumerate(values):
            if v is None:
                runs.append([])
                continue
            x, y = point(i, v)
            runs[-1].append(f"{x:.1f},{y:.1f}")
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}">'
                         f'<title>{esc(name)}, run {esc(xs[i])}: {v:.0%}</title></circle>')
        for stretch in runs:
            if len(stretch) > 1:
                parts.append(f'<path d="M{" L".join(stretch)}" fill="none" stroke="{color}" '
                             f'stroke-width="2"/>')
    x = left
    for name, color, _ in series:
        parts.append(f'<rect x="{x}" y="{height - 16}" width="10" height="10" fill="{color}"/>'
                     f'<text x="{x + 14}" y="{height - 7}" fill="{INK}">{esc(name)}</text>')
        x += 24 + 7 * len(name)
    parts.append("</svg>")
    return "".join(parts)
