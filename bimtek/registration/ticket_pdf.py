"""The on-site ticket as a one-page A6 PDF: event, name, code and the signed QR.

Pure module (reportlab only): plain values in, bytes out. Names are drawn with a bundled TTF so every
name prints (reportlab's built-in fonts stop at Latin-1), and the QR is drawn as merged vector rectangles,
which is sharper and several times faster than reportlab's QR widget.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import qrcode
import qrcode.constants
import qrcode.util
from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

__all__ = ["TicketInfo", "ticket_pdf"]

_FONT, _BOLD = "BimtekSans", "BimtekSans-Bold"


@dataclass(frozen=True)
class TicketInfo:
    """What the printed ticket shows."""

    event_title: str
    when: str
    venue: str
    full_name: str
    institution: str
    code: str
    qr_text: str


def _register_fonts(font_dir: Path) -> None:
    if _FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(_FONT, str(font_dir / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(_BOLD, str(font_dir / "DejaVuSans-Bold.ttf")))


def _qr_matrix(text: str) -> list[list[bool]]:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(qrcode.util.QRData(text.encode("ascii"), mode=qrcode.util.MODE_ALPHA_NUM))
    qr.make(fit=True)
    return qr.get_matrix()


def _draw_qr(c: canvas.Canvas, text: str, x: float, y: float, size: float) -> None:
    """Draw the QR with its top-left corner at (x, y + size); one rectangle per horizontal run of modules."""
    matrix = _qr_matrix(text)
    n = len(matrix)
    cell = size / n
    c.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(matrix):
        col = 0
        while col < n:
            if row[col]:
                start = col
                while col < n and row[col]:
                    col += 1
                c.rect(x + start * cell, y + size - (r + 1) * cell, (col - start) * cell, cell, stroke=0, fill=1)
            else:
                col += 1


def _wrap(c: canvas.Canvas, text: str, font: str, size: float, width: float, max_lines: int = 3) -> list[str]:
    words, lines, current = text.split(), [], ""
    for word in words:
        trial = f"{current} {word}".strip()
        if c.stringWidth(trial, font, size) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines[:max_lines]


def ticket_pdf(info: TicketInfo, *, font_dir: Path, labels: dict[str, str] | None = None) -> bytes:
    """Render the ticket; ``labels`` translates the few fixed words (defaults are Indonesian)."""
    _register_fonts(font_dir)
    words = {
        "ticket": "TIKET PESERTA LURING",
        "code": "Kode registrasi",
        "note": "Tunjukkan QR ini di meja registrasi.",
    }
    words.update(labels or {})
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A6, pageCompression=1)
    c.setTitle(f"Tiket {info.code}")
    width, height = A6
    margin = 8 * mm
    inner = width - 2 * margin
    y = height - margin - 4 * mm
    c.setFont(_BOLD, 8)
    c.drawString(margin, y, words["ticket"])
    y -= 5 * mm
    for line in _wrap(c, info.event_title, _BOLD, 10, inner):
        c.setFont(_BOLD, 10)
        c.drawString(margin, y, line)
        y -= 4.6 * mm
    c.setFont(_FONT, 7.5)
    for line in _wrap(c, info.when, _FONT, 7.5, inner, 2) + _wrap(c, info.venue, _FONT, 7.5, inner, 2):
        c.drawString(margin, y, line)
        y -= 3.6 * mm
    qr_size = 52 * mm
    qr_y = y - 2 * mm - qr_size
    _draw_qr(c, info.qr_text, (width - qr_size) / 2, qr_y, qr_size)
    y = qr_y - 6 * mm
    for line in _wrap(c, info.full_name, _BOLD, 11, inner, 2):
        c.setFont(_BOLD, 11)
        c.drawCentredString(width / 2, y, line)
        y -= 5 * mm
    c.setFont(_FONT, 7.5)
    for line in _wrap(c, info.institution, _FONT, 7.5, inner, 2):
        c.drawCentredString(width / 2, y, line)
        y -= 3.6 * mm
    c.setFont(_FONT, 7.5)
    c.drawCentredString(width / 2, y - 1 * mm, f"{words['code']}: {info.code}")
    c.drawCentredString(width / 2, margin, words["note"])
    c.showPage()
    c.save()
    return buf.getvalue()
