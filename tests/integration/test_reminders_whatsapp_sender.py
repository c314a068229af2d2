"""The pluggable WhatsApp sender: with BIMTEK_WHATSAPP_SENDER=http each reminder's WhatsApp version is POSTed
to the operator's gateway (here a fake one on 127.0.0.1, http.server in a thread); a refusal is logged."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from bimtek.extensions import db
from bimtek.reminders import sending
from bimtek.reminders.models import ReminderSend
from tests.factories import make_event, make_registration, make_user
from tests.factories_registration import outbox

START = datetime(2030, 8, 22, 2, 0, tzinfo=UTC)


class Gateway(BaseHTTPRequestHandler):
    received: list = []
    refuse_to: set = set()

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Gateway.received.append({"auth": self.headers.get("Authorization"), "type": self.headers["Content-Type"],
                                 "path": self.path, **body})  # fmt: skip
        self.send_response(502 if body["to"] in Gateway.refuse_to else 200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    Gateway.received, Gateway.refuse_to = [], set()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/kirim"
    server.shutdown()
    server.server_close()


def test_http_sender_posts_the_short_message_and_records_the_outcome(make_app, gateway):
    now = {"t": START - timedelta(days=5)}
    app = make_app(BASE_URL="http://bimtek.test:8080", WHATSAPP_SENDER="http", WHATSAPP_URL=gateway,
                   WHATSAPP_TOKEN="rahasia-gateway", REMINDERS_CLOCK=lambda: now["t"])  # fmt: skip
    with app.app_context():
        event = make_event(make_user("organizer"), starts_at=START, province_code="51", timezone="Asia/Makassar")
        ok = make_registration(event, full_name="Ni Luh Putu Ayu", phone="0812-3456-7890", nip="")
        refused = make_registration(event, full_name="I Made Wirawan", phone="0813-1111-2222")
        Gateway.refuse_to = {"6281311112222"}
        now["t"] = datetime(2030, 8, 21, 0, 0, tzinfo=UTC)  # H-1, 08.00 WITA
        assert sending.send_due() == 2  # both emails go, whatever the gateway says
        assert len(outbox()) == 2
        by_to = {m["to"]: m for m in Gateway.received}
        assert set(by_to) == {"6281234567890", "6281311112222"}
        first = by_to["6281234567890"]
        assert first["auth"] == "Bearer rahasia-gateway" and first["type"] == "application/json"
        assert first["path"] == "/kirim"
        assert first["text"] == (
            "Halo Ni Luh Putu Ayu, besok Bimtek Strategi Komunikasi Media Sosial (Kamis, 22 Agustus 2030, pukul "
            f"10.00 WITA). Tiket dan info: http://bimtek.test:8080/r/{ok.manage_token}"
        )
        status = dict(db.session.execute(select(ReminderSend.registration_id, ReminderSend.wa_status)).all())
        assert status == {ok.id: "sent", refused.id: "failed"}
        # Run again: nothing more to the gateway or by email.
        assert sending.send_due() == 0
        assert len(Gateway.received) == 2 and len(outbox()) == 2


def test_a_mistyped_sender_setting_does_not_stop_the_emails(make_app, caplog):
    now = {"t": START - timedelta(days=5)}
    app = make_app(WHATSAPP_SENDER="twilio", REMINDERS_CLOCK=lambda: now["t"])
    with app.app_context():
        event = make_event(make_user("organizer"), starts_at=START, province_code="51", timezone="Asia/Makassar")
        make_registration(event)
        now["t"] = datetime(2030, 8, 21, 0, 0, tzinfo=UTC)
        assert sending.send_due() == 1 and len(outbox()) == 1
        assert "WhatsApp sender not used: BIMTEK_WHATSAPP_SENDER must be one of" in caplog.text
