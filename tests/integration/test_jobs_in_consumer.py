"""Every job kind run the way production runs it: queued by the real page, run outside any request.

The ``queue`` fixture stands in for Redis: what a page enqueues (after its commit) is kept, and
``queue.drain()`` runs it the way the consumer does, in a fresh thread with no app and no request context
(bimtek.jobs builds the app context itself, like the worker). Emails are asserted with their whole
subject and their links on BIMTEK_BASE_URL's host and port.
"""

from __future__ import annotations

import io
import threading

import pytest
from sqlalchemy import select

from bimtek import jobs
from bimtek.core.models import Job
from bimtek.extensions import db
from bimtek.registration.models import Registration
from tests.factories import login, make_event, make_registration, make_user
from tests.factories_certificates import make_cert_event
from tests.factories_registration import form_data
from tests.factories_reports import open_evaluation

BASE = "http://127.0.0.1:5077"


class FakeQueue:
    """What the pages hand to the queue, run later as the consumer runs it."""

    def __init__(self, app):
        self.app = app
        self.items: list[tuple[jobs.QueuedTask, tuple]] = []
        self.ran: list[str] = []

    def drain(self) -> None:
        """Run everything queued (and what that queues) outside any request or app context."""
        db.session.commit()  # the test's own session holds no lock while the "consumer" works
        while self.items:
            task, args = self.items.pop(0)
            errors: list[Exception] = []

            def consume(task=task, args=args, errors=errors):
                from flask import has_app_context, has_request_context

                assert not has_app_context() and not has_request_context()
                try:
                    task.task.call_local(*args)
                except Exception as err:  # reported below
                    errors.append(err)

            worker = threading.Thread(target=consume)
            worker.start()
            worker.join(120)
            assert not errors, errors
            self.ran.append(task.__name__)
        db.session.expire_all()


@pytest.fixture
def queue(app, monkeypatch):
    fake = FakeQueue(app)

    def send(self, *args, **kwargs):
        fake.items.append((self, args))
        return True

    monkeypatch.setattr(jobs.QueuedTask, "send", send)
    jobs.use_app(app)
    yield fake
    jobs.use_app(None)


@pytest.fixture
def app(make_app):
    app = make_app(BASE_URL=BASE)
    with app.app_context():
        yield app


def outbox(app):
    return list(getattr(app.extensions["mailman"], "outbox", []))


def _job(kind: str) -> Job:
    db.session.expire_all()
    return db.session.scalars(select(Job).where(Job.kind == kind)).one()


def test_bulk_email_runs_in_the_consumer(app, client, queue):
    owner = make_user("organizer")
    event = make_event(owner)
    regs = [make_registration(event, mode="online") for _ in range(2)]
    login(client, owner)
    resp = client.post(
        f"/manage/events/{event.id}/participants/email",
        data={"subject": "Tautan materi hari kedua", "body": "Materi ada di sini.\n\nSalam."},
    )
    assert resp.status_code == 303 and outbox(app) == []  # nothing sent inside the request
    assert _job("registration.bulk_email").status == "queued"
    queue.drain()
    job = _job("registration.bulk_email")
    assert (job.status, job.done, job.failed, job.error) == ("done", 2, 0, None)
    sent = {m.to[0]: m for m in outbox(app)}
    assert set(sent) == {r.email for r in regs}
    for reg in regs:
        msg = sent[reg.email]
        assert msg.subject == "Tautan materi hari kedua"
        assert "Materi ada di sini." in msg.body and f"{BASE}/r/{reg.manage_token}" in msg.body
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Sudah selesai" in page and ">done<" not in page


