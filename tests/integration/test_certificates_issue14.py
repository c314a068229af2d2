"""Certificates as an official would read them: early issue needs a reason, specimens, speakers, lost files."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bimtek.certificates.models import Certificate
from bimtek.certificates.services.delivery import served_file
from bimtek.certificates.services.jobs import start_issue_job
from bimtek.certificates.tasks import run_issue_job
from bimtek.core.models import AuditLog, Job
from bimtek.extensions import db
from tests.factories import bearer, login, token_for
from tests.factories_certificates import make_cert_event, pdf_text

PAST = datetime(2025, 3, 4, 2, 0, tzinfo=UTC)


def _issue(event, user, **raw):
    job = start_issue_job(event, {"scope": "eligible", "notify": False, **raw}, user=user)
    db.session.commit()
    return run_issue_job(job.id)


def _audits(action: str) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action)))


# ------------------------------------------------------------------------------------ early issue


def test_api_refuses_to_issue_before_the_event_ends_unless_a_reason_is_given(client):
    user, event, _ = make_cert_event(participants=2, starts_at=datetime.now(UTC) + timedelta(days=3))
    auth = bearer(token_for(user))
    url = f"/api/v1/events/{event.id}/certificates/issue"
    refused = client.post(url, json={"scope": "eligible", "notify": False}, headers=auth)
    assert refused.status_code == 409
    body = refused.get_json()
    assert body["error"] == "event_not_ended" and "belum selesai" in body["message"]
    assert body["fields"]["early_issue_reason"]
    assert db.session.scalar(select(Certificate.id)) is None and db.session.scalar(select(Job.id)) is None

    reason = "Peserta perlu sertifikat untuk usulan angka kredit sebelum tenggat"
    ok = client.post(url, json={"scope": "eligible", "notify": False, "early_issue_reason": reason}, headers=auth)
    assert ok.status_code == 202 and ok.get_json()["status"] == "done"
    assert len(db.session.scalars(select(Certificate)).all()) == 2
    (start,) = _audits("certificates.issue_start")
    assert start.details["early_issue_reason"] == reason and start.actor_user_id == user.id


def test_page_refuses_early_issue_with_a_reason_box_then_issues_with_a_reason(client):
    user, event, _ = make_cert_event(participants=1, starts_at=datetime.now(UTC) + timedelta(days=3))
    login(client, user)
    page = client.get(f"/manage/events/{event.id}/certificates").get_data(as_text=True)
    assert "Kegiatan belum berakhir" in page and 'name="early_issue_reason"' in page
    refused = client.post(f"/manage/events/{event.id}/certificates/issue", data={"scope": "eligible"})
    assert refused.status_code == 302 and refused.headers["Location"].endswith("#early")
    flashed = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "Kegiatan belum selesai" in flashed
    assert db.session.scalar(select(Certificate.id)) is None
    client.post(f"/manage/events/{event.id}/certificates/issue",
                data={"scope": "eligible", "early_issue_reason": "Permintaan biro kepegawaian"})  # fmt: skip
    assert len(db.session.scalars(select(Certificate)).all()) == 1
    assert _audits("certificates.issue_start")[0].details["early_issue_reason"] == "Permintaan biro kepegawaian"


def test_cli_refuses_early_issue_and_accepts_a_reason(runner):
    user, event, _ = make_cert_event(participants=1, starts_at=datetime.now(UTC) + timedelta(days=3))
    refused = runner.invoke(args=["certificates", "issue", str(event.id), "--no-email"])
    assert refused.exit_code != 0 and "Kegiatan belum selesai" in refused.output
    ok = runner.invoke(args=["certificates", "issue", str(event.id), "--no-email",
                             "--early-issue-reason", "Arahan pimpinan"])  # fmt: skip
    assert ok.exit_code == 0, ok.output
    assert "1/1" in ok.output
    assert _audits("certificates.issue_start")[-1].details["early_issue_reason"] == "Arahan pimpinan"


def test_an_ended_event_issues_without_a_reason(client):
    user, event, _ = make_cert_event(participants=1, starts_at=PAST)
    assert _issue(event, user).status == "done"
    assert "early_issue_reason" not in _audits("certificates.issue_start")[0].details


# --------------------------------------------------------------------------------------- specimen


def test_preview_is_a_specimen_with_an_x_number(client):
    user, event, _ = make_cert_event(participants=0, starts_at=PAST)
    login(client, user)
    text = pdf_text(client.get(f"/manage/events/{event.id}/certificates/preview.pdf").data)
    assert "CONTOH / SPECIMEN" in text and "bukan sertifikat yang sah" in text
    assert "XXX/BIMTEK-MEDSOS/KOMINFO/III/2025" in text and "001/" not in text


# --------------------------------------------------------------------------------------- speakers


def test_demo_speakers_get_their_own_names_and_roles_and_page_two_lists_narasumber_only(client):
    from bimtek import demo

    demo.seed()
    db.session.commit()
    certs = db.session.scalars(select(Certificate)).all()
    names = {(c.role, c.name) for c in certs if c.role != "peserta"}
    # The opening is given by the Direktur who signs: no certificate to a jabatan, none to the signatory.
    assert not any("Direktur" in name or "Hasyim" in name for _role, name in names)
    assert ("narasumber", "Dr. Rina Hapsari, S.Sos., M.Si.") in names
    assert ("moderator", "Andi Wijaya, S.I.Kom.") in names
    assert ("narasumber", "Andi Wijaya, S.I.Kom.") not in names
    participant = next(c for c in certs if c.role == "peserta")
    listed = [name for _title, _jp, speakers in participant.sessions for name in speakers]
    assert "Andi Wijaya, S.I.Kom." not in listed and "Bayu Prasetyo" in listed
    back = pdf_text(served_file(participant).read_bytes())
    assert "Bayu Prasetyo" in back and "Andi Wijaya" not in back


# ----------------------------------------------------------------------------- lost files (issue 12)


@pytest.fixture
def issued(client):
    user, event, (reg,) = make_cert_event(participants=1, starts_at=PAST)
    _issue(event, user)
    cert = db.session.scalars(select(Certificate)).one()
    return user, event, reg, cert


def test_missing_pdf_is_rerendered_checked_served_and_logged(client, issued, caplog):
    user, _event, reg, cert = issued
    path = served_file(cert)
    original = path.read_bytes()
    path.unlink()  # a database restored without instance/
    resp = client.get(f"/r/{reg.manage_token}/sertifikat")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.data == original and hashlib.sha256(resp.data).hexdigest() == cert.sha256
    assert resp.headers["Content-Disposition"].startswith("attachment;")
    assert path.read_bytes() == original
    (repair,) = _audits("certificate.file_repaired")
    assert repair.details["sha256"] == cert.sha256
    assert "re-rendered from its snapshot" in caplog.text
    # Staff and API downloads of a file that went missing are repaired the same way.
    path.unlink()
    auth = bearer(token_for(user))
    assert client.get(f"/api/v1/certificates/{cert.id}/pdf", headers=auth).data == original


def test_missing_pdf_that_no_longer_matches_the_register_is_refused_clearly(client, issued):
    user, _event, reg, cert = issued
    served_file(cert).unlink()
    cert.name = "Nama Yang Diubah Langsung di Basis Data"  # the snapshot no longer gives the issued bytes
    db.session.commit()
    page = client.get(f"/r/{reg.manage_token}/sertifikat")
    assert page.status_code == 409
    assert "tidak sama dengan register" in page.get_data(as_text=True)
    assert _audits("certificate.file_mismatch")[0].details["register_sha256"] == cert.sha256
    login(client, user)
    staff = client.get(f"/manage/events/{cert.event_id}/certificates/{cert.id}.pdf")
    assert staff.status_code == 409 and "tidak sama dengan register" in staff.get_data(as_text=True)
    api = client.get(f"/api/v1/certificates/{cert.id}/pdf", headers=bearer(token_for(user)))
    assert api.status_code == 409 and api.get_json()["error"] == "file_mismatch"
    assert api.get_json()["sha256"] == cert.sha256
    assert not served_file(cert).exists()


def test_parallel_downloads_of_a_missing_pdf_all_get_the_issued_bytes(app, issued):
    import threading

    _user, _event, reg, cert = issued
    path = served_file(cert)
    original = path.read_bytes()
    path.unlink()
    db.session.commit()  # this thread holds no transaction while the requests run
    barrier, bodies, errors = threading.Barrier(4), [], []

    def download():
        try:
            client = app.test_client()
            barrier.wait()
            resp = client.get(f"/r/{reg.manage_token}/sertifikat")
            bodies.append((resp.status_code, resp.data))
        except Exception as err:  # reported below
            errors.append(err)

    threads = [threading.Thread(target=download) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors and len(bodies) == 4
    assert all(status == 200 and body == original for status, body in bodies)
    assert path.read_bytes() == original
    assert not list(path.parent.glob("*.tmp"))
