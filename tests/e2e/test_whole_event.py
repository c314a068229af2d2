"""One whole event in real Chromium, across features, as the people who run it and attend it would.

The organizer (laptop) creates and publishes an event with one session; an admin puts the check-in staff on
it; two participants register on their phones (one at the venue, one on Zoom); staff scan the venue one in
at the door with a USB scanner (the QR read off the participant's phone screen); the organizer uploads the
Zoom participants report, which credits the other, sets the rule and issues certificates (the job runs in a
real `flask jobs worker` process, never in the request); each participant downloads their certificate from
their manage page, its QR opens the verification page of this server; one participant recovers a lost link
by email. Every email goes through a real SMTP server. Screenshots land in /tmp/wholeevent/.
"""

from __future__ import annotations

import io
import os
import re
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.conftest import base_config, skip_or_fail
from tests.e2e.conftest import CHROMIUM

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "id-ID"}  # fmt: skip
LAPTOP = {"viewport": {"width": 1366, "height": 768}, "locale": "id-ID"}
SHOTS = Path(os.environ.get("BIMTEK_SHOTS", "/tmp/wholeevent"))
PASSWORD = "kata-sandi-panitia-2026"
ZONE = ZoneInfo("Asia/Jakarta")  # Kepulauan Riau: WIB
TITLE = "Bimtek Literasi Digital Aparatur"
SESSION = "Literasi Digital untuk Pelayanan Publik"
LURING = {"name": "Rina Marlina, S.I.Kom.", "email": "rina.marlina@kepriprov.go.id",
          "institution": "Dinas Komunikasi dan Informatika Provinsi Kepulauan Riau", "nip": "19850101 201001 2 003",
          "place": "di Hotel Aston Batam, Batam"}  # fmt: skip
DARING = {"name": "Yohanes Tanoto", "email": "yohanes.t@batam.go.id",
          "institution": "Dinas Komunikasi dan Informatika Kota Batam", "nip": "19900212 201503 1 004",
          "place": "secara daring melalui Zoom"}  # fmt: skip


@pytest.fixture
def world(tmp_path, monkeypatch):
    """A fresh app served on a free port, a real SMTP server, and a real job consumer sharing its queue."""
    if CHROMIUM is None:
        skip_or_fail("Chromium is not installed (apt-get install chromium)")
    from huey.storage import SqliteStorage
    from werkzeug.serving import make_server

    from bimtek import create_app, jobs
    from bimtek.extensions import db
    from tests.factories import make_user
    from tests.integration.consumer_process import ConsumerProcess, SmtpSink

    with SmtpSink() as smtp:
        config = base_config(tmp_path, f"sqlite:///{tmp_path / 'whole.sqlite3'}")
        config.update(TESTING=False, WTF_CSRF_ENABLED=True, JOBS_IMMEDIATE=False, MAIL_BACKEND="smtp",
                      MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)  # fmt: skip
        app = create_app(config)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
        with app.app_context():
            db.create_all()
            users = {role: make_user(role, email=f"{role}@kominfo.go.id", password=PASSWORD).email
                     for role in ("admin", "organizer", "checkin")}  # fmt: skip
            db.session.remove()
        # The web process hands jobs to the same queue the consumer reads (as two production processes do).
        queue = f"bimtek-whole-{os.getpid()}-{time.monotonic_ns()}"
        # (`_immediate`, not the `immediate` setter, which would open a queue at the default path first)
        monkeypatch.setattr(jobs.huey, "_immediate", False)
        monkeypatch.setattr(
            jobs.huey, "storage", SqliteStorage(queue, filename=str(Path(app.instance_path) / "jobs.sqlite3"))
        )
        ran_here: list[int] = []  # any job run inside this (the web) process would land here
        run_job = jobs.run_job
        monkeypatch.setattr(jobs, "run_job", lambda job_id, body: ran_here.append(job_id) or run_job(job_id, body))
        consumer = ConsumerProcess(app, queue=queue).start()
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield {"app": app, "url": app.config["BASE_URL"], "smtp": smtp, "users": users, "ran_here": ran_here}
        finally:
            server.shutdown()
            thread.join(5)
            consumer.stop()
            with app.app_context():
                db.engine.dispose()
        assert "Traceback" not in consumer.output(), consumer.output()[-3000:]


