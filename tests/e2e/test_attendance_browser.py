"""In Chromium: the organizer projects the rotating presensi QR; a participant's phone checks in with it."""

from __future__ import annotations

import re
import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.conftest import base_config

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture
def attendance_server(tmp_path):
    """The demo on SQLite served in a thread; yields (base url, app)."""
    from bimtek import create_app, demo
    from bimtek.extensions import db

    config = base_config(tmp_path, f"sqlite:///{tmp_path / 'e2e.sqlite3'}")
    config.update(WTF_CSRF_ENABLED=True, TESTING=False, JOBS_IMMEDIATE=True)
    app = create_app(config)
    with app.app_context():
        db.create_all()
        demo.seed()
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url, app
    server.shutdown()
    thread.join(5)
    with app.app_context():
        db.engine.dispose()


def test_projected_code_refreshes_and_a_phone_checks_in(browser, attendance_server):
    url, app = attendance_server
    org = browser.new_context()
    page = org.new_page()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(url + "/login")
    page.get_by_label("Email").fill("panitia@demo.bimtek.id")
    page.get_by_label("Kata sandi").fill("bimtek-demo-2022")
    page.get_by_role("button", name="Masuk").click()

    from bimtek.events.models import Event
    from bimtek.extensions import db
    from bimtek.registration.models import Registration

    with app.app_context():
        upcoming = db.session.query(Event).filter(Event.status == "published").one()
        reg = db.session.query(Registration).filter_by(event_id=upcoming.id, status="confirmed").first()
        event_id, token = upcoming.id, reg.manage_token
        db.session.remove()

    page.clock.install()
    page.goto(f"{url}/manage/events/{event_id}/attendance/presensi")
    page.get_by_role("button", name="Buka sekarang").click()
    code_box = page.locator("#projector-code")
    expect(code_box).to_have_text(re.compile(r"^[2-9A-Z]{6}$"))
    code = code_box.inner_text()
    assert len(code) == 6
    assert page.locator("#projector-qr").evaluate("img => img.complete && img.naturalWidth > 0")
    polls = []
    page.on("request", lambda r: polls.append(r.url) if r.url.endswith("/code") else None)
    page.clock.run_for(16_000)  # the script polls every 15 s (and when the countdown ends)
    page.wait_for_timeout(300)
    assert polls, "the projector script never asked for a fresh code"
    assert not [e for e in errors if "Content Security Policy" in e]

    phone = browser.new_context(**PHONE)
    p = phone.new_page()
    p.goto(f"{url}/r/{token}/presensi?c={code}")
    expect(p.get_by_label("Kode presensi di layar")).to_have_value(code)
    p.get_by_role("button", name="Kirim presensi").click()
    expect(p.get_by_text("Presensi tercatat. Terima kasih!")).to_be_visible()
    # The next projected QR (a generic /presensi link) opens this phone's own page directly.
    p.goto(f"{url}/presensi?c={code}")
    expect(p).to_have_url(f"{url}/r/{token}/presensi?c={code}")
    phone.close()
    org.close()
