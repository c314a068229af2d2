"""Pure check-in modules: spreadsheet cell safety, QR size, PDF layout rules, no framework imports."""

from __future__ import annotations

import ast
import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from bimtek.checkin.models import slot_key
from bimtek.checkin.pdf import AttendanceSheet, Badge, SheetRow, attendance_pdf, badges_pdf, qr_matrix
from bimtek.checkin.recap import safe_text

ROOT = Path(__file__).resolve().parents[2]
FONTS = ROOT / "static" / "fonts"
TICKET = "BT1" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" * 4


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+62812", "'+62812"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("Budi Santoso", "Budi Santoso"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (3, 3),
        (2.5, 2.5),
    ],
)
def test_safe_text(value, expected):
    assert safe_text(value) == expected


def test_slot_key():
    assert slot_key(12, date(2022, 8, 25)) == "s12"
    assert slot_key(None, date(2022, 8, 25)) == "d2022-08-25"


def test_ticket_qr_is_version_6():
    assert len(qr_matrix(TICKET)) == 41  # version 6 = 17 + 4 * 6 modules


@pytest.mark.parametrize("module", ["pdf.py", "recap.py"])
def test_pure_modules_import_no_framework(module):
    tree = ast.parse((ROOT / "bimtek" / "checkin" / module).read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add(node.module or "")
    assert not {n for n in names if n.split(".")[0] in ("flask", "sqlalchemy", "flask_sqlalchemy")}
    # Pure modules may lean on other pure modules (the spreadsheet helpers, the PDF kit), never on the app.
    assert not {
        n for n in names if n.startswith("bimtek") and n not in ("bimtek.core.spreadsheet", "bimtek.core.pdfkit")
    }


def _positions(pdf: bytes, page: int = 0) -> list[tuple[str, float]]:
    out: list[tuple[str, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            out.append((text.strip(), tm[4] * cm[0] + cm[4]))

    PdfReader(io.BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return out


def test_signature_cells_zig_zag():
    rows = [SheetRow(f"Peserta {i}", "-", "Staf", "Instansi") for i in range(1, 7)]
    sheet = AttendanceSheet(letterhead=["KOP"], title="DAFTAR HADIR PESERTA", activity="Bimtek", day_date="Kamis",
                            time="09.00 WIB", place="Batam", rows=rows, sign_place_date="Batam")  # fmt: skip
    pdf = attendance_pdf(sheet, font_dir=FONTS)
    marks = {t: x for t, x in _positions(pdf) if t in {f"{i}." for i in range(1, 7)}}
    assert len(marks) == 6
    odd, even = [marks[f"{i}."] for i in (1, 3, 5)], [marks[f"{i}."] for i in (2, 4, 6)]
    assert max(odd) < min(even)  # odd numbers sign left, even numbers right
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    for word in ("Sakit", "Izin", "Alpa", "Panitia Penyelenggara", "Jumlah peserta: 6 orang"):
        assert word in text


def test_long_unicode_names_print():
    name = "Prof. Dr. Ir. Łucja Nguyễn Thị Minh Khai Wicaksono Adiningrat, S.Kom., M.Sc., Ph.D."
    pdf = badges_pdf("Bimtek", [Badge(name, "Kementerian Komunikasi dan Digital", "ABCD2345", TICKET)],
                     layout="a6", font_dir=FONTS)  # fmt: skip
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "Łucja Nguyễn Thị" in text and "ABCD-2345" in text


def test_no_badges_gives_a_page_that_says_so():
    pdf = badges_pdf("Bimtek", [], layout="a4", font_dir=FONTS)
    assert "Belum ada peserta" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