def test_import_confirmations_run_in_the_consumer(app, client, queue):
    owner = make_user("organizer")
    event = make_event(owner)
    login(client, owner)
    csv = (
        b"nama,email,hp,jabatan,jenis_instansi,instansi,unit_kerja,provinsi,kabupaten_kota,mode\n"
        b"Ahmad Fauzi,ahmad@x.go.id,081234567890,Staf,lainnya,Univ,Humas,21,21.71,onsite\n"
    )
    url = f"/manage/events/{event.id}/participants/import"
    page = client.post(url, data={"file": (io.BytesIO(csv), "x.csv")}, content_type="multipart/form-data")
    token = page.get_data(as_text=True).split('name="token" value="')[1].split('"')[0]
    client.post(url + "/confirm", data={"token": token, "filename": "x.csv", "default_mode": "onsite", "notify": "y"})
    assert outbox(app) == []
    queue.drain()
    job = _job("registration.confirm_many")
    assert (job.status, job.done, job.error) == ("done", 1, None)
    reg = db.session.scalars(select(Registration)).one()
    [msg] = outbox(app)
    assert msg.to == ["ahmad@x.go.id"] and msg.subject == f"Pendaftaran diterima: {event.title}"
    assert f"{BASE}/r/{reg.manage_token}" in msg.body and reg.code in msg.body
    names = {name for name, _content, _mime in msg.attachments}
    assert f"tiket-{reg.code}.pdf" in names


def test_public_registration_email_runs_in_the_consumer(app, client, queue):
    event = make_event()
    resp = client.post(f"/e/{event.slug}/daftar", data=form_data(email="sari@batam.go.id"))
    assert resp.status_code == 303 and outbox(app) == []
    queue.drain()
    reg = db.session.scalars(select(Registration)).one()
    [msg] = outbox(app)
    assert msg.to == ["sari@batam.go.id"] and f"{BASE}/r/{reg.manage_token}" in msg.body
    ics = next(content for name, content, _mime in msg.attachments if name.endswith(".ics"))
    assert f"{BASE}/r/{reg.manage_token}" in (ics.decode() if isinstance(ics, bytes) else ics).replace("\r\n ", "")


def test_evaluation_invitations_run_in_the_consumer(app, client, queue):
    owner = make_user("organizer")
    event = make_event(owner)
    reg = make_registration(event)
    login(client, owner)
    client.post(f"/manage/events/{event.id}/evaluasi", data={"action": "prepare"})
    open_evaluation(event)
    client.post(f"/manage/events/{event.id}/evaluasi/undangan")
    assert outbox(app) == []
    queue.drain()
    job = _job("evaluation.invite")
    assert (job.status, job.done, job.failed, job.error) == ("done", 1, 0, None)
    [msg] = outbox(app)
    assert msg.to == [reg.email] and msg.subject == f"Evaluasi kegiatan: {event.title}"
    assert f"{BASE}/r/{reg.manage_token}/evaluasi" in msg.body


def test_certificate_issue_and_ready_emails_run_in_the_consumer(app, client, queue):
    user, event, regs = make_cert_event(participants=2)
    login(client, user)
    # The event has not ended: issuing early needs a reason (issue 14).
    client.post(
        f"/manage/events/{event.id}/certificates/issue",
        data={"scope": "eligible", "notify": "y", "early_issue_reason": "Uji penerbitan di konsumen"},
    )
    assert outbox(app) == []
    queue.drain()
    job = _job("certificates.issue")
    assert (job.status, job.done, job.total, job.error) == ("done", 2, 2, None)
    from bimtek.certificates.models import Certificate

    certs = {c.registration_id: c for c in db.session.scalars(select(Certificate))}
    sent = {m.to[0]: m for m in outbox(app)}
    for reg in regs:
        cert, msg = certs[reg.id], sent[reg.email]
        assert msg.subject == f"Sertifikat Anda sudah terbit: {event.title}"
        assert f"{BASE}/r/{reg.manage_token}/sertifikat" in msg.body
        from bimtek.certificates.services.issuing import verify_url

        assert verify_url(BASE, cert.verification_code) in msg.body
        assert msg.body.rstrip().endswith(
            f"Salam,\n{event.organizer_unit}"
        )  # signed by the organizer, as at registration
    assert queue.ran == ["issue_certificates_task", "send_ready_emails_task"]


