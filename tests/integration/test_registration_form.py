"""The public registration form, its confirmation, the email and the public API."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from bimtek.core.codes import format_code
from bimtek.core.models import AuditLog
from bimtek.core.tickets import decode_ticket
from bimtek.extensions import db
from bimtek.registration.models import Registration
from tests.factories import make_event, make_registration, registration_data
from tests.factories_registration import clear_outbox, form_data, manage_token, outbox


@pytest.fixture(autouse=True)
def _empty_outbox(app):
    clear_outbox()


def test_form_renders_with_notice_and_honeypot(client):
    event = make_event()
    page = client.get(f"/e/{event.slug}/daftar").get_data(as_text=True)
    assert 'name="full_name"' in page and 'name="nip"' in page and 'name="consent"' in page
    assert "Pemberitahuan pelindungan data pribadi" in page and 'name="website"' in page
    assert "Kota Batam" in page  # regency list works without JavaScript
    assert "45 kursi tersisa" in page
    assert client.get(f"/e/{event.slug}").get_data(as_text=True).count(f"/e/{event.slug}/daftar") == 1


def test_register_confirms_and_emails(client):
    event = make_event()
    resp = client.post(f"/e/{event.slug}/daftar", data=form_data(full_name="Dr. Ir. H. Ahmad Yani, S.Kom., M.T.",
                                                                 email="Ahmad.Yani@Kepriprov.go.id"))  # fmt: skip
    assert resp.status_code == 303, resp.get_data(as_text=True)[:2000]
    token = manage_token(resp)
    reg = db.session.query(Registration).one()
    assert reg.status == "confirmed" and reg.manage_token == token
    assert reg.full_name == "Dr. Ir. H. Ahmad Yani, S.Kom., M.T."
    assert reg.consent_version and reg.consent_at and reg.consent_ip == "127.0.0.1"
    db.session.refresh(event)
    assert event.onsite_taken == 1
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert reg.code in page and "Pendaftaran berhasil" in page and f"/r/{token}/qr.svg" in page
    assert "rahasia22" not in page  # on-site participants do not get the Zoom passcode
    [msg] = outbox()
    assert msg.to == ["Ahmad.Yani@kepriprov.go.id"] or msg.to[0].lower() == "ahmad.yani@kepriprov.go.id"
    assert reg.code in msg.body and f"/r/{token}" in msg.body
    html = msg.alternatives[0][0]
    assert reg.code in html and "<html" in html
    names = [a[0] for a in msg.attachments]
    assert f"tiket-{reg.code}.pdf" in names and any(n.endswith(".ics") for n in names)
    assert "rahasia22" not in msg.body


def test_online_participant_gets_zoom_details_only_when_confirmed(client):
    event = make_event(online_capacity=1)
    first = client.post(f"/e/{event.slug}/daftar", data=form_data(mode="online"))
    second = client.post(f"/e/{event.slug}/daftar", data=form_data(mode="online", accept_waitlist="y"))
    assert first.status_code == second.status_code == 303
    assert "rahasia22" in client.get(first.headers["Location"]).get_data(as_text=True)
    waiting = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "rahasia22" not in waiting and "daftar tunggu" in waiting
    bodies = [m.body for m in outbox()]
    assert "rahasia22" in bodies[0] and "rahasia22" not in bodies[1]


def test_errors_are_shown_next_to_fields_and_values_kept(client):
    event = make_event()
    data = form_data(full_name="Siti\u202eAminah", email="bukan-email", phone="021-555", employment_status="pns",
                     nip="19660801 198813 1 001", consent="")  # fmt: skip
    resp = client.post(f"/e/{event.slug}/daftar", data=data)
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    for field in ("full_name", "email", "phone", "nip", "consent"):
        assert f'id="{field}-error"' in page, field
    assert 'value="bukan-email"' in page and 'value="19660801 198813 1 001"' in page
    assert db.session.query(Registration).count() == 0
    db.session.refresh(event)
    assert event.onsite_taken == 0


def test_tampered_fields_are_ignored(client):
    other = make_event(title="Kegiatan Lain")
    event = make_event(approval_required=True)
    data = form_data(status="confirmed", event_id=str(other.id), source="import", role="admin", code="AAAAAAAA",
                     consent_version="x", onsite_taken="0")  # fmt: skip
    assert client.post(f"/e/{event.slug}/daftar", data=data).status_code == 303
    reg = db.session.query(Registration).one()
    assert reg.event_id == event.id and reg.status == "pending" and reg.source == "form" and reg.code != "AAAAAAAA"
    db.session.refresh(event)
    assert event.onsite_taken == 0


def test_honeypot_stores_nothing(client):
    event = make_event()
    resp = client.post(f"/e/{event.slug}/daftar", data=form_data(website="http://spam.example"))
    assert resp.status_code == 422 and db.session.query(Registration).count() == 0 and outbox() == []


def test_duplicate_offers_manage_link_without_revealing(client):
    event = make_event()
    make_registration(event, email="siti@kominfo.go.id", employment_status="pns", nip="196608011988031001")
    clear_outbox()
    resp = client.post(f"/e/{event.slug}/daftar", data=form_data(email="SITI@kominfo.go.id"))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 409 and "sudah terdaftar" in page and "Kirim ulang tautan kelola" in page
    by_nip = client.post(
        f"/e/{event.slug}/daftar", data=form_data(employment_status="pns", nip="19660801.198803.1.001")
    )
    assert by_nip.status_code == 409
    known = client.post(f"/e/{event.slug}/kirim-tautan", data={"email": "siti@kominfo.go.id"})
    unknown = client.post(f"/e/{event.slug}/kirim-tautan", data={"email": "orang.lain@kominfo.go.id"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    [msg] = outbox()
    reg = db.session.query(Registration).one()
    assert msg.to == ["siti@kominfo.go.id"] and f"/r/{reg.manage_token}" in msg.body
    client.post(f"/e/{event.slug}/kirim-tautan", data={"nip": "19660801 198803 1 001"})
    assert len(outbox()) == 2


def test_full_mode_offers_waitlist_or_other_mode(client):
    event = make_event(onsite_capacity=1)
    make_registration(event)
    resp = client.post(f"/e/{event.slug}/daftar", data=form_data(mode="onsite"))
    assert resp.status_code == 422 and 'id="mode-error"' in resp.get_data(as_text=True)
    assert "penuh" in resp.get_data(as_text=True)
    assert db.session.query(Registration).count() == 1
    ok = client.post(f"/e/{event.slug}/daftar", data=form_data(mode="onsite", accept_waitlist="y"))
    assert ok.status_code == 303
    assert db.session.query(Registration).filter_by(status="waitlisted").count() == 1


def test_closed_event_refuses(client):
    event = make_event(registration_opens_at=datetime(2029, 1, 1, tzinfo=UTC),
                       starts_at=datetime(2031, 1, 1, 2, tzinfo=UTC))  # fmt: skip
    event.registration_opens_at = datetime(2030, 12, 1, tzinfo=UTC)
    db.session.commit()
    assert client.post(f"/e/{event.slug}/daftar", data=form_data()).status_code == 409
    assert db.session.query(Registration).count() == 0


def test_registration_is_throttled_per_address(make_app):
    app = make_app(RATELIMIT_ENABLED=True, REGISTRATION_RATE_LIMIT="2 per minute")
    with app.app_context():
        event = make_event()
        client = app.test_client()
        codes = [client.post(f"/e/{event.slug}/daftar", data=form_data()).status_code for _ in range(3)]
        api = client.post(f"/api/v1/events/{event.id}/registrations", json=registration_data())
        assert codes == [303, 303, 429]
        assert api.status_code == 429 and api.get_json()["error"] == "rate_limited"


def test_form_works_with_csrf_enabled(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        event = make_event()
        client = app.test_client()
        page = client.get(f"/e/{event.slug}/daftar").get_data(as_text=True)
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        assert client.post(f"/e/{event.slug}/daftar", data=form_data()).status_code == 400
        assert client.post(f"/e/{event.slug}/daftar", data={**form_data(), "csrf_token": token}).status_code == 303


def test_regions_json(client):
    items = client.get("/regions/21.json").get_json()
    assert {"code": "21.71", "name": "Kota Batam"} in items
    assert client.get("/regions/99.json").status_code == 404


def test_ticket_qr_pdf_and_calendar(client):
    import pypdfium2
    import zxingcpp
    from pypdf import PdfReader

    event = make_event()
    reg = make_registration(event, full_name="Ni Luh Putu Ayu Sri Dewi, S.Sos.")
    base = f"/r/{reg.manage_token}"
    svg = client.get(base + "/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    png = client.get(base + "/qr.png")
    from PIL import Image

    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)))
    payload = decode_ticket(code.text, lambda eid: event.ticket_public_key if eid == event.id else None)
    assert payload.ticket_id_hex == reg.ticket_id and payload.event_id == event.id
    pdf = client.get(base + "/tiket.pdf")
    assert pdf.mimetype == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    # Issue 14: the ticket groups the code as the badge does ("ABCD-2345").
    assert "Ni Luh Putu Ayu Sri Dewi" in text and format_code(reg.code) in text
    image = pypdfium2.PdfDocument(pdf.data)[0].render(scale=3).to_pil()
    assert [b.text for b in zxingcpp.read_barcodes(image)] == [code.text]
    ics = client.get(base + "/kegiatan.ics").get_data(as_text=True)
    assert "BEGIN:VEVENT" in ics and "DTSTART:20300822T020000Z" in ics
    assert client.get("/r/not-a-real-token").status_code == 404


def test_api_register_statuses(client):
    event = make_event(onsite_capacity=1)
    url = f"/api/v1/events/{event.id}/registrations"
    first = client.post(url, json=registration_data(email="a@kominfo.go.id"))
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["status"] == "confirmed" and body["mode"] == "onsite" and "/r/" in body["manage_url"]
    assert decode_ticket(body["ticket"], lambda _e: event.ticket_public_key).event_id == event.id
    second = client.post(url, json=registration_data(email="b@kominfo.go.id"))
    assert second.get_json()["status"] == "waitlisted" and second.get_json()["ticket"] is None
    dup = client.post(url, json=registration_data(email="A@kominfo.go.id"))
    assert dup.status_code == 409 and dup.get_json()["error"] == "duplicate"
    bad = client.post(url, json=registration_data(phone="12", email="c@kominfo.go.id", consent=False))
    assert bad.status_code == 422 and {"phone", "consent"} <= set(bad.get_json()["fields"])
    wrong_type = client.post(url, json=registration_data(full_name=["x"], email="d@kominfo.go.id"))
    assert wrong_type.status_code == 422
    assert client.post(url, data="nope", headers={"Content-Type": "application/json"}).status_code == 400
    assert db.session.query(Registration).count() == 2
    draft = make_event(publish=False, title="Draf")
    assert client.post(f"/api/v1/events/{draft.id}/registrations", json=registration_data()).status_code == 404


def test_consent_is_audited(client):
    event = make_event()
    client.post(f"/e/{event.slug}/daftar", data=form_data())
    row = db.session.query(AuditLog).filter_by(action="registration.create").one()
    assert row.actor_label == "participant" and row.ip == "127.0.0.1"
    db.session.refresh(event)
    assert event.onsite_taken == 1


def test_form_in_english(client):
    import subprocess
    import sys
    from pathlib import Path

    catalogs = Path(__file__).resolve().parents[2] / "bimtek" / "registration" / "translations"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "compile", "-d", str(catalogs)], check=True, capture_output=True
    )
    event = make_event()
    client.get("/lang/en")
    page = client.get(f"/e/{event.slug}/daftar").get_data(as_text=True)
    assert "Full name with titles" in page and "Personal data protection notice" in page
    bad = client.post(f"/e/{event.slug}/daftar", data=form_data(consent=""))
    assert "You need to agree to the personal data protection notice." in bad.get_data(as_text=True)
