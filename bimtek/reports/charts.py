"""Charts as inline SVG strings, drawn on the server: no JavaScript, no external service.

Every chart is an <svg role="img"> with a <title> and a <desc> that says what it shows in words, and
each bar carries its own <title> (a tooltip and a label for screen readers). The page puts a data table
beside each chart as its text alternative. Colours are presentation attributes, not inline styles, so the
strict CSP (no 'unsafe-inline') allows them. Pure module: plain values in, text out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import cache
from html import escape

from reportlab.pdfbase.pdfmetrics import stringWidth

from bimtek.core.pdfkit.axes import count_axis
from bimtek.core.pdfkit.fonts import BOLD, FONT, register_fonts

BLUE = "#0b4f8a"
LIGHT = "#7fb3e6"
ORANGE = "#c7621a"
GREEN = "#1f7a3a"
GREY = "#9aa6b3"
INK = "#1b2430"
MUTED = "#5b6675"
GRID = "#d8dee6"
TRACK = "#eef2f6"
PALETTE = (BLUE, ORANGE, GREEN, "#7a3fb3", "#b3261e", "#0f8a8a", GREY)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _default_fmt(value: float) -> str:
    return _num(value) if isinstance(value, float) and not value.is_integer() else str(int(value))


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@cache
def _fonts() -> tuple[str, str]:
    register_fonts()
    return FONT, BOLD


def text_width(text: str, size: float = 13, *, bold: bool = False) -> float:
    """Width in px of text drawn in DejaVu Sans, the widest of the fonts the charts name: an upper bound."""
    regular, heavy = _fonts()
    return stringWidth(text, heavy if bold else regular, size)


def fit(text: str, width: float, size: float = 13, *, bold: bool = False) -> str:
    """The text, or its start with an ellipsis, so that it is never wider than width (never cut at the edge)."""
    if text_width(text, size, bold=bold) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # the longest start that fits with its ellipsis
        mid = (lo + hi + 1) // 2
        if text_width(text[:mid].rstrip() + "…", size, bold=bold) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


def wrap(text: str, width: float, size: float = 13, *, lines: int = 2) -> list[str]:
    """Words into at most `lines` lines no wider than width; the last line ends with an ellipsis if cut."""
    out: list[str] = []
    words = text.split()
    while words and len(out) < lines - 1:
        line = words.pop(0)
        while words and text_width(f"{line} {words[0]}", size) <= width:
            line += " " + words.pop(0)
        out.append(fit(line, width, size))
    if words:
        out.append(fit(" ".join(words), width, size))
    return out or [""]


def _axis(values: Sequence[float]) -> list[float]:
    """Tick values from zero to the top: whole-number steps for counts, round steps otherwise."""
    top = max(values, default=0)
    if all(float(v).is_integer() for v in values):
        top_n, step = count_axis(top)
        return [float(k * step) for k in range(top_n // step + 1)]
    ymax = nice_max(top)
    return [ymax * k / 4 for k in range(5)]


def _open(chart_id: str, width: int, height: int, title: str, desc: str) -> list[str]:
    cid = escape(chart_id, quote=True)
    return [
        f'<svg class="chart-svg" id="{cid}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, DejaVu Sans, sans-serif" font-size="13">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
    ]


def nice_max(value: float) -> float:
    """A round axis maximum at or above value: 1, 2, 2.5, 5 or 10 times a power of ten."""
    if value <= 0:
        return 1
    power = 1.0
    while power * 10 <= value:
        power *= 10
    while power > value:
        power /= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def hbar_chart(
    items: Sequence[tuple[str, float]],
    *,
    chart_id: str,
    title: str,
    desc: str = "",
    max_value: float | None = None,
    fmt: Callable[[float], str] = _default_fmt,
    label_width: int | None = None,
    width: int = 360,
    row: int = 22,
    color: str = BLUE,
    colors: Sequence[str] | None = None,
) -> str:
    """Horizontal bars, one row per item: label on the left, bar, value at its end.

    The label column is as wide as the longest label (at most 62% of the chart, or label_width when given);
    a longer label ends with an ellipsis inside the column, never cut at the chart's edge.
    """
    items = list(items)
    if label_width is None:
        longest = max((text_width(label) for label, _ in items), default=0)
        label_width = int(min(width * 0.62, max(60, longest + 12)))
    top = 6
    height = top + row * max(1, len(items)) + 6
    scale_max = max_value if max_value is not None else nice_max(max((v for _, v in items), default=0))
    bar_space = width - label_width - 48
    out = _open(chart_id, width, height, title, desc or title)
    out.append(f'<line x1="{label_width}" y1="{top - 2}" x2="{label_width}" y2="{height - 4}" stroke="{GRID}"/>')
    for i, (label, value) in enumerate(items):
        y = top + i * row
        bar = 0 if scale_max <= 0 else max(0.0, min(1.0, value / scale_max)) * bar_space
        fill = colors[i % len(colors)] if colors else color
        out.append(f'<g class="bar"><title>{escape(label)}: {escape(fmt(value))}</title>')
        out.append(
            f'<text x="{label_width - 6}" y="{y + row * 0.68:.1f}" text-anchor="end" fill="{INK}">'
            f"{escape(fit(label, label_width - 8))}</text>"
        )
        if bar > 0:
            out.append(
                f'<rect x="{label_width}" y="{y + 3}" width="{bar:.1f}" height="{row - 7}" rx="2" fill="{fill}"/>'
            )
        out.append(
            f'<text x="{label_width + bar + 4:.1f}" y="{y + row * 0.68:.1f}" fill="{MUTED}">{escape(fmt(value))}</text>'
        )
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def column_chart(
    items: Sequence[tuple[str, float]],
    *,
    chart_id: str,
    title: str,
    desc: str = "",
    line: Sequence[float] | None = None,
    line_label: str = "",
    fmt: Callable[[float], str] = _default_fmt,
    width: int = 360,
    height: int = 220,
    color: str = BLUE,
    max_labels: int = 8,
) -> str:
    """Vertical columns over categories (days, buckets), with an optional line on its own right-hand scale."""
    items = list(items)
    ticks = _axis([v for _, v in items])
    ymax = ticks[-1]
    line_ticks = _axis(list(line)) if line else []
    left = max(34, math.ceil(max(text_width(fmt(v), 11) for v in ticks)) + 8)
    right = max(40, math.ceil(max(text_width(fmt(v), 11) for v in line_ticks)) + 8) if line else 10
    top, bottom = 12, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(1, len(items))
    out = _open(chart_id, width, height, title, desc or title)
    for v in ticks:
        y = top + plot_h - plot_h * v / ymax
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}"/>')
        out.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}" font-size="11">{escape(fmt(v))}</text>'
        )
    slot = plot_w / n
    bar_w = max(1.0, slot * 0.75)
    every = max(1, -(-n // max_labels))
    for i, (label, value) in enumerate(items):
        h = 0 if ymax <= 0 else plot_h * max(0.0, value) / ymax
        x = left + i * slot + (slot - bar_w) / 2
        out.append(f'<g class="bar"><title>{escape(label)}: {escape(fmt(value))}</title>')
        out.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" height="{max(h, 0):.1f}" fill="{color}"/>'
        )
        out.append("</g>")
        if i % every == 0 or i == n - 1 and n <= max_labels:
            out.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 14}" text-anchor="middle" fill="{MUTED}" '
                f'font-size="11">{escape(_clip(label, 10))}</text>'
            )
    if line:
        lmax = line_ticks[-1]
        pts = []
        for i, v in enumerate(line):
            x = left + i * slot + slot / 2
            y = top + plot_h - (0 if lmax <= 0 else plot_h * v / lmax)
            pts.append(f"{x:.1f},{y:.1f}")
        out.append(f'<polyline class="line" points="{" ".join(pts)}" fill="none" stroke="{ORANGE}" stroke-width="2"/>')
        for v in line_ticks:
            y = top + plot_h - plot_h * v / lmax
            out.append(
                f'<text x="{left + plot_w + 4}" y="{y + 4:.1f}" fill="{ORANGE}" font-size="11">{escape(fmt(v))}</text>'
            )
        if line_label:
            out.append(
                f'<text x="{width - 2}" y="{height - 4}" text-anchor="end" fill="{ORANGE}" font-size="11">— {escape(line_label)}</text>'
            )
    out.append("</svg>")
    return "".join(out)


def stacked_bar(
    parts: Sequence[tuple[str, float]],
    *,
    chart_id: str,
    title: str,
    desc: str = "",
    fmt: Callable[[float], str] = _default_fmt,
    width: int = 360,
    colors: Sequence[str] = PALETTE,
) -> str:
    """One bar split into parts (e.g. luring / daring), with a legend underneath that wraps to rows."""
    parts = [(label, value) for label, value in parts]
    total = sum(v for _, v in parts)
    per_row = 2
    rows = -(-len(parts) // per_row) if parts else 1
    height = 40 + rows * 20
    out = _open(chart_id, width, height, title, desc or title)
    x = 0.0
    out.append(f'<rect x="0" y="4" width="{width}" height="26" rx="4" fill="{GRID}"/>')
    for i, (label, value) in enumerate(parts):
        w = 0 if total <= 0 else width * value / total
        if w > 0:
            out.append(f'<g class="bar"><title>{escape(label)}: {escape(fmt(value))}</title>'
                       f'<rect x="{x:.1f}" y="4" width="{w:.1f}" height="26" fill="{colors[i % len(colors)]}"/></g>')  # fmt: skip
            if w > 34:
                out.append(f'<text x="{x + w / 2:.1f}" y="22" text-anchor="middle" fill="#fff" font-weight="700">'
                           f"{escape(fmt(value))}</text>")  # fmt: skip
        x += w
    col_w = width / per_row
    for i, (label, value) in enumerate(parts):
        cx, cy = (i % per_row) * col_w, 44 + (i // per_row) * 20
        pct = "" if total <= 0 else f" ({round(100 * value / total)}%)"
        out.append(f'<rect x="{cx:.1f}" y="{cy}" width="12" height="12" fill="{colors[i % len(colors)]}"/>')
        out.append(f'<text x="{cx + 16:.1f}" y="{cy + 11}" fill="{INK}">{escape(_clip(label, 24))}: '
                   f"{escape(fmt(value))}{pct}</text>")  # fmt: skip
    out.append("</svg>")
    return "".join(out)


def score_chart(
    items: Sequence[tuple[str, float | None, int]],
    *,
    chart_id: str,
    title: str,
    desc: str = "",
    width: int = 380,
    fmt: Callable[[float], str] = lambda v: f"{v:.2f}".replace(".", ","),
) -> str:
    """Mean scores on the 1–5 scale: each item's label on its own line(s) above its bar, so a long question
    or a speaker's full name is never cut; the value at the bar's end; items without answers say so."""
    items = list(items)
    bar_h, line_h, top = 16, 16, 18
    bar_space = width - 52
    wrapped = [wrap(label, width - 2) for label, _, _ in items]
    height = top + sum(len(lines) * line_h + bar_h + 10 for lines in wrapped) + 2
    out = _open(chart_id, width, height, title, desc or title)
    grid = [bar_space * k / 5 for k in range(1, 6)]
    for k, x in enumerate(grid, start=1):
        anchor = "end" if k == 5 else "middle"
        out.append(f'<text x="{x:.1f}" y="{top - 6}" text-anchor="{anchor}" fill="{MUTED}" font-size="11">{k}</text>')
    y = top
    for (label, mean, count), lines in zip(items, wrapped, strict=True):
        out.append(f'<g class="bar"><title>{escape(label)}: '
                   f'{escape(fmt(mean)) if mean is not None else "-"} ({count})</title>')  # fmt: skip
        for line in lines:
            y += line_h
            out.append(f'<text x="0" y="{y - 4}" fill="{INK}">{escape(line)}</text>')
        out.append(f'<path d="M0 {y + 1}h{bar_space:.1f}v{bar_h - 2}H0z" fill="{TRACK}"/>')  # the 0–5 track
        for x in grid:  # the 1–5 scale behind the bar only, never through the label above it
            out.append(f'<line x1="{x:.1f}" y1="{y}" x2="{x:.1f}" y2="{y + bar_h}" stroke="{GRID}"/>')
        if mean is not None:
            w = bar_space * max(0.0, min(5.0, mean)) / 5
            color = GREEN if mean >= 4 else (BLUE if mean >= 3 else ORANGE)
            out.append(f'<rect x="0" y="{y + 1}" width="{w:.1f}" height="{bar_h - 2}" rx="2" fill="{color}"/>')
            out.append(
                f'<text x="{w + 4:.1f}" y="{y + bar_h - 3}" fill="{INK}" font-weight="700">{escape(fmt(mean))}</text>'
            )
        else:
            out.append(f'<text x="4" y="{y + bar_h - 3}" fill="{MUTED}">–</text>')
        out.append("</g>")
        y += bar_h + 10
    out.append("</svg>")
    return "".join(out)
