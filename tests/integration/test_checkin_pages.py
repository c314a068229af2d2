"""Check-in pages: scanner, service worker, live view, undo, walk-in, badges, daftar hadir and recap."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from bimtek.checkin import services
from bimtek.checkin.models import CheckIn
from bimtek.core.models import AuditLog
from bimtek.extensions import db
from bimtek.registration import services as registration_services
from tests.factories import login, make_event, make_registration, make_user
from tests.factories_checkin import make_scanner, ticket_text


def _qr_texts(pdf: bytes, page: int = 0, scale: float = 3) -> list[str]:
    doc = pypdfium2.PdfDocument(pdf)
    image = doc[page].render(scale=scale).to_pil()
    doc.close()
    return [r.text for r in zxingcpp.read_barcodes(image)]


def _text(pdf: bytes) -> str:
    # Whitespace-insensitive: long names wrap onto several lines.
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def test_scanner_page_for_checkin_staff(client):
    event = make_event()
    staff = make_scanner(event)
    login(client, staff)
    page = client.get(f"/manage/events/{event.id}/scan")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="scan-input"' in html and "checkin-scan.js" in html and "jsQR.js" in html
    assert "<script>" not in html  # CSP: no inline script
    assert f'data-event-id="{event.id}"' in html and 'data-sw-scope="/manage/events/"' in html
    sw = client.get("/checkin/sw.js")
    assert sw.status_code == 200 and sw.headers["Service-Worker-Allowed"] == "/manage/events/"
    assert "javascript" in sw.mimetype
    sw.close()
    assert client.get(f"/manage/events/{event.id}/checkin").status_code == 200
    # Check-in staff cannot print or export.
    assert client.get(f"/manage/events/{event.id}/badges.pdf").status_code == 403
    assert client.get(f"/manage/events/{event.id}/checkin-recap.xlsx").status_code == 403


def test_outsiders_are_kept_out(client):
    event = make_event()
    login(client, make_user("checkin"))
    for path in ("scan", "checkin", "walkin", "badges.pdf", "daftar-hadir.pdf", "checkin-recap.xlsx"):
        assert client.get(f"/manage/events/{event.id}/{path}").status_code == 404, path
    client.post("/logout")
    assert client.get(f"/manage/events/{event.id}/scan").status_code == 302


def test_live_view_counts_missing_and_undo(client):
    event = make_event()
    organizer = make_scanner(event, "organizer")
    here, away = make_registration(event, full_name="Hadir Sekali"), make_registration(event, full_name="Belum Datang")
    adm = services.check_in(event, ticket_text(here), staff=organizer, gate="Utama")
    db.session.commit()
    login(client, organizer)
    slot = adm.slot
    html = client.get(f"/manage/events/{event.id}/checkin?slot={slot}").get_data(as_text=True)
    assert "Belum Datang" in html and "Hadir Sekali" in html
    missing_part = html.split('id="live"')[1].split("Log check-in")[0]
    assert "Belum Datang" in missing_part and "Hadir Sekali" not in missing_part.split("Belum hadir")[-1]
    resp = client.post(f"/manage/events/{event.id}/checkins/{adm.id}/undo", data={"reason": "salah sesi"})
    assert resp.status_code == 302
    row = db.session.get(CheckIn, adm.id)
    db.session.refresh(row)
    assert row.undone_at is not None and row.admit_key is None
    assert (
        db.session.scalar(select(AuditLog).where(AuditLog.action == "checkin.undo")).details["reason"] == "salah sesi"
    )
    assert away.id not in services.admitted_ids(event, services.parse_slot(event, slot))


def test_walk_in_form(client):
    event = make_event(onsite_capacity=1)
    staff = make_scanner(event)
    login(client, staff)
    form = {
        "full_name": "Rina Marlina", "email": "rina@batam.go.id", "phone": "081277788899",
        "employment_status": "non_asn", "position": "Staf", "institution_type": "kabkota",
        "institution_name": "Pemkot Batam", "work_unit": "Diskominfo", "regency_code": "21.71",
        "consent": "y", "gate": "Meja", "session_id": "",
    }  # fmt: skip
    assert client.get(f"/manage/events/{event.id}/walkin").status_code == 200
    resp = client.post(f"/manage/events/{event.id}/walkin", data=form)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    row = db.session.scalar(select(CheckIn))
    assert row.source == "walkin" and row.registration.full_name == "Rina Marlina"
    bad = client.post(f"/manage/events/{event.id}/walkin", data={**form, "email": "rina2@batam.go.id", "consent": ""})
    assert bad.status_code == 422
    full = client.post(f"/manage/events/{event.id}/walkin", data={**form, "email": "rina3@batam.go.id"})
    assert full.status_code == 200 and "penuh" in full.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(CheckIn)) == 1


@pytest.mark.parametrize("layout", ["a6", "a4"])
def test_badges_pdf_has_names_and_scannable_tickets(client, layout):
    event = make_event()
    organizer = make_scanner(event, "organizer")
    regs = [make_registration(event, full_name=n, institution_name=i) for n, i in
            [("Dr. Siti Nurhaliza, M.Si.", "Diskominfo Kota Batam"), ("Łukasz Nguyễn Văn", "Kementerian Keuangan")]]  # fmt: skip
    online = make_registration(event, mode="online", full_name="Orang Zoom")
    login(client, organizer)
    resp = client.get(f"/manage/events/{event.id}/badges.pdf?layout={layout}")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    pdf = resp.data
    text = _text(pdf)
    assert "Dr. Siti Nurhaliza, M.Si." in text and "Łukasz Nguyễn Văn" in text and "Diskominfo Kota Batam" in text
    assert online.full_name not in text
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    found = set()
    for p in range(pages):
        found.update(_qr_texts(pdf, p))
    assert found == {ticket_text(r) for r in regs}
    one = client.get(f"/manage/events/{event.id}/badges.pdf?id={regs[0].id}")
    assert "Łukasz" not in _text(one.data)


def test_daftar_hadir_pdf_layout_and_order(client):
    event = make_event(organizer_unit="Direktorat Tata Kelola dan Kemitraan Komunikasi Publik")
    organizer = make_scanner(event, "organizer")
    names = ["Zainal Abidin", "Ahmad Fauzi", "Maria Ulfa"]
    regs = {n: make_registration(event, full_name=n, institution_name=f"Instansi {n[0]}") for n in names}
    pns = make_registration(event, full_name="Bambang Pns", employment_status="pns", nip="196608011988031001",
                            rank="III/a")  # fmt: skip
    s1 = event.sessions[0]
    services.check_in(event, ticket_text(regs["Maria Ulfa"]), staff=organizer, session_id=s1.id)
    db.session.commit()
    login(client, organizer)
    resp = client.get(f"/manage/events/{event.id}/daftar-hadir.pdf?slot=s{s1.id}&order=name")
    assert resp.status_code == 200
    text = _text(resp.data)
    for label in ("DAFTAR HADIR PESERTA", "DIREKTORAT TATA KELOLA", "Kegiatan", "Hari/Tanggal", "Kamis, 22 Agustus 2030",
                  "Waktu", "09.00 – 10.30 WIB", "NO", "NAMA", "NIP", "GOL/JABATAN", "INSTANSI/UNIT KERJA",
                  "TANDA TANGAN", "Sakit", "Izin", "Alpa", "Panitia Penyelenggara", "19660801 198803 1 001"):  # fmt: skip
        assert label in text, label
    order = [text.index(n) for n in ("Ahmad Fauzi", "Bambang Pns", "Maria Ulfa", "Zainal Abidin")]
    assert order == sorted(order)
    assert pns.full_name in text
    present = _text(client.get(f"/manage/events/{event.id}/daftar-hadir.pdf?slot=s{s1.id}&only=present").data)
    assert "Maria Ulfa" in present and "Ahmad Fauzi" not in present
    arrival = _text(client.get(f"/manage/events/{event.id}/daftar-hadir.pdf?slot=s{s1.id}&order=arrival").data)
    assert arrival.index("Maria Ulfa") < arrival.index("Ahmad Fauzi")
    assert client.get(f"/manage/events/{event.id}/daftar-hadir.pdf?slot=x9").status_code == 422


def test_daftar_hadir_many_pages(client):
    event = make_event()
    organizer = make_scanner(event, "organizer")
    for i in range(40):
        make_registration(event, full_name=f"Peserta Nomor {i:02d}")
    login(client, organizer)
    pdf = client.get(f"/manage/events/{event.id}/daftar-hadir.pdf").data
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    assert "TANDA TANGAN" in reader.pages[1].extract_text()  # header repeats
    assert "Peserta Nomor 39" in _text(pdf) and "Alpa" in reader.pages[-1].extract_text()


def test_recap_xlsx_is_formula_safe(client):
    event = make_event()
    organizer = make_scanner(event, "organizer")
    evil = make_registration(event, full_name="Budi Hacker", institution_name='=HYPERLINK("http://evil.example","x")')
    ok = make_registration(event, full_name="Cici Rapi")
    services.check_in(event, ticket_text(ok), staff=organizer)
    db.session.commit()
    login(client, organizer)
    resp = client.get(f"/manage/events/{event.id}/checkin-recap.xlsx")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.data)).active
    rows = list(ws.iter_rows(values_only=True))
    header = rows[2]
    assert header[1] == "Nama" and any(str(h).startswith("Hadir:") for h in header)
    by_name = {r[1]: r for r in rows[3:]}
    assert by_name["Budi Hacker"][5].startswith("'=HYPERLINK")
    assert by_name["Cici Rapi"][-1] == 1 and by_name["Budi Hacker"][-1] == 0
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
    assert evil.id


def test_cancelled_after_badges_still_refused(client):
    event = make_event()
    staff = make_scanner(event)
    reg = make_registration(event)
    registration_services.cancel_registration(reg)
    db.session.commit()
    with pytest.raises(services.CheckInError) as err:
        services.check_in(event, ticket_text(reg), staff=staff)
    assert err.value.code == "cancelled"


def test_demo_has_a_morning_of_check_ins(runner, client):
    from bimtek.events.models import Event

    assert runner.invoke(args=["demo"]).exit_code == 0
    batam = db.session.scalar(select(Event).where(Event.slug.like("%2022%")))
    stats = services.stats(batam)
    day = next(s for s in stats["slots"] if s["session_id"] is None)
    assert day["checked_in"]["onsite"] == stats["expected"]["onsite"] - 2
    assert stats["flagged"] == 1
    assert len(services.missing(batam, services.parse_slot(batam, day["key"]))) == 2


def test_scanner_in_english(client):
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    folder = Path(__file__).resolve().parents[2] / "bimtek" / "checkin" / "translations" / "en" / "LC_MESSAGES"
    if not (folder / "messages.mo").exists():  # `make` compiles catalogs; a bare pytest run may not have
        with open(folder / "messages.po", "rb") as po, open(folder / "messages.mo", "wb") as mo:
            write_mo(mo, read_po(po))
    event = make_event()
    login(client, make_scanner(event))
    client.get("/lang/en")
    html = client.get(f"/manage/events/{event.id}/scan").get_data(as_text=True)
    assert "Start camera" in html and "ALREADY CHECKED IN" in html
    assert "Check-in log" in client.get(f"/manage/events/{event.id}/checkin").get_data(as_text=True)
