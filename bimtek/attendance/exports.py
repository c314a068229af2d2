"""Spreadsheet and PDF exports: the attendance matrix and the online daftar hadir annex for the SPJ."""

from __future__ import annotations

import io
from datetime import datetime
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from bimtek.attendance.verdicts import MatrixRow
from bimtek.core.labels import label
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
    labels = ", ".join(label("attendance_source", s, "id") for s in cell["sources"])
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


def _annex_rows(event: Event, rows: list[MatrixRow], *, decimal=None, nip=None) -> list[list[str]]:
    out = []
    for n, row in enumerate(rows, 1):
        reg = row.registration
        gol = " / ".join(p for p in (reg.rank, reg.position) if p) or "-"
        unit = " / ".join(p for p in (reg.institution_name, reg.work_unit) if p) or "-"
        times = []
        for s in event.sessions:
            cell = row.cells[s.id]
            if not cell["sources"]:
                times.append("-")
            else:
                times.append(decimal(cell["minutes"], 1) if decimal else f"{cell['minutes']:g} mnt")
        attended = sum(1 for s in event.sessions if row.cells[s.id]["attended"])
        note = f"Hadir daring {attended}/{len(event.sessions)} sesi" if attended else "Tidak hadir"
        out.append([str(n), reg.full_name, nip(reg.nip) if nip and reg.nip else _nip(reg.nip), gol, unit, *times, note])
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


def annex_pdf(event: Event, rows: list[MatrixRow], now: datetime, *, organizer=None) -> bytes:
    """The same annex as a landscape A4 PDF: kop, session legend, minutes per session, signature block.

    ``organizer`` (organizers.queries.Organizer) defaults to the event's profile.
    """
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from bimtek.core import pdfkit
    from bimtek.organizers import queries as organizers

    pdfkit.register_fonts()
    org = organizer or organizers.for_event(event)
    tz = event.timezone
    body = ParagraphStyle("b", fontName=pdfkit.FONT, fontSize=8.5, leading=11)
    head = ParagraphStyle("h", fontName=pdfkit.BOLD, fontSize=12, leading=15, alignment=1, spaceBefore=4)
    first = event.sessions[0].starts_at if event.sessions else event.starts_at
    story: list = [
        pdfkit.KopFlowable(org.kop),
        Paragraph("DAFTAR HADIR PESERTA DARING", head),
        Paragraph(escape(event.title), head),
        Spacer(1, 3 * mm),
        Paragraph(f"Hari/tanggal: {escape(pdfkit.long_date(first, tz))} · melalui Zoom", body),
    ]
    # Legend: every abbreviation on the sheet says what it stands for.
    legend = [[f"SESI {n}", escape(s.title), f"{pdfkit.long_date(s.starts_at, tz)}, "
               f"{pdfkit.clock(s.starts_at, tz)[:5]}–{pdfkit.clock(s.ends_at, tz)}"]
              for n, s in enumerate(event.sessions, 1)]  # fmt: skip
    legend.append(["mnt", "menit hadir di Zoom (gabungan semua sambungan)", ""])
    width = landscape(A4)[0] - 20 * mm
    lt = Table([[Paragraph(a, body), Paragraph(b, body), Paragraph(escape(c), body)] for a, b, c in legend],
               colWidths=[18 * mm, width - 98 * mm, 80 * mm])  # fmt: skip
    lt.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                            ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5)]))  # fmt: skip
    story += [Spacer(1, 2 * mm), lt, Spacer(1, 3 * mm)]
    n_sessions = len(event.sessions)
    fixed = 9 * mm + 36 * mm + 15 * mm * n_sessions + 28 * mm
    flexible = max(60 * mm, width - fixed)
    widths = [9 * mm, flexible * 0.3, 36 * mm, flexible * 0.27, flexible * 0.43] + [15 * mm] * n_sessions + [28 * mm]
    scale = min(1.0, width / sum(widths))
    widths = [w * scale for w in widths]
    header = [*ANNEX_COLUMNS, *[f"SESI {n} (mnt)" for n in range(1, n_sessions + 1)], "KETERANGAN"]
    data = _annex_rows(event, rows, decimal=pdfkit.number, nip=pdfkit.nip_text)
    align = {0: "CENTER", **{5 + i: "RIGHT" for i in range(n_sessions)}}
    table = pdfkit.ruled_table(header, data, widths, nowrap={2}, align=align)
    place = f"{event.city or org.city or '....'}, {pdfkit.short_date(now, tz)}"
    chair = pdfkit.Signatory(org.chair.title, org.chair.name, org.chair.nip, place)
    tail = [Spacer(1, 5 * mm), Paragraph(f"Jumlah peserta daring: {pdfkit.number(len(data))} orang", body),
            pdfkit.signature_block([chair], width, caption="Panitia Penyelenggara", right_half=True)]  # fmt: skip
    story += pdfkit.keep_with_signature(table, tail)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=10 * mm, rightMargin=10 * mm, topMargin=10 * mm,
                            bottomMargin=16 * mm, title=f"Daftar hadir daring - {event.title}", creator="Bimtek")  # fmt: skip
    footer = pdfkit.generated_footer(f"kegiatan {event.code}", now, tz)
    doc.build(story, canvasmaker=pdfkit.numbered_canvas(footer, margin=10 * mm))
    return buf.getvalue()
