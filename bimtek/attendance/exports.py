"""Spreadsheet and PDF exports: the attendance matrix and the online daftar hadir annex for the SPJ."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from bimtek.attendance.verdicts import SOURCE_LABELS, MatrixRow
from bimtek.core.spreadsheet import safe_cell
from bimtek.events.models import Event
from bimtek.i18n import format_clock, format_long_date


def _nip(nip: str | None) -> str:
    if not nip or len(nip) != 18:
        return nip or "-"
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"


def _cell_text(cell: dict) -> str:
    if not cell["sources"]:
        return "-"
    labels = ", ".join(SOURCE_LABELS.get(s, s) for s in cell["sources"])
    return f"{cell['minutes']:g} mnt ({cell['percent']:g}%) · {labels}"


def _verdict_text(row: MatrixRow) -> tuple[str, str]:
    v = row.verdict
    if v is None:
        return "Belum dinilai", ""
    status = "Memenuhi syarat" if v.final else "Tidak memenuhi syarat"
    if v.override is not None:
        status += " (keputusan panitia)"
        return status, v.override_reason or ""
    return status, "; ".join(v.reasons)


def _autosize(ws, widths: dict[int, int]) -> None:
    from openpyxl.utils import get_column_letter

    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width


def matrix_xlsx(event: Event, rows: list[MatrixRow]) -> bytes:
    """The attendance matrix as an XLSX workbook."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Kehadiran"
    sessions = list(event.sessions)
    header = ["No", "Nama", "Kode", "Mode", "Instansi"]
    header += [f"Sesi {n}: {s.title}" for n, s in enumerate(sessions, 1)]
    header += ["Keputusan", "Alasan"]
    ws.append([safe_cell(h) for h in header])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for n, row in enumerate(rows, 1):
        reg = row.registration
        status, reason = _verdict_text(row)
        values = [n, reg.full_name, reg.code, "Luring" if reg.mode == "onsite" else "Daring", reg.institution_name]
        values += [_cell_text(row.cells[s.id]) for s in sessions]
        values += [status, reason]
        ws.append([safe_cell(v) for v in values])
    _autosize(ws, {1: 5, 2: 36, 3: 12, 4: 8, 5: 36, **{6 + i: 30 for i in range(len(sessions))}})
    ws.freeze_panes = "C2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


ANNEX_COLUMNS = ("NO", "NAMA", "NIP", "GOL/JABATAN", "INSTANSI/UNIT KERJA")


def _annex_rows(event: Event, rows: list[MatrixRow]) -> list[list[str]]:
    out = []
    for n, row in enumerate(rows, 1):
        reg = row.registration
        gol = " / ".join(p for p in (reg.rank, reg.position) if p) or "-"
        unit = " / ".join(p for p in (reg.institution_name, reg.work_unit) if p) or "-"
        times = []
        for s in event.sessions:
            cell = row.cells[s.id]
            times.append(f"{cell['minutes']:g} mnt" if cell["sources"] else "-")
        attended = sum(1 for s in event.sessions if row.cells[s.id]["attended"])
        note = f"Hadir daring {attended}/{len(event.sessions)} sesi" if attended else "Tidak hadir"
        out.append([str(n), reg.full_name, _nip(reg.nip), gol, unit, *times, note])
    return out


def annex_xlsx(event: Event, rows: list[MatrixRow], now: datetime) -> bytes:
    """Daftar hadir daring: the paper list's columns plus minutes per session, for the SPJ file."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Daftar Hadir Daring"
    first = event.sessions[0].starts_at if event.sessions else event.starts_at
    ws.append(["DAFTAR HADIR PESERTA DARING"])
    ws.append([safe_cell(event.title)])
    ws.append([f"Hari/tanggal: {format_long_date(first, event.timezone, 'id')}"])
    ws.append([f"Waktu: {format_clock(first, event.timezone, 'id')} · melalui Zoom"])
    ws.append([])
    header = [*ANNEX_COLUMNS, *[f"SESI {n} (MENIT)" for n in range(1, len(event.sessions) + 1)], "KETERANGAN"]
    ws.append(header)
    for cell in ws[6]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)
    ws["A1"].font = Font(bold=True, size=13)
    for values in _annex_rows(event, rows):
        ws.append([safe_cell(v) for v in values])
    ws.append([])
    ws.append([f"Dicetak dari Bimtek pada {format_long_date(now, event.timezone, 'id')}"])
    _autosize(ws, {1: 5, 2: 36, 3: 22, 4: 30, 5: 40})
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def annex_pdf(event: Event, rows: list[MatrixRow], now: datetime) -> bytes:
    """The same annex as a landscape A4 PDF with a table (user text escaped as markup)."""
    from pathlib import Path
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    fonts = Path(__file__).resolve().parents[2] / "static" / "fonts"
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(fonts / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(fonts / "DejaVuSans-Bold.ttf")))
    body = ParagraphStyle("b", fontName="DejaVuSans", fontSize=8, leading=10)
    head = ParagraphStyle("h", fontName="DejaVuSans-Bold", fontSize=11, leading=14, alignment=1)
    bold = ParagraphStyle("hb", fontName="DejaVuSans-Bold", fontSize=8, leading=10)
    first = event.sessions[0].starts_at if event.sessions else event.starts_at
    story = [
        Paragraph("DAFTAR HADIR PESERTA DARING", head),
        Paragraph(escape(event.title), head),
        Spacer(1, 4 * mm),
        Paragraph(f"Hari/tanggal: {escape(format_long_date(first, event.timezone, 'id'))}", body),
        Paragraph(f"Waktu: {escape(format_clock(first, event.timezone, 'id'))} · melalui Zoom", body),
        Spacer(1, 4 * mm),
    ]
    header = [*ANNEX_COLUMNS, *[f"SESI {n}" for n in range(1, len(event.sessions) + 1)], "KETERANGAN"]
    data = [[Paragraph(escape(h), bold) for h in header]]
    data += [[Paragraph(escape(v), body) for v in values] for values in _annex_rows(event, rows)]
    n_sessions = len(event.sessions)
    widths = [10 * mm, 55 * mm, 38 * mm, 40 * mm, 60 * mm] + [16 * mm] * n_sessions + [30 * mm]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [table, Spacer(1, 6 * mm)]
    story.append(Paragraph(f"Dicetak dari Bimtek pada {escape(format_long_date(now, event.timezone, 'id'))}", body))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=landscape(A4), leftMargin=10 * mm, rightMargin=10 * mm, topMargin=10 * mm, bottomMargin=10 * mm
    )
    doc.build(story)
    return buf.getvalue()
