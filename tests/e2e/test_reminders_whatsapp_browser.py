"""The WhatsApp page in Chromium: a click opens wa.me with the participant's number (E.164 without +) and the
message filled in (the request is caught before it leaves the machine), and the tick is stored (CSRF form)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

pytestmark = pytest.mark.e2e


def test_wa_me_link_carries_number_and_text_and_tick_is_kept(live_server, browser):
    from bimtek.events.models import Event
    from bimtek.extensions import db
    from bimtek.registration import queries
    from bimtek.reminders.models import WhatsAppTick

    app = live_server.app
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.status == "published").order_by(Event.starts_at.desc()))
        first = queries.contacts(event.id)[0]
        event_id, title = event.id, event.title
        db.session.remove()
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        opened = []

        def catch(route):
            opened.append(route.request.url)
            route.fulfill(status=200, content_type="text/html", body="<p>wa.me</p>")

        context.route("https://wa.me/**", catch)
        page = context.new_page()
        page.goto(live_server.url + "/login")
        page.get_by_label("Email").fill("panitia@demo.bimtek.id")
        page.get_by_label("Kata sandi").fill("bimtek-demo-2022")
        page.get_by_role("button", name="Masuk").click()
        page.goto(f"{live_server.url}/manage/events/{event_id}/whatsapp")
        row = page.locator(f"#p{first['id']}")
        expect(row.locator("a.wa-open")).to_have_text(first["full_name"])
        with context.expect_page() as new_tab:
            row.locator("a.wa-open").click()
        new_tab.value.wait_for_load_state()
        assert len(opened) == 1
        url = urlsplit(opened[0])
        assert (url.scheme, url.netloc, url.path) == ("https", "wa.me", "/" + first["phone"].removeprefix("+"))
        text = parse_qs(url.query)["text"][0]
        assert text.startswith(f"Halo {first['full_name']}, pendaftaran Anda untuk {title} (")
        assert text.endswith(f"info ada di tautan pribadi Anda: {live_server.url}/r/{first['manage_token']}")
        new_tab.value.close()
        row.get_by_role("button", name="Tandai terkirim").click()
        expect(page.locator(f"#p{first['id']}").get_by_role("button")).to_have_text("✓ Terkirim")
        with app.app_context():
            assert db.session.scalar(select(WhatsAppTick.registration_id)) == first["id"]
            db.session.remove()
    finally:
        context.close()
