"""The PDF kit: Indonesian formats, text that fits its box, the kop, the signature with the last row, purity."""

from __future__ import annotations

import ast
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from bimtek.checkin.pdf import AttendanceSheet, SheetRow, attendance_pdf
from bimtek.core import pdfkit
from bimtek.core.pdfkit.formats import place_line
from bimtek.core.tickets import encode_ticket, generate_event_keypair
from bimtek.registration.ticket_pdf import TicketInfo, ticket_pdf
from tests.pdfchecks import assert_inside_page, assert_nips_whole, assert_page_numbers, flat, page_texts, qr_texts

ROOT = Path(__file__).resolve().parents[2]
KIT = ROOT / "bimtek" / "core" / "pdfkit"


@pytest.mark.parametrize("module", sorted(p.name for p in KIT.glob("*.py")))
def test_kit_is_pure(module):
    tree = ast.parse((KIT / module).read_text())
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not {n for n in names if n.split(".")[0] in ("flask", "sqlalchemy", "flask_babel", "flask_sqlalchemy")}
    assert not {n for n in names if n.startswith("bimtek") and not n.startswith("bimtek.core.pdfkit")}


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1234567.5, "1.234.567,5"), (28.5, "28,5"), (412, "412"), (None, "–"), (4.05, "4,05")],
)
def test_indonesian_numbers(value, expected):
    assert pdfkit.number(value) == expected


def test_dates_clock_nip_and_code():
    when = datetime(2022, 8, 25, 2, 0, tzinfo=UTC)
    assert pdfkit.long_date(when, "Asia/Jakarta") == "Kamis, 25 Agustus 2022"
    assert pdfkit.long_date(date(2022, 9, 1)) == "Kamis, 1 September 2022"
    assert pdfkit.short_date(when, "Asia/Makassar") == "25 Agustus 2022"
    assert pdfkit.clock(when, "Asia/Jayapura") == "11.00 WIT"
    assert pdfkit.nip_text("196608011988031001") == "19660801\u00a0198803\u00a01\u00a0001"
    assert pdfkit.group_code("FM4QSNQQ") == pdfkit.group_code("FM4Q-SNQQ") == "FM4Q-SNQQ"
    assert "pukul 09.00 WIB" in pdfkit.generated_footer("kegiatan X", when, "Asia/Jakarta")


@pytest.mark.parametrize("name", ["Raden " * 25, "A" * 150, "Łukasz Żółć " + "x" * 138])
def test_fit_text_never_leaves_its_box(name):
    pdfkit.register_fonts()
    fitted = pdfkit.fit_text(name, pdfkit.BOLD, 11, 200, 4, min_size=6)
    assert all(stringWidth(line, pdfkit.BOLD, fitted.size) <= 200 for line in fitted.lines)
    assert len(fitted.lines) <= 4
    assert "".join(fitted.lines).replace(" ", "") == name.replace(" ", "")  # nothing lost
    cut = pdfkit.fit_text(name * 4, pdfkit.BOLD, 11, 200, 2, min_size=8)
    assert cut.cut and cut.lines[-1].endswith("…") and len(cut.lines) == 2


def test_nbsp_is_never_a_break_point():
    pdfkit.register_fonts()
    lines = pdfkit.wrap("NIP " + pdfkit.nip_text("196608011988031001"), pdfkit.FONT, 9, 125)
    assert any("19660801\u00a0198803\u00a01\u00a0001" in line for line in lines)


@pytest.mark.parametrize("spaces", [True, False])
def test_ticket_prints_a_150_character_name_whole(spaces):
    private, _ = generate_event_keypair()
    qr = encode_ticket(private, 7, b"0123456789", 1)
    name = ("Prof. Dr. Ir. Raden Mas Adiningrat Wicaksono " * 4)[:150] if spaces else "W" * 150
    assert len(name) == 150
    info = TicketInfo("Bimtek Strategi Komunikasi Media Sosial dan Evaluasi Kinerja Media Sosial", "Kamis",
                      "Swiss-Belhotel Harbour Bay, Batam", name, "Diskominfo", "FM4QSNQQ", qr)  # fmt: skip
    pdf = ticket_pdf(info)
    text = page_texts(pdf)[0]
    assert "".join(name.split()) in "".join(text.split()) and "…" not in text
    assert "FM4Q-SNQQ" in text
    assert assert_inside_page(pdf) > 150
    assert qr_texts(pdf) == [qr]