# Codes that must never reach a reader (statuses, modes, choices, permission names): labels only.
RAW_CODES = re.compile(
    r"(?<![\w.])(onsite|online|confirmed|waitlisted|cancelled|rejected|non_asn|kabkota|walkin|zoom_report|draft|"
    r"published|archived|queued|running|not_eligible|eligible|narasumber:|[a-z]+\.(view|manage|scan)|[a-z]+_[a-z_]+)(?!\w)"
)
NOT_TEXT = re.compile(r"\S+@\S+|https?://\S+")  # addresses and links are not prose


def shot(page, name: str) -> None:
    """Screenshot a key step, and check that nothing on it is a raw code."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    text = NOT_TEXT.sub(" ", page.locator("body").inner_text())
    assert not RAW_CODES.search(text), (name, RAW_CODES.findall(text))


def watch(page, errors: list[str]):
    """Fail the test on any script error or CSP violation."""
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: "Content Security Policy" in m.text and errors.append(m.text))
    return page


def login(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Masuk").click()


def mail_to(world, address: str, subject_start: str, timeout: float = 20) -> list:
    """The messages the SMTP server received for `address` whose subject starts so (waits for one)."""
    deadline = time.monotonic() + timeout
    while True:
        mine = [m for rcpt, m in _parsed(world["smtp"]) if rcpt == address]
        found = [m for m in mine if m["Subject"].startswith(subject_start)]
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"no '{subject_start}...' email for {address}: {[m['Subject'] for m in mine]}")
        time.sleep(0.1)


def _parsed(smtp):
    import email
    import email.policy

    return [(rcpt[0], email.message_from_bytes(raw, policy=email.policy.default)) for rcpt, raw in smtp.messages]


def text_of(msg) -> str:
    return msg.get_body(("plain",)).get_content()


def local(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M")


def zoom_csv(rows: list[tuple[str, str, datetime, datetime]]) -> bytes:
    """A Zoom "Participants" export (with the newer columns), local times in Zoom's 12-hour US format."""
    fmt = "%m/%d/%Y %I:%M:%S %p"
    lines = ["Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,Recording Consent,"
             "In Waiting Room"]  # fmt: skip
    for name, address, joined, left in rows:
        minutes = round((left - joined).total_seconds() / 60)
        lines.append(f"{name},{address},{joined.strftime(fmt)},{left.strftime(fmt)},{minutes},No,Y,N")
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


def register(browser, world, slug: str, person: dict, mode: str, errors: list[str], tag: str):
    """A participant registers on the public form from a phone; returns (context, page, code)."""
    context = browser.new_context(base_url=world["url"], **PHONE)
    page = watch(context.new_page(), errors)
    page.goto(f"/e/{slug}")
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    shot(page, f"{tag}-0-event-phone")
    page.get_by_role("link", name="Daftar sekarang").click()
    page.wait_for_url(f"**/e/{slug}/daftar")
    page.fill("#f-full_name", person["name"])
    page.fill("#f-email", person["email"])
    page.fill("#f-phone", "0812-7700-1234")
    page.check("input[name=employment_status][value=pns]")
    page.fill("#f-nip", person["nip"])
    page.fill("#f-position", "Pranata Humas Ahli Muda")
    page.select_option("#f-institution_type", "provinsi" if "Provinsi" in person["institution"] else "kabkota")
    page.fill("#f-institution_name", person["institution"])
    page.fill("#f-work_unit", "Bidang Informasi dan Komunikasi Publik")
    page.select_option("#f-province_code", "21")
    expect(page.locator("#f-regency_code option[value='21.71']")).to_have_count(1)
    page.select_option("#f-regency_code", "21.71")
    page.check(f"input[name=mode][value={mode}]")
    page.check("input[name=consent]")
    shot(page, f"{tag}-1-form-phone")
    page.get_by_role("button", name="Daftar").click()
    try:
        page.wait_for_selector("#reg-code", timeout=10000)
    except Exception:
        shot(page, f"{tag}-refused-phone")
        raise AssertionError(page.inner_text("main")) from None
    assert "Pendaftaran berhasil" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    shot(page, f"{tag}-2-registered-phone")
    return context, page, page.inner_text("#reg-code")


