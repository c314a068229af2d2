"""Pure registration modules: calendar file, spreadsheet safety and parsing, ticket PDF."""

from __future__ import annotations

import ast
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bimtek.registration.ics import event_ics
from bimtek.registration.spreadsheet import ImportFileError, neutralize, read_table, write_csv, write_xlsx
from bimtek.registration.ticket_pdf import TicketInfo, ticket_pdf

ROOT = Path(__file__).resolve().parents[2]
PURE = [
    "ics.py",
    "spreadsheet.py",
    "ticket_pdf.py",
    "nip.py",
    "phone.py",
    "names.py",
    "../core/codes.py",
    "../core/tickets.py",
    "channels.py",
]


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_import_no_framework(module):
    tree = ast.parse((ROOT / "bimtek" / "registration" / module).read_text())
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    # Pure modules may lean on other pure modules (bimtek.core.spreadsheet), never on the app or the database.
    names -= {"bimtek.core.spreadsheet", "bimtek.core.pdfkit"}
    assert not {n for n in names if n.split(".")[0] in ("flask", "sqlalchemy", "flask_babel", "bimtek")}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+62 812", "'+62 812"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Budi", "Budi"),
        ("O'Neil", "O'Neil"),
        ("a=b", "a=b"),
        (12, 12),
        (None, None),
        ("", ""),
    ],
)
def test_neutralize(value, expected):
    assert neutralize(value) == expected


def test_write_csv_has_bom_and_neutralises():
    data = write_csv(["Nama", "=H"], [["=cmd|' /C calc'!A0", "Łukasz"]])
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines() == ["Nama,'=H", "'=cmd|' /C calc'!A0,Łukasz"]


def test_xlsx_roundtrip_keeps_text():
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(write_xlsx(["NIP"], [["196608011988031001"], ["=2+2"]]))).active
    assert ws["A2"].value == "196608011988031001" and ws["A3"].value == "'=2+2" and ws["A3"].data_type == "s"


ALIASES = {"nama": "full_name", "email": "email", "nip": "nip"}


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_read_csv_by_header_name_with_bom(sep):
    text = f"\ufeffEmail{sep}Kolom Lain{sep}Nama\nA@X.ID{sep}?{sep}Tan Sioe Lie\n{sep}{sep}\n"
    assert read_table(text.encode(), "a.csv", ALIASES) == [{"email": "A@X.ID", "full_name": "Tan Sioe Lie"}]


def test_read_table_refuses_other_files():
    with pytest.raises(ImportFileError):
        read_table(b"\x89PNG", "x.png", ALIASES)
    with pytest.raises(ImportFileError):
        read_table(b"foo,bar\n1,2\n", "x.csv", ALIASES)
    with pytest.raises(ImportFileError):
        read_table(b"PK\x03\x04broken", "x.xlsx", ALIASES)


def test_ics_escapes_and_folds():
    text = event_ics(uid="ABCD2345@bimtek", title="Bimtek; Media, Sosial " + "x" * 80,
                     starts_at=datetime(2022, 8, 25, 2, 0, tzinfo=UTC), ends_at=datetime(2022, 8, 25, 5, 30, tzinfo=UTC),
                     location="Swiss-Belhotel, Batam", description="Baris 1\nBaris 2", now=datetime(2022, 8, 1, tzinfo=UTC))  # fmt: skip
    lines = text.split("\r\n")
    assert "DTSTART:20220825T020000Z" in lines and "DTEND:20220825T053000Z" in lines
    assert "LOCATION:Swiss-Belhotel\\, Batam" in lines and "DESCRIPTION:Baris 1\\nBaris 2" in lines
    assert all(len(line.encode()) <= 75 for line in lines)
    assert "SUMMARY:Bimtek\\; Media\\, Sosial" in text.replace("\r\n ", "")


def test_ticket_pdf_draws_any_name_and_a_readable_qr():
    import pypdfium2
    import zxingcpp
    from pypdf import PdfReader

    from bimtek.core.tickets import encode_ticket, generate_event_keypair

    private, _public = generate_event_keypair()
    qr_text = encode_ticket(private, 7, b"0123456789", 1)
    info = TicketInfo(event_title="Bimtek Strategi Komunikasi Media Sosial", when="Kamis, 25 Agustus 2022",
                      venue="Swiss-Belhotel Harbour Bay, Batam", full_name="Łukasz Żółć, S.Kom.",
                      institution="Diskominfo", code="ABCD2345", qr_text=qr_text)  # fmt: skip
    pdf = ticket_pdf(info, font_dir=ROOT / "static" / "fonts")
    assert "Łukasz Żółć, S.Kom." in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=3).to_pil()
    assert [b.text for b in zxingcpp.read_barcodes(image)] == [qr_text]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+62812", "'+62812"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("|cmd", "'|cmd"),
        ("\tx", "'\tx"),
        ("Budi", "Budi"),
        (42, 42),
        (None, None),
        (True, True),
    ],
)
def test_spreadsheet_cells_never_run_as_formulas(value, expected):
    from bimtek.core.spreadsheet import safe_cell

    assert safe_cell(value) == expected
