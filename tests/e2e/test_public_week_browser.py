"""The public's and the participant's week in Chromium, at phone and laptop size: "Lupa tautan?" from the
home page to the manage page, a centred login card."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


def _page(browser, viewport, errors):
    context = browser.new_context(viewport=viewport, locale="id-ID", is_mobile=viewport == PHONE)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page


def test_lost_link_from_the_home_page_on_a_phone(live_server, browser, tmp_path):
    from sqlalchemy import select

    from bimtek.extensions import db
    from bimtek.registration.models import Registration

    app = live_server.app
    with app.app_context():
        reg = db.session.scalars(select(Registration).where(Registration.status == "confirmed").limit(1)).one()
        email, token = reg.email, reg.manage_token
        db.session.remove()
    state = app.extensions["mailman"]
    state.outbox = []  # the locmem backend appends here
    outbox = state.outbox
    errors: list[str] = []
    context, page = _page(browser, PHONE, errors)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Lupa tautan?").click()
    page.get_by_label("Email").fill(email)
    page.screenshot(path=str(tmp_path / "lupa-tautan-phone.png"), full_page=True)
    page.get_by_role("button", name="Kirim tautan").click()
    page.get_by_text("Periksa email Anda").wait_for()
    page.screenshot(path=str(tmp_path / "lupa-tautan-sent-phone.png"), full_page=True)
    [msg] = [m for m in outbox if m.to == [email]]
    assert msg.subject == "Tautan kelola pendaftaran Anda di Bimtek"
    link = f"{live_server.url}/r/{token}"
    assert link in msg.body
    page.goto(link)
    assert page.locator("#reg-status").inner_text() != ""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
    assert errors == []


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_login_card_is_centred(live_server, browser, viewport, tmp_path):
    errors: list[str] = []
    context, page = _page(browser, viewport, errors)
    page.goto(live_server.url + "/login")
    box = page.locator("section.card.narrow").bounding_box()
    width = page.evaluate("document.documentElement.clientWidth")
    left, right = box["x"], width - (box["x"] + box["width"])
    page.screenshot(path=str(tmp_path / f"login-{viewport['width']}.png"))
    assert abs(left - right) <= 2, (left, right)
    context.close()
    assert errors == []
