"""The foundation: factory, config, login, events API, public pages, language, demo."""

from __future__ import annotations

import pytest

from bimtek import create_app
from bimtek.events.models import Event
from bimtek.extensions import db
from tests.factories import bearer, login, make_event, make_user, token_for


def test_production_refuses_default_secret(tmp_path):
    with pytest.raises(RuntimeError, match="BIMTEK_SECRET_KEY"):
        create_app({"ENV_NAME": "production", "INSTANCE_PATH": str(tmp_path)})


def test_environment_configures_database(monkeypatch, tmp_path):
    monkeypatch.setenv("BIMTEK_DATABASE_URL", "postgres://u@db.internal/bimtek")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.internal/bimtek"


def test_sqlite_runs_in_wal_mode(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_login_and_logout(client):
    user = make_user("organizer")
    assert client.get("/manage/events").status_code == 302
    bad = client.post("/login", data={"email": user.email, "password": "wrong-password"})
    assert bad.status_code == 422 and "salah" in bad.get_data(as_text=True)
    login(client, user)
    assert client.get("/manage/events").status_code == 200
    client.post("/logout")
    assert client.get("/manage/events").status_code == 302


def test_login_is_throttled(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    with app.app_context():
        client = app.test_client()
        codes = [
            client.post("/login", data={"email": "x@kominfo.go.id", "password": "nope"}).status_code for _ in range(5)
        ]
    assert codes[:3] == [422, 422, 422] and codes[3] == 429


def test_session_cookie_is_hardened(client):
    user = make_user("organizer")
    resp = client.post("/login", data={"email": user.email, "password": "correct-horse-battery"})
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_security_headers(client):
    resp = client.get("/")
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "same-origin"


def test_public_pages_show_published_only_with_indonesian_dates(client):
    event = make_event(title="Bimtek Publik")
    draft = make_event(publish=False, title="Rahasia Draf")
    home = client.get("/").get_data(as_text=True)
    assert "Bimtek Publik" in home and "Rahasia Draf" not in home
    assert client.get(f"/e/{draft.slug}").status_code == 404
    page = client.get(f"/e/{event.slug}").get_data(as_text=True)
    assert "Kamis, 22 Agustus 2030, pukul 09.00 WIB" in page
    assert "45 kursi tersisa dari 45" in page
    assert "rahasia22" not in page and "81234567890" not in page  # Zoom details are never public


def test_language_switch_is_remembered(client):
    event = make_event()
    resp = client.get(f"/lang/en?next=/e/{event.slug}")
    assert resp.status_code == 302
    page = client.get(f"/e/{event.slug}").get_data(as_text=True)
    assert "Thursday, 22 August 2030, at 09:00 WIB" in page
    client.get("/lang/id")
    assert "Kamis" in client.get(f"/e/{event.slug}").get_data(as_text=True)


def test_open_redirect_is_refused(client):
    resp = client.get("/lang/en?next=//evil.example/x")
    assert resp.headers["Location"] == "/"


def test_api_requires_token(client):
    assert client.get("/api/v1/events").status_code == 401
    body = client.get("/api/v1/events", headers=bearer("bt_forged")).get_json()
    assert body["error"] == "unauthorized" and "message" in body and body["fields"] == {}


def test_api_event_lifecycle(client):
    user = make_user("organizer")
    h = bearer(token_for(user))
    payload = {
        "title": "Bimtek Tata Kelola",
        "code": "bimtek-tk",
        "province_code": "51",
        "starts_at": "2030-03-05T09:00:00+08:00",
        "ends_at": "2030-03-05T15:00:00+08:00",
        "onsite_capacity": 30,
        "online_capacity": 100,
        "zoom_passcode": "abc",
    }
    created = client.post("/api/v1/events", json=payload, headers=h)
    assert created.status_code == 201, created.get_json()
    ev = created.get_json()
    assert ev["code"] == "BIMTEK-TK" and ev["timezone"] == "Asia/Makassar" and ev["status"] == "draft"
    assert ev["starts_at"] == "2030-03-05T09:00:00+08:00"
    assert client.post(f"/api/v1/events/{ev['id']}/publish", headers=h).status_code == 409  # no sessions yet
    sess = client.post(
        f"/api/v1/events/{ev['id']}/sessions",
        json={"title": "Materi 1", "starts_at": "2030-03-05T09:00:00+08:00", "ends_at": "2030-03-05T10:30:00+08:00",
              "jp": 2, "speakers": [{"name": "Dr. Rina", "institution": "Kemenkeu", "role": "narasumber"}]},
        headers=h,
    )  # fmt: skip
    assert sess.status_code == 201
    assert client.post(f"/api/v1/events/{ev['id']}/publish", headers=h).get_json()["status"] == "published"
    before = client.get(f"/api/v1/events/{ev['id']}", headers=h).get_json()
    assert before["online_capacity"] == 100 and len(before["sessions"]) == 1
    patched = client.patch(f"/api/v1/events/{ev['id']}", json={"online_capacity": 150}, headers=h).get_json()
    assert patched["online_capacity"] == 150 and patched["title"] == "Bimtek Tata Kelola"
    # The cached body follows every change of the event and its agenda.
    assert client.get(f"/api/v1/events/{ev['id']}", headers=h).get_json()["online_capacity"] == 150
    client.post(
        f"/api/v1/events/{ev['id']}/sessions",
        json={"title": "Materi 2", "starts_at": "2030-03-05T10:30:00+08:00", "ends_at": "2030-03-05T12:00:00+08:00"},
        headers=h,
    )
    assert len(client.get(f"/api/v1/events/{ev['id']}", headers=h).get_json()["sessions"]) == 2
    listing = client.get("/api/v1/events", headers=h).get_json()
    assert listing["total"] == 1 and listing["page"] == 1 and listing["items"][0]["id"] == ev["id"]
    sessions = client.get(f"/api/v1/events/{ev['id']}/sessions", headers=h).get_json()
    assert sessions["items"][0]["speakers"][0]["name"] == "Dr. Rina"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"code": "X"}, "title"),
        ({"title": "A", "code": "OK-1", "starts_at": "kemarin", "ends_at": "2030-01-01T10:00:00+07:00"}, "starts_at"),
        ({"title": "A", "code": "OK-1", "starts_at": "2030-01-01T10:00:00+07:00", "ends_at": "2030-01-01T09:00:00+07:00"}, "ends_at"),
        ({"title": "A", "code": "OK-1", "starts_at": "2030-01-01T10:00:00+07:00", "ends_at": "2030-01-01T11:00:00+07:00", "onsite_capacity": -1}, "onsite_capacity"),
        ({"title": "A", "code": "OK-1", "starts_at": "2030-01-01T10:00:00+07:00", "ends_at": "2030-01-01T11:00:00+07:00", "province_code": "99"}, "province_code"),
    ],
)  # fmt: skip
def test_api_rejects_bad_event_input(client, payload, field):
    h = bearer(token_for(make_user("organizer")))
    resp = client.post("/api/v1/events", json=payload, headers=h)
    assert resp.status_code == 422
    assert field in resp.get_json()["fields"]
    assert db.session.query(Event).count() == 0


