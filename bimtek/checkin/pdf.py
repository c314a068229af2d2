"""Printed check-in documents as PDF: name badges and the daftar hadir (attendance sheet) for the SPJ file.

Pure layout: plain values in, PDF bytes out (no Flask, no database). Fonts, QR, kop, page numbers, the
signature block and text fitting come from the PDF kit (bimtek.core.pdfkit).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from bimtek.core.pdfkit import (
    BOLD,
    FONT,
    KopFlowable,
    Letterhead,
    Signatory,
    draw_qr,
    fit_text,
    group_code,
    keep_with_signature,
    numbered_canvas,
    qr_matrix,
    register_fonts,
    ruled_table,
    signature_block,
)

__all__ = ["AttendanceSheet", "Badge", "SheetRow", "attendance_pdf", "badges_pdf", "qr_matrix"]


# ------------------------------------------------------------------------------------------ badges


@dataclass(frozen=True)
class Badge:
    """One name badge; ``role`` is printed as a line of its own (PESERTA, NARASUMBER, PANITIA, MODERATOR)."""

    name: str
    institution: str
    code: str
    qr_text: str
    role: str = "PESERTA"


def badges_pdf(event_title: str, badges: list[Badge], *, layout: str = "a6", font_dir: Path | None = None) -> bytes:
    """Badges as PDF: one per A6 page ("a6"), or eight 105 x 74 mm labels per A4 sheet ("a4")."""
    register_fonts(font_dir)
    buf = io.BytesIO()
    page = A6 if layout == "a6" else A4
    c = Canvas(buf, pagesize=page, pageCompression=1)
    c.setTitle(f"Badge - {event_title}")
    if not badges:
        c.setFont(FONT, 10)
        c.drawString(10 * mm, page[1] - 15 * mm, "Belum ada peserta luring terkonfirmasi.")
        c.showPage()
    if layout == "a6":
        for b in badges:
            _badge_a6(c, event_title, b)
            c.showPage()
    else:
        w, h = A4[0] / 2, A4[1] / 4
        for i, b in enumerate(badges):
            slot = i % 8
            if i and slot == 0:
                c.showPage()
            _badge_label(c, event_title, b, (slot % 2) * w, A4[1] - (slot // 2 + 1) * h, w, h)
        if badges:
            c.showPage()
    c.save()
    return buf.getvalue()


def _lines(c: Canvas, fitted, font: str, x: float, y: float, *, centre: bool, leading: float = 1.2) -> float:
    c.setFont(font, fitted.size)
    for line in fitted.lines:
        (c.drawCentredString if centre else c.drawString)(x, y, line)
        y -= fitted.size * leading
    return y


def _role_band(c: Canvas, role: str, x: float, y: float, w: float, h: float) -> None:
    c.saveState()
    c.setFillColorRGB(0.04, 0.31, 0.54)
    c.rect(x, y, w, h, stroke=0, fill=1)
    c.setFillColorRGB(1, 1, 1)
    fitted = fit_text(role.upper(), BOLD, h * 0.55, w - 8, 1, min_size=6)
    c.setFont(BOLD, fitted.size)
    c.drawCentredString(x + w / 2, y + (h - fitted.size * 0.72) / 2, fitted.lines[0])
    c.restoreState()


def _badge_a6(c: Canvas, event_title: str, b: Badge) -> None:
    w, h = A6
    margin = 8 * mm
    inner = w - 2 * margin
    y = _lines(c, fit_text(event_title, FONT, 8, inner, 2, min_size=7), FONT, w / 2, h - margin, centre=True)
    y = _lines(c, fit_text(b.name, BOLD, 18, inner, 3, min_size=9), BOLD, w / 2, y - 16, centre=True)
    y = _lines(c, fit_text(b.institution, FONT, 11, inner, 2, min_size=7), FONT, w / 2, y - 2, centre=True)
    band = 9 * mm
    _role_band(c, b.role, 0, 16 * mm, w, band)
    room = y - (16 * mm + band) - 6
    qr_size = max(30 * mm, min(62 * mm, room))
    if b.qr_text:  # speakers and panitia have no ticket: no QR, no code
        draw_qr(c, b.qr_text, (w - qr_size) / 2, 16 * mm + band + 3 + (room - qr_size) / 2, qr_size)
    c.setFont(FONT, 11)
    c.drawCentredString(w / 2, 8 * mm, group_code(b.code))


def _badge_label(c: Canvas, event_title: str, b: Badge, x: float, y: float, w: float, h: float) -> None:
    c.saveState()
    c.setLineWidth(0.3)
    c.setStrokeColorRGB(0.75, 0.75, 0.75)
    c.rect(x, y, w, h, stroke=1, fill=0)
    c.restoreState()
    pad = 5 * mm
    qr_size = min(h - 2 * pad - 6 * mm, 40 * mm) if b.qr_text else -pad
    if b.qr_text:
        draw_qr(c, b.qr_text, x + w - pad - qr_size, y + pad + 6 * mm + (h - 2 * pad - 6 * mm - qr_size) / 2, qr_size)
    text_w = w - 3 * pad - qr_size
    ty = _lines(c, fit_text(event_title, FONT, 6.5, text_w, 1, min_size=6), FONT, x + pad, y + h - pad - 4,
                centre=False)  # fmt: skip
    ty = _lines(c, fit_text(b.name, BOLD, 13, text_w, 3, min_size=7), BOLD, x + pad, ty - 10, centre=False)
    _lines(c, fit_text(b.institution, FONT, 9, text_w, 3, min_size=6), FONT, x + pad, ty - 2, centre=False)
    c.setFont(FONT, 8)
    c.drawString(x + pad, y + pad + 6 * mm + 2, group_code(b.code))
    _role_band(c, b.role, x + 0.3, y + pad - 2, w - 0.6, 6 * mm)


# ------------------------------------------------------------------------------------------ daftar hadir


@dataclass(frozen=True)
class SheetRow:
    """One line of the daftar hadir (``nip`` as stored or grouped; the kit never breaks it)."""

    name: str
    nip: str = ""
    rank_position: str = ""
    institution: str = ""


@dataclass
class AttendanceSheet:
    """Everything printed on a daftar hadir, already formatted (Indonesian dates, "09.00 WIB")."""

    letterhead: Letterhead | list[str]
    title: str
    activity: str
    day_date: str
    time: str
    place: str
    session: str = ""
    rows: list[SheetRow] = field(default_factory=list)
    sign_place_date: str = ""
    committee_title: str = "Panitia Penyelenggara"
    signatory: Signatory = field(default_factory=lambda: Signatory("Ketua Panitia"))
    footer: str = ""
    rank_header: str = "GOL/JABATAN"
    counts: bool = True  # Hadir / Sakit / Izin / Alpa to fill in (participants' sheets)
    people: str = "peserta"  # "Jumlah peserta: 40 orang" / "Jumlah narasumber: 5 orang"


def _kop(letterhead: Letterhead | list[str]) -> Letterhead:
    if isinstance(letterhead, Letterhead):
        return letterhead
    lines = list(letterhead) or [""]
    return Letterhead(lines[0], address=" · ".join(lines[1:]))


def attendance_pdf(sheet: AttendanceSheet, *, font_dir: Path | None = None) -> bytes:
    """The daftar hadir in the government layout, with zig-zag signature cells.

    Odd numbers sign in the left half of their cell and even numbers in the right half, so neighbours
    cannot sign for each other unnoticed. The table header repeats on every page; the counts to fill in
    and the committee's signature block always share a page with the last row.
    """
    register_fonts(font_dir)
    buf = io.BytesIO()
    width = A4[0] - 30 * mm
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=12 * mm,
                            bottomMargin=18 * mm, title=f"{sheet.title} - {sheet.activity}", creator="Bimtek")  # fmt: skip
    body = ParagraphStyle("b", fontName=FONT, fontSize=9, leading=11.5)
    head = ParagraphStyle("h", fontName=BOLD, fontSize=12, leading=15, alignment=1, spaceBefore=4, spaceAfter=6)
    story: list = [KopFlowable(_kop(sheet.letterhead)), Paragraph(_esc(sheet.title), head)]
    info = [("Kegiatan", sheet.activity)]
    if sheet.session:
        info.append(("Sesi", sheet.session))
    info += [("Hari/Tanggal", sheet.day_date), ("Waktu", sheet.time), ("Tempat", sheet.place)]
    info_table = Table([[Paragraph(k, body), ":", Paragraph(_esc(v), body)] for k, v in info],
                       colWidths=[28 * mm, 4 * mm, width - 32 * mm])  # fmt: skip
    info_table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 9), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                    ("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5)]))  # fmt: skip
    story += [info_table, Spacer(1, 4 * mm)]

    widths = [9 * mm, 40 * mm, 35 * mm, 28 * mm, 38 * mm, 15 * mm, 15 * mm]
    header = ["NO", "NAMA", "NIP", sheet.rank_header, "INSTANSI/UNIT KERJA", "TANDA TANGAN", ""]
    rows = [[str(i), r.name, r.nip or "-", r.rank_position, r.institution, f"{i}." if i % 2 else "",
             "" if i % 2 else f"{i}."] for i, r in enumerate(sheet.rows, start=1)]  # fmt: skip
    table = ruled_table(header, rows, widths, nowrap={2}, align={0: "CENTER"}, min_height=11 * mm,
                        dashed_before=6)  # fmt: skip

    tail_rows = [[Paragraph(f"Jumlah {sheet.people}: {len(sheet.rows)} orang", body)]]
    if sheet.counts:
        tail_rows += [
            [Paragraph(f"{label}&nbsp;: ........ orang", body)] for label in ("Hadir", "Sakit", "Izin", "Alpa")
        ]
    counts = Table(tail_rows, colWidths=[width / 2])
    counts.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    sig = Signatory(sheet.signatory.title, sheet.signatory.name, sheet.signatory.nip, sheet.sign_place_date)
    block = signature_block([sig], width / 2, caption=sheet.committee_title)
    footer = Table([[counts, block]], colWidths=[width / 2, width / 2])
    footer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story += keep_with_signature(table, [Spacer(1, 5 * mm), footer])
    doc.build(story, canvasmaker=numbered_canvas(sheet.footer))
    return buf.getvalue()


def _esc(text: str) -> str:
    from xml.sax.saxutils import escape

    return escape(text or "")
