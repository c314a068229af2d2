"""Presensi: windows, the rotating code, one record per window, the participant page, throttling."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bimtek.attendance import presensi, presensi_codes
from bimtek.attendance.models import PresensiRecord
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import DomainError
from bimtek.extensions import db
from tests.factories import login, make_event, make_registration, make_user


@pytest.fixture
def world(app):
    owner = make_user("organizer")
    event = make_event(owner)
    reg = make_registration(event, mode="online")
    return {"owner": owner, "event": event, "reg": reg, "session": event.sessions[0]}


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(PresensiRecord))


def _code(window, now):
    return presensi_codes.current_code(presensi.presensi_key(), window.session_id, window.id, now)[0]


def test_code_is_accepted_once_per_window_and_expires(world):
    now = utcnow()
    window = presensi.open_window(world["event"], world["session"], "start", minutes=30, now=now)
    code = _code(window, now)
    record, created = presensi.submit_code(world["reg"], code, now=now + timedelta(seconds=30))
    assert created and record.window_id == window.id
    again, created_again = presensi.submit_code(world["reg"], code.lower(), now=now + timedelta(seconds=40))
    assert not created_again and again.id == record.id and _count() == 1
    other = make_registration(world["event"], mode="online")
    with pytest.raises(DomainError) as err:
        presensi.submit_code(other, code, now=now + timedelta(minutes=4))  # a photo passed around, too late
    assert err.value.code == "presensi_code_invalid" and _count() == 1


def test_code_outside_an_open_window_is_refused(world):
    now = utcnow()
    window = presensi.open_window(world["event"], world["session"], "end", minutes=10, now=now)
    code_later = _code(window, now + timedelta(minutes=30))
    with pytest.raises(DomainError):
        presensi.submit_code(world["reg"], code_later, now=now + timedelta(minutes=30))
    presensi.close_window(window, now=now + timedelta(minutes=1))
    code = _code(window, now + timedelta(minutes=5))
    with pytest.raises(DomainError):
        presensi.submit_code(world["reg"], code, now=now + timedelta(minutes=5))


def test_start_and_end_windows_each_get_a_record(world):
    now = utcnow()
    start = presensi.open_window(world["event"], world["session"], "start", minutes=5, now=now)
    end = presensi.open_window(world["event"], world["session"], "end", opens_at=now + timedelta(minutes=60),
                               closes_at=now + timedelta(minutes=90), now=now)  # fmt: skip
    presensi.submit_code(world["reg"], _code(start, now), now=now)
    later = now + timedelta(minutes=61)
    presensi.submit_code(world["reg"], _code(end, later), now=later)
    assert _count() == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "middle"}, "kind"),
        ({"kind": "start", "minutes": 0}, "minutes"),
        ({"kind": "start", "minutes": 9999}, "minutes"),
    ],
)
def test_bad_windows_are_refused(world, kwargs, field):
    kwargs = dict(kwargs)  # parameters are shared by both database runs
    kind = kwargs.pop("kind")
    with pytest.raises(DomainError) as err:
        presensi.open_window(world["event"], world["session"], kind, **kwargs)
    assert field in err.value.fields


def test_unconfirmed_registration_cannot_record(world):
    now = utcnow()
    window = presensi.open_window(world["event"], world["session"], "start", now=now)
    world["reg"].status = "cancelled"
    with pytest.raises(DomainError) as err:
        presensi.submit_code(world["reg"], _code(window, now), now=now)
    assert err.value.code == "presensi_not_confirmed"


def test_participant_page_types_the_code_and_remembers_the_phone(client, world):
    now = utcnow()
    window = presensi.open_window(world["event"], world["session"], "start", now=now)
    db.session.commit()
    token = world["reg"].manage_token
    code = _code(window, utcnow())
    page = client.get(f"/r/{token}/presensi?c={code}")
    assert page.status_code == 200 and code in page.get_data(as_text=True)
    assert "bimtek_presensi" in page.headers.get("Set-Cookie", "")
    # The projected QR points at /presensi?c=...; this phone now goes straight to its own page.
    forwarded = client.get(f"/presensi?c={code}")
    assert forwarded.status_code == 302 and forwarded.headers["Location"].endswith(f"/r/{token}/presensi?c={code}")
    bad = client.post(f"/r/{token}/presensi", data={"code": "ZZZZZZ"})
    assert bad.status_code == 422 and "kedaluwarsa" in bad.get_data(as_text=True)
    ok = client.post(f"/r/{token}/presensi", data={"code": code, "via": "qr"})
    assert ok.status_code == 302
    assert "Presensi tercatat" in client.get(ok.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(PresensiRecord.method)) == "qr"
    assert client.get("/r/not-a-token/presensi").status_code == 404


def test_entry_page_without_cookie_explains_what_to_do(client):
    page = client.get("/presensi?c=ABC234").get_data(as_text=True)
    assert "tautan pribadi" in page and "ABC234" in page


def test_api_submission(client, world):
    now = utcnow()
    window = presensi.open_window(world["event"], world["session"], "start", now=now)
    db.session.commit()
    body = {"manage_token": world["reg"].manage_token, "code": _code(window, utcnow())}
    first = client.post("/api/v1/presensi", json=body)
    assert first.status_code == 201 and first.get_json()["created"] is True
    assert client.post("/api/v1/presensi", json=body).status_code == 200
    assert client.post("/api/v1/presensi", json={**body, "manage_token": "x"}).status_code == 404
    assert client.post("/api/v1/presensi", json={**body, "code": "12"}).status_code == 422


def test_guessing_is_throttled(make_app):
    app = make_app(RATELIMIT_ENABLED=True, PRESENSI_RATE_LIMIT="3 per minute")
    with app.app_context():
        event = make_event(make_user("organizer"))
        reg = make_registration(event, mode="online")
        presensi.open_window(event, event.sessions[0], "start")
        db.session.commit()
        client = app.test_client()
        codes = [client.post(f"/r/{reg.manage_token}/presensi", data={"code": "ZZZZZ2"}).status_code for _ in range(5)]
        assert codes[:3] == [422, 422, 422] and codes[3] == 429
        api = [
            client.post("/api/v1/presensi", json={"manage_token": reg.manage_token, "code": "ZZZZZ2"}).status_code
            for _ in range(5)
        ]
        assert api[3] == 429


def test_organizer_opens_a_window_and_projects_the_rotating_code(client, world):
    login(client, world["owner"])
    event = world["event"]
    resp = client.post(
        f"/manage/events/{event.id}/attendance/presensi",
        data={"session_id": str(world["session"].id), "kind": "start", "minutes": "30"},
    )
    assert resp.status_code == 302 and "/projector" in resp.headers["Location"]
    page = client.get(resp.headers["Location"])
    html = page.get_data(as_text=True)
    assert "<script>" not in html and re.search(r'<script src="[^"]+attendance_projector\.js"', html)
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    window_id = int(resp.headers["Location"].split("/presensi/")[1].split("/")[0])
    state = client.get(f"/manage/events/{event.id}/attendance/presensi/{window_id}/code").get_json()
    assert state["open"] and len(state["code"]) == 6 and state["qr"].startswith("data:image/svg+xml;base64,")
    assert state["url"].endswith(f"/presensi?c={state['code']}")
    listing = client.get(f"/manage/events/{event.id}/attendance/presensi").get_data(as_text=True)
    assert "Tayangkan" in listing
    client.post(f"/manage/events/{event.id}/attendance/presensi/{window_id}/close")
    assert client.get(f"/manage/events/{event.id}/attendance/presensi/{window_id}/code").get_json()["open"] is False


def test_projector_script_exists_and_has_no_inline_handlers():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "static" / "js" / "attendance_projector.js").read_text()
    assert "data-code-url" in text and "eval(" not in text


def test_scheduling_start_and_end_windows_for_every_session(client, world):
    login(client, world["owner"])
    event = world["event"]
    resp = client.post(f"/manage/events/{event.id}/attendance/presensi/schedule")
    assert "4 jendela presensi dijadwalkan" in client.get(resp.headers["Location"]).get_data(as_text=True)
    windows = presensi.windows(event.id)
    s1 = event.sessions[0]
    first = [w for w in windows if w.session_id == s1.id]
    assert [(w.kind, w.closes_at - w.opens_at) for w in first] == [
        ("start", timedelta(minutes=30)),
        ("end", timedelta(minutes=30)),
    ]
    assert as_utc(first[1].closes_at) == as_utc(s1.ends_at)
    client.post(f"/manage/events/{event.id}/attendance/presensi/schedule")
    assert len(presensi.windows(event.id)) == 4  # nothing planned twice
    page = client.get(f"/manage/events/{event.id}/attendance/presensi/{first[0].id}/projector").get_data(as_text=True)
    assert "belum dibuka" in page  # the session is in 2030
