"""In Chromium at phone width: the organizer finds a participant for a Zoom identity by typing a name (the
type-ahead fetches results), links it in one tap, and the identity leaves the queue with all its sessions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
STRANGERS = [("Rani HP", "rani.hp@gmail.com"), ("iPad Kantor", ""), ("Galaxy A52", ""), ("Pak Yos", "")]


def _queue_with_strangers(app) -> dict:
    """Four more people in the finished demo event's Zoom report, none of them registered under that name."""
    from zoneinfo import ZoneInfo

    from sqlalchemy import select

    from bimtek.attendance import services
    from bimtek.attendance.demo import HEADER, _stamp
    from bimtek.core.time import as_utc
    from bimtek.demo import BATAM_SLUG
    from bimtek.events.models import Event
    from bimtek.extensions import db
    from bimtek.registration.models import Registration

    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == BATAM_SLUG))
        zone = ZoneInfo(event.timezone)
        lines = [",".join(HEADER)]
        for s in sorted(event.sessions, key=lambda s: s.starts_at):
            start, end = _stamp(as_utc(s.starts_at), zone), _stamp(as_utc(s.ends_at), zone)
            lines += [f"{name},{email},{start},{end},90,No,Y,N" for name, email in STRANGERS]
        services.upload_report_all_sessions(event, "susulan.csv", "\n".join(lines).encode(), user=None)
        services.confirm_all(event)
        target = db.session.scalars(
            select(Registration)
            .where(Registration.event_id == event.id, Registration.status == "confirmed")
            .order_by(Registration.id)
        ).first()
        out = {
            "event_id": event.id,
            "sessions": len(event.sessions),
            "people": len(services.identities(event.id)),
            "name": target.full_name,
            "code": target.code,
            "reg_id": target.id,
        }
        db.session.commit()
        db.session.remove()
    return out


def _serious_axe_violations(page) -> list[tuple[str, str]]:
    """axe-core's serious and critical findings on the page as it is now: (rule, first offending node)."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [(v["id"], str(v["nodes"][0]["target"])) for v in found if v["impact"] in ("serious", "critical")]


def test_link_a_zoom_identity_by_typing_a_name_on_a_phone(live_server, browser, tmp_path):
    app = live_server.app
    queue = _queue_with_strangers(app)
    shots = Path(os.environ.get("BIMTEK_SCREENSHOTS") or tmp_path)
    errors: list[str] = []
    context = browser.new_context(viewport=PHONE, locale="id-ID", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto(live_server.url + "/login")
    page.get_by_label("Email").fill("panitia@demo.bimtek.id")
    page.get_by_label("Kata sandi").fill("bimtek-demo-2022")
    page.get_by_role("button", name="Masuk").click()
    page.goto(f"{live_server.url}/manage/events/{queue['event_id']}/attendance/review")

    cards = page.locator("li.review-item")
    expect(cards).to_have_count(queue["people"])
    assert queue["people"] >= len(STRANGERS)
    card = cards.filter(has=page.get_by_role("heading", name="Rani HP"))
    expect(card.locator(".review-sessions li")).to_have_count(queue["sessions"])
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(shots / "review-phone.png"), full_page=True)

    # Type-ahead: the results come as the organizer types, without a page load.
    typed = " ".join(queue["name"].split(",")[0].split()[:2]).lower()
    card.get_by_label("Cari peserta (nama, instansi atau kode)").press_sequentially(typed, delay=30)
    found = card.locator(".review-found li").filter(has_text=queue["code"])
    expect(found).to_have_count(1)
    assert "?group=" not in page.url  # fetched by the script, not a form submission
    page.screenshot(path=str(shots / "review-search-phone.png"), full_page=True)
    assert _serious_axe_violations(page) == []  # with the results open
    found.get_by_role("button", name="Hubungkan").click()

    flash = page.get_by_text(f"Rani HP dihubungkan ke {queue['name']}; {queue['sessions']} sesi dikreditkan.")
    expect(flash).to_be_visible()
    expect(cards).to_have_count(queue["people"] - 1)
    expect(page.get_by_role("heading", name="Rani HP")).to_have_count(0)

    laptop = browser.new_context(viewport=LAPTOP, locale="id-ID", storage_state=context.storage_state())
    wide = laptop.new_page()
    wide.goto(f"{live_server.url}/manage/events/{queue['event_id']}/attendance/review")
    wide.screenshot(path=str(shots / "review-laptop.png"), full_page=True)
    assert wide.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    assert _serious_axe_violations(wide) == []
    laptop.close()
    context.close()
    assert errors == []

    from bimtek.attendance.models import ZoomImportRow
    from bimtek.extensions import db

    with app.app_context():
        rows = db.session.query(ZoomImportRow).filter_by(event_id=queue["event_id"], display_name="Rani HP").all()
        assert {(r.status, r.registration_id) for r in rows} == {("linked", queue["reg_id"])}
        assert len(rows) == queue["sessions"]
        db.session.remove()
