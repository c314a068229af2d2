"""Text fitting and phrasing: sizes and line breaks that never exceed a width; JP, NIP, place phrases."""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal

from reportlab.pdfbase import pdfmetrics

from bimtek.certificates.pdf.model import CertificateData

_SPACES_RE = re.compile(r"\s+")


def _clean(text: object) -> str:
    """NFC-normalise, turn control characters (newlines, tabs) into spaces and collapse whitespace."""
    if text is None:
        return ""
    value = unicodedata.normalize("NFC", str(text))
    if value.isprintable():
        return _SPACES_RE.sub(" ", value).strip()
    value = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in value)
    return _SPACES_RE.sub(" ", value).strip()


def _floor_size(size: float) -> float:
    # Quarter points: fine enough to look smooth, and flooring keeps the text inside the width.
    return math.floor(size * 4 + 1e-9) / 4


def _split_long_word(word: str, font: str, size: float, max_width: float) -> list[str]:
    pieces: list[str] = []
    current = ""
    for ch in word:
        if current and pdfmetrics.stringWidth(current + ch, font, size) > max_width:
            pieces.append(current)
            current = ch
        else:
            current += ch
    if current:
        pieces.append(current)
    return pieces


def _greedy_lines(widths: list[float], space: float, limit: float) -> list[tuple[int, int]]:
    """Greedy line breaks of words (as widths) at ``limit``; returns [(start, end)) word ranges."""
    ranges: list[tuple[int, int]] = []
    start, line = 0, widths[0]
    for i in range(1, len(widths)):
        candidate = line + space + widths[i]
        if candidate > limit:
            ranges.append((start, i))
            start, line = i, widths[i]
        else:
            line = candidate
    ranges.append((start, len(widths)))
    return ranges


def _balanced_lines(words: list[str], font: str, max_lines: int) -> list[str]:
    """Split words into at most max_lines lines minimising the widest line (widths at 1 pt)."""
    widths = [pdfmetrics.stringWidth(w, font, 1.0) for w in words]
    space = pdfmetrics.stringWidth(" ", font, 1.0)
    lo = max(widths)
    hi = sum(widths) + space * (len(words) - 1)
    # Greedy wrapping gives the fewest lines for a given width, so the smallest width that still fits
    # in max_lines (found by bisection) is the most balanced split.
    for _ in range(40):
        if hi - lo < 1e-4:
            break
        mid = (lo + hi) / 2
        if len(_greedy_lines(widths, space, mid)) <= max_lines:
            hi = mid
        else:
            lo = mid
    return [" ".join(words[a:b]) for a, b in _greedy_lines(widths, space, hi + 1e-9)]


def fit_text(
    text: str, font: str, max_size: float, min_size: float, max_width: float, max_lines: int = 2
) -> tuple[float, list[str]]:
    """Choose a font size and line breaks so ``text`` fits ``max_width`` points.

    Order of preference: one line at max_size; one line shrunk down to min_size; up to max_lines balanced
    lines at the largest size >= min_size that fits; finally min_size with as many lines as needed
    (over-long words broken), so the width is never exceeded. ``font`` is a registered reportlab name.
    """
    text = _clean(text)
    min_size = min(min_size, max_size)
    if not text:
        return max_size, []
    one = pdfmetrics.stringWidth(text, font, 1.0)
    if one * max_size <= max_width:
        return max_size, [text]
    size = _floor_size(max_width / one)
    if size >= min_size:
        return size, [text]
    words = text.split(" ")
    if max_lines >= 2 and len(words) > 1:
        lines = _balanced_lines(words, font, max_lines)
        widest = max(pdfmetrics.stringWidth(line, font, 1.0) for line in lines)
        size = min(max_size, _floor_size(max_width / widest))
        if size >= min_size:
            return size, lines
    out: list[str] = []
    current = ""
    for word in words:
        pieces = (
            [word]
            if pdfmetrics.stringWidth(word, font, min_size) <= max_width
            else _split_long_word(word, font, min_size, max_width)
        )
        for piece in pieces:
            candidate = f"{current} {piece}" if current else piece
            if current and pdfmetrics.stringWidth(candidate, font, min_size) > max_width:
                out.append(current)
                current = piece
            else:
                current = candidate
    if current:
        out.append(current)
    return min_size, out


def _wrap_fixed(text: str, font: str, size: float, max_width: float) -> list[str]:
    """Wrap at a fixed size (table cells): greedy, breaking over-long words."""
    _, lines = fit_text(text, font, size, size, max_width, max_lines=1)
    return lines


def format_jp(jp: int | float | Decimal | None) -> str:
    """Format a JP (jam pelajaran) count the Indonesian way: 8 -> "8", 2.5 -> "2,5"."""
    if jp is None or jp == "":
        return ""
    value = Decimal(str(jp))
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f").replace(".", ",")


def format_nip(nip: str) -> str:
    """Group an 18-digit NIP as "19660801 198803 1 001" (birth date, appointment, sex, serial)."""
    raw = _clean(nip)
    digits = re.sub(r"\D", "", raw)
    if len(digits) == 18:
        return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"
    return raw


_PLACE_PREPOSITIONS = ("di ", "secara ", "melalui ", "bertempat ", "dalam jaringan", "luar jaringan")


def _place_phrase(place_text: str) -> str:
    place = _clean(place_text)
    if not place:
        return ""
    if place.lower().startswith(_PLACE_PREPOSITIONS):
        return place
    return f"di {place}"


def _date_place_line(cert: CertificateData) -> str:
    parts = []
    date_text = _clean(cert.date_text)
    if date_text:
        parts.append(f"pada {date_text}")
    place = _place_phrase(cert.place_text)
    if place:
        parts.append(place)
    return " ".join(parts)


def _field_text(cert: CertificateData, name: str) -> str:
    jp = format_jp(cert.jp)
    if name == "number_line":
        return f"Nomor: {_clean(cert.number)}"
    if name == "role":
        return _clean(cert.role).upper()
    if name == "role_line":
        return f"sebagai {_clean(cert.role).upper()}"
    if name == "jp":
        return jp
    if name == "jp_text":
        return f"selama {jp} JP" if jp else ""
    if name == "date_place":
        return _date_place_line(cert)
    if name == "issue_line":
        return ", ".join(p for p in (_clean(cert.issue_place), _clean(cert.issue_date_text)) if p)
    if name == "signatory_nip":
        nip = format_nip(cert.signatory_nip)
        return f"NIP. {nip}" if nip else ""
    return _clean(getattr(cert, name))
