"""The scanner page in real Chromium: a fake camera showing a ticket QR, a USB keyboard-wedge scanner,
manual search, and offline scanning that resyncs without duplicates."""

from __future__ import annotations

import base64
import io
import threading
import time

import pytest
from PIL import Image
from sqlalchemy import select
from werkzeug.serving import make_server

from bimtek.core.tickets import qr_png
from tests.conftest import base_config, skip_or_fail
from tests.e2e.conftest import CHROMIUM
from tests.e2e.conftest import CHROMIUM_ARGS as ARGS

pytestmark = pytest.mark.e2e


PASSWORD = "correct-horse-battery"
# Filled by the tests, printed at the end of the module (figures for the closing note).
TIMINGS: dict[str, float] = {}


def write_y4m(path, text: str, frames: int = 5) -> None:
    """A 1-second 640x480 Y4M clip (5 fps, 4:2:0) of the QR for `text`, centred on a grey background."""
    qr = Image.open(io.BytesIO(qr_png(text, box_size=8))).convert("L")
    frame = Image.new("L", (640, 480), 200)
    frame.paste(qr, ((640 - qr.width) // 2, (480 - qr.height) // 2))
    ycbcr = frame.convert("RGB").convert("YCbCr")
    y, cb, cr = ycbcr.split()
    cb, cr = cb.resize((320, 240)), cr.resize((320, 240))
    with open(path, "wb") as f:
        f.write(b"YUV4MPEG2 W640 H480 F5:1 Ip A1:1 C420jpeg\n")
        for _ in range(frames):
            f.write(b"FRAME\n" + y.tobytes() + cb.tobytes() + cr.tobytes())


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A live server on a SQLite file with one event, a check-in staff member and some registrations."""
    if CHROMIUM is None:
        skip_or_fail("Chromium is not installed (apt-get install chromium)")
    from bimtek import create_app
    from bimtek.extensions import db
    from bimtek.registration import services as registration_services
    from tests.factories import make_event, make_registration
    from tests.factories_checkin import make_scanner, ticket_text

    tmp = tmp_path_factory.mktemp("checkin-e2e")
    config = base_config(tmp, f"sqlite:///{tmp / 'e2e.sqlite3'}")
    config.update(WTF_CSRF_ENABLED=True, TESTING=False)
    app = create_app(config)
    with app.app_context():
        db.create_all()
        event = make_event()
        staff = make_scanner(event)
        regs = {
            key: make_registration(event, full_name=name, institution_name=inst)
            for key, name, inst in [
                ("camera", "Kamera Pertama", "Diskominfo Batam"),
                ("wedge", "Usb Scanner", "Kemenkeu"),
                ("typed", "Kode Diketik", "Pemprov Kepri"),
                ("search", "Siti Pencarian", "Bappeda Tanjungpinang"),
                ("offline", "Dalam Gangguan", "Diskominfo Bintan"),
                ("cancel", "Batal Datang", "Lainnya"),
            ]
        }
        regs["zoom"] = make_registration(
            event, full_name="Peserta Zoom", institution_name="Diskominfo Natuna", mode="online"
        )
        organizer = make_scanner(event, "organizer")
        registration_services.cancel_registration(regs["cancel"])
        db.session.commit()
        data = {
            "event_id": event.id,
            "email": staff.email,
            "organizer": organizer.email,
            "tickets": {k: ticket_text(r) for k, r in regs.items()},
            "codes": {k: r.code for k, r in regs.items()},
            "ids": {k: r.id for k, r in regs.items()},
        }
        db.session.remove()
    clip = tmp / "ticket.y4m"
    write_y4m(clip, data["tickets"]["camera"])
    outage = threading.Event()

    def maybe_down(environ, start_response):
        # The venue's network failing between the phone and the server (a gateway answering 503).
        if outage.is_set():
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"down"]
        return app(environ, start_response)

    server = make_server("127.0.0.1", 0, maybe_down, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    data.update(app=app, url=f"http://127.0.0.1:{server.server_port}", clip=str(clip), outage=outage)
    yield data
    server.shutdown()
    thread.join(5)
    with app.app_context():
        db.engine.dispose()
    if TIMINGS:
        print("\ncheck-in browser timings (ms):", {k: round(v) for k, v in TIMINGS.items()})


@pytest.fixture(scope="module")
def browser(world, browser_type):
    """Chromium with a fake camera that shows the ticket clip (pytest-playwright's driver, our flags)."""
    args = ARGS + ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                   f"--use-file-for-fake-video-capture={world['clip']}"]  # fmt: skip
    b = browser_type.launch(executable_path=CHROMIUM, args=args)
    yield b
    b.close()


def checkins_of(world, key: str) -> list:
    from bimtek.checkin.models import CheckIn
    from bimtek.extensions import db

    with world["app"].app_context():
        rows = db.session.scalars(select(CheckIn).where(CheckIn.registration_id == world["ids"][key])).all()
        out = [(r.source, r.admit_key is not None, list(r.flags or [])) for r in rows]
        db.session.remove()
    return out


def wait_js(page, expression: str, timeout: float = 15000) -> None:
    """Poll a JS expression from the test side (page.wait_for_function would eval inside the page,
    which the app's CSP rightly forbids)."""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        time.sleep(0.05)


def open_scanner(browser, world, email: str | None = None):
    context = browser.new_context(base_url=world["url"])
    context.grant_permissions(["camera"], origin=world["url"])
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=email]", email or world["email"])
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/manage**")
    page.goto(f"/manage/events/{world['event_id']}/scan")
    wait_js(page, "document.getElementById('scanner').dataset.synced === '1'")
    return context, page


def wait_answer(page, kind: str, timeout: float = 15000):
    page.wait_for_selector(f"#answer[data-kind={kind}]:not([hidden])", timeout=timeout)
    return page.inner_text("#answer")


def dismiss(page):
    page.click("#answer")
    page.wait_for_selector("#answer", state="hidden")


def test_camera_scan_is_green_then_amber_on_rescan(browser, world):
    context, page = open_scanner(browser, world)
    started = time.perf_counter()
    page.click("#cam-start")
    text = wait_answer(page, "ok", timeout=30000)
    TIMINGS["camera start to green"] = (time.perf_counter() - started) * 1000
    assert "BOLEH MASUK" in text and "Kamera Pertama" in text and "Diskominfo Batam" in text
    assert page.is_hidden("#answer-override")  # only an online registrant shown to an organizer gets it
    wait_js(page, "document.getElementById('scanner').dataset.frameToAnswer !== undefined")
    TIMINGS["frame to answer"] = float(page.get_attribute("#scanner", "data-frame-to-answer"))
    dismiss(page)
    # The same QR is still in front of the camera: scanned again, the answer is amber.
    text = wait_answer(page, "warn", timeout=30000)
    assert "SUDAH CHECK-IN" in text and "Pertama dipindai" in text
    assert checkins_of(world, "camera") == [("scan", True, [])]
    context.close()


def test_usb_wedge_typed_code_and_search(browser, world):
    context, page = open_scanner(browser, world)
    wait_js(page, "document.activeElement && document.activeElement.id === 'scan-input'")
    # A keyboard-wedge scanner types the QR text and presses Enter.
    page.keyboard.type(world["tickets"]["wedge"], delay=2)
    page.keyboard.press("Enter")
    assert "Usb Scanner" in wait_answer(page, "ok")
    TIMINGS["wedge Enter to answer (page)"] = float(page.get_attribute("#scanner", "data-last-latency"))
    dismiss(page)
    assert page.evaluate("document.activeElement.id") == "scan-input"  # focus comes back for the next scan
    code = world["codes"]["typed"]
    page.keyboard.type(f"{code[:4].lower()}-{code[4:].lower()}")
    page.keyboard.press("Enter")
    assert "Kode Diketik" in wait_answer(page, "ok")
    dismiss(page)
    page.keyboard.type("pencarian")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results button")
    assert "Siti Pencarian" in page.inner_text("#search-results")
    page.click("#search-results button")
    assert "Siti Pencarian" in wait_answer(page, "ok")
    dismiss(page)
    page.keyboard.type(world["tickets"]["cancel"])
    page.keyboard.press("Enter")
    assert "DIBATALKAN" in wait_answer(page, "bad")
    dismiss(page)
    # A cancelled person found by name shows their status, with no Check-in button to press.
    page.keyboard.type("batal datang")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results .badge")
    results = page.inner_text("#search-results")
    assert "Batal Datang" in results and "Dibatalkan" in results and "cancelled" not in results
    assert page.locator("#search-results button").count() == 0
    assert checkins_of(world, "wedge") == [("scan", True, [])]
    assert checkins_of(world, "search") == [("manual", True, [])]
    context.close()


def _forged(ticket: str) -> str:
    blob = bytearray(base64.b32decode(ticket[3:]))
    blob[70] ^= 0x01
    return "BT1" + base64.b32encode(bytes(blob)).decode()


def test_offline_scans_queue_and_resync_without_duplicates(browser, world):
    context, page = open_scanner(browser, world)
    wait_js(
        page,
        "document.getElementById('scanner').dataset.swState === 'ready' && document.getElementById('scanner').dataset.cached === '1'",
        timeout=15000,
    )
    context.set_offline(True)
    wait_js(page, "!navigator.onLine")
    page.focus("#scan-input")
    page.keyboard.type(world["tickets"]["offline"])
    page.keyboard.press("Enter")
    text = wait_answer(page, "ok")
    assert "offline" in text and "Dalam Gangguan" in text
    assert page.get_attribute("#scanner", "data-queue") == "1"
    assert page.inner_text("#queue-count") == "1"
    dismiss(page)
    # A second scan on this device, still offline: amber, and nothing more in the queue.
    page.keyboard.type(world["tickets"]["offline"])
    page.keyboard.press("Enter")
    assert "SUDAH CHECK-IN" in wait_answer(page, "warn")
    dismiss(page)
    # Signatures are checked in the browser: a flipped signature byte is refused.
    page.keyboard.type(_forged(world["tickets"]["offline"]))
    page.keyboard.press("Enter")
    assert "TIDAK SAH" in wait_answer(page, "bad")
    dismiss(page)
    # Cancelled at the last sync: refused offline too.
    page.keyboard.type(world["tickets"]["cancel"])
    page.keyboard.press("Enter")
    assert "DIBATALKAN" in wait_answer(page, "bad")
    dismiss(page)
    # Offline, the desk search keeps the server's rule on the last sync: the start of any word, case ignored.
    page.keyboard.type("GANGG")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results button")
    results = page.inner_text("#search-results")
    assert "Dalam Gangguan" in results and "Pencarian offline" in results
    page.keyboard.type("angguan")
    page.keyboard.press("Enter")
    wait_js(page, "document.getElementById('search-results').innerText.includes('Tidak ada peserta')")
    assert "Dalam Gangguan" not in page.inner_text("#search-results")
    assert checkins_of(world, "offline") == []
    # With the server unreachable, the page reloads from the service worker's cache, its queue intact.
    # (Chromium's offline emulation does not cover requests of service-worker-controlled pages, so the
    # outage is made at the server instead.)
    world["outage"].set()
    try:
        page.reload()
        page.wait_for_selector("#scan-input")
        assert page.inner_text("#queue-count") == "1"
        assert "BOLEH" not in page.inner_text("#answer")  # a fresh page: nothing shown yet
        assert checkins_of(world, "offline") == []
    finally:
        world["outage"].clear()
    # Back online: the queue drains and the server holds exactly one check-in for that scan.
    context.set_offline(False)
    wait_js(page, "document.getElementById('queue-count').textContent === '0'", timeout=20000)
    rows = checkins_of(world, "offline")
    assert len(rows) == 1 and rows[0][0] == "offline" and rows[0][1] is True
    # Resending can't duplicate: scanning the same ticket online now answers amber from the server.
    page.focus("#scan-input")
    page.keyboard.type(world["tickets"]["offline"])
    page.keyboard.press("Enter")
    assert "SUDAH CHECK-IN" in wait_answer(page, "warn")
    assert len(checkins_of(world, "offline")) == 1
    dismiss(page)
    # After the event, staff wipe the participant data kept on the device.
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#clear-offline")
    wait_js(page, "document.getElementById('scanner').dataset.cleared === '1'")
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('bimtek.checkin.')).length") == 0
    assert page.evaluate("caches.has('bimtek-checkin-v1')") is False
    context.close()


def test_organizer_admits_a_zoom_registrant_at_the_door(browser, world):
    context, page = open_scanner(browser, world, world["organizer"])
    page.focus("#scan-input")
    page.keyboard.type(world["tickets"]["zoom"])
    page.keyboard.press("Enter")
    assert "DARING" in wait_answer(page, "bad")
    page.click("#answer-override")
    assert "Peserta Zoom" in wait_answer(page, "ok")
    assert checkins_of(world, "zoom") == [("manual", True, ["admitted_online_override"])]
    context.close()
