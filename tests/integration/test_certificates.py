"""Certificates end to end: issuing, numbering, snapshot, verification, delivery, revocation."""

from __future__ import annotations

import io
import threading
import zipfile

import pypdfium2 as pdfium
import pytest
import zxingcpp
from flask import current_app
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import func, select, update

from bimtek.attendance.models import EligibilityRule, EligibilityVerdict
from bimtek.certificates.models import DEFAULT_NUMBER_PATTERN, Certificate, CertificateSeries
from bimtek.certificates.pdf.render import pdf_sha256
from bimtek.certificates.services.delivery import file_name, served_file
from bimtek.certificates.services.eligibility import eligible_registration_ids, ineligibility_reasons
from bimtek.certificates.services.holders import speaker_holders
from bimtek.certificates.services.issuing import verify_url
from bimtek.certificates.services.jobs import start_issue_job
from bimtek.certificates.services.settings import get_settings, update_settings
from bimtek.certificates.services.storage import stored_path
from bimtek.certificates.tasks import run_issue_job
from bimtek.core.codes import format_code
from bimtek.core.models import AuditLog, Job
from bimtek.errors import Conflict, Invalid
from bimtek.extensions import db
from tests.factories import bearer, login, make_registration, make_user, token_for
from tests.factories_certificates import make_cert_event, pdf_text

NIP = "198508172010011002"
PHONE = "081377778888"


@pytest.fixture(autouse=True)
def after_the_2030_events(monkeypatch):
    """These tests issue for events of August 2030, as an organizer would once they have ended."""
    from datetime import UTC, datetime

    from bimtek.certificates.services import jobs

    monkeypatch.setattr(jobs, "utcnow", lambda: datetime(2031, 1, 5, tzinfo=UTC))


def issue(event, user, scope="eligible", **raw):
    job = start_issue_job(event, {"scope": scope, **raw}, user=user)
    db.session.commit()
    return run_issue_job(job.id)


def certs_of(event, **filters):
    q = select(Certificate).where(Certificate.event_id == event.id).order_by(Certificate.series_id, Certificate.seq)
    for key, value in filters.items():
        q = q.where(getattr(Certificate, key) == value)
    return db.session.scalars(q).all()


def scan_qr(data: bytes) -> list[str]:
    image = pdfium.PdfDocument(data)[0].render(scale=3).to_pil()
    return [b.text for b in zxingcpp.read_barcodes(image)]


def assert_gap_free(event, expected: int):
    seqs = sorted(c.seq for c in certs_of(event))
    assert seqs == list(range(1, expected + 1))
    series = db.session.scalars(select(CertificateSeries).where(CertificateSeries.event_id == event.id)).one()
    db.session.refresh(series)
    assert series.next_seq == expected + 1


# ------------------------------------------------------------------------------------------ issuing


