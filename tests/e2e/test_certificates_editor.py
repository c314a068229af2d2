"""The visual field editor in real Chromium: drag the name field, save, and the PDF preview shows it moved."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from PIL import Image

pytestmark = pytest.mark.e2e

PT_PER_MM = 72 / 25.4


def _background() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1400, 990), (236, 242, 250)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def editor_event(live_server):
    """The demo's Batam event with an uploaded background and the default field layout: (base URL, event id)."""
    from sqlalchemy import select

    from bimtek import demo
    from bimtek.accounts.models import User
    from bimtek.certificates.services.images import save_image
    from bimtek.certificates.services.settings import update_settings
    from bimtek.events.models import Event
    from bimtek.extensions import db

    with live_server.app.app_context():
        user = db.session.scalar(select(User).where(User.email == demo.ORGANIZER_EMAIL))
        event = db.session.scalar(select(Event).where(Event.slug == demo.BATAM_SLUG))
        save_image(event, "background", _background(), user=user)
        update_settings(event, {"template": "background"}, user=user)
        db.session.commit()
        event_id = event.id
        db.session.remove()
    return live_server.url, event_id


def _name_line(pdf: bytes) -> tuple[float, float]:
    """(horizontal centre, top) in points of the participant name on the first page."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        words = doc.pages[0].extract_words()
    (anchor,) = [w for w in words if w["text"] == "Nama"]
    line = [w for w in words if abs(w["top"] - anchor["top"]) < 1]
    assert " ".join(w["text"] for w in line).startswith("Dr. Nama Peserta Contoh")
    return (min(w["x0"] for w in line) + max(w["x1"] for w in line)) / 2, anchor["top"]


def test_drag_the_name_field_save_and_the_preview_shows_it_there(editor_event, page):
    from bimtek import demo

    base, event_id = editor_event
    page.goto(base + "/login")
    page.fill("input[name=email]", demo.ORGANIZER_EMAIL)
    page.fill("input[name=password]", demo.DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    settings_url = f"{base}/manage/events/{event_id}/certificates/settings"
    preview_url = f"{base}/manage/events/{event_id}/certificates/preview.pdf"
    page.goto(settings_url)
    page.wait_for_selector("#cert-editor.ready")
    before = _name_line(page.request.get(preview_url).body())

    name = page.locator('.cert-field[data-field="name"]')
    assert name.is_visible()
    page.locator(".cert-stage").scroll_into_view_if_needed()
    stage = page.locator(".cert-stage").bounding_box()
    box = name.bounding_box()
    px_per_mm = stage["width"] / 297
    start_x, start_y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # Default layout: name at x 20 mm, baseline 92 mm, 257 mm wide. Move it 10 mm right and 25 mm down.
    with page.expect_request(lambda r: r.url == preview_url and r.method == "POST") as live:
        page.mouse.move(start_x, start_y)
        page.mouse.down()
        page.mouse.move(start_x + 10 * px_per_mm, start_y + 25 * px_per_mm, steps=8)
        page.mouse.up()
    assert page.input_value('input[name="lf-name-x_mm"]') == "30"
    assert page.input_value('input[name="lf-name-y_mm"]') == "117"
    # The live preview posted the dragged position (unsaved) into the preview frame.
    assert "lf-name-x_mm=30&" in live.value.post_data and "lf-name-y_mm=117&" in live.value.post_data
    moved_box = name.bounding_box()
    assert moved_box["x"] - box["x"] == pytest.approx(10 * px_per_mm, abs=1.5)

    with page.expect_navigation():
        page.click("#settings-form button.btn.primary")
    assert "Pengaturan sertifikat disimpan" in page.inner_text("body")
    assert page.input_value('input[name="lf-name-x_mm"]') == "30.0"

    after = _name_line(page.request.get(preview_url).body())
    # The name's centre follows its box (x 30 + 257 / 2 mm) and its line moves down by the 25 mm dragged.
    assert after[0] == pytest.approx((30 + 257 / 2) * PT_PER_MM, abs=1.5)
    assert after[0] - before[0] == pytest.approx(10 * PT_PER_MM, abs=1)
    assert after[1] - before[1] == pytest.approx(25 * PT_PER_MM, abs=1)
