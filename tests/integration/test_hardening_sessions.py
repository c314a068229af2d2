"""Sessions end on the server: a cookie captured before logout, a password change, deactivation or
"sign out everywhere" admits nobody afterwards, on pages and on the check-in API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from bimtek.accounts.models import StaffSession, User
from bimtek.core.time import utcnow
from bimtek.extensions import db
from tests.factories import PASSWORD, login, make_event, make_registration, make_user, token_for
from tests.factories_checkin import make_scanner, ticket_text

NEW_PASSWORD = "gunung-lawu-berkabut-88"


def captured(client) -> str:
    """The session cookie exactly as an attacker would copy it."""
    return client.get_cookie("session").value


def replay(app, cookie: str):
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other


def scan_body(event):
    return {"ticket": ticket_text(make_registration(event)), "event_id": event.id}


@pytest.fixture
def door(app):
    """An event, a check-in staff member signed in through the login form, and their captured cookie."""
    event = make_event()
    staff = make_scanner(event)
    client = login(app.test_client(), staff)
    cookie = captured(client)
    # The captured cookie works before anything happens: on a page and on the check-in API.
    assert replay(app, cookie).get("/manage/events").status_code == 200
    assert replay(app, cookie).post("/api/v1/checkins", json=scan_body(event)).status_code == 201
    return event, staff, client, cookie


def assert_dead(app, event, cookie):
    page = replay(app, cookie).get("/manage/events")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    api = replay(app, cookie).post("/api/v1/checkins", json=scan_body(event))
    assert api.status_code == 401 and api.get_json()["error"] == "unauthorized"


def test_logout_ends_the_captured_cookie_and_every_other_session(app, door):
    event, staff, client, cookie = door
    laptop = login(app.test_client(), staff)
    client.post("/logout")
    assert_dead(app, event, cookie)
    assert laptop.get("/manage/events").status_code == 302  # logout ends every session of the user


def test_password_change_ends_every_session_but_keeps_this_browser(app, door):
    event, staff, client, cookie = door
    laptop = login(app.test_client(), staff)
    resp = client.post(
        "/account/password", data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert resp.status_code == 302
    assert client.get("/manage/events").status_code == 200  # the browser that changed it stays signed in
    assert laptop.get("/manage/events").status_code == 302
    assert_dead(app, event, cookie)


def test_admin_password_change_ends_every_session(app, door):
    event, staff, _client, cookie = door
    admin = login(app.test_client(), make_user("admin"))
    resp = admin.post(
        f"/manage/users/{staff.id}",
        data={"email": staff.email, "name": "", "role": "checkin", "active": "y", "password": NEW_PASSWORD},
    )
    assert resp.status_code == 302
    assert_dead(app, event, cookie)


def test_deactivation_ends_every_session(app, door):
    event, staff, _client, cookie = door
    admin = login(app.test_client(), make_user("admin"))
    resp = admin.post(f"/manage/users/{staff.id}", data={"email": staff.email, "name": "", "role": "checkin"})
    assert resp.status_code == 302 and db.session.get(User, staff.id).active is False
    assert_dead(app, event, cookie)
    # Reactivating does not bring the old sessions back.
    admin.post(f"/manage/users/{staff.id}", data={"email": staff.email, "role": "checkin", "active": "y"})
    assert_dead(app, event, cookie)


def test_admin_signs_a_user_out_everywhere(app, door):
    event, staff, _client, cookie = door
    phone = login(app.test_client(), staff)
    admin = login(app.test_client(), make_user("admin"))
    page = admin.get(f"/manage/users/{staff.id}/sessions").get_data(as_text=True)
    assert page.count("<tr>") >= 3  # header + two live sessions
    resp = admin.post(f"/manage/users/{staff.id}/sessions/end-all", follow_redirects=True)
    assert "2 sesi" in resp.get_data(as_text=True)
    assert phone.get("/manage/events").status_code == 302
    assert_dead(app, event, cookie)


def test_user_signs_out_everywhere_themselves(app, door):
    event, staff, client, cookie = door
    other = login(app.test_client(), staff)
    assert other.post("/account/sessions/end-all").status_code == 302
    assert other.get("/manage/events").status_code == 302
    assert_dead(app, event, cookie)


def test_sessions_expire_after_inactivity_and_absolutely(make_app):
    app = make_app(SESSION_IDLE_MINUTES=30, SESSION_MAX_DAYS=7)
    with app.app_context():
        user = make_user("organizer")
        client = login(app.test_client(), user)
        assert client.get("/manage/events").status_code == 200
        db.session.execute(update(StaffSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
        db.session.commit()
        assert client.get("/manage/events").status_code == 302

        client = login(app.test_client(), user)
        db.session.execute(
            update(StaffSession)
            .where(StaffSession.ended_at.is_(None))
            .values(created_at=utcnow() - timedelta(days=7, minutes=1), last_seen_at=utcnow())
        )
        db.session.commit()
        assert client.get("/manage/events").status_code == 302


def test_activity_moves_the_idle_limit(make_app):
    app = make_app(SESSION_IDLE_MINUTES=30)
    with app.app_context():
        client = login(app.test_client(), make_user("organizer"))
        db.session.execute(update(StaffSession).values(last_seen_at=utcnow() - timedelta(minutes=20)))
        db.session.commit()
        assert client.get("/manage/events").status_code == 200  # used: last_seen moves to now
        db.session.expire_all()
        row = db.session.query(StaffSession).one()
        assert (utcnow() - row.last_seen_at.replace(tzinfo=utcnow().tzinfo)) < timedelta(minutes=1)


def test_staff_page_lists_my_sessions_and_active_tokens(app):
    user = make_user("organizer")
    token_for(user, "Pemindai pintu A")
    client = login(app.test_client(), user, PASSWORD)
    login(app.test_client(), user)
    page = client.get("/account/sessions", headers={"User-Agent": "Pixel 7"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Sesi aktif" in text and "perangkat ini" in text and "Pemindai pintu A" in text
    assert text.count("Akhiri") == 1  # the other browser can be ended from here; this one logs out instead


def test_ending_one_session_from_the_list(app):
    user = make_user("organizer")
    client = login(app.test_client(), user)
    other = login(app.test_client(), user)
    theirs = db.session.query(StaffSession).order_by(StaffSession.id.desc()).first()
    assert client.post(f"/account/sessions/{theirs.id}/end").status_code == 302
    assert other.get("/manage/events").status_code == 302
    assert client.get("/manage/events").status_code == 200
    # Someone else's session (or one already ended) is a 404 and changes nothing.
    stranger = login(app.test_client(), make_user("organizer"))
    mine = db.session.query(StaffSession).filter_by(user_id=user.id, ended_at=None).one()
    assert stranger.post(f"/account/sessions/{mine.id}/end").status_code == 404
    assert client.get("/manage/events").status_code == 200


def test_cli_signs_a_user_out_everywhere(app, door, runner):
    event, staff, _client, cookie = door
    out = runner.invoke(args=["users", "signout", "--email", staff.email])
    assert out.exit_code == 0 and f"Ended 1 session(s) of {staff.email}" in out.output
    assert_dead(app, event, cookie)