def test_issue_all_eligible_snapshot_qr_and_verification(client):
    user, event, regs = make_cert_event(participants=3)
    job = issue(event, user)
    assert (job.status, job.done, job.total) == ("done", 3, 3)
    certs = certs_of(event)
    assert [c.seq for c in certs] == [1, 2, 3]
    first = certs[0]
    assert first.number == "001/BIMTEK-MEDSOS/KOMINFO/VIII/2030"
    data = served_file(first).read_bytes()
    assert pdf_sha256(data) == first.sha256
    text = pdf_text(data)
    for expected in (
        "SERTIFIKAT", "Nomor: 001/BIMTEK-MEDSOS/KOMINFO/VIII/2030", regs[0].full_name, "PESERTA",
        "Bimtek Strategi Komunikasi Media Sosial", "Kamis, 22 Agustus 2030", "Swiss-Belhotel Harbour Bay, Batam",
        "selama 4 JP", "Batam, 22 Agustus 2030", "Dr. Hasyim Gautama, M.Si.", "NIP. 19660801 198803 1 001",
        "MATERI KEGIATAN", "Sesi 1", "Narasumber 1",
    ):  # fmt: skip
        assert expected in text, expected
    urls = scan_qr(data)
    assert urls == [f"http://localhost/verify/{format_code(first.verification_code)}"]
    page = client.get(urls[0].removeprefix("http://localhost"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and first.number in html and regs[0].full_name in html and "VALID" in html
    assert first.sha256 in html


def test_online_participant_gets_daring_place_and_snapshot_is_frozen(app):
    user, event, _ = make_cert_event(participants=0)
    reg = make_registration(event, full_name="Siti Aminah", mode="online")
    issue(event, user)
    cert = certs_of(event)[0]
    assert "secara daring melalui Zoom" in pdf_text(served_file(cert).read_bytes())
    before = served_file(cert).read_bytes()
    event.title = "Judul Baru"
    update_settings(event, {"signatory_name": "Pejabat Lain"}, user=user)
    reg.full_name = "Siti Aminah Berubah"
    db.session.commit()
    db.session.refresh(cert)
    assert cert.event_title != "Judul Baru" and cert.signatory_name != "Pejabat Lain" and cert.name == "Siti Aminah"
    assert served_file(cert).read_bytes() == before


@pytest.mark.parametrize(
    "name",
    [
        'Dr. <b>Budi</b> & "Kawan" <script>alert(1)</script>',
        "Nguyễn Thị Minh Khai",
        "Łukasz Żółć-Wąsowski",
        "Ἀλέξανδρος Παπαδόπουλος Σταυρόπουλος",
        "Prof. Dr. Ir. Raden Mas " + " ".join(["Hadiningrat"] * 12) + ", S.T., M.T., Ph.D.",
    ],
)
def test_names_with_markup_long_and_non_latin(client, name):
    user, event, _ = make_cert_event(participants=0)
    issue(event, user, scope="panitia", names=[name])
    cert = certs_of(event)[0]
    assert cert.name == name
    text = pdf_text(served_file(cert).read_bytes())
    assert " ".join(name.split()) in text or all(word in text for word in name.split())
    html = client.get(f"/verify/{cert.verification_code}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "<b>Budi</b>" not in html
    assert client.get(f"/verify/{cert.verification_code}.json").get_json()["name"] == name


def test_issuing_twice_issues_nobody_twice(app):
    user, event, _ = make_cert_event(participants=4)
    issue(event, user)
    again = issue(event, user)
    assert again.status == "done" and again.total == 4
    assert len(certs_of(event)) == 4
    assert_gap_free(event, 4)


def test_speakers_and_moderators_once_each(app):
    user, event, _ = make_cert_event(participants=0)
    from bimtek.events import services as events

    events.add_session(event, {"title": "Diskusi", "starts_at": "2030-08-22T15:00:00+07:00",
                               "ends_at": "2030-08-22T16:00:00+07:00", "jp": 1,
                               "speakers": [{"name": "Narasumber 1", "role": "narasumber"},
                                            {"name": "Andi Moderator", "role": "moderator"}]}, user=user)  # fmt: skip
    db.session.commit()
    issue(event, user, scope="speakers")
    got = sorted((c.role, c.name) for c in certs_of(event))
    assert got == [("moderator", "Andi Moderator"), ("narasumber", "Narasumber 1"), ("narasumber", "Narasumber 2")]
    text = pdf_text(served_file(certs_of(event, role="moderator")[0]).read_bytes())
    assert "MODERATOR" in text and "selama" not in text  # no JP line for speakers


def test_job_killed_midway_then_restarted_completes_without_gaps(app):
    user, event, _ = make_cert_event(participants=7)
    job = start_issue_job(event, {"scope": "eligible"}, user=user)
    db.session.commit()
    calls = {"n": 0}

    def crash_after_five(_cert):
        calls["n"] += 1
        if calls["n"] > 5:
            raise RuntimeError("simulated crash")

    with pytest.raises(RuntimeError):
        run_issue_job(job.id, batch_size=2, render_hook=crash_after_five)
    db.session.refresh(job)
    assert job.status == "failed" and "simulated crash" in job.error
    assert len(certs_of(event)) == 4  # two whole batches committed, the third rolled back
    assert_gap_free(event, 4)
    run_issue_job(job.id, batch_size=2)
    db.session.refresh(job)
    assert job.status == "done" and job.done == 7
    assert len({c.holder_key for c in certs_of(event)}) == 7
    assert_gap_free(event, 7)


def test_concurrent_issue_jobs_no_duplicates_no_gaps(app):
    user, event, _ = make_cert_event(participants=12)
    jobs = []
    for _ in range(2):
        jobs.append(start_issue_job(event, {"scope": "eligible", "notify": False}, user=user).id)
    db.session.commit()
    flask_app = current_app._get_current_object()
    errors = []
    barrier = threading.Barrier(2)

    def worker(job_id):
        try:
            with flask_app.app_context():
                barrier.wait()
                run_issue_job(job_id, batch_size=3)
                db.session.remove()
        except Exception as err:  # reported below
            errors.append(err)

    threads = [threading.Thread(target=worker, args=(j,)) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    db.session.expire_all()
    certs = certs_of(event)
    assert len(certs) == 12 and len({c.holder_key for c in certs}) == 12
    assert_gap_free(event, 12)
    assert {db.session.get(Job, j).status for j in jobs} == {"done"}


def test_issue_requires_signatory(app):
    user = make_user()
    from tests.factories import make_event

    event = make_event(user)
    with pytest.raises(Invalid) as err:
        start_issue_job(event, {"scope": "eligible"}, user=user)
    assert err.value.code == "no_signatory"


# ------------------------------------------------------------------------------------- eligibility


def set_verdicts(event, verdicts: dict) -> None:
    """An attendance rule for the event and stored verdicts: registration -> (eligible, reasons, override)."""
    db.session.add(EligibilityRule(event_id=event.id, min_session_percent=70))
    for reg, (eligible, reasons, override) in verdicts.items():
        db.session.add(
            EligibilityVerdict(event_id=event.id, registration_id=reg.id, eligible=eligible, reasons=reasons,
                               override=override, override_reason="Sakit, hadir via rekaman" if override else None)
        )  # fmt: skip
    db.session.commit()


def test_verdicts_decide_who_qualifies_and_participant_sees_why(client):
    user, event, (ok, no, unknown, rescued) = make_cert_event(participants=4)
    set_verdicts(event, {
        ok: (True, [], None),
        no: (False, ["hadir 40% dari durasi (minimal 70%)"], None),
        rescued: (False, ["Sesi 2: 38 dari 90 menit (42%), minimal 70%"], True),
    })  # fmt: skip
    assert eligible_registration_ids(event) == {ok.id, rescued.id}  # an override wins
    issue(event, user)
    assert sorted(c.registration_id for c in certs_of(event)) == sorted([ok.id, rescued.id])
    page = client.get(f"/r/{no.manage_token}/sertifikat").get_data(as_text=True)
    assert "belum memenuhi syarat kehadiran: hadir 40% dari durasi (minimal 70%)" in page
    page = client.get(f"/r/{unknown.manage_token}/sertifikat").get_data(as_text=True)
    assert "kehadiran belum dinilai" in page
    resp = client.get(f"/r/{ok.manage_token}/sertifikat")
    assert resp.mimetype == "application/pdf"
    # The organizer's override wins over the computed verdict, both ways.
    db.session.execute(
        update(EligibilityVerdict).where(EligibilityVerdict.registration_id == no.id).values(override=True)
    )
    db.session.execute(
        update(EligibilityVerdict).where(EligibilityVerdict.registration_id == ok.id).values(override=False)
    )
    db.session.commit()
    assert eligible_registration_ids(event) == {no.id, rescued.id}
    assert ineligibility_reasons(no) == []
    login(client, user)
    assert "Aturan kehadiran belum diterapkan" not in client.get(f"/manage/events/{event.id}/certificates").get_data(
        as_text=True
    )


def test_fallback_eligibility_is_confirmed_and_said_so(client):
    user, event, regs = make_cert_event(participants=2)
    assert eligible_registration_ids(event) == {r.id for r in regs}
    login(client, user)
    page = client.get(f"/manage/events/{event.id}/certificates").get_data(as_text=True)
    assert "Aturan kehadiran belum diterapkan" in page


# -------------------------------------------------------------------------------------- delivery


def test_participant_download_and_ready_email(client):
    user, event, (reg,) = make_cert_event(participants=1)
    page = client.get(f"/r/{reg.manage_token}/sertifikat")
    assert page.status_code == 200 and "sedang disiapkan" in page.get_data(as_text=True)
    issue(event, user)
    cert = certs_of(event)[0]
    resp = client.get(f"/r/{reg.manage_token}/sertifikat")
    assert resp.mimetype == "application/pdf" and resp.data == served_file(cert).read_bytes()
    assert resp.headers["Cache-Control"].startswith("no-store") or "no-cache" in resp.headers["Cache-Control"]
    outbox = getattr(current_app.extensions["mailman"], "outbox", [])
    assert len(outbox) == 1 and outbox[0].to == [reg.email]
    assert f"/r/{reg.manage_token}/sertifikat" in outbox[0].body and cert.number in outbox[0].body
    assert client.get("/r/not-a-token/sertifikat").status_code == 404
    issue(event, user)  # nothing new: no second email
    assert len(outbox) == 1


def test_revoke_and_reissue_keep_history(client):
    user, event, (reg,) = make_cert_event(participants=1)
    issue(event, user)
    cert = certs_of(event)[0]
    login(client, user)
    bad = client.post(f"/manage/events/{event.id}/certificates/{cert.id}/revoke", data={"reason": " "})
    assert bad.status_code == 302 and db.session.get(Certificate, cert.id).status == "valid"
    client.post(f"/manage/events/{event.id}/certificates/{cert.id}/revoke", data={"reason": "Data kehadiran keliru"})
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).status == "revoked"
    page = client.get(f"/verify/{cert.verification_code}").get_data(as_text=True)
    assert "DICABUT" in page and "Data kehadiran keliru" in page
    assert "dicabut" in client.get(f"/r/{reg.manage_token}/sertifikat").get_data(as_text=True)
    reg.full_name = "Nama Dikoreksi Peserta, S.E."
    db.session.commit()
    flagged = client.get(f"/manage/events/{event.id}/certificates").get_data(as_text=True)
    assert "Nama di pendaftaran kini: Nama Dikoreksi Peserta, S.E." in flagged
    client.post(f"/manage/events/{event.id}/certificates/{cert.id}/reissue", data={"name": "Nama Dikoreksi, S.E."})
    db.session.expire_all()
    old, new = certs_of(event)
    assert old.status == "replaced" and old.replaced_by_id == new.id and old.current_flag is None
    assert new.status == "valid" and new.seq == 2 and new.name == "Nama Dikoreksi, S.E."
    json = client.get(f"/verify/{old.verification_code}.json").get_json()
    assert json["status"] == "DIGANTI" and json["replaced_by_number"] == new.number
    assert client.get(f"/r/{reg.manage_token}/sertifikat").data == served_file(new).read_bytes()
    actions = {a.action for a in db.session.scalars(select(AuditLog))}
    assert {"certificate.issue", "certificate.revoke", "certificate.reissue"} <= actions
    again = client.post(f"/manage/events/{event.id}/certificates/{old.id}/reissue")
    assert again.status_code == 302 and len(certs_of(event)) == 2


def test_verification_never_shows_nip_email_phone(client):
    user, event, _ = make_cert_event(participants=0)
    reg = make_registration(event, employment_status="pns", nip=NIP, phone=PHONE, rank="Penata Muda (III/a)")
    issue(event, user)
    cert = certs_of(event)[0]
    for url in (f"/verify/{cert.verification_code}", f"/verify/{cert.verification_code}.json",
                f"/api/v1/verify/{cert.verification_code}"):  # fmt: skip
        body = client.get(url).get_data(as_text=True)
        assert reg.full_name in body
        for secret in (NIP, "19850817", reg.email, PHONE, "81377778888", "196608011988031001", "19660801"):
            assert secret not in body, (url, secret)
        assert client.get(url).headers["X-Robots-Tag"].startswith("noindex")
    assert '<meta name="robots" content="noindex' in client.get(f"/verify/{cert.verification_code}").get_data(
        as_text=True
    )
    assert client.get("/verify/ZZZZ-ZZZZ-ZZZZ").status_code == 404
    assert client.get("/verify/nonsense").status_code == 404


def test_verification_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, CERT_VERIFY_RATE_LIMIT="3 per minute")
    with app.app_context():
        client = app.test_client()
        codes = [client.get("/verify/ABCD-EFGH-JKMN").status_code for _ in range(5)]
    assert codes[:3] == [404, 404, 404] and codes[3] == 429


def test_drop_pdf_matches_original_and_tampered_fails(client):
    user, event, _ = make_cert_event(participants=1)
    issue(event, user)
    cert = certs_of(event)[0]
    data = served_file(cert).read_bytes()
    ok = client.post("/verify", data={"pdf": (io.BytesIO(data), "s.pdf")}, content_type="multipart/form-data")
    assert ok.status_code == 200 and cert.number in ok.get_data(as_text=True)
    tampered = bytearray(data)
    tampered[len(data) // 2] ^= 0x01
    bad = client.post(
        "/verify", data={"pdf": (io.BytesIO(bytes(tampered)), "s.pdf")}, content_type="multipart/form-data"
    )
    assert bad.status_code == 404 and "TIDAK cocok" in bad.get_data(as_text=True)
    assert client.post("/verify", data={}, content_type="multipart/form-data").status_code == 422


def test_zip_and_register_export(client):
    user, event, _ = make_cert_event(participants=3)
    issue(event, user)
    issue(event, user, scope="panitia", names=['=HYPERLINK("http://x")', "+Budi Panitia"])
    login(client, user)
    resp = client.get(f"/manage/events/{event.id}/certificates/all.zip")
    assert resp.status_code == 200 and resp.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(resp.data)) as zf:
        infos = zf.infolist()
        assert len(infos) == 5 and {i.compress_type for i in infos} == {zipfile.ZIP_STORED}
        first = certs_of(event)[0]
        assert zf.read(file_name(first)) == served_file(first).read_bytes()
    resp = client.get(f"/manage/events/{event.id}/certificates/register.xlsx")
    ws = load_workbook(io.BytesIO(resp.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][1] == "Nomor" and len(rows) == 6
    names = [r[2] for r in rows[1:]]
    assert '\'=HYPERLINK("http://x")' in names and "'+Budi Panitia" in names
    assert all(not (isinstance(v, str) and v.startswith(("=", "+", "-", "@"))) for r in rows for v in r)
    exports = {a.action for a in db.session.scalars(select(AuditLog))}
    assert {"certificates.export_zip", "certificates.export_register"} <= exports


# ---------------------------------------------------------------------------------- pages and settings


def test_manage_pages_issue_job_and_progress(client):
    user, event, regs = make_cert_event(participants=2)
    login(client, user)
    page = client.get(f"/manage/events/{event.id}/certificates")
    assert page.status_code == 200 and "Sertifikat" in page.get_data(as_text=True)
    resp = client.post(f"/manage/events/{event.id}/certificates/issue", data={"scope": "eligible"})
    assert resp.status_code == 302
    job = db.session.scalars(select(Job)).one()
    progress = client.get(f"/manage/events/{event.id}/certificates/jobs/{job.id}.json").get_json()
    assert progress["status"] == "done" and progress["percent"] == 100
    page = client.get(f"/manage/events/{event.id}/certificates?q=nomor 1").get_data(as_text=True)
    assert regs[0].full_name in page and regs[1].full_name not in page
    cert = certs_of(event)[0]
    pdf = client.get(f"/manage/events/{event.id}/certificates/{cert.id}.pdf")
    assert pdf.data == served_file(cert).read_bytes()


def test_issue_buttons_wait_while_an_issuing_job_is_queued_or_running(client):
    user, event, regs = make_cert_event(participants=2)
    login(client, user)
    client.post(f"/manage/events/{event.id}/certificates/issue", data={"scope": "selected",
                "registration_id": [str(regs[0].id)]})  # fmt: skip
    job = db.session.scalars(select(Job)).one()
    button = 'class="btn primary" disabled>'
    page = client.get(f"/manage/events/{event.id}/certificates").get_data(as_text=True)
    assert "Penerbitan sedang berjalan" not in page and button not in page  # one person still to issue
    for status in ("queued", "running"):
        job.status = status
        db.session.commit()
        page = client.get(f"/manage/events/{event.id}/certificates").get_data(as_text=True)
        assert "Penerbitan sedang berjalan" in page and button in page, status


def test_settings_validation_and_live_preview(client):
    user, event, _ = make_cert_event(participants=0)
    login(client, user)
    bad = client.post(f"/manage/events/{event.id}/certificates/settings",
                      data={"number_pattern": "{seq.__class__}/X", "signatory_name": "A"})  # fmt: skip
    assert bad.status_code == 422 and "tidak dikenal" in bad.get_data(as_text=True)
    assert get_settings(event).number_pattern == DEFAULT_NUMBER_PATTERN
    ok = client.post(f"/manage/events/{event.id}/certificates/settings", data={
        "number_pattern": "{seq:04d}/SERT/{code}/{year}", "series_code": "MEDSOS", "signatory_name": "Dr. A",
        "signatory_nip": "19660801 198803 1 001", "signatory_title": "Direktur", "issue_place": "Jakarta",
        "issue_date": "2030-09-01", "template": "default", "layout": "{}", "back_page": "1",
    })  # fmt: skip
    assert ok.status_code == 302
    preview = client.get(f"/manage/events/{event.id}/certificates/preview.pdf")
    assert preview.mimetype == "application/pdf"
    text = pdf_text(preview.data)
    # A specimen: the sequence shows as X's (issue 14), the rest of the pattern as configured.
    assert "XXXX/SERT/MEDSOS/2030" in text and "Jakarta, 1 September 2030" in text
    live = client.post(f"/manage/events/{event.id}/certificates/preview.pdf",
                       data={"number_pattern": "{seq}/LIVE/{roman_month}", "signatory_name": "Belum Disimpan"})  # fmt: skip
    assert "XXX/LIVE/IX" in pdf_text(live.data) and "Belum Disimpan" in pdf_text(live.data)
    assert get_settings(event).signatory_name == "Dr. A"


def _png(size=(1200, 850), color=(220, 235, 250), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color if mode != "1" else 1).save(out, "PNG")
    return out.getvalue()


def test_background_upload_checked_by_content_and_used(client):
    user, event, (reg,) = make_cert_event(participants=1)
    login(client, user)
    url = f"/manage/events/{event.id}/certificates/settings/image/background"
    fake = client.post(
        url, data={"image": (io.BytesIO(b"<?php echo 1; ?>"), "x.png")}, content_type="multipart/form-data"
    )
    assert fake.status_code == 302 and get_settings(event).background_image is None
    huge = _png((9000, 6000), mode="1")
    client.post(url, data={"image": (io.BytesIO(huge), "big.png")}, content_type="multipart/form-data")
    assert get_settings(event).background_image is None
    client.post(url, data={"image": (io.BytesIO(_png()), "bg.png")}, content_type="multipart/form-data")
    settings = get_settings(event)
    db.session.refresh(settings)
    stored = stored_path(settings.background_image)
    with Image.open(stored) as img:
        assert stored.suffix == ".jpg" and img.format == "JPEG" and "bg" not in stored.name
    client.post(f"/manage/events/{event.id}/certificates/settings", data={
        "template": "background", "number_pattern": DEFAULT_NUMBER_PATTERN, "signatory_name": "Dr. A",
        "layout": '{"name": {"x_mm": 20, "y_mm": 90, "width_mm": 257, "size_pt": 26}, "qr": {"x_mm": 20, "y_mm": 150, "width_mm": 30}, "number_line": {"x_mm": 20, "y_mm": 60, "width_mm": 257}}',
    })  # fmt: skip
    assert get_settings(event).template == "background"
    preview = client.get(f"/manage/events/{event.id}/certificates/preview.pdf")
    assert "Nama Peserta Contoh" in pdf_text(preview.data)
    issue(event, user)
    cert = certs_of(event)[0]
    data = served_file(cert).read_bytes()
    assert reg.full_name in pdf_text(data)
    assert scan_qr(data) == [verify_url("http://localhost", cert.verification_code)]


# -------------------------------------------------------------------------------------------- API


def test_api_issue_progress_list_download_revoke_reissue(client):
    user, event, regs = make_cert_event(participants=2)
    auth = bearer(token_for(user))
    resp = client.post(f"/api/v1/events/{event.id}/certificates/issue", json={"scope": "selected",
                       "registration_ids": [regs[1].id], "notify": False}, headers=auth)  # fmt: skip
    assert resp.status_code == 202
    job_id = resp.get_json()["id"]
    progress = client.get(f"/api/v1/events/{event.id}/certificates/jobs/{job_id}", headers=auth).get_json()
    assert progress["status"] == "done" and progress["done"] == 1
    listed = client.get(f"/api/v1/events/{event.id}/certificates?role=peserta&status=valid", headers=auth).get_json()
    assert listed["total"] == 1 and listed["items"][0]["registration_id"] == regs[1].id
    cid = listed["items"][0]["id"]
    pdf = client.get(f"/api/v1/certificates/{cid}/pdf", headers=auth)
    assert pdf.mimetype == "application/pdf" and pdf.data[:5] == b"%PDF-"
    bad = client.post(f"/api/v1/certificates/{cid}/revoke", json={}, headers=auth)
    assert bad.status_code == 422 and bad.get_json()["fields"]["reason"]
    new = client.post(f"/api/v1/certificates/{cid}/reissue", json={}, headers=auth)
    assert new.status_code == 201 and new.get_json()["seq"] == 2
    revoked = client.post(f"/api/v1/certificates/{new.get_json()['id']}/revoke", json={"reason": "Salah"}, headers=auth)
    assert revoked.get_json()["status"] == "revoked"
    code = revoked.get_json()["verification_code"]
    assert client.get(f"/api/v1/verify/{code}").get_json()["status"] == "DICABUT"
    assert client.get("/api/v1/verify/ABCD-EFGH-JKMN").status_code == 404
    bad_scope = client.post(f"/api/v1/events/{event.id}/certificates/issue", json={"scope": "semua"}, headers=auth)
    assert bad_scope.status_code == 422
    doc = client.get("/api/v1/openapi.json").get_json()
    for path in ("/events/{event_id}/certificates/issue", "/events/{event_id}/certificates/jobs/{job_id}",
                 "/events/{event_id}/certificates", "/certificates/{certificate_id}/pdf",
                 "/certificates/{certificate_id}/revoke", "/certificates/{certificate_id}/reissue", "/verify/{code}"):  # fmt: skip
        assert path in doc["paths"]


def test_outsiders_cannot_reach_certificates(client):
    user, event, _ = make_cert_event(participants=1)
    issue(event, user)
    cert = certs_of(event)[0]
    outsider = make_user("organizer")
    auth = bearer(token_for(outsider))
    assert client.get(f"/api/v1/events/{event.id}/certificates", headers=auth).status_code == 404
    assert client.get(f"/api/v1/certificates/{cert.id}/pdf", headers=auth).status_code == 404
    assert client.post(f"/api/v1/certificates/{cert.id}/revoke", json={"reason": "x"}, headers=auth).status_code == 404
    login(client, outsider)
    for url in (f"/manage/events/{event.id}/certificates", f"/manage/events/{event.id}/certificates/all.zip",
                f"/manage/events/{event.id}/certificates/{cert.id}.pdf"):  # fmt: skip
        assert client.get(url).status_code == 404
    checkin = make_user("checkin")
    from bimtek.accounts import services as accounts

    accounts.assign(checkin, event.id, actor="test")
    db.session.commit()
    client.post("/logout")
    login(client, checkin)
    assert client.get(f"/manage/events/{event.id}/certificates").status_code == 403
    assert db.session.get(Certificate, cert.id).status == "valid"


def test_demo_issues_batam_certificates(app):
    from bimtek import demo

    assert demo.seed() is True
    db.session.commit()
    from bimtek.events.models import Event

    batam = db.session.scalar(select(Event).where(Event.slug == demo.BATAM_SLUG))
    total = db.session.scalar(select(func.count()).select_from(Certificate).where(Certificate.event_id == batam.id))
    eligible = eligible_registration_ids(batam)
    assert len(eligible) >= 20  # the demo's attendance leaves some participants short of the rule
    assert total == len(eligible) + len(speaker_holders(batam))
    first = db.session.scalar(select(Certificate).where(Certificate.event_id == batam.id, Certificate.seq == 1))
    assert first.number == "001/BIMTEK-MEDSOS/KOMINFO/VIII/2022"


# ---------------------------------------------------------------------------------------- signing


@pytest.fixture
def p12(tmp_path):
    from bimtek.certificates.signing import generate_self_signed_p12

    path = tmp_path / "pejabat.p12"
    path.write_bytes(generate_self_signed_p12("Dr. Hasyim Gautama", "rahasia-ttd"))
    return path


def _sign(data: bytes, p12) -> bytes:
    from bimtek.certificates.signing import load_signer, pades_sign

    return pades_sign(data, load_signer(p12, "rahasia-ttd"), reason="TTE")


def test_tte_round_trip_serves_signed_file_byte_for_byte(client, p12):
    user, event, regs = make_cert_event(participants=3)
    issue(event, user)
    login(client, user)
    page = client.get(f"/manage/events/{event.id}/certificates/tte").get_data(as_text=True)
    assert "Dr. Hasyim Gautama, M.Si." in page
    export = client.get(f"/manage/events/{event.id}/certificates/tte/export.zip",
                        query_string={"signatory": "Dr. Hasyim Gautama, M.Si."})  # fmt: skip
    with zipfile.ZipFile(io.BytesIO(export.data)) as zf:
        exported = {name: zf.read(name) for name in zf.namelist()}
    assert len(exported) == 3
    certs = certs_of(event)
    assert {file_name(c) for c in certs} == set(exported)
    signed = {name: _sign(data, p12) for name, data in exported.items()}
    names = sorted(signed)
    # Two as a ZIP (named by number), one loose with a name the TTE app chose (paired by the PDF title).
    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w") as zf:
        for name in names[:2]:
            zf.writestr(name.replace(".pdf", "_signed.pdf"), signed[name])
    resp = client.post(f"/manage/events/{event.id}/certificates/tte", data={"files": [
        (io.BytesIO(bundle.getvalue()), "ttd.zip"), (io.BytesIO(signed[names[2]]), "dokumen-1.pdf"),
    ]}, content_type="multipart/form-data")  # fmt: skip
    report = resp.get_data(as_text=True)
    assert report.count("tanda tangan diterima") == 3, report
    db.session.expire_all()
    by_number = {file_name(c): c for c in certs_of(event)}
    for name, data in signed.items():
        cert = by_number[name]
        assert cert.tte_signed and cert.signed_sha256 == pdf_sha256(data)
        assert served_file(cert).read_bytes() == data
        assert client.get(f"/manage/events/{event.id}/certificates/{cert.id}.pdf").data == data
    reg_cert = certs_of(event, registration_id=regs[0].id)[0]
    assert client.get(f"/r/{regs[0].manage_token}/sertifikat").data == signed[file_name(reg_cert)]
    info = client.get(f"/verify/{reg_cert.verification_code}.json").get_json()
    assert info["signed"] is True and info["sha256"] == reg_cert.signed_sha256
    assert info["original_sha256"] == reg_cert.sha256
    dropped = client.post("/verify", data={"pdf": (io.BytesIO(signed[file_name(reg_cert)]), "x.pdf")},
                          content_type="multipart/form-data")  # fmt: skip
    assert dropped.status_code == 200
    again = client.post(
        f"/manage/events/{event.id}/certificates/tte",
        data={"files": [(io.BytesIO(signed[names[0]]), names[0])]},
        content_type="multipart/form-data",
    )
    assert "sudah diimpor sebelumnya" in again.get_data(as_text=True)
    assert {a.action for a in db.session.scalars(select(AuditLog))} >= {"certificate.tte_import"}


def test_tte_import_refuses_altered_or_unsigned_files(client, p12):
    user, event, _ = make_cert_event(participants=2)
    issue(event, user)
    login(client, user)
    a, b = certs_of(event)
    original = served_file(a).read_bytes()
    altered = bytearray(_sign(original, p12))
    altered[200] ^= 0x01  # a change inside the issued content
    files = [
        (io.BytesIO(bytes(altered)), file_name(a)),
        (io.BytesIO(served_file(b).read_bytes()), file_name(b)),  # not signed at all
        (io.BytesIO(b"%PDF-1.4 nothing"), "999_TIDAK_ADA.pdf"),
    ]
    report = client.post(f"/manage/events/{event.id}/certificates/tte", data={"files": files},
                         content_type="multipart/form-data").get_data(as_text=True)  # fmt: skip
    assert "isi tidak sama" in report and "tidak ada tanda tangan" in report and "tidak ditemukan" in report
    db.session.expire_all()
    assert not any(c.tte_signed for c in certs_of(event))
    assert served_file(a).read_bytes() == original


def test_pades_signing_with_operator_key(make_app, p12):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.generic_cms import validate_sig_integrity

    app = make_app(SIGNING_P12_PATH=str(p12), SIGNING_P12_PASSWORD="rahasia-ttd")
    with app.app_context():
        user, event, _ = make_cert_event(participants=1)
        issue(event, user)
        cert = certs_of(event)[0]
        data = served_file(cert).read_bytes()
        assert cert.pades_signed and pdf_sha256(data) == cert.sha256
        sig = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
        assert validate_sig_integrity(sig.signer_info, sig.signer_cert, "data", sig.compute_digest()) == (True, True)
        tampered = bytearray(data)
        tampered[1000] ^= 0x01
        bad = PdfFileReader(io.BytesIO(bytes(tampered)), strict=False).embedded_signatures[0]
        assert validate_sig_integrity(bad.signer_info, bad.signer_cert, "data", bad.compute_digest())[0] is False
        assert app.test_client().get(f"/verify/{cert.verification_code}.json").get_json()["signed"] is True


def test_certificates_tab_is_in_the_event_menu(client):
    user, event, _ = make_cert_event(participants=0)
    login(client, user)
    html = client.get(f"/manage/events/{event.id}/certificates").get_data(as_text=True)
    assert f'href="/manage/events/{event.id}/certificates" aria-current="page"' in html


def test_verification_in_english(client):
    client.get("/lang/en")
    html = client.get("/verify/ABCD-EFGH-JKMN").get_data(as_text=True)
    assert "Certificate not found" in html


def test_render_processes_give_the_same_result(make_app, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("one database is enough: this checks the process pool, not SQL")
    app = make_app(CERT_RENDER_PROCESSES=2)
    with app.app_context():
        user, event, regs = make_cert_event(participants=5)
        job = issue(event, user)
        assert job.status == "done"
        certs = certs_of(event)
        assert [c.seq for c in certs] == [1, 2, 3, 4, 5]
        for cert, reg in zip(certs, regs, strict=True):
            data = served_file(cert).read_bytes()
            assert pdf_sha256(data) == cert.sha256 and reg.full_name in pdf_text(data)


def test_cli_issue_and_signing_key(runner, tmp_path):
    user, event, _ = make_cert_event(participants=2)
    result = runner.invoke(args=["certificates", "issue", str(event.id), "--no-email"])
    assert result.exit_code == 0, result.output
    assert "done, 2/2" in result.output
    assert len(certs_of(event)) == 2
    key = tmp_path / "k.p12"
    result = runner.invoke(args=["certificates", "make-signing-key", str(key), "--password", "pw"])
    assert result.exit_code == 0 and key.stat().st_size > 0
    assert runner.invoke(args=["certificates", "issue", "99999"]).exit_code != 0


def test_same_series_code_in_two_events_is_caught_before_issuing(app):
    user, first, _ = make_cert_event(participants=1)
    issue(first, user)
    _, second, _ = make_cert_event(participants=1)
    with pytest.raises(Conflict) as err:
        start_issue_job(second, {"scope": "eligible"}, user=user)
    assert "sudah dipakai" in err.value.message
    update_settings(second, {"series_code": "BIMTEK-MEDSOS-B"}, user=user)
    issue(second, user)
    assert certs_of(second)[0].number == "001/BIMTEK-MEDSOS-B/KOMINFO/VIII/2030"


def test_layout_table_positions_fields_on_background(client):
    user, event, _ = make_cert_event(participants=0)
    login(client, user)
    url = f"/manage/events/{event.id}/certificates/settings/image/background"
    client.post(url, data={"image": (io.BytesIO(_png()), "bg.png")}, content_type="multipart/form-data")
    page = client.get(f"/manage/events/{event.id}/certificates/settings").get_data(as_text=True)
    assert 'name="lf-name-x_mm" value="20"' in page
    form = {"template": "background", "number_pattern": DEFAULT_NUMBER_PATTERN, "signatory_name": "Dr. A",
            "layout_table": "1", "lf-name-on": "1", "lf-name-x_mm": "30", "lf-name-y_mm": "100",
            "lf-name-width_mm": "200", "lf-name-size_pt": "24", "lf-name-font": "serif-bold", "lf-name-align": "left",
            "lf-name-color": "#1f3a5f", "lf-name-max_lines": "2", "lf-qr-on": "1", "lf-qr-x_mm": "240",
            "lf-qr-y_mm": "150", "lf-qr-width_mm": "30"}  # fmt: skip
    assert client.post(f"/manage/events/{event.id}/certificates/settings", data=form).status_code == 302
    layout = get_settings(event).layout
    assert set(layout) == {"name", "qr"} and layout["name"]["x_mm"] == 30.0 and layout["name"]["align"] == "left"
    bad = client.post(f"/manage/events/{event.id}/certificates/settings", data={**form, "lf-name-color": "merah"})
    assert bad.status_code == 422 and get_settings(event).layout["name"]["color"] == "#1f3a5f"
    preview = client.get(f"/manage/events/{event.id}/certificates/preview.pdf")
    assert "Nama Peserta Contoh" in pdf_text(preview.data)
    assert len(scan_qr(preview.data)) == 1


def test_demo_event_tab_pages_through_many_certificates(client, monkeypatch):
    from bimtek import demo
    from bimtek.certificates import views_manage
    from bimtek.events.models import Event

    monkeypatch.setattr(views_manage, "PER_PAGE", 20)

    demo.seed()
    db.session.commit()
    event = db.session.scalar(select(Event).where(Event.slug == demo.BATAM_SLUG))
    client.post("/login", data={"email": demo.ORGANIZER_EMAIL, "password": demo.DEMO_PASSWORD})
    first = client.get(f"/manage/events/{event.id}/certificates")
    pages = -(-db.session.scalar(select(func.count()).select_from(Certificate)) // 20)
    assert pages >= 2
    assert first.status_code == 200 and f"Halaman 1 dari {pages}" in first.get_data(as_text=True)
    second = client.get(f"/manage/events/{event.id}/certificates?page=2&role=")
    assert second.status_code == 200 and f"Halaman 2 dari {pages}" in second.get_data(as_text=True)
    assert client.get(f"/manage/events/{event.id}/certificates/settings").status_code == 200
    assert client.get(f"/manage/events/{event.id}/certificates/tte").status_code == 200


def test_every_certificate_staff_route_refuses_outsiders(app, client):
    user, event, _ = make_cert_event(participants=1)
    issue(event, user)
    cert = certs_of(event)[0]
    job_id = db.session.scalars(select(Job.id)).first()
    outsider = make_user("organizer")
    auth = bearer(token_for(outsider))
    values = {"event_id": event.id, "certificate_id": cert.id, "job_id": job_id, "kind": "background"}
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(("certificates.", "certificates_manage.", "api.")) or not set(
            rule.arguments
        ) & {
            "event_id",
            "certificate_id",
        }:
            continue
        if rule.endpoint.startswith("api.") and "certificate" not in rule.rule:
            continue
        url = app.url_map.bind("localhost").build(rule.endpoint, values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            anonymous = client.open(url, method=method, headers={"Accept": "application/json"})
            redirected = anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
            assert anonymous.status_code in (401, 403, 404) or redirected, (rule.rule, method, anonymous.status_code)
            if rule.endpoint.startswith("api."):
                as_outsider = client.open(url, method=method, headers=auth, json={"reason": "x"})
                assert as_outsider.status_code in (403, 404), (rule.rule, method, as_outsider.status_code)
            checked += 1
    login(client, outsider)
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(("certificates.", "certificates_manage.")) and "event_id" in rule.arguments:
            url = app.url_map.bind("localhost").build(rule.endpoint, values)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                assert client.open(url, method=method).status_code in (403, 404), (rule.rule, method)
    assert checked >= 20
    assert db.session.get(Certificate, cert.id).status == "valid"


def test_reissue_without_name_takes_the_corrected_registration_name(client):
    user, event, (reg,) = make_cert_event(participants=1)
    issue(event, user)
    old = certs_of(event)[0]
    reg.full_name = "Siti Nurhaliza, S.Sos."
    db.session.commit()
    login(client, user)
    client.post(f"/manage/events/{event.id}/certificates/{old.id}/reissue", data={"name": ""})
    db.session.expire_all()
    new = certs_of(event, current_flag=True)[0]
    assert new.name == "Siti Nurhaliza, S.Sos." and "Siti Nurhaliza, S.Sos." in pdf_text(served_file(new).read_bytes())