def test_kop_wraps_and_shrinks_but_never_leaves_the_page():
    pdfkit.register_fonts()
    long = "Kementerian Koordinator Bidang Politik Hukum dan Keamanan Republik Indonesia " * 2
    kop = pdfkit.Letterhead(long, long, long, "Jalan " * 40, ["Telepon (021) 123", "Laman x.go.id"],
                            (ROOT / "static" / "fonts" / "..").resolve().joinpath("img").exists() and None)  # fmt: skip
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4)
    left, width = 20 * 72 / 25.4, A4[0] - 40 * 72 / 25.4
    bottom = pdfkit.draw_kop(c, kop, left, A4[1] - 30, width)
    c.showPage()
    c.save()
    pdf = buf.getvalue()
    assert assert_inside_page(pdf) > 300 and bottom > A4[1] / 2
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        chars = doc.pages[0].chars
    assert all(left - 0.5 <= ch["x0"] and ch["x1"] <= left + width + 0.5 for ch in chars)
    # An ordinary kop stays on one line per entry at 10 pt or more.
    normal = pdfkit.Letterhead("Kementerian Komunikasi dan Informatika Republik Indonesia",
                               "Direktorat Jenderal Informasi dan Komunikasi Publik")  # fmt: skip
    assert all(size >= 10 for _t, _f, size in pdfkit.kop._layout(normal, width)[0][:2])
    assert len(pdfkit.kop._layout(normal, width)[0]) == 2


@pytest.mark.parametrize("count", range(8, 40, 3))
def test_signature_block_always_shares_the_page_of_the_last_row(count):
    rows = [SheetRow(f"Peserta Nomor {i:02d}", pdfkit.nip_text("196608011988031001"), "III/a", "Diskominfo")
            for i in range(1, count + 1)]  # fmt: skip
    sheet = AttendanceSheet(letterhead=pdfkit.Letterhead("KEMENTERIAN X", "DIREKTORAT Y"), title="DAFTAR HADIR PESERTA",
                            activity="Bimtek", day_date="Kamis, 25 Agustus 2022", time="09.00 WIB", place="Batam",
                            rows=rows, sign_place_date="Batam, 25 Agustus 2022",
                            signatory=pdfkit.Signatory("Ketua Panitia", "Ratna Sari Dewi", "198203142006042002"))  # fmt: skip
    pdf = attendance_pdf(sheet)
    last = flat(page_texts(pdf)[-1])
    assert f"Peserta Nomor {count:02d}" in last and "Ratna Sari Dewi" in last and "NIP. 19820314 200604 2 002" in last
    assert_page_numbers(pdf)
    assert_nips_whole(pdf, ["196608011988031001"])
    assert_inside_page(pdf)


def test_date_range_writes_a_multi_day_span_once():
    from datetime import date

    from bimtek.core.pdfkit.formats import date_range

    assert date_range(date(2022, 8, 25), date(2022, 8, 26)) == "Kamis–Jumat, 25–26 Agustus 2022"
    assert date_range(date(2022, 8, 31), date(2022, 9, 1)) == "Rabu–Kamis, 31 Agustus–1 September 2022"
    assert date_range(date(2022, 8, 25), date(2022, 8, 25)) == "Kamis, 25 Agustus 2022"
    assert date_range(date(2022, 8, 25), date(2022, 8, 26), locale="en") == "Thursday–Friday, 25–26 August 2022"
    assert date_range(date(2025, 12, 31), date(2026, 1, 1)) == "Rabu, 31 Desember 2025 – Kamis, 1 Januari 2026"


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("Hotel Aston Makassar", "", "Makassar", ""), "Hotel Aston Makassar"),
        (
            ("Hotel Aston Makassar", "Jl. Sultan Hasanuddin No. 10", "Makassar", "Sulawesi Selatan"),
            "Hotel Aston Makassar, Jl. Sultan Hasanuddin No. 10, Sulawesi Selatan",
        ),
        (
            ("Swiss-Belhotel Harbour Bay", "Jl. Duyung, Sei Jodoh", "Batam", "Kepulauan Riau"),
            "Swiss-Belhotel Harbour Bay, Jl. Duyung, Sei Jodoh, Batam, Kepulauan Riau",
        ),
        (("Aula Serbaguna", "Jl. Bandung Raya 5", "Bandung", ""), "Aula Serbaguna, Jl. Bandung Raya 5"),
        (("Gedung Balikpapan", "", "Bali", ""), "Gedung Balikpapan, Bali"),  # whole words only
        ((None, None, "Batam", None), "Batam"),
        (("", "", "", ""), ""),
    ],
)
def test_place_line_says_each_part_once(parts, expected):
    assert place_line(*parts) == expected
