"""Organizer profiles: created and changed by organizers, logo checked by content, picked by events, printed."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from bimtek.core.models import AuditLog
from bimtek.extensions import db
from bimtek.organizers.models import OrganizerProfile
from tests.factories import login, make_event, make_user
from tests.factories_checkin import make_scanner
from tests.pdfchecks import assert_kop, flat, last_page_has, page_texts

FORM = {
    "name": "Diskominfo Kepri",
    "parent_line": "Pemerintah Provinsi Kepulauan Riau",
    "unit_line": "Dinas Komunikasi dan Informatika",
    "sub_unit_line": "",
    "address": "Pusat Pemerintahan Provinsi Kepulauan Riau, Dompak, Tanjungpinang 29124",
    "city": "Tanjungpinang",
    "phone": "(0771) 4575046",
    "website": "diskominfo.kepriprov.go.id",
    "email": "diskominfo@kepriprov.go.id",
    "head_title": "Kepala Dinas",
    "head_name": "Hasan, S.Sos.",
    "head_nip": "19660801 198803 1 001",
    "chair_title": "Ketua Panitia",
    "chair_name": "Siti Aminah, S.Kom.",
    "chair_nip": "198203142006042002",
}


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def test_organizer_creates_a_profile_and_an_event_prints_with_it(client):
    organizer = make_user("organizer")
    event = make_event(owner=organizer, venue_address="Jl. Duyung, Sei Jodoh")
    login(client, organizer)
    resp = client.post("/manage/organizers/new", data={**FORM, "logo": (io.BytesIO(_png()), "logo.png")},
                       content_type="multipart/form-data")  # fmt: skip
    assert resp.status_code == 302
    profile = db.session.scalar(select(OrganizerProfile).where(OrganizerProfile.name == "Diskominfo Kepri"))
    assert profile.logo_type == "png" and profile.head_nip == "196608011988031001"
    assert client.get(f"/manage/organizers/{profile.id}/logo").data == _png()
    assert "Diskominfo Kepri" in client.get("/manage/organizers").get_data(as_text=True)
    assert client.get("/manage/organizers/99999999999999999999999/edit").status_code == 404

    form = client.get(f"/manage/events/{event.id}/edit").get_data(as_text=True)
    assert 'name="organizer_profile_id"' in form and "Diskominfo Kepri" in form
    edit = client.get(f"/manage/events/{event.id}/edit")
    assert edit.status_code == 200
    from bimtek.events.views_manage import _form_values

    values = {k: ("" if v is None else v) for k, v in _form_values(event).items()}
    values["approval_required"] = ""
    resp = client.post(f"/manage/events/{event.id}/edit", data={**values, "organizer_profile_id": str(profile.id)})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    db.session.refresh(event)
    assert event.organizer_profile_id == profile.id
    assert db.session.scalar(select(AuditLog.id).where(AuditLog.action == "event.organizer_profile"))

    pdf = client.get(f"/manage/events/{event.id}/daftar-hadir.pdf").data
    assert_kop(pdf, ["PEMERINTAH PROVINSI KEPULAUAN RIAU", "DINAS KOMUNIKASI DAN INFORMATIKA", FORM["address"]])
    assert "Jl. Duyung" not in flat(page_texts(pdf)[0])
    assert last_page_has(pdf, "Siti Aminah, S.Kom.", "NIP. 19820314 200604 2 002")


def test_logo_is_checked_by_content_and_nip_by_rule(client):
    organizer = make_user("organizer")
    login(client, organizer)
    fake = client.post("/manage/organizers/new",
                       data={**FORM, "logo": (io.BytesIO(b"<svg onload=alert(1)>"), "logo.png")},
                       content_type="multipart/form-data")  # fmt: skip
    assert fake.status_code == 422 and "PNG atau JPEG" in fake.get_data(as_text=True)
    bad_nip = client.post("/manage/organizers/new", data={**FORM, "chair_nip": "123"})
    assert bad_nip.status_code == 422 and "NIP harus 18 digit" in bad_nip.get_data(as_text=True)
    assert db.session.scalar(select(OrganizerProfile.id)) is None


def test_checkin_staff_cannot_manage_profiles(client):
    event = make_event()
    login(client, make_scanner(event))
    assert client.get("/manage/organizers").status_code == 403
    assert client.post("/manage/organizers/new", data=FORM).status_code == 403


def test_laporan_narrative_is_saved_and_printed(client):
    organizer = make_user("organizer")
    event = make_event(owner=organizer)
    login(client, organizer)
    page = client.get(f"/manage/events/{event.id}/laporan/narasi").get_data(as_text=True)
    assert "Kegiatan diikuti oleh 0 peserta dari 0 provinsi" in page  # the default, from the data
    resp = client.post(f"/manage/events/{event.id}/laporan/narasi",
                       data={"basis": "Surat Keputusan Direktur Nomor 12 Tahun 2030 <b>tentang</b> Bimtek."})  # fmt: skip
    assert resp.status_code == 302
    pdf = client.get(f"/manage/events/{event.id}/laporan.pdf").data
    text = flat(" ".join(page_texts(pdf)))
    assert "Surat Keputusan Direktur Nomor 12 Tahun 2030 <b>tentang</b> Bimtek." in text  # escaped, not markup
    assert "Kegiatan diikuti oleh 0 peserta" in text  # sections left empty keep their default
    docx = client.get(f"/manage/events/{event.id}/laporan.docx")
    assert docx.status_code == 200 and docx.mimetype.endswith("wordprocessingml.document")
    assert b"word/document.xml" in docx.data
    other = make_user("organizer")
    login(client, other)
    assert client.get(f"/manage/events/{event.id}/laporan/narasi").status_code == 404
