"""`flask jobs worker` as a process (as production runs it, with Redis) sends a due reminder by itself, over real
SMTP: huey's scheduler runs the periodic task every minute. That a second run sends nothing more is shown in
test_reminders.py (a run again, a restart, two consumers at once); this test only waits for the first minute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bimtek.extensions import db
from tests.factories import make_event, make_registration, make_user
from tests.integration.consumer_process import REDIS_URL, ConsumerProcess, SmtpSink, redis_available, wait_for

BASE = "http://127.0.0.1:5077"


def test_the_consumer_process_sends_the_zoom_reminder_once(make_app, db_url):
    on_pg = db_url.startswith("postgresql")
    if not on_pg:
        pytest.skip("the SQLite job store is covered by the jobs consumer tests; one minute's wait is enough")
    if not redis_available():
        pytest.skip("Redis not reachable")
    with SmtpSink() as smtp:
        app = make_app(BASE_URL=BASE, MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
        with app.app_context():
            # The first session starts in 30 minutes (Jayapura, WIT): its Zoom reminder is due now.
            start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=30)
            event = make_event(make_user("organizer"), starts_at=start, province_code="94", timezone="Asia/Jayapura")
            online = make_registration(event, mode="online", full_name="Yohana Wenda")
            make_registration(event, mode="onsite")
            email, token = online.email, online.manage_token
            db.session.remove()
        consumer = ConsumerProcess(app, redis_url=REDIS_URL if on_pg else None).start()
        try:
            try:
                wait_for(lambda: len(smtp.messages) >= 1, timeout=150, step=0.2)
            except AssertionError:
                raise AssertionError(consumer.output()) from None
        finally:
            consumer.stop()
        assert len(smtp.messages) == 1, consumer.output()
        msg = smtp.parsed()[email]
        assert msg["Subject"] == "Satu jam lagi: Sesi 1"
        text = msg.get_body(("plain",)).get_content()
        assert "https://zoom.us/j/81234567890" in text and f"{BASE}/r/{token}" in text
        assert " WIT." in text
        assert "Traceback" not in consumer.output()