def test_a_whole_event(world, browser):
    import zxingcpp
    from PIL import Image
    from sqlalchemy import select

    from bimtek.core.models import Job
    from bimtek.events.models import Event
    from bimtek.extensions import db
    from bimtek.registration.models import Registration
    from tests.pdfchecks import assert_inside_page, assert_nips_whole, page_texts, qr_texts

    started = time.monotonic()
    base, app, errors = world["url"], world["app"], []
    # Today's session began four hours ago (on the hour) and runs two more hours: registration is still
    # open, the door is open, and the Zoom report covers the part already over.
    now = datetime.now(ZONE).replace(tzinfo=None)
    s_start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=4)
    s_end = s_start + timedelta(hours=6)

    # 1. The organizer creates the event on a laptop, adds the session and publishes.
    org_ctx = browser.new_context(base_url=base, **LAPTOP)
    org = watch(org_ctx.new_page(), errors)
    login(org, world["users"]["organizer"])
    org.goto("/manage/events/new")
    org.fill("#f-title", TITLE)
    org.fill("#f-code", "BIMTEK-LITDIG")
    org.fill("#f-organizer_unit", "Direktorat Pemberdayaan Informatika")
    org.fill("#f-venue_name", "Hotel Aston Batam")
    org.fill("#f-venue_address", "Jl. Pembangunan No. 1, Batam Kota")
    org.fill("#f-city", "Batam")
    org.select_option("#f-province_code", "21")
    org.fill("#f-starts_at", local(s_start))
    org.fill("#f-ends_at", local(s_end))
    org.fill("#f-onsite_capacity", "30")
    org.fill("#f-online_capacity", "100")
    org.fill("#f-zoom_join_url", "https://us02web.zoom.us/j/81234567890")
    org.fill("#f-zoom_meeting_id", "812 3456 7890")
    org.fill("#f-zoom_passcode", "litdig26")
    shot(org, "01-organizer-new-event-laptop")
    with org.expect_navigation():
        org.get_by_role("button", name="Simpan").click()
    event_id = int(org.url.rstrip("/").split("/manage/events/")[1].split("/")[0].split("?")[0])
    form = org.locator("#add-session")
    form.get_by_label("Judul sesi").fill(SESSION)
    form.get_by_label("Mulai").fill(local(s_start))
    form.get_by_label("Selesai").fill(local(s_end))
    form.get_by_label("JP").fill("8")
    form.locator("input[name=speaker_name]").first.fill("Dr. Sari Wulandari, M.Si.")
    form.locator("input[name=speaker_institution]").first.fill("Universitas Maritim Raja Ali Haji")
    with org.expect_navigation():
        form.get_by_role("button", name="Tambah sesi").click()
    expect(org.locator("#agenda .agenda h3")).to_have_text([SESSION])
    with org.expect_navigation():
        org.get_by_role("button", name="Terbitkan").click()
    expect(org.locator(".page-head .badge")).to_have_text("Diterbitkan")
    expect(org.locator(".facts")).to_contain_text("Hotel Aston Batam, Jl. Pembangunan No. 1, Batam Kota")
    shot(org, "02-organizer-published-laptop")
    with app.app_context():
        event = db.session.get(Event, event_id)
        slug, session_id = event.slug, event.sessions[0].id
        assert event.status == "published"
        db.session.remove()

    # 2. An admin puts the check-in staff member on the event.
    adm_ctx = browser.new_context(base_url=base, **LAPTOP)
    adm = watch(adm_ctx.new_page(), errors)
    login(adm, world["users"]["admin"])
    adm.goto(f"/manage/events/{event_id}/staff")
    adm.get_by_label("Email").fill(world["users"]["checkin"])
    with adm.expect_navigation():
        adm.get_by_role("button", name="Tugaskan").click()
    expect(adm.get_by_text("Staf ditugaskan.")).to_be_visible()
    adm_ctx.close()

    # 3. Two participants register on their phones: one at the venue, one on Zoom.
    lur_ctx, lur, lur_code = register(browser, world, slug, LURING, "onsite", errors, "03-luring")
    assert lur.inner_text("#reg-mode") == "Luring (tatap muka)"
    expect(lur.locator("#ticket-qr")).to_be_visible()
    for _ in range(50):
        if lur.locator("#ticket-qr").evaluate("img => img.complete && img.naturalWidth > 0"):
            break
        lur.wait_for_timeout(100)
    [ticket] = zxingcpp.read_barcodes(Image.open(io.BytesIO(lur.locator("#ticket-qr").screenshot())))
    dar_ctx, dar, dar_code = register(browser, world, slug, DARING, "online", errors, "04-daring")
    assert dar.inner_text("#reg-mode") == "Daring (Zoom)"
    assert dar.locator("#ticket-qr").count() == 0
    with app.app_context():
        tokens = dict(db.session.execute(select(Registration.email, Registration.manage_token)).all())
        db.session.remove()
    for person, code in ((LURING, lur_code), (DARING, dar_code)):
        [confirmation] = mail_to(world, person["email"], "Pendaftaran diterima")
        assert confirmation["Subject"] == f"Pendaftaran diterima: {TITLE}"
        assert code in text_of(confirmation) and f"{base}/r/{tokens[person['email']]}" in text_of(confirmation)
        files = {a.get_content_type(): a.get_content() for a in confirmation.iter_attachments()}
        ics = files["text/calendar"]
        ics = ics.decode() if isinstance(ics, bytes) else ics
        assert f"URL:{base}/e/{slug}" in ics.replace("\r\n ", ""), ics  # unfolded
        assert ("application/pdf" in files) == (person is LURING)  # the ticket, for the venue only
        if person is LURING:  # printed or on screen, it is the same ticket
            assert qr_texts(files["application/pdf"]) == [ticket.text]

    org.goto(f"/manage/events/{event_id}/participants")
    rows = org.locator("table tbody tr")
    expect(rows).to_have_count(2)
    for person, mode in ((LURING, "Luring (tatap muka)"), (DARING, "Daring (Zoom)")):
        row = rows.filter(has_text=person["name"])
        expect(row.locator("td").nth(2)).to_have_text(mode)
        expect(row.locator(".badge")).to_have_text("Terkonfirmasi")
    shot(org, "04-organizer-participants-laptop")

    # 4. At the door, staff scan the venue participant's ticket (the QR on her phone) with a USB scanner.
    staff_ctx = browser.new_context(base_url=base, viewport={"width": 390, "height": 844}, locale="id-ID")
    staff = watch(staff_ctx.new_page(), errors)
    login(staff, world["users"]["checkin"])
    staff.goto(f"/manage/events/{event_id}/scan")
    staff.wait_for_selector("#scanner[data-synced='1']")
    staff.select_option("#slot", str(session_id))
    shot(staff, "05-staff-scanner-phone")
    staff.focus("#scan-input")
    staff.keyboard.type(ticket.text, delay=1)
    staff.keyboard.press("Enter")
    staff.wait_for_selector("#answer[data-kind=ok]:not([hidden])")
    answer = staff.inner_text("#answer")
    assert "BOLEH MASUK" in answer and LURING["name"] in answer
    shot(staff, "05-staff-scanned-ok-phone")
    staff_ctx.close()
    org.goto(f"/manage/events/{event_id}/checkin")
    org.get_by_role("link", name=SESSION).click()
    expect(org.locator("[data-count=onsite]")).to_have_text("1")
    expect(org.locator("#live .stat").first).to_contain_text("dari 1 terkonfirmasi")

    # 5. The organizer uploads the Zoom participants report: it credits the Zoom participant.
    report = zoom_csv([
        (f"DISKOMINFO BATAM_{DARING['name']}", DARING["email"], s_start + timedelta(minutes=3),
         s_start + timedelta(hours=3, minutes=55)),
        ("Humas Kominfo", "humas@kominfo.go.id", s_start - timedelta(minutes=15), s_start + timedelta(hours=4)),
    ])  # fmt: skip
    org.goto(f"/manage/events/{event_id}/attendance")
    org.set_input_files(f"#file-{session_id}", files=[
        {"name": "participants_81234567890.csv", "mimeType": "text/csv", "buffer": report}])  # fmt: skip
    with org.expect_navigation():
        org.locator(f"#sesi-{session_id}").get_by_role("button", name="Unggah & pratinjau").click()
    assert org.inner_text("#rows-read") == "2"
    assert org.inner_text("#rows-matched") == "1"
    shot(org, "06-organizer-zoom-preview-laptop")
    with org.expect_navigation():
        org.get_by_role("button", name="Konfirmasi & simpan kehadiran").click()
    expect(org.get_by_text("Laporan Zoom disimpan.")).to_be_visible()
    expect(org.get_by_role("heading", name="Laporan Zoom tersimpan")).to_be_visible()
    shot(org, "07-organizer-zoom-confirmed-laptop")

    # 6. The rule: half of the session at least. Saving recomputes every verdict.
    org.goto(f"/manage/events/{event_id}/attendance/rule")
    org.get_by_label("Minimal kehadiran tiap sesi (persen)").fill("50")
    with org.expect_navigation():
        org.get_by_role("button", name="Simpan & hitung ulang").click()
    expect(org.get_by_text("Syarat disimpan. 2 dari 2 peserta memenuhi syarat.")).to_be_visible()
    shot(org, "08-organizer-rule-saved-laptop")
    with app.app_context():
        ids = dict(db.session.execute(select(Registration.email, Registration.id)).all())
        db.session.remove()
    for person in (LURING, DARING):
        expect(org.locator(f"#reg-{ids[person['email']]}")).to_contain_text("Memenuhi syarat")
    shot(org, "08-organizer-matrix-laptop")
    # The Zoom participant looks before the organizer has issued: qualified, certificate on its way.
    dar.goto(f"/r/{tokens[DARING['email']]}")
    dar.get_by_role("link", name="Sertifikat saya").click()
    expect(dar.locator(".cert-status")).to_have_attribute("data-status", "pending")
    expect(dar.locator(".cert-status")).to_contain_text("Anda memenuhi syarat.")

    # 7. Certificates: the signatory first, then the issue, run by the job consumer, not in the request.
    org.goto(f"/manage/events/{event_id}/certificates")
    expect(org.locator(".facts")).to_contain_text("belum diisi")
    org.get_by_role("link", name="Pengaturan sertifikat").click()
    org.get_by_label("Nama pejabat (dengan gelar)").fill("Drs. Bambang Sutrisno, M.Si.")
    org.get_by_label("NIP pejabat").fill("196608011988031001")
    org.get_by_label("Jabatan", exact=True).fill("Direktur Pemberdayaan Informatika")
    with org.expect_navigation():
        org.get_by_role("button", name="Simpan", exact=True).click()
    org.goto(f"/manage/events/{event_id}/certificates")
    expect(org.locator(".facts")).to_contain_text("Drs. Bambang Sutrisno, M.Si.")
    issue = org.get_by_role("button", name="Terbitkan untuk semua yang memenuhi syarat (2)")
    org.locator("form:has(input[name=scope][value=eligible]) input[name=early_issue_reason]").fill(
        "Penutupan dipercepat; peserta pulang hari ini"
    )
    with org.expect_navigation():
        issue.click()
    shot(org, "09-organizer-issuing-laptop")
    with app.app_context():
        job_id = db.session.scalar(select(Job.id).where(Job.kind == "certificates.issue", Job.event_id == event_id))
        db.session.remove()
    org.wait_for_selector(f'.cert-job[data-job-url$="/jobs/{job_id}.json"][data-status="done"]', timeout=30000)
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert (job.status, job.done, job.total) == ("done", 2, 2)
        assert job.queued_at is not None  # handed to the queue...
        db.session.remove()
    assert world["ran_here"] == []  # ...and run by the consumer process, never in the web process
    org.reload()
    expect(org.locator("#list tbody tr")).to_have_count(2)
    expect(org.locator("#list tbody .badge.cert-valid")).to_have_count(2)
    done_button = org.get_by_role("button", name="Terbitkan untuk semua yang memenuhi syarat (0)")
    expect(done_button).to_be_disabled()
    assert float(done_button.evaluate("b => getComputedStyle(b).opacity")) < 1  # and looks it
    shot(org, "10-organizer-certificates-laptop")

    # 8. Each participant downloads the certificate from their manage page; its QR verifies here.
    for person, page, tag in ((LURING, lur, "11-luring"), (DARING, dar, "12-daring")):
        page.goto(f"/r/{tokens[person['email']]}")
        page.get_by_role("link", name="Sertifikat saya").click()
        expect(page.locator(".cert-status")).to_have_attribute("data-status", "ready")
        shot(page, f"{tag}-certificate-phone")
        with page.expect_download() as dl:
            page.get_by_role("link", name="Unduh sertifikat (PDF)").click()
        pdf = Path(dl.value.path()).read_bytes()
        (SHOTS / f"{tag}-sertifikat.pdf").write_bytes(pdf)
        text = " ".join(" ".join(page_texts(pdf)).split())
        assert person["name"] in text and TITLE in text and person["place"] in text, text
        number = page.locator(".cert-status").inner_text().split("nomor ")[1].rstrip(".")
        assert f"Nomor: {number}" in text and "Drs. Bambang Sutrisno, M.Si." in text, text
        assert_nips_whole(pdf, ["196608011988031001"])
        assert not RAW_CODES.search(NOT_TEXT.sub(" ", text)), RAW_CODES.findall(text)
        assert assert_inside_page(pdf) > 100
        [url] = qr_texts(pdf)
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}" == base, url
        page.goto(url)
        expect(page.locator(".cert-status")).to_have_attribute("data-status", "VALID")
        expect(page.locator(".cert-status")).to_have_text("VALID · Sertifikat ini tercatat dan berlaku.")
        expect(page.locator("#cert-name")).to_have_text(person["name"])
        shot(page, f"{tag}-verified-phone")
        [ready] = mail_to(world, person["email"], "Sertifikat")
        assert ready["Subject"] == f"Sertifikat Anda sudah terbit: {TITLE}"
        assert f"{base}/r/{tokens[person['email']]}/sertifikat" in text_of(ready)
        assert url in text_of(ready)  # the verification link in the email is the QR's

    # 9. The Zoom participant lost the email: "Lupa tautan?" on the home page sends the manage link again.
    dar.context.clear_cookies()
    dar.goto("/")
    expect(dar.get_by_role("link", name=TITLE)).to_be_visible()  # the home page lists the open event
    shot(dar, "13-daring-home-phone")
    dar.get_by_role("link", name="Lupa tautan?").click()
    dar.get_by_label("Email").fill(DARING["email"])
    dar.get_by_role("button", name="Kirim tautan").click()
    expect(dar.get_by_text("Periksa email Anda")).to_be_visible()
    shot(dar, "13-daring-link-sent-phone")
    [recovery] = mail_to(world, DARING["email"], "Tautan kelola")
    assert recovery["Subject"] == "Tautan kelola pendaftaran Anda di Bimtek"
    link = next(w for w in text_of(recovery).split() if "/r/" in w)
    assert link == f"{base}/r/{tokens[DARING['email']]}", link
    dar.goto(link)
    expect(dar.locator("#reg-code")).to_have_text(dar_code)
    expect(dar.locator("#reg-status")).to_have_text("Terkonfirmasi")
    shot(dar, "14-daring-manage-again-phone")

    with (SHOTS / "emails.txt").open("w") as out:  # every message sent, to read after the run
        for rcpt, msg in _parsed(world["smtp"]):
            files = [(a.get_filename(), a.get_content_type()) for a in msg.iter_attachments()]
            prose = NOT_TEXT.sub(" ", f"{msg['Subject']}\n{text_of(msg)}")
            assert not RAW_CODES.search(prose), (rcpt, msg["Subject"], RAW_CODES.findall(prose))
            out.write(f"To: {rcpt}\nSubject: {msg['Subject']}\nAttachments: {files}\n\n{text_of(msg)}\n{'=' * 70}\n")
    for ctx in (lur_ctx, dar_ctx, org_ctx):
        ctx.close()
    assert errors == []
    elapsed = time.monotonic() - started
    print(f"\nwhole event journey: {elapsed:.1f} s")
    assert elapsed < 90, elapsed
