"""Venue check-in through the JSON API: every answer code, idempotent nonces, offline batches, the log."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bimtek.checkin.models import CheckIn
from bimtek.core.models import AuditLog
from bimtek.extensions import db
from bimtek.registration import services as registration_services
from tests.factories import bearer, make_event, make_registration, make_user, token_for
from tests.factories_checkin import make_scanner, ticket_text


@pytest.fixture
def setup(app):
    event = make_event()
    staff = make_scanner(event)
    return event, staff, bearer(token_for(staff))


def scan(client, h, event, ticket, **extra):
    return client.post("/api/v1/checkins", json={"ticket": ticket, "event_id": event.id, **extra}, headers=h)


def count_rows():
    return db.session.scalar(select(db.func.count()).select_from(CheckIn))


def test_scan_ok_then_already_checked_in_with_first_scan(client, setup):
    event, staff, h = setup
    reg = make_registration(event)
    first = scan(client, h, event, ticket_text(reg), gate="Pintu A")
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["status"] == "ok"
    assert body["registration"]["name"] == reg.full_name and body["registration"]["mode"] == "onsite"
    assert "email" not in body["registration"] and "nip" not in body["registration"]
    again = scan(client, h, event, ticket_text(reg), gate="Pintu B")
    assert again.status_code == 200
    data = again.get_json()
    assert data["status"] == "error" and data["reason"] == "already_checked_in"
    assert data["first_checkin"]["gate"] == "Pintu A"
    assert data["first_checkin"]["staff"] == staff.email
    assert data["first_checkin"]["scanned_at"].startswith(body["checkin"]["scanned_at"][:16])
    assert count_rows() == 1


def test_typed_code_checks_in(client, setup):
    event, _staff, h = setup
    reg = make_registration(event)
    typed = reg.code[:4].lower() + "-" + reg.code[4:].lower()
    resp = scan(client, h, event, typed)
    assert resp.status_code == 201 and resp.get_json()["registration"]["code"] == reg.code


def test_same_nonce_twice_is_one_row(client, setup):
    event, _staff, h = setup
    reg = make_registration(event)
    one = scan(client, h, event, ticket_text(reg), nonce="nonce-abc-123")
    two = scan(client, h, event, ticket_text(reg), nonce="nonce-abc-123")
    assert one.status_code == two.status_code == 201
    assert two.get_json()["checkin"]["replay"] is True
    assert two.get_json()["checkin"]["id"] == one.get_json()["checkin"]["id"]
    assert count_rows() == 1


@pytest.mark.parametrize(
    ("status", "mode", "reason"),
    [("cancelled", "onsite", "cancelled"), ("waitlisted", "onsite", "not_confirmed"),
     ("pending", "onsite", "not_confirmed"), ("rejected", "onsite", "not_confirmed"),
     ("confirmed", "online", "online_mode")],
)  # fmt: skip
def test_refusals_record_nothing(client, setup, status, mode, reason):
    event, _staff, h = setup
    reg = make_registration(event, mode=mode)
    reg.status = status
    db.session.commit()
    resp = scan(client, h, event, ticket_text(reg))
    assert resp.status_code == 200
    assert resp.get_json()["reason"] == reason
    assert resp.get_json()["registration"]["code"] == reg.code
    assert count_rows() == 0


def test_cancel_through_service_then_scan(client, setup):
    event, _staff, h = setup
    reg = make_registration(event)
    registration_services.cancel_registration(reg)
    db.session.commit()
    assert scan(client, h, event, ticket_text(reg)).get_json()["reason"] == "cancelled"


def test_online_registrant_admitted_by_organizer_override(client, setup):
    event, _staff, h = setup
    reg = make_registration(event, mode="online")
    assert scan(client, h, event, ticket_text(reg), override=True).status_code == 403  # check-in staff may not
    organizer = make_scanner(event, "organizer")
    resp = scan(client, bearer(token_for(organizer)), event, ticket_text(reg), override=True)
    assert resp.status_code == 201
    assert "admitted_online_override" in resp.get_json()["checkin"]["flags"]
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "checkin.online_override")) is not None


def test_wrong_event_records_nothing(client, setup):
    event, _staff, h = setup
    other = make_event(title="Bimtek Lain")
    reg_b = make_registration(other)
    resp = scan(client, h, event, ticket_text(reg_b))
    assert resp.status_code == 200 and resp.get_json()["reason"] == "wrong_event"
    assert "registration" not in resp.get_json()  # nothing about another event's participant
    assert scan(client, h, event, reg_b.code).get_json()["reason"] == "wrong_event"
    assert count_rows() == 0


def _flip(text: str, index: int) -> str:
    blob = bytearray(base64.b32decode(text[3:]))
    blob[index] ^= 0x01
    return "BT1" + base64.b32encode(bytes(blob)).decode()


@pytest.mark.parametrize("index", [1, 7, 15, 16, 50, 79])  # event id, ticket id, signature bytes
def test_flipped_byte_is_invalid(client, setup, index):
    event, _staff, h = setup
    reg = make_registration(event)
    resp = scan(client, h, event, _flip(ticket_text(reg), index))
    assert resp.status_code == 404, resp.get_json()
    body = resp.get_json()
    assert body["reason"] == "invalid" and body["error"] == "invalid" and "message" in body
    assert count_rows() == 0


def test_reissued_ticket_is_invalid(client, setup):
    event, _staff, h = setup
    reg = make_registration(event)
    old = ticket_text(reg)
    reg.ticket_id = registration_services.new_ticket_id()
    db.session.commit()
    assert scan(client, h, event, old).status_code == 404
    assert scan(client, h, event, ticket_text(reg)).status_code == 201


@pytest.mark.parametrize("ticket", ["", "hello world", "BT1ABC", "O0O0-1111", "x" * 400, "ABCD23456"])
def test_malformed(client, setup, ticket):
    event, _staff, h = setup
    resp = scan(client, h, event, ticket)
    assert resp.status_code == 400 and resp.get_json()["reason"] == "malformed"


def test_unknown_code_is_invalid(client, setup):
    event, _staff, h = setup
    assert scan(client, h, event, "ABCD-2345").status_code == 404


@pytest.mark.parametrize(
    "payload",
    [{"ticket": "ABCD2345"}, {"ticket": "ABCD2345", "event_id": "1"}, {"ticket": 5, "event_id": 1}],
)
def test_malformed_body(client, setup, payload):
    event, _staff, h = setup
    if payload.get("event_id") == 1:
        payload["event_id"] = event.id
    assert client.post("/api/v1/checkins", json=payload, headers=h).status_code == 400


def test_bad_fields_are_422(client, setup):
    event, _staff, h = setup
    reg = make_registration(event)
    assert scan(client, h, event, ticket_text(reg), kind="sideways").status_code == 422
    assert scan(client, h, event, ticket_text(reg), session_id=999999).status_code == 422
    assert scan(client, h, event, ticket_text(reg), nonce="no spaces allowed").status_code == 422
    assert scan(client, h, event, ticket_text(reg), scanned_at="kemarin").status_code == 400
    assert count_rows() == 0


def test_unassigned_staff_gets_403(client, setup):
    event, _staff, _h = setup
    reg = make_registration(event)
    outsider = make_user("checkin")
    resp = scan(client, bearer(token_for(outsider)), event, ticket_text(reg))
    assert resp.status_code == 403
    assert client.post("/api/v1/checkins", json={"ticket": "x", "event_id": event.id}).status_code == 401
    assert count_rows() == 0


def test_sessions_and_days_are_separate_slots(client, setup):
    event, _staff, h = setup
    reg = make_registration(event)
    s1, s2 = event.sessions
    assert scan(client, h, event, ticket_text(reg), session_id=s1.id).status_code == 201
    assert scan(client, h, event, ticket_text(reg), session_id=s2.id).status_code == 201
    assert scan(client, h, event, ticket_text(reg)).status_code == 201  # the day
    assert scan(client, h, event, ticket_text(reg), session_id=s1.id).get_json()["reason"] == "already_checked_in"
    exit_ = scan(client, h, event, ticket_text(reg), session_id=s1.id, kind="exit")
    assert exit_.status_code == 201
    assert count_rows() == 4


def test_undo_lets_the_person_in_again_and_is_audited(client, setup):
    event, _staff, h = setup
    reg = make_registration(event)
    first = scan(client, h, event, ticket_text(reg)).get_json()["checkin"]["id"]
    url = f"/api/v1/events/{event.id}/checkins/{first}/undo"
    assert client.post(url, headers=h).status_code == 403  # check-in staff may not undo
    organizer = make_scanner(event, "organizer")
    oh = bearer(token_for(organizer))
    undone = client.post(url, json={"reason": "salah orang"}, headers=oh)
    assert undone.status_code == 200 and undone.get_json()["undone_at"]
    assert client.post(url, headers=oh).status_code == 409
    assert scan(client, h, event, ticket_text(reg)).status_code == 201
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "checkin.undo"))
    assert audit.actor_user_id == organizer.id and audit.details["reason"] == "salah orang"
    other = make_event(title="Lain")
    make_scanner(other, "organizer")
    assert client.post(f"/api/v1/events/{other.id}/checkins/{first}/undo", headers=oh).status_code == 404


def test_offline_batch_resend_and_second_device(client, setup):
    event, _staff, h = setup
    a, b = make_registration(event), make_registration(event)
    then = (datetime.now(UTC) - timedelta(minutes=30)).isoformat()
    items = [
        {"ticket": ticket_text(a), "nonce": "dev1-0001", "scanned_at": then, "gate": "A", "device": "hp-1"},
        {"ticket": ticket_text(b), "nonce": "dev1-0002", "scanned_at": then, "gate": "A", "device": "hp-1"},
        {"ticket": "rusak", "nonce": "dev1-0003"},
    ]
    resp = client.post("/api/v1/checkins/batch", json={"event_id": event.id, "items": items}, headers=h)
    assert resp.status_code == 200
    results = resp.get_json()["results"]
    assert [r["status"] for r in results] == ["ok", "ok", "error"] and results[2]["reason"] == "malformed"
    assert "late_upload" in results[0]["checkin"]["flags"]
    # The same batch again (the answer was lost): nothing new.
    again = client.post("/api/v1/checkins/batch", json={"event_id": event.id, "items": items}, headers=h).get_json()
    assert [r["status"] for r in again["results"]] == ["ok", "ok", "error"]
    assert count_rows() == 2
    # A second phone admitted A too while offline: kept and flagged, answered as already checked in.
    dup = {"ticket": ticket_text(a), "nonce": "dev2-0001", "scanned_at": then, "gate": "B", "device": "hp-2"}
    second = client.post("/api/v1/checkins/batch", json={"event_id": event.id, "items": [dup]}, headers=h).get_json()
    assert second["results"][0]["reason"] == "already_checked_in" and second["results"][0]["flagged"] is True
    assert count_rows() == 3
    resend = client.post("/api/v1/checkins/batch", json={"event_id": event.id, "items": [dup]}, headers=h).get_json()
    assert resend["results"][0]["flagged"] is True
    assert count_rows() == 3
    flagged = client.get(f"/api/v1/events/{event.id}/checkins?flagged=1", headers=h).get_json()
    assert flagged["total"] == 1 and "duplicate_offline" in flagged["items"][0]["flags"]
    stats = client.get(f"/api/v1/events/{event.id}/checkins/stats", headers=h).get_json()
    day = next(s for s in stats["slots"] if s["checked_in"]["total"])
    assert (
        day["session_id"] is None
        and day["checked_in"]["onsite"] == 2
        and stats["flagged"] == 1
        and stats["expected"]["onsite"] == 2
    )


def test_batch_rejects_bad_shape(client, setup):
    event, _staff, h = setup
    assert (
        client.post("/api/v1/checkins/batch", json={"event_id": event.id, "items": "x"}, headers=h).status_code == 400
    )
    big = {"event_id": event.id, "items": [{}] * 501}
    assert client.post("/api/v1/checkins/batch", json=big, headers=h).status_code == 400


def test_log_stats_sync_and_search(client, setup):
    event, _staff, h = setup
    a = make_registration(event, full_name="Siti Rahmawati", institution_name="Diskominfo Kota Batam")
    c = make_registration(event)
    z = make_registration(event, mode="online", full_name="Hanya Zoom")
    registration_services.cancel_registration(c)
    db.session.commit()
    scan(client, h, event, ticket_text(a), gate="Utama")
    log = client.get(f"/api/v1/events/{event.id}/checkins", headers=h).get_json()
    assert (
        log["total"] == 1
        and log["items"][0]["gate"] == "Utama"
        and log["items"][0]["registration"]["name"] == "Siti Rahmawati"
    )
    sync = client.get(f"/api/v1/events/{event.id}/checkin-sync", headers=h).get_json()
    assert base64.b64decode(sync["public_key"]) == event.ticket_public_key
    assert {t["ticket_id"] for t in sync["tickets"]} == {a.ticket_id, z.ticket_id}
    assert next(t for t in sync["tickets"] if t["ticket_id"] == z.ticket_id).keys() == {"ticket_id", "code", "mode"}
    assert sync["revoked"][0]["ticket_id"] == c.ticket_id and sync["revoked"][0]["status"] == "cancelled"
    assert sync["admitted"][0]["ticket_id"] == a.ticket_id
    found = client.get(f"/api/v1/events/{event.id}/checkin-search?q=siti", headers=h).get_json()["items"]
    assert [r["code"] for r in found] == [a.code]
    found = client.get(f"/api/v1/events/{event.id}/checkin-search?q=kota batam", headers=h).get_json()["items"]
    assert [r["code"] for r in found] == [a.code]
    [cancelled] = client.get(f"/api/v1/events/{event.id}/checkin-search?q={c.code}", headers=h).get_json()["items"]
    assert (cancelled["status_label"], cancelled["can_check_in"]) == ("Dibatalkan", False)
    [usable] = client.get(f"/api/v1/events/{event.id}/checkin-search?q={a.code}", headers=h).get_json()["items"]
    assert (usable["status_label"], usable["can_check_in"]) == ("Terkonfirmasi", True)
    assert (
        client.get(f"/api/v1/events/{event.id}/checkin-search?q={a.code}", headers=h).get_json()["items"][0]["id"]
        == a.id
    )
    outsider = bearer(token_for(make_user("checkin")))
    for path in ("checkins", "checkins/stats", "checkin-sync", "checkin-search?q=siti"):
        assert client.get(f"/api/v1/events/{event.id}/{path}", headers=outsider).status_code in (403, 404)


def test_walk_in_registers_and_checks_in_subject_to_seats(client, app):
    event = make_event(onsite_capacity=1)
    staff = make_scanner(event)
    h = bearer(token_for(staff))
    person = {
        "full_name": "Andi Wijaya", "email": "andi@batam.go.id", "phone": "081298765432",
        "employment_status": "non_asn", "position": "Staf", "institution_type": "kabkota",
        "institution_name": "Pemkot Batam", "work_unit": "Diskominfo", "province_code": "21",
        "regency_code": "21.71", "consent": True, "gate": "Meja",
    }  # fmt: skip
    resp = client.post(f"/api/v1/events/{event.id}/walkins", json=person, headers=h)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["checkin"]["source"] == "walkin"
    full = client.post(f"/api/v1/events/{event.id}/walkins", json={**person, "email": "budi@batam.go.id"}, headers=h)
    assert full.status_code == 409 and full.get_json()["error"] == "full"
    bad = client.post(f"/api/v1/events/{event.id}/walkins", json={**person, "email": "x"}, headers=h)
    assert bad.status_code == 422 and "email" in bad.get_json()["fields"]
    from bimtek.registration.models import Registration

    assert db.session.scalar(select(db.func.count()).select_from(Registration)) == 1
    assert count_rows() == 1


def test_scanner_page_session_needs_csrf_header(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        event = make_event()
        staff = make_scanner(event)
        reg = make_registration(event)
        client = app.test_client()
        page = client.get("/login")
        import re

        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
        client.post("/login", data={"email": staff.email, "password": "correct-horse-battery", "csrf_token": token})
        body = {"ticket": ticket_text(reg), "event_id": event.id}
        assert client.post("/api/v1/checkins", json=body).status_code == 400  # no CSRF header
        assert client.post("/api/v1/checkins", json=body, headers={"X-CSRFToken": token}).status_code == 201


def test_openapi_documents_checkin_routes(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    for path in ("/checkins", "/checkins/batch", "/events/{event_id}/checkins", "/events/{event_id}/checkins/stats",
                 "/events/{event_id}/checkin-sync"):  # fmt: skip
        assert path in doc["paths"], path
    assert "CheckInResult" in doc["components"]["schemas"]