def test_big_zoom_import_runs_in_the_consumer(make_app, monkeypatch):
    from bimtek.attendance.models import ZoomImport
    from tests.factories_attendance import batam_event, sample_people
    from tests.integration.test_attendance_zoom import _minutes, _upload
    from tests.unit.test_zoom_csv import PLAIN

    app = make_app(ZOOM_INLINE_CONFIRM_ROWS=3, BASE_URL=BASE)
    with app.app_context():
        fake = FakeQueue(app)
        monkeypatch.setattr(jobs.QueuedTask, "send", lambda self, *a, **k: fake.items.append((self, a)) or True)
        jobs.use_app(app)
        try:
            owner = make_user("organizer")
            event = batam_event(owner)
            people = sample_people(event)
            client = login(app.test_client(), owner)
            s1 = sorted(event.sessions, key=lambda s: s.starts_at)[0]
            _upload(client, event, s1, PLAIN)
            imp = db.session.scalar(select(ZoomImport))
            client.post(f"/manage/events/{event.id}/attendance/imports/{imp.id}/confirm")
            assert _job("zoom_import").status == "queued"
            fake.drain()
        finally:
            jobs.use_app(None)
        job = _job("zoom_import")
        assert (job.status, job.error) == ("done", None)
        assert db.session.get(ZoomImport, imp.id).status == "confirmed"
        assert _minutes(people["rina"].id, s1.id) == 90


def test_locale_outside_a_request_is_the_default(app):
    from flask_babel import get_locale

    from bimtek.i18n import select_locale

    result = {}

    def outside():
        with app.app_context():
            from flask import g

            result["default"] = select_locale()
            g.locale = "en"
            result["chosen"] = select_locale()
            result["babel"] = str(get_locale() or "")

    worker = threading.Thread(target=outside)
    worker.start()
    worker.join()
    assert result["default"] == "id" and result["chosen"] == "en"


@pytest.fixture
def smtp():
    from tests.integration.consumer_process import SmtpSink

    with SmtpSink() as sink:
        yield sink


def test_bulk_email_through_a_real_consumer_and_smtp(make_app, db_url, smtp):
    """`flask jobs worker` as a process, a real SMTP server: the organizer's message arrives whole."""
    from tests.integration.consumer_process import REDIS_URL, ConsumerProcess, redis_available, wait_for

    on_pg = db_url.startswith("postgresql")
    if on_pg and not redis_available():
        pytest.skip("Redis not reachable")
    app = make_app(BASE_URL=BASE, MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    with app.app_context():
        owner = make_user("organizer")
        event = make_event(owner)
        regs = [make_registration(event, mode="online") for _ in range(2)]
        job = jobs.start_job(
            "registration.bulk_email", event_id=event.id, total=2, user=owner,
            params={"subject": "Tautan materi", "body": "Materi ada di sini.", "registration_ids": [r.id for r in regs]},
        )  # fmt: skip
        db.session.commit()  # queued for the consumer, as a page leaves it when the queue is unreachable
        job_id, people = job.id, [(r.email, r.manage_token) for r in regs]
        consumer = ConsumerProcess(app, redis_url=REDIS_URL if on_pg else None).start()
        try:
            wait_for(lambda: len(smtp.messages) == 2, timeout=60, step=0.1)
        except AssertionError:
            raise AssertionError(consumer.output()) from None
        finally:
            consumer.stop()
        db.session.expire_all()
        assert db.session.get(Job, job_id).status == "done", consumer.output()
    by_rcpt = smtp.parsed()
    for address, token in people:
        msg = by_rcpt[address]
        assert msg["Subject"] == "Tautan materi"
        text = msg.get_body(("plain",)).get_content()
        assert "Materi ada di sini." in text and f"{BASE}/r/{token}" in text
    assert "Traceback" not in consumer.output()
