"""Text that fits its box: wrap on spaces, break words longer than the box, shrink, and mark a cut with "…".

Non-breaking spaces (NIPs) are never break points. Widths come from the registered font's metrics.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth

__all__ = ["ELLIPSIS", "Fitted", "ellipsize", "fit_text", "wrap"]

ELLIPSIS = "…"


@dataclass(frozen=True)
class Fitted:
    """Lines at a font size; ``cut`` is true when text was left out (the last line then ends with "…")."""

    lines: list[str]
    size: float
    cut: bool = False


def _break_word(word: str, font: str, size: float, width: float) -> list[str]:
    parts, current = [], ""
    for ch in word:
        if current and stringWidth(current + ch, font, size) > width:
            parts.append(current)
            current = ch
        else:
            current += ch
    return parts + [current]


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy wrap on ordinary spaces and newlines; a word wider than the box is broken between characters."""
    lines: list[str] = []
    for para in (text or "").split("\n"):
        current = ""
        for word in para.split(" "):
            if not word:
                continue
            trial = f"{current} {word}" if current else word
            if stringWidth(trial, font, size) <= width:
                current = trial
                continue
            if current:
                lines.append(current)
            if stringWidth(word, font, size) <= width:
                current = word
            else:
                *full, current = _break_word(word, font, size, width)
                lines.extend(full)
        lines.append(current)
    return lines or [""]


def ellipsize(text: str, font: str, size: float, width: float) -> str:
    """``text`` on one line, cut with "…" if it is wider than ``width``."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text.rstrip() + ELLIPSIS, font, size) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def fit_text(text: str, font: str, size: float, width: float, max_lines: int = 1, *, min_size: float = 6,
             step: float = 0.5) -> Fitted:  # fmt: skip
    """Shrink from ``size`` towards ``min_size`` until the wrapped text takes at most ``max_lines`` lines.

    If it still does not fit at ``min_size``, the last line ends with "…" and ``cut`` is set: the text
    never leaves the box.
    """
    while True:
        lines = wrap(text, font, size, width)
        if len(lines) <= max_lines:
            return Fitted(lines, size)
        if size - step < min_size:
            break
        size -= step
    kept = lines[:max_lines]
    kept[-1] = ellipsize(kept[-1] + ELLIPSIS, font, size, width)
    return Fitted(kept, size, cut=True)
