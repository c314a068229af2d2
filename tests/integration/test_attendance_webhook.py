"""The Zoom webhook endpoint: Zoom's signature over the raw body, URL validation, stale and duplicate requests."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bimtek.attendance import webhooks
from bimtek.attendance.models import AttendanceInterval, WebhookDelivery
from bimtek.core.time import as_utc
from bimtek.extensions import db
from tests.factories import login, make_event, make_registration, make_user
from tests.factories_attendance import webhook_body, zoom_signature

SECRET = "z00m-secret-token-abc"


@pytest.fixture
def world(app):
    owner = make_user("organizer")
    event = make_event(owner)
    webhooks.save_webhook_config(event, SECRET, "812 3456 7890")
    reg = make_registration(event, email="rina.marlina@kepriprov.go.id", mode="online", full_name="Rina Marlina")
    db.session.commit()
    start = event.sessions[0].starts_at
    return {"owner": owner, "event": event, "reg": reg, "start": start, "url": f"/api/v1/zoom/webhook/{event.id}"}


def _post(client, url, body: bytes, *, secret=SECRET, ts: str | None = None, signature: str | None = None):
    ts = ts or str(int(time.time()))
    headers = {
        "x-zm-request-timestamp": ts,
        "x-zm-signature": signature or zoom_signature(secret, ts, body),
        "Content-Type": "application/json",
    }
    return client.post(url, data=body, headers=headers)


def _intervals(reg_id):
    return db.session.execute(
        select(AttendanceInterval.session_id, AttendanceInterval.start, AttendanceInterval.end)
        .where(AttendanceInterval.registration_id == reg_id)
        .order_by(AttendanceInterval.session_id)
    ).all()


def test_url_validation_is_answered_exactly(client, world):
    body = json.dumps(
        {"event": "endpoint.url_validation", "payload": {"plainToken": "qgg8vlvZRS6UYooatFL8Aw"}}
    ).encode()
    resp = _post(client, world["url"], body)
    assert resp.status_code == 200
    expected = hmac.new(SECRET.encode(), b"qgg8vlvZRS6UYooatFL8Aw", hashlib.sha256).hexdigest()
    assert resp.get_json() == {"plainToken": "qgg8vlvZRS6UYooatFL8Aw", "encryptedToken": expected}


def test_join_and_leave_credit_the_registration_by_email_split_per_session(client, world):
    start, reg = world["start"], world["reg"]
    joined = webhook_body(
        "meeting.participant_joined", at=start + timedelta(minutes=5), email="Rina.Marlina@kepriprov.go.id"
    )
    left = webhook_body(
        "meeting.participant_left", at=start + timedelta(minutes=120), email="rina.marlina@kepriprov.go.id"
    )
    assert _post(client, world["url"], joined).get_json() == {"status": "recorded", "matched": True}
    open_rows = _intervals(reg.id)
    assert len(open_rows) == 2 and all(end is None for _, _, end in open_rows)  # still in the meeting
    assert _post(client, world["url"], left).status_code == 200
    rows = _intervals(reg.id)
    minutes = [round((as_utc(e) - as_utc(s)).total_seconds() / 60) for _, s, e in rows]
    assert minutes == [85, 30]  # 09.05-10.30 in session 1, 10.30-11.00 in session 2


def test_leave_arriving_before_join_still_pairs(client, world):
    start, reg = world["start"], world["reg"]
    left = webhook_body("meeting.participant_left", at=start + timedelta(minutes=60), email=reg.email)
    joined = webhook_body("meeting.participant_joined", at=start + timedelta(minutes=10), email=reg.email)
    _post(client, world["url"], left)
    _post(client, world["url"], joined)
    ((_, s, e),) = _intervals(reg.id)
    assert (e - s) == timedelta(minutes=50)


def test_registrant_id_wins_and_display_name_alone_never_credits(client, world):
    reg, start = world["reg"], world["start"]
    reg.zoom_registrant_id = "RegAbC123"
    db.session.commit()
    by_id = webhook_body("webinar.participant_joined", at=start, registrant_id="RegAbC123", email="lain@contoh.go.id",
                         participant_uuid="p-1")  # fmt: skip
    assert _post(client, world["url"], by_id).get_json()["matched"] is True
    by_name = webhook_body("meeting.participant_joined", at=start, user_name="Rina Marlina", participant_uuid="p-2")
    assert _post(client, world["url"], by_name).get_json() == {"status": "recorded", "matched": False}
    assert {d.match_kind for d in db.session.scalars(select(WebhookDelivery))} == {"registrant_id", "none"}


def test_the_same_delivery_twice_is_counted_once(client, world):
    body = webhook_body("meeting.participant_joined", at=world["start"], email=world["reg"].email)
    assert _post(client, world["url"], body).get_json()["status"] == "recorded"
    assert _post(client, world["url"], body).get_json() == {"status": "duplicate"}
    assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 1
    assert len(_intervals(world["reg"].id)) == 2


def _flip(text: str, index: int) -> str:
    ch = text[index]
    return text[:index] + ("0" if ch != "0" else "1") + text[index + 1 :]


def test_one_flipped_character_of_the_signature_is_refused(client, world):
    body = webhook_body("meeting.participant_joined", at=world["start"], email=world["reg"].email)
    ts = str(int(time.time()))
    good = zoom_signature(SECRET, ts, body)
    resp = _post(client, world["url"], body, ts=ts, signature=_flip(good, 20))
    assert resp.status_code == 401 and resp.get_json()["error"] == "webhook_bad_signature"
    assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0


def test_a_reserialised_body_is_refused(client, world):
    body = webhook_body("meeting.participant_joined", at=world["start"], email=world["reg"].email)
    ts = str(int(time.time()))
    signature = zoom_signature(SECRET, ts, body)
    reserialised = json.dumps(json.loads(body), indent=1).encode()
    assert _post(client, world["url"], reserialised, ts=ts, signature=signature).status_code == 401


def test_wrong_secret_and_missing_headers_are_refused(client, world):
    body = webhook_body("meeting.participant_joined", at=world["start"], email=world["reg"].email)
    assert _post(client, world["url"], body, secret="another-secret-token").status_code == 401
    assert client.post(world["url"], data=body, headers={"Content-Type": "application/json"}).status_code == 401


def test_a_stale_timestamp_is_refused_even_with_a_valid_signature(client, world):
    body = webhook_body("meeting.participant_joined", at=world["start"], email=world["reg"].email)
    old = str(int(time.time()) - 6 * 60)
    resp = _post(client, world["url"], body, ts=old)
    assert resp.status_code == 401 and resp.get_json()["error"] == "webhook_stale"


def test_other_meetings_and_other_events_are_ignored(client, world):
    other_meeting = webhook_body("meeting.participant_joined", at=world["start"], email=world["reg"].email,
                                 meeting_id="99999999999")  # fmt: skip
    assert _post(client, world["url"], other_meeting).get_json()["status"] == "ignored"
    ignored = json.dumps({"event": "meeting.started", "payload": {"object": {"id": "81234567890"}}}).encode()
    assert _post(client, world["url"], ignored).get_json() == {"status": "ignored"}
    unconfigured = make_event(world["owner"])
    body = webhook_body("meeting.participant_joined", at=world["start"], email=world["reg"].email)
    assert _post(client, f"/api/v1/zoom/webhook/{unconfigured.id}", body).status_code == 404


def test_webhook_is_public_and_csrf_exempt(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        owner = make_user("organizer")
        event = make_event(owner)
        webhooks.save_webhook_config(event, SECRET, [])
        db.session.commit()
        body = json.dumps({"event": "endpoint.url_validation", "payload": {"plainToken": "abc"}}).encode()
        resp = _post(app.test_client(), f"/api/v1/zoom/webhook/{event.id}", body)
        assert resp.status_code == 200 and resp.get_json()["plainToken"] == "abc"


def test_settings_page_saves_secret_and_shows_endpoint(client, world):
    login(client, world["owner"])
    page = client.get(f"/manage/events/{world['event'].id}/attendance/webhook").get_data(as_text=True)
    assert f"/api/v1/zoom/webhook/{world['event'].id}" in page and SECRET not in page
    bad = client.post(
        f"/manage/events/{world['event'].id}/attendance/webhook", data={"secret_token": "", "meeting_ids": "12"}
    )
    assert bad.status_code == 422
    ok = client.post(
        f"/manage/events/{world['event'].id}/attendance/webhook",
        data={"secret_token": "new-secret-value", "meeting_ids": "812 3456 7890, 845 1111 2222"},
    )
    assert ok.status_code == 302
    config = webhooks.webhook_config(world["event"].id)
    assert config.secret_token == "new-secret-value" and config.meeting_ids == ["81234567890", "84511112222"]


def test_now_is_a_parameter_of_the_service(world):
    body = webhook_body("meeting.participant_joined", at=world["start"], email=world["reg"].email)
    ts = "1661400000"  # 25 August 2022, 04.00 UTC
    headers = {"x-zm-request-timestamp": ts, "x-zm-signature": zoom_signature(SECRET, ts, body)}
    at = datetime.fromtimestamp(1661400000 + 120, tz=UTC)
    assert webhooks.handle_webhook(world["event"].id, body, headers, now=at)["status"] == "recorded"
