"""Printed check-in documents as PDF: name badges and the daftar hadir (attendance sheet) for the SPJ file.

Pure layout: plain values in, PDF bytes out (no Flask, no database). Text is drawn with a bundled
DejaVu Sans so any name prints, and QR codes are drawn as merged vector rectangles (fast and sharp).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import qrcode
import qrcode.constants
import qrcode.util
from reportlab import rl_config
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

rl_config.useA85 = 0

FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"
_QR_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")


def register_fonts(font_dir: Path) -> None:
    """Register the bundled TTFs once per process."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(font_dir / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(font_dir / "DejaVuSans-Bold.ttf")))


def qr_matrix(text: str) -> list[list[bool]]:
    """QR modules (error correction M; alphanumeric mode for ticket texts), without the quiet zone."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    if set(text) <= _QR_ALNUM:
        qr.add_data(qrcode.util.QRData(text.encode("ascii"), mode=qrcode.util.MODE_ALPHA_NUM))
    else:
        qr.add_data(text)
    qr.make(fit=True)
    return qr.get_matrix()


def draw_qr(c: Canvas, text: str, x: float, y: float, size: float) -> None:
    """Draw a QR code with its bottom-left corner at (x, y), `size` wide including a 4-module quiet zone."""
    matrix = qr_matrix(text)
    n = len(matrix)
    module = size / (n + 8)
    c.saveState()
    c.setFillColorRGB(1, 1, 1)
    c.rect(x, y, size, size, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)
    path = c.beginPath()
    for row, cells in enumerate(matrix):
        col = 0
        while col < n:
            if cells[col]:
                start = col
                while col < n and cells[col]:
                    col += 1
                path.rect(x + (start + 4) * module, y + size - (row + 5) * module, (col - start) * module, module)
            else:
                col += 1
    c.drawPath(path, stroke=0, fill=1)
    c.restoreState()


def _fit_lines(text: str, font: str, size: float, width: float, max_lines: int, min_size: float = 7) -> tuple:
    """Shrink the font until the text wraps into at most `max_lines` lines."""
    while True:
        lines = simpleSplit(text, font, size, width) or [""]
        if len(lines) <= max_lines or size <= min_size:
            return lines[:max_lines], size
        size -= 0.5


# ------------------------------------------------------------------------------------------ badges


@dataclass(frozen=True)
class Badge:
    """One name badge."""

    name: str
    institution: str
    code: str
    qr_text: str


def badges_pdf(event_title: str, badges: list[Badge], *, layout: str = "a6", font_dir: Path) -> bytes:
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


def _badge_a6(c: Canvas, event_title: str, b: Badge) -> None:
    w, h = A6
    margin = 8 * mm
    c.setFont(FONT, 8)
    for i, line in enumerate(simpleSplit(event_title, FONT, 8, w - 2 * margin)[:2]):
        c.drawCentredString(w / 2, h - margin - i * 10, line)
    lines, size = _fit_lines(b.name, FONT_BOLD, 18, w - 2 * margin, 3)
    y = h - margin - 34
    c.setFont(FONT_BOLD, size)
    for line in lines:
        c.drawCentredString(w / 2, y, line)
        y -= size * 1.2
    inst, isize = _fit_lines(b.institution, FONT, 11, w - 2 * margin, 3)
    c.setFont(FONT, isize)
    for line in inst:
        c.drawCentredString(w / 2, y - 2, line)
        y -= isize * 1.25
    qr_size = 66 * mm
    # The QR sits in the middle of the space left between the text and the code line.
    qr_y = max(14 * mm, 14 * mm + (y - 14 * mm - qr_size) / 2)
    draw_qr(c, b.qr_text, (w - qr_size) / 2, min(qr_y, y - qr_size), qr_size)
    c.setFont(FONT, 10)
    c.drawCentredString(w / 2, 9 * mm, f"{b.code[:4]}-{b.code[4:]}")


def _badge_label(c: Canvas, event_title: str, b: Badge, x: float, y: float, w: float, h: float) -> None:
    c.setLineWidth(0.3)
    c.setStrokeColorRGB(0.75, 0.75, 0.75)
    c.rect(x, y, w, h, stroke=1, fill=0)
    pad = 5 * mm
    qr_size = min(h - 2 * pad, 40 * mm)
    draw_qr(c, b.qr_text, x + w - pad - qr_size, y + (h - qr_size) / 2, qr_size)
    text_w = w - 3 * pad - qr_size
    c.setFont(FONT, 6.5)
    c.drawString(x + pad, y + h - pad - 4, simpleSplit(event_title, FONT, 6.5, text_w)[0] if event_title else "")
    lines, size = _fit_lines(b.name, FONT_BOLD, 13, text_w, 3)
    ty = y + h - pad - 22
    c.setFont(FONT_BOLD, size)
    for line in lines:
        c.drawString(x + pad, ty, line)
        ty -= size * 1.2
    inst, isize = _fit_lines(b.institution, FONT, 9, text_w, 3)
    c.setFont(FONT, isize)
    for line in inst:
        c.drawString(x + pad, ty - 2, line)
        ty -= isize * 1.25
    c.setFont(FONT, 8)
    c.drawString(x + pad, y + pad, f"{b.code[:4]}-{b.code[4:]}")


# ------------------------------------------------------------------------------------------ daftar hadir


@dataclass(frozen=True)
class SheetRow:
    """One line of the daftar hadir."""

    name: str
    nip: str = ""
    rank_position: str = ""
    institution: str = ""


@dataclass
class AttendanceSheet:
    """Everything printed on a daftar hadir, already formatted (Indonesian dates, "09.00 WIB")."""

    letterhead: list[str]
    title: str
    activity: str
    day_date: str
    time: str
    place: str
    session: str = ""
    rows: list[SheetRow] = field(default_factory=list)
    sign_place_date: str = ""
    committee_title: str = "Panitia Penyelenggara"


COLUMNS = (("NO", 9), ("NAMA", 38), ("NIP", 35), ("GOL/JABATAN", 29), ("INSTANSI/UNIT KERJA", 39), ("TANDA TANGAN", 30))


def attendance_pdf(sheet: AttendanceSheet, *, font_dir: Path) -> bytes:
    """The daftar hadir in the usual government layout, with zig-zag signature cells.

    Odd numbers sign in the left half of their cell and even numbers in the right half, so neighbours
    cannot sign for each other unnoticed. The table header repeats on every page; the footer carries
    Sakit / Izin / Alpa counts to fill in and the committee's signature block.
    """
    register_fonts(font_dir)
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, pageCompression=1)
    c.setTitle(f"Daftar Hadir - {sheet.activity}")
    width, height = A4
    left, right, bottom = 15 * mm, width - 15 * mm, 18 * mm
    page = [1]

    def header(first: bool) -> float:
        y = height - 15 * mm
        if first:
            for i, line in enumerate(sheet.letterhead):
                c.setFont(FONT_BOLD if i == 0 else FONT, 12 if i == 0 else 9)
                c.drawCentredString(width / 2, y, line)
                y -= 14 if i == 0 else 11
            c.setLineWidth(1.5)
            c.line(left, y + 4, right, y + 4)
            c.setLineWidth(0.5)
            c.line(left, y + 1.5, right, y + 1.5)
            y -= 14
            c.setFont(FONT_BOLD, 12)
            c.drawCentredString(width / 2, y, sheet.title)
            y -= 18
            info = [("Kegiatan", sheet.activity)]
            if sheet.session:
                info.append(("Sesi", sheet.session))
            info += [("Hari/Tanggal", sheet.day_date), ("Waktu", sheet.time), ("Tempat", sheet.place)]
            for label, value in info:
                c.setFont(FONT, 9)
                c.drawString(left, y, label)
                c.drawString(left + 28 * mm, y, ":")
                lines = simpleSplit(value, FONT, 9, right - left - 31 * mm) or [""]
                for line in lines:
                    c.drawString(left + 31 * mm, y, line)
                    y -= 11
            y -= 4
        # Table header
        c.setFont(FONT_BOLD, 7.5)
        c.setFillColorRGB(0.9, 0.9, 0.9)
        c.rect(left, y - 14, right - left, 14, stroke=1, fill=1)
        c.setFillColorRGB(0, 0, 0)
        x = left
        for title, w in COLUMNS:
            c.drawCentredString(x + w * mm / 2, y - 9.5, title)
            x += w * mm
            c.line(x, y, x, y - 14)
        return y - 14

    def footer_page_number() -> None:
        c.setFont(FONT, 7)
        c.drawRightString(right, 10 * mm, f"Halaman {page[0]}")

    y = header(True)
    c.setLineWidth(0.5)
    for i, row in enumerate(sheet.rows, start=1):
        cells = [str(i), row.name, row.nip, row.rank_position, row.institution]
        wrapped = [
            simpleSplit(text, FONT, 7.5, w * mm - 4) or [""] for text, (_t, w) in zip(cells, COLUMNS, strict=False)
        ]
        row_h = max(11 * mm, max(len(lines) for lines in wrapped) * 9 + 8)
        if y - row_h < bottom:
            footer_page_number()
            c.showPage()
            page[0] += 1
            y = header(False)
        c.rect(left, y - row_h, right - left, row_h, stroke=1, fill=0)
        x = left
        for col, (lines, (_title, w)) in enumerate(zip(wrapped + [[]], COLUMNS, strict=False)):
            c.setFont(FONT, 7.5)
            ty = y - 9
            for line in lines:
                if col == 0:
                    c.drawCentredString(x + w * mm / 2, ty, line)
                else:
                    c.drawString(x + 2, ty, line)
                ty -= 9
            if col == len(COLUMNS) - 1:
                # Zig-zag: odd numbers sign on the left half, even numbers on the right half.
                half = w * mm / 2
                c.setDash(1, 2)
                c.line(x + half, y - 2, x + half, y - row_h + 2)
                c.setDash()
                c.setFont(FONT, 7)
                c.drawString(x + (2 if i % 2 else half + 2), y - 8, f"{i}.")
            x += w * mm
            c.line(x, y, x, y - row_h)
        y -= row_h

    # Footer: Sakit / Izin / Alpa and the committee's signature block.
    needed = 62 * mm
    if y - needed < bottom:
        footer_page_number()
        c.showPage()
        page[0] += 1
        y = height - 20 * mm
    y -= 16
    c.setFont(FONT, 9)
    c.drawString(left, y, f"Jumlah peserta: {len(sheet.rows)} orang")
    for label in ("Hadir", "Sakit", "Izin", "Alpa"):
        y -= 13
        c.drawString(left, y, label)
        c.drawString(left + 20 * mm, y, ": ........ orang")
    block_x = width - 75 * mm
    by = y + 52
    c.drawString(block_x, by, sheet.sign_place_date)
    c.drawString(block_x, by - 12, sheet.committee_title + ",")
    c.drawString(block_x, by - 62, "(" + "." * 48 + ")")
    c.drawString(block_x, by - 74, "NIP. " + "." * 40)
    footer_page_number()
    c.showPage()
    c.save()
    return buf.getvalue()
