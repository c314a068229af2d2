"""In Chromium: an organizer sets up an event; a visitor on a phone sees it in Indonesian, then English."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def test_organizer_publishes_and_phone_visitor_reads_it(browser, live_server):
    org = browser.new_context()
    page = org.new_page()
    page.goto(live_server.url + "/login")
    page.get_by_label("Email").fill("panitia@demo.bimtek.id")
    page.get_by_label("Kata sandi").fill("bimtek-demo-2022")
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", name="Kegiatan saya")).to_be_visible()

    page.get_by_role("link", name="Buat kegiatan").click()
    page.get_by_label("Judul kegiatan").fill("Bimtek Pengelolaan Konten Digital")
    page.get_by_label("Kode singkat").fill("BIMTEK-KONTEN")
    page.get_by_label("Provinsi").select_option("51")
    page.locator("#f-starts_at").fill("2030-09-05T09:00")
    page.locator("#f-ends_at").fill("2030-09-05T15:00")
    page.get_by_label("Kursi luring").fill("40")
    page.get_by_label("Kursi daring (Zoom)").fill("300")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Kegiatan dibuat sebagai draf")).to_be_visible()

    for title, start, end in (("Materi Pertama", "09:00", "10:30"), ("Materi Kedua", "10:30", "12:00")):
        form = page.locator("#add-session")
        form.get_by_label("Judul sesi").fill(title)
        form.locator("#f-starts_at").fill(f"2030-09-05T{start}")
        form.locator("#f-ends_at").fill(f"2030-09-05T{end}")
        form.get_by_label("JP").fill("2")
        form.locator("input[name=speaker_name]").first.fill("Dr. Rina Hapsari")
        form.get_by_role("button", name="Tambah sesi").click()
        expect(page.get_by_text("Sesi ditambahkan.")).to_be_visible()
    page.get_by_role("button", name="Terbitkan").click()
    expect(page.get_by_text("Status kegiatan diperbarui.")).to_be_visible()
    org.close()

    phone = browser.new_context(**PHONE)
    visitor = phone.new_page()
    visitor.goto(live_server.url + "/")
    visitor.get_by_role("link", name="Bimtek Pengelolaan Konten Digital").click()
    # Bali is WITA: 09.00 local on a Thursday.
    expect(visitor.get_by_text("Kamis, 5 September 2030, pukul 09.00 WITA")).to_be_visible()
    expect(visitor.get_by_text("Materi Kedua")).to_be_visible()
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    visitor.get_by_role("link", name="English").click()
    expect(visitor.get_by_text("Thursday, 5 September 2030, at 09:00 WITA")).to_be_visible()
    visitor.reload()
    expect(visitor.locator("html")).to_have_attribute("lang", "en")
    phone.close()


def test_demo_finished_event_is_listed(page, live_server):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="Telah berlangsung")).to_be_visible()
    page.get_by_role(
        "link", name="Bimtek Strategi Komunikasi Media Sosial dan Evaluasi Kinerja Media Sosial"
    ).last.click()
    expect(page.get_by_text("Kamis, 25 Agustus 2022, pukul 09.00 WIB")).to_be_visible()
