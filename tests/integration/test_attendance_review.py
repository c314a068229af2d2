"""The Zoom review queue by identity: 15 rows of 5 people become 5 entries; link by name search credits every
session of that person and changes the verdict; "not a participant" dismisses them all; only the event's
organizers get in; bad input is a clean 4xx."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from bimtek.attendance import queries as attendance_queries
from bimtek.attendance import verdicts
from bimtek.attendance.models import AttendanceInterval, NameLink, ZoomImport, ZoomImportRow
from bimtek.core.models import AuditLog
from bimtek.extensions import db
from tests.factories import login, make_registration, make_user
from tests.factories_attendance import batam_event, move_to_2022

HEADER = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
# Session windows of move_to_2022 with three sessions, in WIB as Zoom writes them.
WINDOWS = [
    ("08/25/2022 09:00:00 AM", "08/25/2022 10:30:00 AM"),
    ("08/25/2022 10:30:00 AM", "08/25/2022 12:00:00 PM"),
    ("08/25/2022 12:00:00 PM", "08/25/2022 01:30:00 PM"),
]


def _report(session_index: int) -> bytes:
    """Five people nobody registered under these names or emails; Rani's phone has no email in session 3."""
    join, leave = WINDOWS[session_index]
    rani_email = "" if session_index == 2 else "rani.hp@gmail.com"
    people = [
        ("Rani HP", rani_email),
        ("Host Kominfo", "host.zoom@kominfo.go.id"),
        ("iPad Kantor", ""),
        ("Galaxy A52", ""),
        ("Pak Yos", ""),
    ]
    lines = [f"{name},{email},{join},{leave},90,No\n" for name, email in people]
    return (HEADER + "".join(lines)).encode()


@pytest.fixture
def world(app):
    owner = make_user("organizer")
    event = batam_event(owner, sessions=3)
    dewi = make_registration(
        event,
        full_name="Dewi Maharani",
        email="dewi.maharani@kemenkeu.go.id",
        institution_name="Kementerian Keuangan",
        mode="online",
    )
    other = make_registration(event, full_name="Maharani Putri", email="putri@batam.go.id", mode="online")
    move_to_2022(event)
    client = login(app.test_client(), owner)
    for index, session in enumerate(sorted(event.sessions, key=lambda s: s.starts_at)):
        resp = client.post(
            f"/manage/events/{event.id}/attendance/sessions/{session.id}/zoom",
            data={"file": (io.BytesIO(_report(index)), f"sesi-{index + 1}.csv")},
            content_type="multipart/form-data",
        )
        assert resp.status_code == 302
        imp = db.session.scalar(select(ZoomImport).where(ZoomImport.session_id == session.id))
        assert client.post(f"/manage/events/{event.id}/attendance/imports/{imp.id}/confirm").status_code == 302
    verdicts.save_rule(event, {"min_session_percent": 70}, user=owner)
    verdicts.compute_verdicts(event)
    db.session.commit()
    return {"owner": owner, "event": event, "dewi": dewi, "other": other, "client": client}


def _url(event, tail: str = "") -> str:
    return f"/manage/events/{event.id}/attendance/review{tail}"


def _rows(**where) -> list[ZoomImportRow]:
    query = select(ZoomImportRow)
    for name, value in where.items():
        query = query.where(getattr(ZoomImportRow, name) == value)
    return list(db.session.scalars(query.order_by(ZoomImportRow.id)))


def _handle(name: str) -> int:
    return min(r.id for r in _rows(display_name=name))


def test_fifteen_rows_of_five_people_become_five_entries_with_their_sessions(world):
    event, client = world["event"], world["client"]
    assert len(_rows(status="pending")) == 15
    html = client.get(_url(event)).get_data(as_text=True)
    assert html.count('class="card review-item"') == 5
    assert "5 orang dari 15 baris laporan." in html
    # Rani: two sessions with her email, one without (same name): one person, three sessions.
    rani = html[html.index(f'id="orang-{_handle("Rani HP")}"') :]
    rani = rani[: rani.index("</li>\n  <li") if "</li>\n  <li" in rani else len(rani)]
    assert "rani.hp@gmail.com" in rani and "Total 270 menit di 3 sesi." in rani
    overview = client.get(f"/manage/events/{event.id}/attendance").get_data(as_text=True)
    assert "5 nama Zoom menunggu peninjauan." in overview


