"""Zoom report import: preview, confirm, idempotent re-import, review queue and remembered links."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bimtek.attendance.models import AttendanceInterval, NameLink, ZoomImport, ZoomImportRow
from bimtek.core.models import AuditLog
from bimtek.extensions import db
from tests.factories import bearer, login, make_user, token_for
from tests.factories_attendance import batam_event, sample_people
from tests.unit.test_zoom_csv import MEETING_BLOCK, PLAIN, WEBINAR

# ../shared beside the project's root (as on the developers' machines and in CI).
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples" / "zoom"


@pytest.fixture
def world(app):
    owner = make_user("organizer")
    event = batam_event(owner)
    people = sample_people(event)
    client = login(app.test_client(), owner)
    s1, s2 = sorted(event.sessions, key=lambda s: s.starts_at)
    return {"owner": owner, "event": event, "people": people, "client": client, "s1": s1, "s2": s2}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _upload(client, event, session, data: bytes, name: str = "participants.csv"):
    return client.post(
        f"/manage/events/{event.id}/attendance/sessions/{session.id}/zoom",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _minutes(reg_id: int, session_id: int) -> float:
    rows = db.session.execute(
        select(AttendanceInterval.start, AttendanceInterval.end).where(
            AttendanceInterval.registration_id == reg_id, AttendanceInterval.session_id == session_id
        )
    ).all()
    return round(sum((e - s).total_seconds() for s, e in rows) / 60, 2)


@pytest.mark.parametrize(
    ("data", "rows_read", "matched_people"),
    [(PLAIN, 6, 3), (MEETING_BLOCK, 10, 4), (WEBINAR, 3, 2)],
    ids=["plain", "meeting_block_bom_crlf", "webinar"],
)
def test_upload_previews_then_confirm_credits_and_reimport_changes_nothing(world, data, rows_read, matched_people):
    client, event, s1 = world["client"], world["event"], world["s1"]
    resp = _upload(client, event, s1, data)
    assert resp.status_code == 302
    imp = db.session.scalar(select(ZoomImport))
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Pratinjau laporan Zoom" in page
    assert f'<dd id="rows-read">{rows_read}</dd>' in page
    assert imp.status == "preview" and imp.people_matched == matched_people
    # Nothing is credited before confirmation.
    assert _count(AttendanceInterval) == 0 and _count(ZoomImportRow) == 0

    confirmed = client.post(f"/manage/events/{event.id}/attendance/imports/{imp.id}/confirm")
    assert confirmed.status_code == 302
    intervals, rows = _count(AttendanceInterval), _count(ZoomImportRow)
    assert intervals > 0 and rows == imp.people
    # Rina rejoined: two rows, and she was there for the whole of session 1 (09.00-10.30).
    assert _minutes(world["people"]["rina"].id, s1.id) == 90.0

    again = _upload(client, event, s1, data, name="same-file-renamed.csv")
    assert again.headers["Location"].endswith(f"/imports/{imp.id}")
    assert "tidak ada yang berubah" in client.get(again.headers["Location"]).get_data(as_text=True)
    client.post(f"/manage/events/{event.id}/attendance/imports/{imp.id}/confirm")
    assert (_count(ZoomImport), _count(AttendanceInterval), _count(ZoomImportRow)) == (1, intervals, rows)


@pytest.mark.parametrize(
    "name", ["participants_plain.csv", "participants_with_meeting_block.csv", "webinar_attendee_report.csv"]
)
def test_the_shared_sample_files_import(world, name):
    path = SAMPLES / name
    if not path.exists():
        pytest.skip("shared samples not on this machine")
    resp = _upload(world["client"], world["event"], world["s1"], path.read_bytes(), name)
    imp = db.session.scalar(select(ZoomImport))
    assert resp.status_code == 302 and imp.people_matched >= 2 and not imp.problems


def test_rejoins_are_merged_and_clipped_to_each_session(world):
    client, event, s1, s2 = world["client"], world["event"], world["s1"], world["s2"]
    for session in (s1, s2):
        _upload(client, event, session, PLAIN)
        imp = db.session.scalar(select(ZoomImport).where(ZoomImport.session_id == session.id))
        client.post(f"/manage/events/{event.id}/attendance/imports/{imp.id}/confirm")
    rina, ahmady, siti = (world["people"][k].id for k in ("rina", "ahmady", "siti"))
    # Session 2 is 10.30-12.00: Rina was out from 10.31:45 to 10.33:02.
    assert _minutes(rina, s2.id) == pytest.approx(88.72, abs=0.01)
    assert _minutes(ahmady, s1.id) == 90 and _minutes(ahmady, s2.id) == 90
    assert _minutes(siti, s1.id) == pytest.approx(4.92, abs=0.01)
    assert _minutes(siti, s2.id) == 0


HARDER = (
    # semicolon-separated, 24-hour day-first times as re-saved by a spreadsheet in the Indonesian locale,
    # unicode names, a missing email, an extra column and a broken time cell
    "\ufeffNama (Original Name);User Email;Join Time;Leave Time;Duration (Minutes);Guest;Lokasi\r\n"
    "Name (Original Name);User Email;Join Time;Leave Time;Duration (Minutes);Guest;Lokasi\r\n"
    "KEMENKEU_Ahmady Muhadjiri;AHMADY.M@KEMENKEU.GO.ID;25/08/2022 09:00:00;25/08/2022 10:30:00;90;No;Jakarta\r\n"
    "Łukasz Żółć – Universitas;;25/08/2022 09:05:00;25/08/2022 10:00:00;55;Yes;Kraków\r\n"
    "Siti Nurhaliza;siti.nurhaliza@natunakab.go.id;25/08/2022 9.10.00;25/08/2022 10.20.00;70;No;Natuna\r\n"
    "Rusak;rusak@contoh.go.id;kemarin;25/08/2022 10:20:00;70;No;-\r\n"
).encode("utf-8")


def test_harder_file_through_the_api_reports_problems_by_row_and_column(world):
    event, s1 = world["event"], world["s1"]
    api = world["client"].application.test_client()
    headers = bearer(token_for(world["owner"]))
    resp = api.post(
        f"/api/v1/events/{event.id}/sessions/{s1.id}/zoom-imports",
        data={"file": (io.BytesIO(HARDER), "resaved.csv")},
        content_type="multipart/form-data",
        headers=headers,
    )
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["status"] == "preview" and body["created"] is True
    assert body["people_matched"] == 2  # Ahmady (email, any case) and Siti
    assert body["problems"] == [
        {"line": 6, "column": "Join Time", "message": "Baris 6, kolom Join Time: waktu tidak dapat dibaca"}
    ]
    names = {p["name"]: p for p in body["people_list"]}
    assert names["Łukasz Żółć – Universitas"]["automatic"] is False
    assert _count(AttendanceInterval) == 0

    done = api.post(f"/api/v1/events/{event.id}/zoom-imports/{body['id']}/confirm", headers=headers).get_json()
    assert done["changed"] is True
    again = api.post(f"/api/v1/events/{event.id}/zoom-imports/{body['id']}/confirm", headers=headers).get_json()
    assert again["changed"] is False
    assert _minutes(world["people"]["siti"].id, s1.id) == 70


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "zoom_empty"),
        (b"nama,alamat\nBudi,Batam\n", "zoom_not_zoom_report"),
        (b"PK\x03\x04xlsx", "zoom_spreadsheet_file"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message_and_nothing_stored(world, data, code):
    api = world["client"].application.test_client()
    resp = api.post(
        f"/api/v1/events/{world['event'].id}/sessions/{world['s1'].id}/zoom-imports",
        data={"file": (io.BytesIO(data), "x.csv")},
        content_type="multipart/form-data",
        headers=bearer(token_for(world["owner"])),
    )
    assert resp.status_code == 422 and resp.get_json()["error"] == code
    assert resp.get_json()["message"]
    assert _count(ZoomImport) == 0


def test_html_upload_of_a_non_report_shows_the_message(world):
    resp = _upload(world["client"], world["event"], world["s1"], b"hello,world\n1,2\n")
    page = world["client"].get(resp.headers["Location"]).get_data(as_text=True)
    assert "bukan laporan peserta Zoom" in page and _count(ZoomImport) == 0


def test_review_link_is_remembered_for_the_other_sessions(world):
    client, event, s1, s2 = world["client"], world["event"], world["s1"], world["s2"]
    budi = world["people"]["budi"]
    _upload(client, event, s1, PLAIN)
    imp = db.session.scalar(select(ZoomImport))
    client.post(f"/manage/events/{event.id}/attendance/imports/{imp.id}/confirm")
    pending = db.session.scalars(select(ZoomImportRow).where(ZoomImportRow.status == "pending")).all()
    assert [r.display_name for r in pending] == ["Budi Santoso"]
    row = pending[0]
    assert row.match_kind == "name" and row.candidate_ids == [budi.id]
    page = client.get(f"/manage/events/{event.id}/attendance/review").get_data(as_text=True)
    assert "Hubungkan: Budi Santoso" in page

    api = client.application.test_client()
    headers = bearer(token_for(world["owner"]))
    queue = api.get(f"/api/v1/events/{event.id}/zoom-review", headers=headers).get_json()
    assert [i["display_name"] for i in queue["items"]] == ["Budi Santoso"]
    linked = api.post(
        f"/api/v1/events/{event.id}/zoom-review/{row.id}/link", json={"registration_id": budi.id}, headers=headers
    )
    assert linked.status_code == 200 and linked.get_json()["status"] == "linked"
    assert _minutes(budi.id, s1.id) == pytest.approx(78.32, abs=0.01)  # 09.10:11-09.40 + 09.41:30-10.30
    assert db.session.scalar(select(func.count()).select_from(NameLink)) == 1
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "attendance.zoom_row_linked")) is not None

    # Session 2: a different export of the same meeting; Budi now matches by the remembered link.
    other = PLAIN.replace(b"Recording Consent,In Waiting Room", b"Recording Consent,In Waiting Room,Extra") + b"\n"
    _upload(client, event, s2, other)
    imp2 = db.session.scalar(select(ZoomImport).where(ZoomImport.session_id == s2.id))
    assert {g["name"]: g["kind"] for g in imp2.summary["groups"]}["Budi Santoso"] == "link"
    client.post(f"/manage/events/{event.id}/attendance/imports/{imp2.id}/confirm")
    assert _minutes(budi.id, s2.id) == pytest.approx(88.2, abs=0.01)  # 10.30-11.58:12
    assert api.get(f"/api/v1/events/{event.id}/zoom-review", headers=headers).get_json()["total"] == 0
    page = client.get(f"/manage/events/{event.id}/attendance/imports/{imp.id}").get_data(as_text=True)
    assert '<dd id="to-review">0</dd>' in page


def test_dismiss_takes_a_row_out_without_credit_and_link_refuses_other_events(world, app):
    client, event, s1 = world["client"], world["event"], world["s1"]
    _upload(client, event, s1, MEETING_BLOCK)
    imp = db.session.scalar(select(ZoomImport))
    client.post(f"/manage/events/{event.id}/attendance/imports/{imp.id}/confirm")
    iphone = db.session.scalar(select(ZoomImportRow).where(ZoomImportRow.display_name == "iPhone Andi"))
    assert iphone.status == "pending" and iphone.match_kind == "none"
    before = _count(AttendanceInterval)
    outsider_event = batam_event(make_user("organizer"))
    from tests.factories import make_registration

    stranger = make_registration(outsider_event)
    resp = client.post(
        f"/manage/events/{event.id}/attendance/review/{iphone.id}/link", data={"registration_id": str(stranger.id)}
    )
    assert resp.status_code == 302 and db.session.get(ZoomImportRow, iphone.id).status == "pending"
    assert "tidak ditemukan" in client.get(resp.headers["Location"]).get_data(as_text=True)
    client.post(f"/manage/events/{event.id}/attendance/review/{iphone.id}/dismiss")
    db.session.expire_all()
    assert db.session.get(ZoomImportRow, iphone.id).status == "dismissed"
    assert _count(AttendanceInterval) == before


def test_link_by_typed_registration_code(world):
    client, event, s1 = world["client"], world["event"], world["s1"]
    _upload(client, event, s1, MEETING_BLOCK)
    imp = db.session.scalar(select(ZoomImport))
    client.post(f"/manage/events/{event.id}/attendance/imports/{imp.id}/confirm")
    iphone = db.session.scalar(select(ZoomImportRow).where(ZoomImportRow.display_name == "iPhone Andi"))
    yohanes = world["people"]["yohanes"]
    code = yohanes.code[:4] + "-" + yohanes.code[4:]
    client.post(f"/manage/events/{event.id}/attendance/review/{iphone.id}/link", data={"code": code.lower()})
    db.session.expire_all()
    assert db.session.get(ZoomImportRow, iphone.id).registration_id == yohanes.id


def test_uploads_of_another_events_session_are_refused(world):
    other = batam_event(make_user("organizer"))
    resp = _upload(world["client"], world["event"], other.sessions[0], PLAIN)
    assert resp.status_code == 404 and _count(ZoomImport) == 0


def test_manage_pages_render_with_the_tab(world):
    client, event, s1 = world["client"], world["event"], world["s1"]
    _upload(client, event, s1, PLAIN)
    imp = db.session.scalar(select(ZoomImport))
    client.post(f"/manage/events/{event.id}/attendance/imports/{imp.id}/confirm")
    overview = client.get(f"/manage/events/{event.id}/attendance")
    html = overview.get_data(as_text=True)
    assert overview.status_code == 200 and "Kehadiran" in html and "1 nama Zoom menunggu peninjauan" in html
    assert "participants.csv" in html and "3 dari 4 orang cocok" in html
    # The event's tabs, with ours current (the foundation's macro needs the page context to list them).
    assert f'href="/manage/events/{event.id}/attendance" aria-current="page"' in html
    assert f'href="/manage/events/{event.id}"' in html
    for path in ("review", "webhook", "presensi", "rule", "matrix"):
        resp = client.get(f"/manage/events/{event.id}/attendance/{path}")
        assert resp.status_code == 200, path
        assert "<script>" not in resp.get_data(as_text=True)
    assert client.get(f"/manage/events/{event.id}/attendance/imports/999999").status_code == 404


def test_pages_are_translated_to_english(world):
    html = world["client"].get(f"/manage/events/{world['event'].id}/attendance/review?lang=en").get_data(as_text=True)
    if "Review queue" not in html:
        pytest.skip("English catalog not compiled (make translations)")
    assert "Nothing to review." in html or "Link" in html


def test_cli_previews_confirms_and_computes(world, app, tmp_path):
    path = tmp_path / "participants.csv"
    path.write_bytes(PLAIN)
    runner = app.test_cli_runner()
    preview = runner.invoke(args=["attendance", "import-zoom", "--session", str(world["s1"].id), str(path)])
    assert preview.exit_code == 0, preview.output
    assert "preview" in preview.output and "3/4 people matched" in preview.output and _count(AttendanceInterval) == 0
    done = runner.invoke(args=["attendance", "import-zoom", "--session", str(world["s1"].id), "--confirm", str(path)])
    assert "seen before" in done.output and "attendance stored" in done.output and _count(AttendanceInterval) > 0
    result = runner.invoke(args=["attendance", "verdicts", str(world["event"].id)])
    assert result.exit_code == 0 and "of 5 participants eligible" in result.output
    bad = runner.invoke(args=["attendance", "import-zoom", "--session", "999999", str(path)])
    assert bad.exit_code != 0 and "No session" in bad.output


_RESAVED_ROWS = [
    ["Name (Original Name)", "User Email", "Join Time", "Leave Time", "Duration (Minutes)", "Guest"],
    ["José Ramos-Horta_Siti Nurhaliza", "SITI.NURHALIZA@natunakab.go.id", "08/25/2022 09:00:00 AM",
     "08/25/2022 10:15:00 AM", "75", "No"],
    ["Yohanes Tanoto", "yohanes.t@batam.go.id", "08/25/2022 09:30:00 AM", "08/25/2022 11:00:00 AM", "90", "No"],
]  # fmt: skip


@pytest.mark.parametrize(
    "encode",
    [
        lambda rows: "\r\n".join(",".join(r) for r in rows).encode("cp1252"),  # re-saved by Excel (Windows)
        lambda rows: ("\n".join("\t".join(r) for r in rows)).encode("utf-16"),  # Excel "Unicode text"
        lambda rows: ("\ufeff" + "\n".join(";".join(r) for r in rows)).encode("utf-8"),  # Indonesian locale
    ],
    ids=["cp1252", "utf16-tabs", "semicolon-bom"],
)
def test_spreadsheet_resaved_variants_preview_confirm_and_reimport(world, encode):
    data = encode(_RESAVED_ROWS)
    api = world["client"].application.test_client()
    headers = bearer(token_for(world["owner"]))
    url = f"/api/v1/events/{world['event'].id}/sessions/{world['s1'].id}/zoom-imports"
    first = api.post(
        url, data={"file": (io.BytesIO(data), "r.csv")}, content_type="multipart/form-data", headers=headers
    )
    body = first.get_json()
    assert first.status_code == 201 and body["people_matched"] == 2 and body["problems"] == []
    assert any(p["name"].startswith("José Ramos-Horta") for p in body["people_list"])
    api.post(f"/api/v1/events/{world['event'].id}/zoom-imports/{body['id']}/confirm", headers=headers)
    assert _minutes(world["people"]["siti"].id, world["s1"].id) == 75
    assert _minutes(world["people"]["yohanes"].id, world["s1"].id) == 60  # clipped at 10.30
    again = api.post(
        url, data={"file": (io.BytesIO(data), "r.csv")}, content_type="multipart/form-data", headers=headers
    )
    assert again.status_code == 200 and again.get_json()["created"] is False and again.get_json()["id"] == body["id"]
    assert _count(AttendanceInterval) == 2


def test_one_report_for_the_whole_event_previews_each_session_then_confirms_all(world):
    client, event, s1, s2 = world["client"], world["event"], world["s1"], world["s2"]
    resp = client.post(
        f"/manage/events/{event.id}/attendance/zoom",
        data={"file": (io.BytesIO(MEETING_BLOCK), "day.csv")},
        content_type="multipart/form-data",
    )
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Pratinjau dibuat untuk 2 sesi" in page and "2 pratinjau menunggu konfirmasi" in page
    assert _count(AttendanceInterval) == 0
    client.post(f"/manage/events/{event.id}/attendance/imports/confirm-all")
    rina = world["people"]["rina"].id
    assert _minutes(rina, s1.id) == 90 and _minutes(rina, s2.id) == pytest.approx(88.72, abs=0.01)
    api = client.application.test_client()
    headers = bearer(token_for(world["owner"]))
    again = api.post(
        f"/api/v1/events/{event.id}/zoom-imports",
        data={"file": (io.BytesIO(MEETING_BLOCK), "day.csv")},
        content_type="multipart/form-data",
        headers=headers,
    ).get_json()
    assert [i["created"] for i in again["items"]] == [False, False]
    assert api.post(f"/api/v1/events/{event.id}/zoom-imports/confirm", headers=headers).get_json() == {"confirmed": 0}


def test_a_report_of_another_day_is_refused_for_the_whole_event(world):
    other_day = MEETING_BLOCK.replace(b"08/25/2022", b"08/26/2022")
    api = world["client"].application.test_client()
    resp = api.post(
        f"/api/v1/events/{world['event'].id}/zoom-imports",
        data={"file": (io.BytesIO(other_day), "day.csv")},
        content_type="multipart/form-data",
        headers=bearer(token_for(world["owner"])),
    )
    assert resp.status_code == 422 and resp.get_json()["error"] == "zoom_outside_sessions"
    assert _count(ZoomImport) == 0


def test_big_reports_are_confirmed_by_a_background_job(make_app):
    from bimtek.core.models import Job

    app = make_app(ZOOM_INLINE_CONFIRM_ROWS=3)
    with app.app_context():
        owner = make_user("organizer")
        event = batam_event(owner)
        people = sample_people(event)
        client = login(app.test_client(), owner)
        s1 = sorted(event.sessions, key=lambda s: s.starts_at)[0]
        _upload(client, event, s1, PLAIN)
        imp = db.session.scalar(select(ZoomImport))
        resp = client.post(f"/manage/events/{event.id}/attendance/imports/{imp.id}/confirm")
        assert "latar belakang" in client.get(resp.headers["Location"]).get_data(as_text=True)
        job = db.session.scalar(select(Job))
        db.session.expire_all()
        assert job.kind == "zoom_import" and job.status == "done" and job.params == {"import_id": imp.id}
        assert db.session.get(ZoomImport, imp.id).status == "confirmed"
        assert _minutes(people["rina"].id, s1.id) == 90
        api = app.test_client()
        again = api.post(f"/api/v1/events/{event.id}/zoom-imports/{imp.id}/confirm", headers=bearer(token_for(owner)))
        assert again.status_code == 200 and again.get_json()["changed"] is False
