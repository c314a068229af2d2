"""Certificates in real Chromium: scan the QR, read the verification page, drop a PDF, watch a job finish."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
import zxingcpp

pytestmark = pytest.mark.e2e


@pytest.fixture
def cert_server(live_server):
    """The demo (with its issued Batam certificates) served on a free port, CSRF on: (app, base URL)."""
    return live_server.app, live_server.url


def _first_certificate(app):
    from sqlalchemy import select

    from bimtek.certificates.models import Certificate
    from bimtek.certificates.services.delivery import served_file
    from bimtek.extensions import db

    with app.app_context():
        cert = db.session.scalar(select(Certificate).where(Certificate.role == "peserta").order_by(Certificate.id))
        return cert.number, cert.name, served_file(cert).read_bytes()


def test_qr_leads_to_verification_page_and_dropped_pdf_matches(cert_server, page, tmp_path):
    app, _base = cert_server
    number, name, data = _first_certificate(app)
    image = pdfium.PdfDocument(data)[0].render(scale=3).to_pil()
    (url,) = [b.text for b in zxingcpp.read_barcodes(image)]
    # The demo issued before the port was known: keep the path, use this server.
    path = "/verify/" + url.rsplit("/verify/", 1)[1]
    page.goto(_base + path)
    assert page.locator("#cert-number").inner_text() == number
    assert page.locator("#cert-name").inner_text() == name
    assert page.locator(".cert-status").get_attribute("data-status") == "VALID"
    assert page.locator('meta[name="robots"]').get_attribute("content").startswith("noindex")

    page.goto(_base + "/verify")
    pdf = tmp_path / "sertifikat.pdf"
    pdf.write_bytes(data)
    with page.expect_navigation():
        page.set_input_files("#f-pdf", str(pdf))  # the page submits on its own
    assert "cocok dengan sertifikat nomor" in page.locator("#file-result").inner_text()
    tampered = tmp_path / "ubah.pdf"
    tampered.write_bytes(data[:-10] + b"%%EOF  \n\n")
    with page.expect_navigation():
        page.set_input_files("#f-pdf", str(tampered))
    assert page.locator("#file-result .cert-status").get_attribute("data-status") == "NO_MATCH"


def test_progress_bar_follows_a_running_job(cert_server, page):
    from sqlalchemy import select

    from bimtek import demo
    from bimtek.accounts.models import User
    from bimtek.certificates.services.jobs import start_issue_job
    from bimtek.certificates.tasks import run_issue_job
    from bimtek.events.models import Event
    from bimtek.extensions import db

    app, base = cert_server
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == demo.ORGANIZER_EMAIL))
        upcoming = db.session.scalar(select(Event).where(Event.slug != demo.BATAM_SLUG))
        job = start_issue_job(
            upcoming, {"scope": "eligible", "notify": False, "early_issue_reason": "Uji bilah kemajuan"}, user=user
        )
        db.session.commit()
        job_id, event_id = job.id, upcoming.id
        db.session.remove()
    page.goto(base + "/login")
    page.fill("input[name=email]", demo.ORGANIZER_EMAIL)
    page.fill("input[name=password]", demo.DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.goto(f"{base}/manage/events/{event_id}/certificates")
    job_box = page.locator(f'.cert-job[data-job-url$="/jobs/{job_id}.json"]')
    assert job_box.get_attribute("data-status") == "queued"

    with app.app_context():
        run_issue_job(job_id)
        db.session.remove()
    # The page polls the job, then reloads itself once it is done.
    page.wait_for_selector(f'.cert-job[data-job-url$="/jobs/{job_id}.json"][data-status="done"]', timeout=15000)
    assert "100" in page.locator(f'.cert-job[data-job-url$="/jobs/{job_id}.json"] progress').get_attribute("value")
