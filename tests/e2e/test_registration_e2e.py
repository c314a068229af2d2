"""The participant's whole journey in real Chromium on a phone-sized screen.

Register (the province select loads its kabupaten/kota, NIP appears for PNS), see the QR ticket, open the
manage link from the email, switch to Zoom, cancel.
"""

from __future__ import annotations

import io
import threading

import pytest

from tests.conftest import base_config

pytestmark = pytest.mark.e2e


@pytest.fixture
def live(tmp_path):
    from werkzeug.serving import make_server

    from bimtek import create_app
    from bimtek.extensions import db

    url = f"sqlite:///{tmp_path / 'e2e.sqlite3'}"
    app = create_app(base_config(tmp_path, url))
    with app.app_context():
        db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = base
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, base
    server.shutdown()
    server.server_close()
    thread.join(5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def phone(browser):
    """A phone-sized page in Chromium that fails the test on any script error or CSP violation."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="id-ID")  # fmt: skip
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: "Content Security Policy" in m.text and errors.append(m.text))
    yield page
    context.close()
    assert errors == []


def test_register_see_qr_manage_switch_cancel(live, phone):
    import zxingcpp
    from PIL import Image
    from playwright.sync_api import expect

    from bimtek.core.tickets import decode_ticket
    from bimtek.extensions import db
    from bimtek.registration.models import Registration
    from tests.factories import make_event
    from tests.factories_registration import outbox

    app, base = live
    with app.app_context():
        event = make_event(onsite_capacity=10, online_capacity=10)
        slug, public_key = event.slug, event.ticket_public_key

    page = phone
    page.goto(f"{base}/e/{slug}")
    page.get_by_role("link", name="Daftar sekarang").click()
    page.wait_for_url(f"{base}/e/{slug}/daftar")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    page.fill("#f-full_name", "Ni Luh Putu Ayu Sri Dewi, S.Sos.")
    page.fill("#f-email", "ayu@badungkab.go.id")
    page.fill("#f-phone", "0812-3456-7890")
    assert not page.locator("#f-nip").is_visible()  # NIP only for PNS/PPPK
    page.check("input[name=employment_status][value=pns]")
    assert page.locator("#f-nip").is_visible()
    page.fill("#f-nip", "19850101 201001 2 003")
    page.fill("#f-position", "Pranata Humas Ahli Muda")
    page.select_option("#f-institution_type", "kabkota")
    page.fill("#f-institution_name", "Pemerintah Kabupaten Badung")
    page.fill("#f-work_unit", "Bagian Protokol dan Komunikasi Pimpinan")  # required (DOMAIN.md)
    page.select_option("#f-province_code", "51")
    expect(page.locator("#f-regency_code option")).to_have_count(10)  # placeholder + Bali's 9
    page.select_option("#f-regency_code", "51.03")
    page.check("input[name=mode][value=onsite]")
    page.check("input[name=consent]")
    page.get_by_role("button", name="Daftar").click()

    page.wait_for_selector("#ticket-qr")
    assert "Pendaftaran berhasil" in page.content()
    code = page.inner_text("#reg-code")
    for _ in range(50):
        if page.locator("#ticket-qr").evaluate("img => img.complete && img.naturalWidth > 0"):
            break
        page.wait_for_timeout(100)
    shot = Image.open(io.BytesIO(page.locator("#ticket-qr").screenshot()))
    [found] = zxingcpp.read_barcodes(shot)
    ticket = decode_ticket(found.text, lambda _eid: public_key)
    with app.app_context():
        reg = db.session.query(Registration).one()
        assert reg.code == code and ticket.ticket_id_hex == reg.ticket_id and reg.nip == "198501012010012003"
        manage_url = next(line for line in outbox()[0].body.splitlines() if "/r/" in line).strip()

    page.context.clear_cookies()
    page.goto(manage_url)  # the link from the email
    assert page.inner_text("#reg-code") == code
    page.click("#switch-online")
    page.wait_for_selector("#zoom-details")
    assert page.inner_text("#reg-mode") == "Daring (Zoom)" and "rahasia22" in page.content()
    assert page.locator("#ticket-qr").count() == 0
    page.check("#cancel-confirm")
    page.click("#cancel-btn")
    page.wait_for_selector("text=Pendaftaran dibatalkan.")
    assert page.inner_text("#reg-status") == "Dibatalkan"
    with app.app_context():
        from bimtek.events.models import Event

        reg = db.session.query(Registration).one()
        event = db.session.get(Event, reg.event_id)
        assert reg.status == "cancelled" and (event.onsite_taken, event.online_taken) == (0, 0)


def test_kabupaten_picked_while_the_province_list_loads_is_kept(live, phone):
    """A slow phone: the person picks Kota Batam from the server-rendered list before the province's list
    arrives; the arriving list keeps that choice (it used to reset it to the placeholder)."""
    from playwright.sync_api import expect

    from tests.factories import make_event

    app, base = live
    with app.app_context():
        slug = make_event(onsite_capacity=10).slug
    held = []  # Kepulauan Riau's list is held back until the person has picked
    phone.route("**/regions/21.json", lambda route: held.append(route))
    phone.goto(f"{base}/e/{slug}/daftar")
    phone.select_option("#f-province_code", "21")
    phone.select_option("#f-regency_code", "21.71")
    for _ in range(50):
        if held:
            break
        phone.wait_for_timeout(50)
    held[0].continue_()
    expect(phone.locator("#f-regency_code option")).to_have_count(8)  # placeholder + Kepri's 7
    assert phone.locator("#f-regency_code").input_value() == "21.71"