def test_api_malformed_json(client):
    h = bearer(token_for(make_user("organizer")))
    resp = client.post("/api/v1/events", data="{nope", headers={**h, "Content-Type": "application/json"})
    assert resp.status_code == 400 and resp.get_json()["error"] == "malformed"


def test_checkin_staff_cannot_create_events(client):
    h = bearer(token_for(make_user("checkin")))
    assert client.post("/api/v1/events", json={"title": "x"}, headers=h).status_code == 403


def test_revoked_token_stops_working(client):
    user = make_user("organizer")
    login(client, user)
    resp = client.post("/account/tokens", data={"label": "HP pintu 1"})
    secret = resp.get_data(as_text=True).split('id="new-token">')[1].split("<")[0]
    assert client.get("/api/v1/events", headers=bearer(secret)).status_code == 200
    from bimtek.accounts.models import ApiToken

    row = db.session.query(ApiToken).one()
    assert row.token_hash != secret and secret not in row.prefix
    client.post(f"/account/tokens/{row.id}/revoke")
    assert client.get("/api/v1/events", headers=bearer(secret)).status_code == 401


def test_organizer_creates_event_through_pages(client):
    user = make_user("organizer")
    login(client, user)
    bad = client.post("/manage/events/new", data={"title": "", "code": "x y"})
    assert bad.status_code == 422 and "Wajib diisi" in bad.get_data(as_text=True)
    resp = client.post(
        "/manage/events/new",
        data={"title": "Bimtek Batam", "code": "BIMTEK-BTM", "province_code": "21", "starts_at": "2030-08-22T09:00",
              "ends_at": "2030-08-22T12:00", "onsite_capacity": "45", "online_capacity": "400"},
    )  # fmt: skip
    assert resp.status_code == 302
    event = db.session.query(Event).one()
    assert event.timezone == "Asia/Jakarta" and event.starts_at.hour == 2  # 09.00 WIB stored as 02.00 UTC
    resp = client.post(
        f"/manage/events/{event.id}/sessions",
        data={"title": "Pembukaan", "starts_at": "2030-08-22T09:00", "ends_at": "2030-08-22T09:30", "jp": "0.5",
              "speaker_name": ["Direktur TKKKP"], "speaker_institution": ["Kominfo"], "speaker_role": ["narasumber"]},
    )  # fmt: skip
    assert resp.status_code == 302
    client.post(f"/manage/events/{event.id}/status", data={"action": "publish"})
    db.session.refresh(event)
    assert event.status == "published"
    assert "Pembukaan" in client.get(f"/e/{event.slug}").get_data(as_text=True)


