"""Zoom reports re-saved by Indonesian Excel: the preview reads day and month right, or asks."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bimtek.attendance.models import AttendanceInterval, ZoomImport
from bimtek.events.models import EventSession
from bimtek.extensions import db
from tests.factories import login, make_event, make_registration, make_user
from tests.unit.test_zoom_dates import resaved


def _event_on(owner, y: int, m: int, d: int):
    """One session, 09.00-10.30 WIB on the given day, with Rina and Ahmady registered online."""
    start = datetime(y, m, d, 2, 0, tzinfo=UTC)
    event = make_event(owner, sessions=1)
    event.starts_at, event.ends_at = start, start + timedelta(minutes=90)
    (s,) = event.sessions
    s.starts_at, s.ends_at = start, start + timedelta(minutes=90)
    db.session.commit()
    rina = make_registration(event, full_name="Rina Marlina", email="rina@x.go.id", mode="online")
    ahmady = make_registration(event, full_name="Ahmady", email="ahmady@x.go.id", mode="online")
    return event, s, rina, ahmady


def _upload(client, event, session, data):
    return client.post(
        f"/manage/events/{event.id}/attendance/sessions/{session.id}/zoom",
        data={"file": (io.BytesIO(data), "laporan-excel.csv")},
        content_type="multipart/form-data",
    )


def _minutes(reg_id: int) -> float:
    rows = db.session.execute(
        select(AttendanceInterval.start, AttendanceInterval.end).where(AttendanceInterval.registration_id == reg_id)
    ).all()
    return round(sum((e - s).total_seconds() for s, e in rows) / 60, 2)


@pytest.mark.parametrize(("day", "ymd"), [("04/02/2027", (2027, 2, 4)), ("25/08/2022", (2022, 8, 25))])
def test_excel_resaved_file_credits_the_right_minutes(app, day, ymd):
    owner = make_user("organizer")
    event, s, rina, ahmady = _event_on(owner, *ymd)
    client = login(app.test_client(), owner)
    resp = _upload(client, event, s, resaved(day))
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Tanggal dibaca sebagai hari/bulan/tahun" in page
    assert 'id="outside-alarm"' not in page and 'id="date-order-question"' not in page
    imp = db.session.scalar(select(ZoomImport))
    client.post(f"/manage/events/{event.id}/attendance/imports/{imp.id}/confirm")
    # Rina 08.52-10.31 covers the whole session (09.00-10.30); Ahmady 09.31-10.20 is 49 minutes.
    assert _minutes(rina.id) == 90.0
    assert _minutes(ahmady.id) == 49.0


def test_truly_ambiguous_file_asks_before_anything_is_stored(app):
    owner = make_user("organizer")
    # Sessions on 4 February and on 2 April 2027: 04/02/2027 fits both readings.
    event, s, rina, _ = _event_on(owner, 2027, 2, 4)
    april = datetime(2027, 4, 2, 2, 0, tzinfo=UTC)
    event.sessions.append(EventSession(title="Sesi April", starts_at=april, ends_at=april + timedelta(minutes=90)))
    db.session.commit()
    client = login(app.test_client(), owner)
    resp = client.post(
        f"/manage/events/{event.id}/attendance/zoom",
        data={"file": (io.BytesIO(resaved("04/02/2027")), "laporan.csv")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    imports = db.session.scalars(select(ZoomImport).order_by(ZoomImport.id)).all()
    assert imports, "a preview is made for the sessions the file could be for"
    imp = next(i for i in imports if i.session_id == s.id)
    page = client.get(f"/manage/events/{event.id}/attendance/imports/{imp.id}").get_data(as_text=True)
    assert "Tanggal dalam laporan ini bisa dibaca dua cara." in page
    assert "Hari/bulan/tahun: 4 Februari 2027" in page and "Bulan/hari/tahun: 2 April 2027" in page
    confirm_form = f'action="/manage/events/{event.id}/attendance/imports/{imp.id}/confirm"'
    assert confirm_form not in page

    # Confirming anyway (an old tab, the API) is refused with a clear message; nothing is credited.
    refused = client.post(
        f"/manage/events/{event.id}/attendance/imports/{imp.id}/confirm", headers={"Accept": "application/json"}
    )
    assert refused.status_code == 409 and refused.get_json()["error"] == "zoom_date_order_unresolved"
    assert db.session.scalar(select(AttendanceInterval.id)) is None

    chosen = client.post(f"/manage/events/{event.id}/attendance/imports/{imp.id}/date-order", data={"order": "dmy"})
    assert chosen.status_code == 302
    page = client.get(chosen.headers["Location"]).get_data(as_text=True)
    assert "Sesuai pilihan Anda." in page and confirm_form in page
    client.post(f"/manage/events/{event.id}/attendance/imports/{imp.id}/confirm")
    assert _minutes(rina.id) == 90.0


def test_preview_with_most_rows_outside_the_session_says_so_loudly(app):
    owner = make_user("organizer")
    event, s, _, _ = _event_on(owner, 2027, 3, 1)
    client = login(app.test_client(), owner)
    resp = _upload(client, event, s, resaved("25/08/2022"))
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert 'role="alert" id="outside-alarm"' in page
    assert "Perhatian: 2 dari 2 baris laporan berada di luar waktu sesi ini." in page


def test_bad_date_order_answer_is_a_message_not_a_500(app):
    owner = make_user("organizer")
    event, s, _, _ = _event_on(owner, 2027, 3, 1)
    client = login(app.test_client(), owner)
    _upload(client, event, s, resaved("04/02/2027"))
    imp = db.session.scalar(select(ZoomImport))
    resp = client.post(f"/manage/events/{event.id}/attendance/imports/{imp.id}/date-order", data={"order": "ymd"})
    assert resp.status_code == 302
    assert "Pilih cara membaca tanggal." in client.get(resp.headers["Location"]).get_data(as_text=True)
