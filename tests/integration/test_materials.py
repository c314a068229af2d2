"""Bahan tayang: checked uploads, release rules enforced on download, counts, public page, speaker links."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bimtek.core.models import AuditLog
from bimtek.extensions import db
from bimtek.materials.models import Material
from tests.factories import bearer, login, make_event, make_registration, make_user, token_for

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def pptx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("ppt/presentation.xml", "<p/>")
    return out.getvalue()


@pytest.fixture
def world(app, client):
    owner = make_user("organizer")
    event = make_event(owner)  # sessions in 2030: nothing "after the session" is released yet
    reg = make_registration(event)
    login(client, owner)
    return {"owner": owner, "event": event, "reg": reg, "token": reg.manage_token}


def fetch(client, url):
    """GET a download and close it (send_file keeps the file open until the response is closed)."""
    resp = client.get(url)
    resp.get_data()
    resp.close()
    return resp


def upload(client, event, content, name, **fields):
    data = {"title": fields.pop("title", "Materi Sesi 1"), "release": "after_session", "session_id": "", **fields,
            "file": (io.BytesIO(content), name)}  # fmt: skip
    return client.post(f"/manage/events/{event.id}/bahan", data=data, content_type="multipart/form-data")


def test_material_released_after_the_session_is_not_downloadable_before(client, world):
    event, token = world["event"], world["token"]
    session = event.sessions[0]
    resp = upload(client, event, PDF, "materi.pdf", session_id=str(session.id))
    assert resp.status_code == 302
    material = db.session.scalar(select(Material))
    anon = client.application.test_client()
    assert "Materi Sesi 1" not in anon.get(f"/r/{token}/bahan").get_data(as_text=True)
    assert fetch(anon, f"/r/{token}/bahan/{material.id}").status_code == 404
    # The session ends: now the participant may download it, and it is counted.
    session.starts_at = datetime.now(UTC) - timedelta(hours=3)
    session.ends_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    assert "Materi Sesi 1" in anon.get(f"/r/{token}/bahan").get_data(as_text=True)
    got = fetch(anon, f"/r/{token}/bahan/{material.id}")
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["Content-Type"] == "application/pdf"
    assert "attachment" in got.headers["Content-Disposition"] and "materi.pdf" in got.headers["Content-Disposition"]
    fetch(anon, f"/r/{token}/bahan/{material.id}")
    db.session.refresh(material)
    assert material.download_count == 2
    assert "Materi Sesi 1" in client.get(f"/manage/events/{event.id}/bahan").get_data(as_text=True)


def test_release_rules_now_never_and_public(client, world):
    event, token = world["event"], world["token"]
    assert upload(client, event, pptx(), "slide.pptx", title="Langsung", release="now", public="y").status_code == 302
    assert upload(client, event, PDF, "rahasia.pdf", title="Internal", release="never").status_code == 302
    now_m, never_m = db.session.scalars(select(Material).order_by(Material.id)).all()
    assert now_m.mimetype.endswith("presentationml.presentation") and now_m.original_name == "slide.pptx"
    anon = client.application.test_client()
    listing = anon.get(f"/r/{token}/bahan").get_data(as_text=True)
    assert "Langsung" in listing and "Internal" not in listing
    assert fetch(anon, f"/r/{token}/bahan/{never_m.id}").status_code == 404
    public = anon.get(f"/e/{event.slug}/bahan").get_data(as_text=True)
    assert "Langsung" in public and "Internal" not in public
    assert fetch(anon, f"/e/{event.slug}/bahan/{now_m.id}").status_code == 200
    assert fetch(anon, f"/e/{event.slug}/bahan/{never_m.id}").status_code == 404
    # An unconfirmed registration sees nothing.
    other = make_registration(event)
    other.status = "cancelled"
    db.session.commit()
    assert fetch(anon, f"/r/{other.manage_token}/bahan/{now_m.id}").status_code == 404


def test_uploads_are_checked_by_content_and_size(client, world, app):
    event = world["event"]
    resp = upload(client, event, b"MZ\x90\x00 not a pdf", "materi.pdf")
    assert resp.status_code == 422 and "Unggah berkas PDF, PPTX, DOCX, atau XLSX" in resp.get_data(as_text=True)
    app.config["MATERIALS_MAX_BYTES"] = 100
    resp = upload(client, event, PDF + b" " * 200, "besar.pdf")
    assert resp.status_code == 422 and "Berkas terlalu besar." in resp.get_data(as_text=True)
    resp = client.post(f"/manage/events/{event.id}/bahan", data={"title": "Video", "release": "now", "session_id": "",
                                                                  "url": "javascript:alert(1)"})  # fmt: skip
    assert resp.status_code == 422 and "https://" in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Material.id))) == 0


def test_speaker_upload_link(client, world):
    event = world["event"]
    session = event.sessions[1]
    resp = client.post(f"/manage/events/{event.id}/bahan/tautan-narasumber",
                       data={"link-session_id": str(session.id), "link-label": "Dr. Rina"})  # fmt: skip
    assert resp.status_code == 302
    page = client.get(f"/manage/events/{event.id}/bahan").get_data(as_text=True)
    token = page.split("/bahan/unggah/")[1].split('"')[0]
    speaker = client.application.test_client()
    assert session.title in speaker.get(f"/bahan/unggah/{token}").get_data(as_text=True)
    resp = speaker.post(f"/bahan/unggah/{token}", data={"title": "Paparan Dr. Rina", "file": (io.BytesIO(PDF), "p.pdf")},
                        content_type="multipart/form-data")  # fmt: skip
    assert resp.status_code == 302
    material = db.session.scalar(select(Material))
    assert (material.session_id, material.release, material.uploaded_by) == (
        session.id,
        "after_session",
        "Narasumber: Dr. Rina",
    )
    resp = speaker.post(
        f"/bahan/unggah/{token}", data={"title": "Video", "url": "https://video.kominfo.go.id/sesi2.mp4"}
    )
    assert resp.status_code == 302
    link_id = db.session.scalar(select(func.max(AuditLog.object_id)).where(AuditLog.action == "materials.upload_link"))
    client.post(f"/manage/events/{event.id}/bahan/tautan-narasumber/{link_id}/cabut")
    assert speaker.get(f"/bahan/unggah/{token}").status_code == 404
    assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action.like("materials.%"))) == 4


def test_materials_api(client, world):
    event, owner = world["event"], world["owner"]
    headers = bearer(token_for(owner))
    resp = client.post(f"/api/v1/events/{event.id}/materials", headers=headers,
                       json={"title": "Rekaman", "url": "https://video.kominfo.go.id/r.mp4", "release": "now"})  # fmt: skip
    assert resp.status_code == 201 and resp.get_json()["released"] is True
    items = client.get(f"/api/v1/events/{event.id}/materials", headers=headers).get_json()["items"]
    assert [(i["title"], i["kind"], i["download_count"]) for i in items] == [("Rekaman", "link", 0)]
    bad = client.post(f"/api/v1/events/{event.id}/materials", headers=headers, json={"title": "", "url": "x"})
    assert bad.status_code == 422


def test_edit_page_changes_the_release_rule(client, world):
    event, token = world["event"], world["token"]
    upload(client, event, PDF, "materi.pdf", release="never")
    material = db.session.scalar(select(Material))
    assert client.get(f"/manage/events/{event.id}/bahan/{material.id}").status_code == 200
    resp = client.post(f"/manage/events/{event.id}/bahan/{material.id}",
                       data={"title": "Materi final", "release": "now", "session_id": ""})  # fmt: skip
    assert resp.status_code == 302
    anon = client.application.test_client()
    assert fetch(anon, f"/r/{token}/bahan/{material.id}").status_code == 200
    assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "materials.update")) == 1