def test_demo_is_seeded_once(runner):
    first = runner.invoke(args=["demo"])
    assert "Demo seeded" in first.output, first.output
    count = db.session.query(Event).count()
    second = runner.invoke(args=["demo"])
    assert "nothing changed" in second.output
    assert db.session.query(Event).count() == count == 2


def test_cli_users_and_token(runner, client):
    out = runner.invoke(args=["users", "create", "--email", "Ops@Kominfo.go.id", "--password", "sangat-rahasia-1",
                              "--role", "organizer"])  # fmt: skip
    assert "Created organizer ops@kominfo.go.id" in out.output
    secret = runner.invoke(args=["users", "token", "--email", "ops@kominfo.go.id", "--label", "cli"]).output.strip()
    assert client.get("/api/v1/events", headers=bearer(secret)).status_code == 200
    bad = runner.invoke(
        args=["users", "create", "--email", "x@kominfo.go.id", "--password", "short", "--role", "admin"]
    )
    assert bad.exit_code != 0 and "minimal" in bad.output


def test_open_redirect_with_control_characters_is_refused(client):
    resp = client.get("/lang/en?next=/%09/evil.example")
    assert resp.headers["Location"] == "/"
    user = make_user("organizer")
    resp = client.post("/login?next=/%09/evil.example", data={"email": user.email, "password": "correct-horse-battery"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/manage/events"


def test_behind_a_proxy_limits_count_per_client(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute", PROXY_HOPS=1)
    with app.app_context():
        client = app.test_client()

        def attempt(ip):
            return client.post(
                "/login", data={"email": "x@kominfo.go.id", "password": "nope"}, headers={"X-Forwarded-For": ip}
            ).status_code

        assert [attempt("36.68.1.1") for _ in range(4)] == [422, 422, 422, 429]
        assert attempt("36.68.1.2") == 422  # another participant behind the same proxy is not locked out
