"""Bad input to the attendance API: a clear message and a 4xx, never a 500, and nothing stored."""

from __future__ import annotations

import io
import json
import time

import pytest
from sqlalchemy import func, select

from bimtek.attendance import services, webhooks
from bimtek.attendance.models import EligibilityRule, EligibilityVerdict, NameLink, WebhookDelivery
from bimtek.extensions import db
from tests.factories import bearer, make_user, token_for
from tests.factories_attendance import batam_event, sample_people, zoom_signature
from tests.unit.test_zoom_csv import PLAIN


@pytest.fixture
def world(app):
    owner = make_user("organizer")
    event = batam_event(owner)
    people = sample_people(event)
    imp, _ = services.upload_report(event, event.sessions[0], "p.csv", PLAIN, user=owner)
    services.confirm_import(imp, user=owner)
    webhooks.save_webhook_config(event, "secret-token-123", [])
    db.session.commit()
    row = services.review_queue(event.id)[0]
    return {"event": event, "people": people, "row": row, "headers": bearer(token_for(owner))}


def _total(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("post", "/zoom-review/{row}/link", {"registration_id": "abc"}, 422),
        ("post", "/zoom-review/{row}/link", {"registration_id": None}, 422),
        ("post", "/zoom-review/{row}/link", {"registration_id": 10**9}, 422),
        ("post", "/zoom-review/{row}/link", "not an object", 400),
        ("put", "/eligibility-rule", {"min_session_percent": True}, 422),
        ("put", "/eligibility-rule", {"min_session_percent": "seventy"}, 422),
        ("put", "/eligibility-rule", {"min_session_percent": -1}, 422),
        ("put", "/eligibility-rule", {"jp_minutes": 0}, 422),
        ("put", "/eligibility-rule", [], 400),
        ("get", "/zoom-review?status=everything", None, 400),
        ("get", "/zoom-imports/999999", None, 404),
        ("post", "/zoom-imports/999999/confirm", None, 404),
    ],
)
def test_event_api_refuses_bad_input_cleanly(client, world, method, path, body, status):
    url = f"/api/v1/events/{world['event'].id}" + path.format(row=world["row"].id)
    kwargs = {"headers": world["headers"]}
    if body is not None:
        kwargs["data"] = json.dumps(body)
        kwargs["content_type"] = "application/json"
    resp = getattr(client, method)(url, **kwargs)
    assert resp.status_code == status, resp.get_json()
    payload = resp.get_json()
    assert set(payload) >= {"error", "message", "fields"} and payload["message"]
    assert _total(NameLink) == 0 and _total(EligibilityRule) == 0 and _total(EligibilityVerdict) == 0


@pytest.mark.parametrize(
    "body",
    [{"eligible": "yes", "reason": "karena saya mau"}, {"eligible": True, "reason": "   "}, {"eligible": True}],
)
def test_override_refuses_bad_input(client, world, body):
    reg = world["people"]["siti"]
    resp = client.post(f"/api/v1/registrations/{reg.id}/verdict/override", json=body, headers=world["headers"])
    assert resp.status_code == 422 and resp.get_json()["message"]
    assert (
        db.session.scalar(select(EligibilityVerdict.override).where(EligibilityVerdict.registration_id == reg.id))
        is None
    )


@pytest.mark.parametrize(
    "raw",
    [b"not json", b"[1, 2]", b'{"event": "meeting.participant_joined", "payload": []}',
     b'{"event": "endpoint.url_validation", "payload": {"plainToken": 5}}', "\u00ff".encode("latin-1")],
)  # fmt: skip
def test_signed_but_malformed_webhooks_are_400(client, world, raw):
    ts = str(int(time.time()))
    resp = client.post(
        f"/api/v1/zoom/webhook/{world['event'].id}",
        data=raw,
        headers={"x-zm-request-timestamp": ts, "x-zm-signature": zoom_signature("secret-token-123", ts, raw)},
        content_type="application/json",
    )
    assert resp.status_code == 400 and resp.get_json()["message"]
    assert _total(WebhookDelivery) == 0


@pytest.mark.parametrize(
    "body",
    [{}, {"manage_token": 5, "code": "ABC234"}, {"manage_token": "x" * 500, "code": None}],
)
def test_presensi_api_refuses_bad_input(client, world, body):
    resp = client.post("/api/v1/presensi", json=body)
    assert resp.status_code in (404, 422) and resp.get_json()["message"]


def test_html_upload_without_a_file_and_bad_pages(client, world):
    from tests.factories import login

    owner_id = world["event"].id
    login(client, make_user("admin"))
    resp = client.post(f"/manage/events/{owner_id}/attendance/sessions/{world['event'].sessions[0].id}/zoom", data={})
    assert resp.status_code == 302
    assert client.get(f"/manage/events/{owner_id}/attendance/matrix?page=abc&verdict=zzz").status_code == 200
    assert client.post(f"/manage/events/{owner_id}/attendance/presensi", data={"session_id": "x"}).status_code == 404
    resp = client.post(
        f"/manage/events/{owner_id}/attendance/sessions/{world['event'].sessions[0].id}/zoom",
        data={"file": (io.BytesIO(b"\x00\x01\x02"), "x.csv")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
