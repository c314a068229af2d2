"""Reminder schedule in the event's local time, placeholders, and wa.me links (pure modules, no app)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from bimtek.registration.phone import PhoneError
from bimtek.reminders import schedule, whatsapp

START = datetime(2030, 8, 22, 2, 0, tzinfo=UTC)  # 09.00 WIB, 10.00 WITA, 11.00 WIT


@pytest.mark.parametrize(
    ("tz", "due"),
    [
        ("Asia/Jakarta", datetime(2030, 8, 21, 1, 0, tzinfo=UTC)),  # 08.00 WIB
        ("Asia/Makassar", datetime(2030, 8, 21, 0, 0, tzinfo=UTC)),  # 08.00 WITA
        ("Asia/Jayapura", datetime(2030, 8, 20, 23, 0, tzinfo=UTC)),  # 08.00 WIT
    ],
)
def test_h1_is_0800_local_the_day_before(tz, due):
    window = schedule.day_window("h1", START, tz, time(8, 0))
    assert window.due == due
    assert window.late == min(due + timedelta(days=1), START)  # a day at most, never after the start
    assert not window.open_at(due - timedelta(minutes=1))
    assert window.open_at(due)


def test_h3_window_closes_after_a_day_so_a_late_consumer_does_not_send_it_on_the_day():
    window = schedule.day_window("h3", START, "Asia/Makassar", time(8, 0))
    assert window.due == datetime(2030, 8, 19, 0, 0, tzinfo=UTC)
    assert window.open_at(datetime(2030, 8, 19, 23, 59, tzinfo=UTC))
    assert not window.open_at(datetime(2030, 8, 20, 0, 0, tzinfo=UTC))


def test_local_day_decides_h1_for_an_event_starting_just_after_midnight_local():
    # 00.30 WITA on the 22nd is 16.30 UTC on the 21st: H-1 is 08.00 WITA on the 21st, 00.00 UTC.
    start = datetime(2030, 8, 21, 16, 30, tzinfo=UTC)
    assert schedule.day_window("h1", start, "Asia/Makassar", time(8, 0)).due == datetime(2030, 8, 21, 0, 0, tzinfo=UTC)


def test_zoom_opening_and_certificate_windows():
    zoom = schedule.session_window(START)
    assert (zoom.due, zoom.late) == (datetime(2030, 8, 22, 1, 0, tzinfo=UTC), START)
    opens = datetime(2030, 8, 22, 7, 0, tzinfo=UTC)
    assert schedule.opening_window(opens, None).late == opens + schedule.OPENING_LATE
    closes = datetime(2030, 8, 22, 9, 0, tzinfo=UTC)
    assert schedule.opening_window(opens, closes).late == closes
    cert = schedule.certificate_window(opens)
    assert (cert.due, cert.late) == (opens + timedelta(hours=1), opens + timedelta(hours=1) + schedule.CERTIFICATE_LATE)


def test_first_session_of_each_local_day():
    # Day 1 at 09.00 and 13.00 WITA, day 2 at 07.30 WITA (23.30 UTC of day 1).
    starts = [datetime(2030, 8, 22, 5, 0, tzinfo=UTC), datetime(2030, 8, 22, 1, 0, tzinfo=UTC),
              datetime(2030, 8, 22, 23, 30, tzinfo=UTC)]  # fmt: skip
    assert schedule.first_of_each_day(starts, "Asia/Makassar") == {1, 2}
    assert schedule.first_of_each_day(starts, "Asia/Jakarta") == {1, 2}


def test_send_time_and_placeholders():
    assert schedule.parse_send_time("08.00") == time(8, 0)
    assert schedule.parse_send_time("7:05") == time(7, 5)
    assert schedule.parse_send_time("24.00") is None and schedule.parse_send_time("pagi") is None
    assert schedule.fill("Halo {nama} {nip} {0.__class__}", {"nama": "{tautan}", "tautan": "x"}) == (
        "Halo {tautan} {nip} {0.__class__}"
    )
    assert schedule.unknown_tokens("{nama} {zoom} {nip} {nip}", schedule.WA_PLACEHOLDERS) == ["{zoom}", "{nip}"]
    for kind, texts in schedule.DEFAULTS.items():
        assert kind in schedule.KINDS
        assert not schedule.unknown_tokens(texts["wa_text"], schedule.allowed_tokens(kind, whatsapp=True))
        assert not schedule.unknown_tokens(
            texts["body"] + texts["subject"], schedule.allowed_tokens(kind, whatsapp=False)
        )
    assert "zoom" in schedule.allowed_tokens("zoom", whatsapp=False)
    assert "zoom" not in schedule.allowed_tokens("zoom", whatsapp=True)
    assert "sesi" not in schedule.allowed_tokens("h1", whatsapp=False)


def test_wa_me_links_carry_the_number_without_plus_and_an_encoded_text():
    link = whatsapp.chat_link("+6281234567890", "Halo Ni Luh, S.Sos.: https://x.id/r/a?b=1&c=2 #1")
    assert link == ("https://wa.me/6281234567890?text=Halo%20Ni%20Luh%2C%20S.Sos.%3A%20https%3A%2F%2Fx.id%2Fr%2Fa"
                    "%3Fb%3D1%26c%3D2%20%231")  # fmt: skip
    assert whatsapp.share_link("a b") == "https://wa.me/?text=a%20b"
    with pytest.raises(PhoneError):
        whatsapp.chat_link("081234567890", "national numbers would open a wrong chat")


def test_make_sender():
    assert whatsapp.make_sender("") is None
    assert isinstance(whatsapp.make_sender("http", "https://wa.example/send", "t"), whatsapp.HttpSender)
    with pytest.raises(ValueError):
        whatsapp.make_sender("twilio")
    with pytest.raises(ValueError):
        whatsapp.make_sender("http", "file:///etc/passwd")


def test_the_english_catalog_is_not_fuzzy_so_it_compiles():
    """pybabel compile skips a catalog whose header is fuzzy: the pages would silently stay Indonesian."""
    from pathlib import Path

    from babel.messages.pofile import read_po

    po = Path(__file__).resolve().parents[2] / "bimtek/reminders/translations/en/LC_MESSAGES/messages.po"
    with po.open("rb") as f:
        catalog = read_po(f)
    assert not catalog.fuzzy
    assert all(m.string and not m.fuzzy for m in catalog if m.id)
