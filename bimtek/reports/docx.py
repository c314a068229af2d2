"""The laporan kegiatan as an editable Word document (python-docx), for the director's office to edit.

Pure module: same inputs and the same sections as the PDF (reports.laporan), with the figures as Word
tables; the charts stay in the PDF. The kop is a table (logo left, lines centred) over a double rule.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from bimtek.core.pdfkit.formats import nip_text, number
from bimtek.core.pdfkit.kop import Letterhead
from bimtek.core.pdfkit.signature import Signatory
from bimtek.reports import laporan

__all__ = ["render_docx"]


def _double_rule(paragraph) -> None:
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "thickThinSmallGap"), ("w:sz", "18"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _kop(doc, kop: Letterhead) -> None:
    table = doc.add_table(rows=1, cols=2 if kop.logo else 1)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    cells = table.rows[0].cells
    if kop.logo:
        cells[0].width = Cm(2.4)
        cells[0].paragraphs[0].add_run().add_picture(io.BytesIO(kop.logo), width=Cm(2.1))
        cells[1].width = Cm(14.6)
    text_cell = cells[-1]
    first = True
    for text, font, size, _smallest, _lines in kop.lines():
        p = text_cell.paragraphs[0] if first else text_cell.add_paragraph()
        first = False
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        run = p.add_run(text)
        run.bold = font.endswith("Bold")
        run.font.size = Pt(size)
    _double_rule(doc.add_paragraph())


def _table(doc, rows: list[list[str]], widths_cm: list[float]) -> None:
    table = doc.add_table(rows=0, cols=len(widths_cm))
    table.style = "Table Grid"
    for r, values in enumerate(rows):
        cells = table.add_row().cells
        for cell, value, width in zip(cells, values, widths_cm, strict=True):
            cell.width = Cm(width)
            run = cell.paragraphs[0].add_run(str(value))
            run.font.size = Pt(9)
            run.bold = r == 0


def render_docx(report: dict, *, narrative: dict | None = None, kop: Letterhead | None = None,
                signatories: list[Signatory] | None = None, organizer: str = "", place: str = "") -> bytes:  # fmt: skip
    """The laporan kegiatan as DOCX bytes (same arguments as reports.pdf.render)."""
    ev, summ = report["event"], report["summary"]
    texts = laporan.narrative(report, narrative, organizer=organizer)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin, section.bottom_margin = Cm(1.5), Cm(2)
    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)
    _kop(doc, kop or Letterhead(ev["organizer_unit"] or ev["title"]))
    for text, size in (("LAPORAN KEGIATAN", 13), (ev["title"], 12)):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.bold, run.font.size = True, Pt(size)
    for i, (key, title) in enumerate(laporan.SECTIONS):
        doc.add_heading(f"{laporan.ROMAN[i]}. {title.upper()}", level=2)
        if key == "when_where":
            _table(doc, [["Uraian", "Keterangan"], *[list(x) for x in laporan.when_where(report)]], [5, 12])
        elif key == "speakers":
            _table(doc, [["Nama", "Instansi", "Peran", "Sesi"], *laporan.speaker_rows(report)], [4.5, 4.5, 2.5, 5.5])
            doc.add_paragraph("Susunan acara:")
            _table(doc, [["Waktu", "Sesi", "JP"], *laporan.schedule_rows(report)], [3, 12, 2])
        else:
            for part in texts[key].split("\n\n"):
                p = doc.add_paragraph(part.strip())
                p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if key == "participants":
            _table(doc, [["Uraian", "Jumlah"], ["Pendaftar", number(summ["registrations"])],
                         ["Peserta terkonfirmasi", number(summ["confirmed"])],
                         ["– luring", number(summ["onsite_confirmed"])], ["– daring", number(summ["online_confirmed"])],
                         ["Provinsi terwakili (dari 38)", number(summ["provinces_reached"])]], [12, 5])  # fmt: skip
            types = report["registrations"]["by_institution_type"]
            doc.add_paragraph("Peserta terkonfirmasi per jenis instansi:")
            _table(doc, [["Jenis instansi", "Peserta"], *[[t["label"], number(t["count"])] for t in types]], [12, 5])
        if key == "results" and report["evaluation"]["general"]:
            doc.add_paragraph("Hasil evaluasi penyelenggaraan (rata-rata, skala 1–5):")
            _table(doc, [["Pertanyaan", "n", "Rata-rata"],
                         *[[r["question"], number(r["count"]), number(r["mean"])]
                           for r in report["evaluation"]["general"]]], [11, 3, 3])  # fmt: skip
    signers = signatories or [Signatory("Ketua Panitia")]
    sign_place = f"{place or ev['city'] or '....'}, {laporan.sign_date(report)}"
    doc.add_paragraph()
    table = doc.add_table(rows=1, cols=max(2, len(signers)))
    cells = table.rows[0].cells[-len(signers) :]
    for i, (cell, s) in enumerate(zip(cells, signers, strict=True)):
        lines = [sign_place if i == len(signers) - 1 else ("Mengetahui," if len(signers) > 1 else ""), f"{s.title},",
                 "", "", ""]  # fmt: skip
        cell.paragraphs[0].add_run(lines[0])
        for line in lines[1:]:
            cell.add_paragraph(line)
        name = cell.add_paragraph().add_run(s.name or "(" + "." * 40 + ")")
        name.bold, name.underline = True, bool(s.name)
        cell.add_paragraph(f"NIP. {nip_text(s.nip) if s.nip else '.' * 30}")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
