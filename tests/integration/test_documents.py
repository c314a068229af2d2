"""Every printed document of the demo, read as an official would: kop, NIPs, page numbers, signature, page box.

Rendered through `flask documents render` (the command the README gives), then checked with pypdf,
pdfplumber and zxing-cpp; the laporan's DOCX is opened with python-docx.
"""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from sqlalchemy import select

from bimtek import demo
from bimtek.attendance import verdicts
from bimtek.checkin import export, services
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.organizers.demo import PROFILE
from bimtek.registration import services as registration_services
from bimtek.registration.models import Registration
from bimtek.reports import services as report_services
from tests.pdfchecks import (
    assert_inside_page,
    assert_kop,
    assert_nips_whole,
    assert_numbered_rows_line_up,
    assert_page_numbers,
    flat,
    last_page_has,
    page_texts,
    qr_texts,
)

KOP = [PROFILE["parent_line"].upper(), PROFILE["unit_line"].upper(), PROFILE["sub_unit_line"].upper(),
       PROFILE["address"], "Telepon (021) 3452841", "www.kominfo.go.id", "humas@mail.kominfo.go.id"]  # fmt: skip
CHAIR = PROFILE["chair_name"]
CHAIR_NIP = "NIP. 19820314 200604 2 002"


@pytest.fixture
def rendered(app, runner, tmp_path):
    assert demo.seed() is True
    db.session.commit()
    event = db.session.scalar(select(Event).where(Event.slug == demo.BATAM_SLUG))
    out = tmp_path / "documents"
    result = runner.invoke(args=["documents", "render", str(event.id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    files = {p.name.replace(f"-{event.code.lower()}", ""): p.read_bytes() for p in out.iterdir()}
    return event, files


def test_daftar_hadir_peserta_and_narasumber(rendered):
    event, files = rendered
    pdf = files["daftar-hadir.pdf"]
    assert_kop(pdf, KOP)
    assert_page_numbers(pdf)
    assert assert_inside_page(pdf) > 500
    sheet = export.attendance_sheet_for(event, services.slots(event)[0])
    nips = [r.nip.replace("\u00a0", "") for r in sheet.rows if r.nip != "-"]
    assert nips, "the demo has PNS participants with a NIP"
    assert_nips_whole(pdf, nips)
    # The signature block (with the chair's name and NIP, not dots) shares the page of the last row.
    assert last_page_has(pdf, sheet.rows[-1].name, "Alpa", CHAIR, CHAIR_NIP)
    assert_numbered_rows_line_up(pdf, len(sheet.rows))
    text = flat(" ".join(page_texts(pdf)))
    assert "Swiss-Belhotel" in text and "Jl. Duyung" not in text  # the venue is the place, never the kop

    speakers = files["daftar-hadir-narasumber.pdf"]
    assert_kop(speakers, KOP)
    assert_page_numbers(speakers)
    assert_inside_page(speakers)
    text = flat(" ".join(page_texts(speakers)))
    assert "DAFTAR HADIR NARASUMBER DAN MODERATOR" in text and "Dr. Rina Hapsari" in text and "Moderator" in text
    assert last_page_has(speakers, CHAIR, CHAIR_NIP)


def test_online_attendance_annex(rendered):
    event, files = rendered
    pdf = files["lampiran-daring.pdf"]
    assert_kop(pdf, KOP)
    assert_page_numbers(pdf)
    assert_inside_page(pdf)
    rows = verdicts.matrix(event, mode="online")
    nips = [r.registration.nip for r in rows if r.registration.nip]
    assert nips
    assert_nips_whole(pdf, nips)
    text = flat(" ".join(page_texts(pdf)))
    for n, session in enumerate(event.sessions, 1):  # the legend says what SESI n is
        assert f"SESI {n} {session.title}" in text
    assert not re.search(r"\b\d+\.\d+ mnt", text)  # no English decimals
    assert re.search(r"\b\d+,\d\b", text)  # Indonesian ones: 28,5
    assert last_page_has(pdf, rows[-1].registration.full_name, CHAIR, CHAIR_NIP)


def test_laporan_kegiatan_pdf_and_docx(rendered):
    event, files = rendered
    pdf = files["laporan.pdf"]
    assert_kop(pdf, KOP)
    assert_page_numbers(pdf)
    assert_inside_page(pdf)
    text = flat(" ".join(page_texts(pdf)))
    for heading in ("I. DASAR PELAKSANAAN", "II. LATAR BELAKANG", "III. MAKSUD DAN TUJUAN", "IV. WAKTU DAN TEMPAT",
                    "V. NARASUMBER", "VI. PESERTA", "VII. HASIL KEGIATAN", "VIII. KESIMPULAN DAN SARAN",
                    "IX. PENUTUP", "LAMPIRAN: DATA KEGIATAN", "Rincian nilai per pertanyaan"):  # fmt: skip
        assert heading in text, heading
    assert "Kegiatan diikuti oleh 50 peserta dari" in text
    assert "Kamis, 25 Agustus 2022" in text
    # Both signatures stand on the page of the closing section.
    closing = next(t for t in page_texts(pdf) if "IX. PENUTUP" in t)
    assert PROFILE["head_name"] in closing and CHAIR in closing and "NIP. 19660801 198803 1 001" in flat(closing)
    # Counts never stack into single digits: every answer count reads back whole, on a line of its own.
    lines = {line.strip() for t in page_texts(pdf) for line in t.splitlines()}
    scores = report_services.event_report(event)["evaluation"]["scores"]
    assert scores and all(str(r["count"]) in lines for r in scores)

    doc = Document(io.BytesIO(files["laporan.docx"]))
    body = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    for heading in ("I. DASAR PELAKSANAAN", "VI. PESERTA", "IX. PENUTUP"):
        assert heading in body
    assert "Kegiatan diikuti oleh 50 peserta" in body
    assert PROFILE["parent_line"].upper() in cells and CHAIR in cells and "Kamis, 25 Agustus 2022" in cells


def test_badges_and_ticket_share_the_code_and_scan(rendered):
    event, files = rendered
    first = export.onsite_confirmed(event)[0]
    grouped = f"{first.code[:4]}-{first.code[4:]}"
    badge, label, ticket = files["badge-a6.pdf"], files["badge-a4.pdf"], files["tiket.pdf"]
    for pdf in (badge, label, ticket):
        assert_inside_page(pdf)
        assert grouped in flat(page_texts(pdf)[0])
    assert "PESERTA" in page_texts(badge)[0] and "PESERTA" in page_texts(label)[0]
    found = qr_texts(badge) + qr_texts(ticket)
    assert found == [registration_services.ticket_text(first)] * 2
    speakers = flat(" ".join(page_texts(files["badge-narasumber.pdf"])))
    assert "NARASUMBER" in speakers and "MODERATOR" in speakers and "Dr. Rina Hapsari" in speakers
    assert_inside_page(files["badge-narasumber.pdf"])
    # A4 labels: a title too long for the label ends with an ellipsis instead of being cut silently.
    assert "…" in page_texts(label)[0]


def test_event_without_profile_never_prints_the_venue_in_the_kop(app, client):
    from tests.factories import login, make_event, make_registration
    from tests.factories_checkin import make_scanner

    event = make_event(venue_address="Jl. Duyung, Sei Jodoh")
    make_registration(event, employment_status="pns", nip="196608011988031001", rank="III/a")
    login(client, make_scanner(event, "organizer"))
    pdf = client.get(f"/manage/events/{event.id}/daftar-hadir.pdf").data
    first = flat(page_texts(pdf)[0])
    assert "DIREKTORAT TATA KELOLA DAN KEMITRAAN KOMUNIKASI PUBLIK" in first and "Jl. Duyung" not in first
    assert_nips_whole(pdf, ["196608011988031001"])
    assert_page_numbers(pdf)
    speakers = client.get(f"/manage/events/{event.id}/daftar-hadir.pdf?who=narasumber").data
    assert "Narasumber 1" in flat(page_texts(speakers)[0])
    assert db.session.scalar(select(Registration.id).where(Registration.event_id == event.id))