def test_link_by_name_search_credits_every_session_and_changes_the_verdict(world):
    event, client, dewi = world["event"], world["client"], world["dewi"]
    assert attendance_queries.final_verdicts(event)[dewi.id] is False
    handle = _handle("Rani HP")

    # Without JavaScript: the GET form lists this event's registrations matching any word of name/instansi.
    page = client.get(_url(event, f"?group={handle}&q=maharani"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Dewi Maharani" in html and "Maharani Putri" in html
    by_instansi = client.get(_url(event, f"?group={handle}&q=keuangan&partial=1")).get_data(as_text=True)
    assert "Dewi Maharani" in by_instansi and "Maharani Putri" not in by_instansi
    assert (
        "<html" not in by_instansi
        and f'action="/manage/events/{event.id}/attendance/review/{handle}/link"' in by_instansi
    )
    nobody = client.get(_url(event, f"?group={handle}&q=zzyzx")).get_data(as_text=True)
    assert "Tidak ada peserta kegiatan ini yang cocok dengan “zzyzx”." in nobody

    resp = client.post(_url(event, f"/{handle}/link"), data={"registration_id": str(dewi.id)})
    assert resp.status_code == 302
    assert "Rani HP dihubungkan ke Dewi Maharani; 3 sesi dikreditkan." in client.get(resp.headers["Location"]).get_data(
        as_text=True
    )
    db.session.expire_all()
    linked = _rows(registration_id=dewi.id)
    assert len(linked) == 3 and {r.status for r in linked} == {"linked"}
    assert {r.session_id for r in linked} == {s.id for s in event.sessions}
    minutes = db.session.execute(
        select(AttendanceInterval.session_id, AttendanceInterval.start, AttendanceInterval.end).where(
            AttendanceInterval.registration_id == dewi.id
        )
    ).all()
    assert {s for s, _, _ in minutes} == {s.id for s in event.sessions}
    assert sum((e - s).total_seconds() for _, s, e in minutes) / 60 == pytest.approx(270)
    assert attendance_queries.final_verdicts(event)[dewi.id] is True
    audits = db.session.scalars(select(AuditLog).where(AuditLog.action == "attendance.zoom_row_linked")).all()
    assert len(audits) == 1
    assert audits[0].details["registration_id"] == dewi.id and audits[0].details["rows"] == 3
    assert db.session.scalar(select(func.count()).select_from(NameLink)) == 1

    html = client.get(_url(event)).get_data(as_text=True)
    assert html.count('class="card review-item"') == 4 and "Rani HP" not in html


def test_not_a_participant_dismisses_every_session_of_the_identity(world):
    event, client = world["event"], world["client"]
    before = db.session.scalar(select(func.count()).select_from(AttendanceInterval))
    resp = client.post(_url(event, f"/{_handle('Host Kominfo')}/dismiss"))
    assert resp.status_code == 302
    assert "Host Kominfo ditandai bukan peserta." in client.get(resp.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert {r.status for r in _rows(display_name="Host Kominfo")} == {"dismissed"}
    assert len(_rows(status="pending")) == 12
    assert db.session.scalar(select(func.count()).select_from(AttendanceInterval)) == before
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "attendance.zoom_row_dismissed"))
    assert audit is not None and audit.details["rows"] == 3


def test_another_organizer_gets_404_everywhere(world, app):
    event, dewi = world["event"], world["dewi"]
    handle = _handle("Rani HP")
    stranger = login(app.test_client(), make_user("organizer"))
    assert stranger.get(_url(event)).status_code == 404
    assert stranger.get(_url(event, f"?group={handle}&q=maharani&partial=1")).status_code == 404
    assert stranger.post(_url(event, f"/{handle}/link"), data={"registration_id": str(dewi.id)}).status_code == 404
    assert stranger.post(_url(event, f"/{handle}/dismiss")).status_code == 404
    db.session.expire_all()
    assert len(_rows(status="pending")) == 15


def test_bad_input_is_a_clean_4xx(world, app):
    event, client = world["event"], world["client"]
    handle = _handle("Pak Yos")
    assert client.get(_url(event, "?group=abc&q=maharani")).status_code == 400
    long = client.get(_url(event, f"?group={handle}&q={'a' * 101}"))
    assert long.status_code == 400 and "Kata pencarian terlalu panjang" in long.get_data(as_text=True)
    short = client.get(_url(event, f"?group={handle}&q=m")).get_data(as_text=True)
    assert "Ketik paling sedikit 2 huruf" in short
    other_event = batam_event(make_user("organizer"))
    other_reg = make_registration(other_event, full_name="Dewi Maharani")
    assert client.post(_url(event, "/999999/link"), data={"registration_id": "1"}).status_code == 404
    assert client.post(_url(event, "/999999/dismiss")).status_code == 404
    # Another event's registration, or nothing chosen: refused with a message, nothing credited.
    for data in ({"registration_id": str(other_reg.id)}, {"registration_id": "abc"}, {}):
        resp = client.post(_url(event, f"/{handle}/link"), data=data)
        assert resp.status_code == 302
        assert "Peserta tidak ditemukan pada kegiatan ini." in client.get(resp.headers["Location"]).get_data(
            as_text=True
        )
    db.session.expire_all()
    assert len(_rows(status="pending")) == 15
    # The page carries no inline script (CSP) and its script is served.
    html = client.get(_url(event)).get_data(as_text=True)
    assert "<script>" not in html
    script = re.search(r'<script src="([^"]+attendance_review\.js)"', html)
    assert script
    served = client.get(script.group(1))
    assert served.status_code == 200
    served.close()


def test_a_long_queue_is_paged_and_a_link_returns_to_its_page(world, monkeypatch):
    from bimtek.attendance import views_manage_review

    monkeypatch.setattr(views_manage_review, "PER_PAGE", 2)
    event, client, dewi = world["event"], world["client"], world["dewi"]
    first = client.get(_url(event)).get_data(as_text=True)
    assert first.count('class="card review-item"') == 2 and "Halaman 1 dari 3" in first
    assert "5 orang dari 15 baris laporan." in first
    last = client.get(_url(event, "?page=3")).get_data(as_text=True)
    assert last.count('class="card review-item"') == 1
    handle = int(re.search(r'id="orang-(\d+)"', last).group(1))
    assert 'name="page" value="3"' in last
    resp = client.post(_url(event, f"/{handle}/link"), data={"registration_id": str(dewi.id), "page": "3"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/attendance/review?page=3")
