"""In real Chromium: the demo event's report dashboard draws its charts, on a laptop and on a phone."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import skip_or_fail
from tests.e2e.conftest import CHROMIUM, LiveServer, seeded_demo_app

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def live_demo(tmp_path_factory):
    """A live server on a SQLite file database with the demo seeded (bimtek.demo.seed())."""
    if CHROMIUM is None:
        skip_or_fail("Chromium is not installed (apt-get install chromium)")
    from bimtek import demo
    from bimtek.events.models import Event
    from bimtek.extensions import db
    from bimtek.registration.models import Registration

    root = tmp_path_factory.mktemp("e2e-reports")
    app = seeded_demo_app(root)
    with app.app_context():
        batam = db.session.query(Event).filter_by(slug=demo.BATAM_SLUG).one().id
        upcoming = db.session.query(Event).filter(Event.slug != demo.BATAM_SLUG).one()
        token = (
            db.session.query(Registration)
            .filter_by(event_id=upcoming.id, status="confirmed", mode="online")
            .first()
            .manage_token
        )
        db.session.remove()
    server = LiveServer(app).start()
    yield {"url": server.url, "event_id": batam, "demo": demo, "shots": root, "token": token}
    server.stop()
    with app.app_context():
        db.engine.dispose()


def _login(page, live):
    page.goto(live["url"] + "/login")
    page.fill("input[name=email]", live["demo"].ORGANIZER_EMAIL)
    page.fill("input[name=password]", live["demo"].DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/manage/**")


@pytest.mark.parametrize(("viewport", "name"), [({"width": 1280, "height": 900}, "laptop"),
                                                 ({"width": 390, "height": 844}, "phone")])  # fmt: skip
def test_dashboard_renders_charts(live_demo, browser, viewport, name):
    context = browser.new_context(viewport=viewport, locale="id-ID")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        _login(page, live_demo)
        page.goto(f"{live_demo['url']}/manage/events/{live_demo['event_id']}/laporan")
        assert page.locator("nav.tabs a[aria-current=page]").inner_text() == "Laporan"
        charts = page.locator("svg.chart-svg")
        ids = charts.evaluate_all("els => els.map(e => e.id)")
        for expected in ("chart-over-time", "chart-mode", "chart-status", "chart-institution", "chart-province",
                         "chart-eval-general", "chart-eval-sessions", "chart-eval-speakers", "chart-eval-overall"):  # fmt: skip
            assert expected in ids, expected
        for i in range(charts.count()):
            svg = charts.nth(i)
            box = svg.bounding_box()
            assert box and box["width"] > 200 and box["height"] > 40, (ids[i], box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 1, (ids[i], box)
            assert svg.get_attribute("role") == "img"
            assert svg.locator("title").first.text_content().strip()
        # Bars are really painted: the province chart has visible bars for the provinces in the demo.
        bars = page.locator("#chart-province rect").evaluate_all(
            "rs => rs.map(r => r.getBoundingClientRect().width).filter(w => w > 1).length"
        )
        assert bars == 7
        province_rows = page.locator("#chart-province g.bar").count()
        assert province_rows == 7  # only the provinces that sent participants, not 38 rows of zeros (issue 11)
        # Every chart label and axis number is drawn inside its chart: nothing is cut at the edge
        # ("enyamanan" for "Kenyamanan"), and the count axes read whole numbers (never "6,2" people).
        spill = page.locator("svg.chart-svg").evaluate_all(
            """svgs => svgs.flatMap(svg => { const box = svg.getBoundingClientRect();
                 return [...svg.querySelectorAll('text')].filter(t => { const r = t.getBoundingClientRect();
                   return r.left < box.left - 0.5 || r.right > box.right + 0.5; }).map(t => svg.id + ': ' + t.textContent); })"""
        )
        assert spill == []
        ticks = page.locator("#chart-over-time > text, #chart-minutes > text, #chart-eval-overall > text").evaluate_all(
            "ts => ts.map(t => t.textContent)"
        )
        numbers = [t for t in ticks if t.strip().replace(".", "").isdigit() or "," in t]
        assert numbers and all("," not in t for t in numbers), ticks
        # The narasumber table fits its card or scrolls inside it: never wider than the card, and reachable by keyboard.
        wrap = page.locator("#narasumber .table-wrap")
        card, inner = page.locator("#narasumber").bounding_box(), wrap.bounding_box()
        assert inner["x"] >= card["x"] and inner["x"] + inner["width"] <= card["x"] + card["width"] + 0.5
        assert wrap.get_attribute("tabindex") == "0" and wrap.get_attribute("aria-label") == "Narasumber"
        # The demo has a morning of venue scans: the check-in section shows the rate, not "no data".
        checkin = page.locator("#checkin").inner_text()
        assert "Belum ada data." not in checkin and "peserta luring terkonfirmasi hadir" in checkin
        assert page.locator(".tiles li").count() >= 8
        # Nothing makes the page scroll sideways: on a phone every chart and table fits (tables scroll inside).
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.screenshot(path=str(Path(live_demo["shots"]) / f"dashboard-{name}.png"), full_page=True)
        assert not [e for e in errors if "Content Security Policy" in e], errors
    finally:
        context.close()


def test_pdf_download_from_the_dashboard(live_demo, browser):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    try:
        _login(page, live_demo)
        page.goto(f"{live_demo['url']}/manage/events/{live_demo['event_id']}/laporan")
        with page.expect_download() as info:
            page.click("text=Unduh laporan PDF")
        path = info.value.path()
        assert Path(path).read_bytes()[:5] == b"%PDF-"
    finally:
        context.close()


def test_participant_fills_the_evaluation_on_a_phone(live_demo, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(f"{live_demo['url']}/r/{live_demo['token']}/evaluasi")
        assert page.locator("h1").inner_text() == "Evaluasi kegiatan"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.click("button[type=submit]")  # nothing chosen yet: the form comes back with the errors marked
        assert page.locator(".flash-error").is_visible()
        groups = page.locator("fieldset.scale")
        for i in range(groups.count()):
            groups.nth(i).locator("label.scale-option").nth(3).click()  # "4 Baik"
        page.fill("textarea >> nth=-1", "Mohon bahan paparan dibagikan lebih awal.")
        page.click("button[type=submit]")
        page.wait_for_url("**terkirim=1")
        assert "sudah tercatat" in page.locator("main").inner_text()
    finally:
        context.close()
