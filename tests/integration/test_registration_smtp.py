"""Registration emails through a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import email
import email.policy
import socket

import pytest

from bimtek.extensions import db
from bimtek.registration.models import Registration
from tests.factories import make_event
from tests.factories_registration import form_data


class _Collect:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    handler = _Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, handler
    controller.stop()


def test_confirmation_arrives_over_smtp(make_app, smtp):
    port, handler = smtp
    app = make_app(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port, BASE_URL="https://bimtek.example.id")
    with app.app_context():
        event = make_event()
        client = app.test_client()
        resp = client.post(f"/e/{event.slug}/daftar", data=form_data(full_name="Tan Sioe Lie, S.E.",
                                                                     email="tan@batam.go.id"))  # fmt: skip
        assert resp.status_code == 303
        reg = db.session.query(Registration).one()
    [(rcpt, raw)] = handler.messages
    assert rcpt == ["tan@batam.go.id"]
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["Subject"].startswith("Pendaftaran diterima")
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    manage = f"https://bimtek.example.id/r/{reg.manage_token}"
    assert reg.code in text and manage in text and manage in html and "Tan Sioe Lie, S.E." in text
    files = {part.get_filename(): part.get_content_type() for part in msg.iter_attachments()}
    assert files[f"tiket-{reg.code}.pdf"] == "application/pdf"
    assert files["bimtek-medsos.ics"] == "text/calendar"


def test_smtp_failure_keeps_the_registration(make_app):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens here
    app = make_app(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=2)
    with app.app_context():
        event = make_event()
        resp = app.test_client().post(f"/e/{event.slug}/daftar", data=form_data())
        assert resp.status_code == 303
        assert db.session.query(Registration).count() == 1
