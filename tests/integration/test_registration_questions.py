"""Per-event extra questions, including a surat tugas upload checked by content."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from bimtek.core.models import AuditLog
from bimtek.extensions import db
from bimtek.registration.models import Registration, RegistrationQuestion
from tests.factories import login, make_event, make_user, registration_data
from tests.factories_registration import form_data, manage_token

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def setup(app, client):
    owner = make_user("organizer")
    event = make_event(owner)
    login(client, owner)
    url = f"/manage/events/{event.id}/questions"
    for data in (
        {"label": "Ukuran kaos", "kind": "single", "choices": "S\nM\nL", "required": "y"},
        {"label": "Topik yang diminati", "kind": "multiple", "choices": "Konten\nAnalitik\nKrisis"},
        {"label": "Perlu penginapan?", "kind": "yesno"},
        {"label": "Harapan", "kind": "long"},
        {"label": "Unggah surat tugas", "kind": "file", "required": "y"},
    ):
        assert client.post(url, data=data).status_code == 303
    assert client.post(url, data={"label": "", "kind": "single", "choices": "A"}).status_code == 422
    client.post("/logout")
    qs = {q.label: q for q in db.session.query(RegistrationQuestion).order_by(RegistrationQuestion.position)}
    return owner, event, qs


def test_questions_on_the_form_with_upload(client, setup, app):
    owner, event, qs = setup
    page = client.get(f"/e/{event.slug}/daftar").get_data(as_text=True)
    assert "Unggah surat tugas" in page and 'enctype="multipart/form-data"' in page
    base = form_data()
    missing = client.post(f"/e/{event.slug}/daftar", data=base, content_type="multipart/form-data")
    text = missing.get_data(as_text=True)
    assert missing.status_code == 422
    assert f'id="q_{qs["Ukuran kaos"].id}-error"' in text and f'id="q_{qs["Unggah surat tugas"].id}-error"' in text
    fake = {
        **base,
        f"q_{qs['Ukuran kaos'].id}": "M",
        f"q_{qs['Unggah surat tugas'].id}": (io.BytesIO(b"MZ\x90exe"), "surat.pdf"),
    }
    resp = client.post(f"/e/{event.slug}/daftar", data=fake, content_type="multipart/form-data")
    assert resp.status_code == 422 and "PDF, JPG, atau PNG" in resp.get_data(as_text=True)
    uploads = Path(app.instance_path) / "uploads" / "registration" / str(event.id)
    assert not uploads.exists() or list(uploads.iterdir()) == []
    good = {
        **base,
        f"q_{qs['Ukuran kaos'].id}": "M",
        f"q_{qs['Topik yang diminati'].id}": ["Krisis", "Konten"],
        f"q_{qs['Perlu penginapan?'].id}": "ya",
        f"q_{qs['Harapan'].id}": "Materi praktis",
        f"q_{qs['Unggah surat tugas'].id}": (io.BytesIO(PDF), "Surat Tugas Dinas.pdf"),
        "q_99999": "tampered",
    }
    resp = client.post(f"/e/{event.slug}/daftar", data=good, content_type="multipart/form-data")
    assert resp.status_code == 303, resp.get_data(as_text=True)[:3000]
    reg = db.session.query(Registration).one()
    answers = reg.answers
    assert answers[str(qs["Ukuran kaos"].id)] == "M"
    assert answers[str(qs["Topik yang diminati"].id)] == ["Konten", "Krisis"]
    assert answers[str(qs["Perlu penginapan?"].id)] is True and "99999" not in answers
    file_answer = answers[str(qs["Unggah surat tugas"].id)]
    assert file_answer["type"] == "application/pdf" and file_answer["name"] == "Surat_Tugas_Dinas.pdf"
    assert (uploads / file_answer["file"]).read_bytes() == PDF
    mine = client.get(f"/r/{manage_token(resp)}/berkas/{qs['Unggah surat tugas'].id}")
    assert mine.data == PDF and "attachment" in mine.headers["Content-Disposition"]
    login(client, owner)
    got = client.get(f"/manage/registrations/{reg.id}/files/{qs['Unggah surat tugas'].id}")
    assert got.data == PDF and got.mimetype == "application/pdf"
    assert db.session.query(AuditLog).filter_by(action="registration.file_download").count() == 1
    assert "Materi praktis" in client.get(f"/manage/registrations/{reg.id}").get_data(as_text=True)


def test_duplicate_removes_the_upload_and_images_are_checked(client, setup, app):
    owner, event, qs = setup
    base = form_data(email="dup@kominfo.go.id")
    data = {
        **base,
        f"q_{qs['Ukuran kaos'].id}": "S",
        f"q_{qs['Unggah surat tugas'].id}": (io.BytesIO(_png()), "scan.png"),
    }
    assert client.post(f"/e/{event.slug}/daftar", data=data, content_type="multipart/form-data").status_code == 303
    again = {**base, f"q_{qs['Ukuran kaos'].id}": "S", f"q_{qs['Unggah surat tugas'].id}": (io.BytesIO(PDF), "x.pdf")}
    assert client.post(f"/e/{event.slug}/daftar", data=again, content_type="multipart/form-data").status_code == 409
    uploads = Path(app.instance_path) / "uploads" / "registration" / str(event.id)
    assert [p.suffix for p in uploads.iterdir()] == [".png"]
    broken = {**form_data(), f"q_{qs['Ukuran kaos'].id}": "S",
              f"q_{qs['Unggah surat tugas'].id}": (io.BytesIO(b"\x89PNG\r\n\x1a\nnot really"), "x.png")}  # fmt: skip
    resp = client.post(f"/e/{event.slug}/daftar", data=broken, content_type="multipart/form-data")
    assert resp.status_code == 422 and "rusak" in resp.get_data(as_text=True)


def test_api_cannot_point_at_a_file(client, setup):
    owner, event, qs = setup
    file_q = qs["Unggah surat tugas"]
    payload = registration_data(answers={str(qs["Ukuran kaos"].id): "L",
                                         str(file_q.id): {"file": "0" * 32 + ".pdf", "name": "x.pdf"}})  # fmt: skip
    resp = client.post(f"/api/v1/events/{event.id}/registrations", json=payload)
    assert resp.status_code == 422 and f"q_{file_q.id}" in resp.get_json()["fields"]


def test_delete_question(client, setup):
    owner, event, qs = setup
    login(client, owner)
    q = qs["Harapan"]
    assert client.post(f"/manage/events/{event.id}/questions/{q.id}/delete").status_code == 303
    assert db.session.get(RegistrationQuestion, q.id) is None
    other = make_event(make_user("organizer"))
    assert client.post(f"/manage/events/{other.id}/questions/{qs['Ukuran kaos'].id}/delete").status_code == 404


def test_export_includes_answers(client, setup):
    owner, event, qs = setup
    data = {
        **form_data(),
        f"q_{qs['Ukuran kaos'].id}": "L",
        f"q_{qs['Harapan'].id}": "=1+1",
        f"q_{qs['Unggah surat tugas'].id}": (io.BytesIO(PDF), "st.pdf"),
    }
    assert client.post(f"/e/{event.slug}/daftar", data=data, content_type="multipart/form-data").status_code == 303
    login(client, owner)
    resp = client.get(f"/manage/events/{event.id}/participants/export",
                      query_string={"format": "csv", "columns": ["full_name", "answers"]})  # fmt: skip
    lines = resp.data.decode("utf-8-sig").splitlines()
    assert lines[0] == "Nama lengkap,Ukuran kaos,Topik yang diminati,Perlu penginapan?,Harapan,Unggah surat tugas"
    assert lines[1].endswith(",L,,,'=1+1,st.pdf")
