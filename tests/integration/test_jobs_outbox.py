"""After commit, not before: a request that fails after asking for emails and jobs sends nothing.

The doors call ``send_email(...)`` and the task functions exactly as before; the outbox on the session
holds what they ask for until the commit, and drops it when the transaction ends without one.
"""

from __future__ import annotations

import email
import email.policy

import pytest
from sqlalchemy import select

from bimtek.core import outbox
from bimtek.core.mail import send_email
from bimtek.core.models import Job
from bimtek.extensions import db
from bimtek.registration import tasks
from bimtek.registration.models import Registration
from tests.factories import make_event, make_registration, make_user
from tests.integration.consumer_process import SmtpSink

BASE = "http://127.0.0.1:5077"


@pytest.fixture
def smtp():
    with SmtpSink() as sink:
        yield sink


def _add_route_that_emails_then_maybe_fails(app):
    """A door shaped like every door: change, ask for emails and a job, then commit (or break first)."""

    @app.post("/_test/ubah/<int:reg_id>/<outcome>")
    def change_then_email(reg_id: int, outcome: str):
        from bimtek import jobs

        reg = db.session.get(Registration, reg_id)
        reg.full_name = "Nama Baru, S.E."
        db.session.flush()
        send_email(
            reg.email, "Data Anda diperbarui", "registration_bulk", reg=reg, event=reg.event,
            body="Nama Anda sekarang Nama Baru, S.E.", manage_url=f"{BASE}/r/{reg.manage_token}",
        )  # fmt: skip
        tasks.email_registration(reg.id, "manage_link")
        job = jobs.start_job("registration.bulk_email", event_id=reg.event_id, total=1,
                             params={"subject": "Pengumuman", "body": "Isi.", "registration_ids": [reg.id]})  # fmt: skip
        jobs.enqueue(job)
        if outcome == "gagal":
            raise RuntimeError("the request breaks after asking for the emails")
        db.session.commit()
        return "ok"


def test_a_failing_request_that_would_have_emailed_sends_nothing(make_app, smtp):
    app = make_app(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, BASE_URL=BASE,
                   PROPAGATE_EXCEPTIONS=False)  # fmt: skip
    _add_route_that_emails_then_maybe_fails(app)
    with app.app_context():
        reg = make_registration(make_event(make_user("organizer")), full_name="Nama Lama", email="lama@batam.go.id")
        reg_id, token = reg.id, reg.manage_token
    smtp.messages.clear()  # the registration's own confirmation

    resp = app.test_client().post(f"/_test/ubah/{reg_id}/gagal")
    assert resp.status_code == 500
    assert smtp.messages == []  # neither the direct email, nor the task's, nor the job's
    with app.app_context():
        assert db.session.get(Registration, reg_id).full_name == "Nama Lama"
        assert db.session.scalars(select(Job)).all() == []

    resp = app.test_client().post(f"/_test/ubah/{reg_id}/ok")
    assert resp.status_code == 200
    assert len(smtp.messages) == 3 and {r for rcpt, _raw in smtp.messages for r in rcpt} == {"lama@batam.go.id"}
    by_subject = {}
    for _rcpt, raw in smtp.messages:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        by_subject[str(msg["Subject"])] = msg.get_body(("plain",)).get_content()
    assert "Nama Anda sekarang Nama Baru, S.E." in by_subject["Data Anda diperbarui"]
    assert f"{BASE}/r/{token}" in by_subject["Data Anda diperbarui"]
    assert "Isi." in by_subject["Pengumuman"]
    assert any(subject.startswith("Tautan kelola pendaftaran") for subject in by_subject)
    with app.app_context():
        assert db.session.scalars(select(Job)).one().status == "done"


def test_outbox_waits_for_the_commit_and_forgets_a_rollback(app):
    mailbox = app.extensions["mailman"]
    event = make_event()
    reg = make_registration(event)
    mailbox.outbox = []

    def note(subject: str) -> bool:
        return send_email(reg.email, subject, "registration_bulk", reg=reg, event=event, body="x", manage_url=BASE)

    assert note("Tanpa perubahan") and [m.subject for m in mailbox.outbox] == ["Tanpa perubahan"]  # sent now
    reg.full_name = "Diubah Dulu"
    assert note("Menunggu commit") and outbox.pending_count() == 1
    assert [m.subject for m in mailbox.outbox] == ["Tanpa perubahan"]
    db.session.rollback()
    assert outbox.pending_count() == 0
    reg = db.session.get(Registration, reg.id)
    reg.full_name = "Diubah Lagi"
    db.session.flush()  # already written to the database, not yet committed
    note("Sesudah commit")
    assert [m.subject for m in mailbox.outbox] == ["Tanpa perubahan"]
    db.session.commit()
    assert [m.subject for m in mailbox.outbox] == ["Tanpa perubahan", "Sesudah commit"]


def test_no_app_context_sends_at_once(make_app):
    """Outside any app context (a script), nothing can be uncommitted: the delivery runs at once."""
    ran = []
    assert outbox.later(lambda: ran.append(1)) is False and ran == [1]
