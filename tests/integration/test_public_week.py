"""The participant's and the public's view of an event: multi-day dates, typed paragraphs, past events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bimtek.reports.laporan import when_where
from tests.factories import make_event
from tests.factories_registration import form_data
from tests.integration.test_jobs_in_consumer import BASE, app, outbox, queue  # noqa: F401  (fixtures)

START = datetime(2030, 8, 22, 2, 0, tzinfo=UTC)  # Thursday 09.00 WIB


def _two_day_event(**kw):
    return make_event(
        ends_at=START + timedelta(days=1, hours=7),
        description="Paragraf pertama tentang kegiatan.\r\n\r\nParagraf kedua: materi dan narasumber.",
        **kw,
    )


def test_two_day_event_keeps_its_second_date_on_the_page_and_in_the_email(app, client, queue):  # noqa: F811
    event = _two_day_event()
    page = client.get(f"/e/{event.slug}").get_data(as_text=True)
    assert "Kamis–Jumat, 22–23 Agustus 2030" in page
    assert "<p>Paragraf pertama tentang kegiatan.</p>" in page
    assert "<p>Paragraf kedua: materi dan narasumber.</p>" in page
    assert "Kamis–Jumat, 22–23 Agustus 2030" in client.get("/").get_data(as_text=True)

    resp = client.post(f"/e/{event.slug}/daftar", data=form_data(email="dua.hari@kominfo.go.id"))
    assert resp.status_code == 303
    queue.drain()
    [msg] = outbox(app)
    assert msg.subject == f"Pendaftaran diterima: {event.title}"
    assert "Kamis–Jumat, 22–23 Agustus 2030, pukul 09.00 WIB" in msg.body
    assert f"{BASE}/r/" in msg.body


def test_report_keeps_the_second_date():
    report = {
        "event": {
            "timezone": "Asia/Jakarta", "starts_at": START.isoformat(),
            "ends_at": (START + timedelta(days=1, hours=7)).isoformat(), "venue_name": "Swiss-Belhotel Harbour Bay",
            "city": "Batam", "province": "Kepulauan Riau", "jp_total": 8, "onsite_capacity": 45,
            "online_capacity": 400,
        }
    }  # fmt: skip
    rows = dict(when_where(report))
    assert rows["Hari/tanggal"] == "Kamis–Jumat, 22–23 Agustus 2030"


def test_past_event_offers_no_seats(client):
    event = make_event(
        starts_at=datetime(2022, 8, 25, 2, 0, tzinfo=UTC), registration_opens_at=datetime(2022, 7, 1, tzinfo=UTC)
    )
    page = client.get(f"/e/{event.slug}").get_data(as_text=True)
    assert "kursi tersisa" not in page and "Daftar sekarang" not in page
    assert "Kegiatan ini sudah berlangsung; pendaftaran sudah ditutup." in page


def test_my_events_show_status_labels(client):
    from tests.factories import login, make_user

    owner = make_user("organizer")
    make_event(owner, title="Bimtek Terbit")
    make_event(owner, title="Bimtek Draf", publish=False)
    login(client, owner)
    page = client.get("/manage/events").get_data(as_text=True)
    assert ">Diterbitkan<" in page and ">Draf<" in page
    assert ">published<" not in page and ">draft<" not in page


def test_an_event_under_way_is_listed_first_and_said_to_be_under_way(client):
    now = datetime.now(UTC).replace(microsecond=0)
    make_event(title="Bimtek Sedang Jalan", slug="sedang-jalan", starts_at=now - timedelta(hours=1), sessions=1)
    make_event(title="Bimtek Bulan Depan", slug="bulan-depan", starts_at=now + timedelta(days=30), sessions=1)
    page = client.get("/").get_data(as_text=True)
    upcoming = page.split('id="upcoming-h"')[1].split('id="past-h"')[0]
    assert "Sedang berlangsung dan akan datang" in upcoming
    assert upcoming.index("Bimtek Sedang Jalan") < upcoming.index("Bimtek Bulan Depan")
    live_card = upcoming.split("Bimtek Sedang Jalan")[1].split("</article>")[0]
    next_card = upcoming.split("Bimtek Bulan Depan")[1].split("</article>")[0]
    assert "Sedang berlangsung</span>" in live_card and "Sedang berlangsung" not in next_card
