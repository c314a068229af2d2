"""A PIC on a phone and the organizer on a laptop, in Chromium with CSRF on: the demo's invited agencies."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


def test_pic_nominates_on_a_phone_and_the_board_counts_it(live_server, browser, tmp_path):
    from sqlalchemy import select

    from bimtek.demo import DEMO_PASSWORD, ORGANIZER_EMAIL
    from bimtek.extensions import db
    from bimtek.nominations import services
    from bimtek.nominations.models import InvitedAgency

    app = live_server.app
    with app.app_context():
        agency = db.session.scalar(select(InvitedAgency).where(InvitedAgency.name == "Dinas Kominfo Kota Batam"))
        token, event_id = services.new_link(agency), agency.event_id
        db.session.commit()
        db.session.remove()
    errors: list[str] = []
    phone = browser.new_context(viewport=PHONE, locale="id-ID", is_mobile=True)
    page = phone.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/nominasi/{token}")
    assert page.get_by_text("Dinas Kominfo Kota Batam").first.is_visible()
    # On site is used up (1 of 1): the choice is there but cannot be taken.
    assert page.locator("input[name=mode][value=onsite]").is_disabled()
    page.locator("input[name=mode][value=online]").check()
    page.get_by_label("Nama lengkap dengan gelar").fill("Dewi Lestari, S.Kom.")
    page.get_by_label("Email").fill("dewi.lestari@batam.go.id")
    page.get_by_label("Nomor HP/WhatsApp").fill("0812 7711 0009")
    page.locator("input[name=employment_status][value=non_asn]").check()
    page.get_by_label("Jabatan").fill("Pranata Humas")
    page.get_by_label("Unit kerja").fill("Bidang IKP")
    page.get_by_role("button", name="Nominasikan", exact=True).click()
    page.get_by_text("Dewi Lestari, S.Kom. sudah dinominasikan.").wait_for()
    assert page.locator("#people").get_by_text("Dewi Lestari, S.Kom.").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(tmp_path / "nominasi-phone.png"), full_page=True)
    phone.close()

    laptop = browser.new_context(viewport=LAPTOP, locale="id-ID")
    board = laptop.new_page()
    board.on("pageerror", lambda exc: errors.append(str(exc)))
    board.goto(f"{live_server.url}/login")
    board.get_by_label("Email").fill(ORGANIZER_EMAIL)
    board.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    board.get_by_role("button", name="Masuk").click()
    board.wait_for_url("**/manage**")
    board.goto(f"{live_server.url}/manage/events/{event_id}/nominasi")
    row = board.locator("#agency-table tr", has_text="Dinas Kominfo Kota Batam")
    assert "3 dari 3" in row.inner_text()
    board.screenshot(path=str(tmp_path / "nominasi-board-laptop.png"))
    laptop.close()
    assert errors == []
