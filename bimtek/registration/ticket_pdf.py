"""The on-site ticket as a one-page A6 PDF: event, name, code and the signed QR.

Pure module: plain values in, bytes out. Fonts, the QR drawer and text fitting come from the PDF kit.
A name of any length fits: it wraps (breaking words wider than the page), shrinks, and only past the
smallest size ends with "…"; nothing leaves the page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from bimtek.core.pdfkit import BOLD, FONT, draw_qr, fit_text, group_code, register_fonts

__all__ = ["TicketInfo", "ticket_pdf"]


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


def _draw(c: canvas.Canvas, fitted, font: str, x: float, y: float, *, centre: bool = False,
          leading: float = 1.22) -> float:  # fmt: skip
    c.setFont(font, fitted.size)
    for line in fitted.lines:
        (c.drawCentredString if centre else c.drawString)(x, y, line)
        y -= fitted.size * leading
    return y


def ticket_pdf(info: TicketInfo, *, font_dir: Path | None = None, labels: dict[str, str] | None = None) -> bytes:
    """Render the ticket; ``labels`` translates the few fixed words (defaults are Indonesian)."""
    register_fonts(font_dir)
    words = {
        "ticket": "TIKET PESERTA LURING",
        "code": "Kode registrasi",
        "note": "Tunjukkan QR ini di meja registrasi.",
    }
    words.update(labels or {})
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A6, pageCompression=1)
    c.setTitle(f"Tiket {group_code(info.code)}")
    width, height = A6
    margin = 8 * mm
    inner = width - 2 * margin
    y = height - margin - 3 * mm
    c.setFont(BOLD, 8)
    c.drawString(margin, y, words["ticket"])
    y = _draw(c, fit_text(info.event_title, BOLD, 10, inner, 3, min_size=8), BOLD, margin, y - 5 * mm)
    y = _draw(c, fit_text(info.when, FONT, 7.5, inner, 2, min_size=6.5), FONT, margin, y - 1)
    y = _draw(c, fit_text(info.venue, FONT, 7.5, inner, 2, min_size=6.5), FONT, margin, y)
    # Bottom up: the note, the code, the institution, the name; the QR takes the room left between.
    c.setFont(FONT, 7)
    c.drawCentredString(width / 2, margin - 2 * mm, words["note"])
    c.setFont(FONT, 8)
    code_y = margin + 2 * mm
    c.drawCentredString(width / 2, code_y, f"{words['code']}: {group_code(info.code)}")
    inst = fit_text(info.institution, FONT, 7.5, inner, 2, min_size=6)
    name = fit_text(info.full_name, BOLD, 11, inner, 5, min_size=6)
    inst_h = len(inst.lines) * inst.size * 1.22
    name_h = len(name.lines) * name.size * 1.22
    name_top = code_y + 3.5 * mm + inst_h + name_h
    _draw(c, inst, FONT, width / 2, _draw(c, name, BOLD, width / 2, name_top, centre=True), centre=True)
    room = (y - 2 * mm) - (name_top + 3 * mm)
    qr_size = max(28 * mm, min(50 * mm, room))
    draw_qr(c, info.qr_text, (width - qr_size) / 2, name_top + 3 * mm + (room - qr_size) / 2, qr_size, quiet=2)
    c.showPage()
    c.save()
    return buf.getvalue()
