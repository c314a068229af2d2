"""The back pages: materi, narasumber and JP per session, continued over pages as needed."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas

from bimtek.certificates.pdf.drawing import _GOLD, _INK, _MUTED, _NAVY, _Doc, _draw_frame, _draw_lines
from bimtek.certificates.pdf.model import PAGE_SIZE, CertificateData, Session
from bimtek.certificates.pdf.text import _clean, _field_text, _wrap_fixed, fit_text, format_jp

_BACK_COLUMNS = (
    ("No", 13 * mm, "center"),
    ("Materi", 125 * mm, "left"),
    ("Narasumber", 80 * mm, "left"),
    ("JP", 18 * mm, "center"),
)


def _speakers_text(speakers: str | Sequence[str] | None) -> str:
    if speakers is None:
        return ""
    if isinstance(speakers, str):
        return _clean(speakers)
    return ", ".join(s for s in (_clean(x) for x in speakers) if s)


def _total_jp(sessions: Sequence[Session]) -> str:
    total = Decimal(0)
    for _, jp, _ in sessions:
        if jp is not None and jp != "":
            total += Decimal(str(jp))
    return format_jp(total)


def _draw_back_pages(doc: _Doc, cert: CertificateData, fonts: dict[str, str]) -> None:
    c = doc.canvas
    width, height = PAGE_SIZE
    sans, sans_b, serif_b = fonts["sans"], fonts["sans-bold"], fonts["serif-bold"]
    table_w = sum(col[1] for col in _BACK_COLUMNS)
    left = (width - table_w) / 2
    bottom_limit = 24 * mm
    cell_size, pad = 10, 2.2 * mm
    leading = cell_size * 1.25

    def new_page(continued: bool) -> float:
        c.setPageSize(PAGE_SIZE)
        doc.form("bimtek-back", PAGE_SIZE, lambda cv: _draw_frame(cv, width, height, rosette=False))
        c.setFillColorRGB(*_NAVY)
        title = "MATERI KEGIATAN (lanjutan)" if continued else "MATERI KEGIATAN"
        c.setFont(serif_b, 20)
        c.drawCentredString(width / 2, height - 30 * mm, title)
        size, lines = fit_text(cert.event_title, sans_b, 12, 9, table_w, 2)
        y = _draw_lines(c, lines, sans_b, size, width / 2, height - 39 * mm)
        c.setFillColorRGB(*_MUTED)
        c.setFont(sans, 9)
        c.drawCentredString(width / 2, y - 5.5 * mm, _field_text(cert, "number_line"))
        return header(y - 11 * mm)

    def header(top: float) -> float:
        h = leading + 2 * pad
        c.setFillColorRGB(*_NAVY)
        c.rect(left, top - h, table_w, h, stroke=0, fill=1)
        c.setFillColorRGB(1, 1, 1)
        c.setFont(sans_b, cell_size)
        x = left
        for label, col_w, align in _BACK_COLUMNS:
            _cell_line(c, label, x, col_w, align, top - pad - cell_size * 0.95, pad)
            x += col_w
        return top - h

    def row(top: float, cells: Sequence[str], bold: bool = False) -> float:
        font = sans_b if bold else sans
        wrapped = [
            _wrap_fixed(text, font, cell_size, col_w - 2 * pad) or [""]
            for text, (_, col_w, _) in zip(cells, _BACK_COLUMNS, strict=True)
        ]
        h = max(len(lines) for lines in wrapped) * leading + 2 * pad
        c.setStrokeColorRGB(*_GOLD)
        c.setLineWidth(0.6)
        c.line(left, top - h, left + table_w, top - h)
        c.setFillColorRGB(*_INK)
        c.setFont(font, cell_size)
        x = left
        for lines, (_, col_w, align) in zip(wrapped, _BACK_COLUMNS, strict=True):
            for i, line in enumerate(lines):
                _cell_line(c, line, x, col_w, align, top - pad - cell_size * 0.95 - i * leading, pad)
            x += col_w
        return top - h

    def row_height(cells: Sequence[str]) -> float:
        n = max(
            len(_wrap_fixed(t, sans, cell_size, col[1] - 2 * pad) or [""])
            for t, col in zip(cells, _BACK_COLUMNS, strict=True)
        )
        return n * leading + 2 * pad

    y = new_page(False)
    rows = [
        [str(i), _clean(title), _speakers_text(speakers), format_jp(jp)]
        for i, (title, jp, speakers) in enumerate(cert.sessions, start=1)
    ]
    for cells in rows:
        if y - row_height(cells) < bottom_limit:
            c.showPage()
            y = new_page(True)
        y = row(y, cells)
    total = ["", "Jumlah", "", _total_jp(cert.sessions)]
    if y - row_height(total) < bottom_limit:
        c.showPage()
        y = new_page(True)
    row(y, total, bold=True)


def _cell_line(c: rl_canvas.Canvas, text: str, x: float, col_w: float, align: str, y: float, pad: float) -> None:
    if align == "center":
        c.drawCentredString(x + col_w / 2, y, text)
    elif align == "right":
        c.drawRightString(x + col_w - pad, y, text)
    else:
        c.drawString(x + pad, y, text)
