"""Hostile input at the edge, refusals in the log, Origin checks, weak passwords, password reset by email,
login throttling, production secret keys."""

from __future__ import annotations

import json
import logging
import re
import time

import pytest
from sqlalchemy import select

from bimtek import create_app
from bimtek.accounts.models import StaffSession, User
from bimtek.extensions import db
from tests.factories import PASSWORD, bearer, login, make_event, make_registration, make_user, token_for
from tests.factories_attendance import webhook_body, zoom_signature
from tests.factories_checkin import make_scanner, ticket_text
from tests.factories_registration import form_data, outbox

COMMON = ["password123", "1234567890", "qwertyuiop", "Password1!"]
STRONG = "gunung-lawu-berkabut-88"


@pytest.fixture
def refusals(caplog):
    """The structured refusal lines written during the test, parsed."""
    # Alembic's fileConfig (run by the migration tests in this process) disables existing loggers.
    logging.getLogger("bimtek.security").disabled = False
    caplog.set_level(logging.WARNING, logger="bimtek.security")

    def lines():
        return [json.loads(r.getMessage()) for r in caplog.records if r.name == "bimtek.security"]

    lines.text = lambda: "\n".join(r.getMessage() for r in caplog.records if r.name == "bimtek.security")
    return lines


# --- Input that crashed ---------------------------------------------------------------------------------


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def test_deep_json_is_a_400_everywhere(client):
    admin = make_user("admin")
    event = make_event(admin)
    h = bearer(token_for(admin))
    for url in ("/api/v1/events", "/api/v1/checkins", f"/api/v1/events/{event.id}/registrations", "/api/v1/presensi"):
        resp = client.post(url, data=deep(100_000), content_type="application/json", headers=h)
        assert resp.status_code == 400, url
        assert resp.get_json() == {
            "error": "too_deep",
            "message": "Isi permintaan bersarang terlalu dalam.",
            "fields": {},
        }


def test_unpaired_surrogates_are_a_400(client):
    admin = make_user("admin")
    event = make_event(admin)
    h = bearer(token_for(admin))
    reg = make_registration(event)
    for field in ("rank", "position", "institution_name", "work_unit"):
        body = json.dumps({"full_name": "Budi", field: "\ud800"})
        resp = client.post(
            f"/api/v1/events/{event.id}/registrations", data=body, content_type="application/json", headers=h
        )
        assert resp.status_code == 400 and resp.get_json()["error"] == "bad_text", field
    for field in ("gate", "device"):
        body = json.dumps({"ticket": ticket_text(reg), "event_id": event.id, field: "pintu \udc00"})
        resp = client.post("/api/v1/checkins", data=body, content_type="application/json", headers=h)
        assert resp.status_code == 400 and resp.get_json()["error"] == "bad_text", field
    body = json.dumps({"manage_token": "\ud800abc", "code": "K7M2QX"})
    assert client.post("/api/v1/presensi", data=body, content_type="application/json").status_code == 400


def test_huge_integers_are_4xx_in_json_paths_and_query_strings(client):
    admin = make_user("admin")
    event = make_event(admin)
    h = bearer(token_for(admin))
    for body in ({"event_id": 2**70, "ticket": "x"}, {"event_id": event.id, "ticket": "x", "session_id": 2**70}):
        resp = client.post("/api/v1/checkins", json=body, headers=h)
        assert resp.status_code == 400 and resp.get_json()["error"] == "number_too_large"
    assert client.get("/api/v1/events/99999999999999999999999", headers=h).status_code == 404
    assert client.get(f"/api/v1/events/{2**31}", headers=h).status_code == 404  # beyond PostgreSQL's INTEGER
    resp = client.get("/api/v1/events?page=99999999999999999999", headers=h)
    assert resp.status_code == 400 and resp.get_json()["error"] == "bad_number"
    login(client, admin)
    for url in (
        "/manage/events/99999999999999999999999",
        "/manage/registrations/99999999999999999999",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/manage/events/{event.id}/badges.pdf?id=99999999999999999999",
        "/manage/events?page=99999999999999999999",
        f"/manage/events/{event.id}/registrations?page=99999999999999999999",
    ):
        resp = client.get(url)
        assert resp.status_code == 400 and "Angka tidak valid" in resp.get_data(as_text=True), url


def test_oversized_json_is_a_413(make_app):
    app = make_app(JSON_MAX_BYTES=1000)
    with app.app_context():
        resp = app.test_client().post("/api/v1/events", json={"title": "x" * 2000})
        assert resp.status_code == 413 and resp.get_json()["error"] == "too_large"


# --- Origin ---------------------------------------------------------------------------------------------


def _csrf(client, url: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def test_a_foreign_origin_is_refused_over_plain_http(make_app, refusals):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        event = make_event()
        client = app.test_client()
        url = f"/e/{event.slug}/daftar"
        data = {**form_data(), "csrf_token": _csrf(client, url)}
        resp = client.post(url, data=data, headers={"Origin": "https://evil.example"})
        assert resp.status_code == 403 and "dikirim dari situs lain" in resp.get_data(as_text=True)
        resp = client.post(url, data=data, headers={"Referer": "http://evil.example/form"})
        assert resp.status_code == 403
        from bimtek.registration.models import Registration

        assert db.session.scalar(select(db.func.count()).select_from(Registration)) == 0
        assert [line["reason"] for line in refusals()] == ["foreign_origin", "foreign_origin"]
        # The same form from this site goes through.
        ok = client.post(url, data=data, headers={"Origin": "http://localhost"})
        assert ok.status_code == 303


# --- Refusals in the log --------------------------------------------------------------------------------


def test_every_refusal_writes_one_line_without_secrets(make_app, refusals):
    app = make_app(WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute")
    with app.app_context():
        event = make_event()
        other_event = make_event()
        reg = make_registration(event)
        outsider = make_scanner(other_event)
        secret = token_for(outsider)
        client = app.test_client()
        ticket = ticket_text(reg)
        # 403/404: staff not assigned to the event; 400: a malformed ticket.
        resp = client.post("/api/v1/checkins", json={"ticket": ticket, "event_id": event.id}, headers=bearer(secret))
        assert resp.status_code in (403, 404)
        bad = client.post("/api/v1/checkins", json={"ticket": "BT1:rusak", "event_id": other_event.id},
                          headers=bearer(secret))  # fmt: skip
        assert bad.status_code == 400
        # 401: no token.
        assert client.post("/api/v1/checkins", json={"ticket": ticket, "event_id": event.id}).status_code == 401
        # 401: a stale Zoom webhook.
        from bimtek.attendance import webhooks

        webhooks.save_webhook_config(event, "z00m-secret-token-abc", "812 3456 7890")
        db.session.commit()
        body = webhook_body("meeting.participant_joined", at=event.sessions[0].starts_at, email=reg.email)
        ts = str(int(time.time()) - 6 * 60)
        stale = client.post(
            f"/api/v1/zoom/webhook/{event.id}", data=body, content_type="application/json",
            headers={"x-zm-request-timestamp": ts, "x-zm-signature": zoom_signature("z00m-secret-token-abc", ts, body)},
        )  # fmt: skip
        assert stale.status_code == 401
        # 400: a form without its CSRF token.
        assert client.post(f"/e/{event.slug}/daftar", data=form_data()).status_code == 400
        # Login failures, then the rate limit.
        token = _csrf(client, "/login")
        for _ in range(3):
            client.post("/login", data={"email": outsider.email, "password": "salah-sekali-123", "csrf_token": token})
        private = (ticket, secret, secret[:10], outsider.email, reg.email, reg.full_name, "BT1:rusak")
        outsider_id = outsider.id
    reasons = [(line["status"], line["reason"]) for line in refusals()]
    assert reasons[0][0] in (403, 404) and reasons[1] == (400, "malformed")
    assert reasons[2] == (401, "unauthorized") and reasons[3] == (401, "webhook_stale")
    assert reasons[4] == (400, "csrf")
    assert reasons[5:] == [(422, "login_failed"), (422, "login_failed"), (429, "rate_limited")]
    first = refusals()[0]
    assert set(first) == {"event", "status", "method", "route", "reason", "actor_id", "client"}
    assert first["event"] == "refusal" and first["route"] == "/api/v1/checkins" and first["client"] == "127.0.0.1"
    assert refusals()[1]["actor_id"] == outsider_id
    text = refusals.text()
    for secret_text in private:
        assert secret_text not in text


def test_a_replayed_cookie_after_logout_is_logged(app, refusals):
    user = make_user("organizer")
    client = login(app.test_client(), user)
    cookie = client.get_cookie("session").value
    client.post("/logout")
    other = app.test_client()
    other.set_cookie("session", cookie)
    other.get("/manage/events")
    assert refusals()[-1]["reason"] == "session_ended" and refusals()[-1]["actor_id"] == user.id


# --- Weak passwords -------------------------------------------------------------------------------------


@pytest.mark.parametrize("password", COMMON)
def test_common_passwords_are_refused_on_the_users_page(client, password):
    login(client, make_user("admin"))
    resp = client.post("/manage/users", data={"email": "baru@kominfo.go.id", "role": "organizer", "password": password})
    assert resp.status_code == 422
    assert "Kata sandi terlalu mudah ditebak" in resp.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "baru@kominfo.go.id")) is None


@pytest.mark.parametrize("password", COMMON)
def test_common_passwords_are_refused_by_the_cli(runner, password):
    out = runner.invoke(
        args=["users", "create", "--email", "x@kominfo.go.id", "--password", password, "--role", "admin"]
    )
    assert out.exit_code != 0 and "terlalu mudah ditebak" in out.output


def test_own_name_and_email_are_refused(client):
    login(client, make_user("admin"))
    resp = client.post(
        "/manage/users",
        data={"email": "sri.wahyuni@kominfo.go.id", "name": "Sri Wahyuni", "role": "organizer",
              "password": "sriwahyuni2027"},
    )  # fmt: skip
    assert resp.status_code == 422 and "nama atau alamat email" in resp.get_data(as_text=True)
    ok = client.post("/manage/users", data={"email": "sri.wahyuni@kominfo.go.id", "role": "organizer",
                                            "password": STRONG})  # fmt: skip
    assert ok.status_code == 302


def test_a_weak_new_password_is_refused_on_change(client):
    user = make_user("organizer")
    login(client, user)
    resp = client.post(
        "/account/password", data={"current": PASSWORD, "password": "Password1!", "confirm": "Password1!"}
    )
    assert resp.status_code == 422 and "terlalu mudah ditebak" in resp.get_data(as_text=True)


# --- Password reset by email ----------------------------------------------------------------------------


def _reset_link(message) -> str:
    return re.search(r"https?://\S+/password/reset/\S+", message.body).group(0)


def test_password_reset_by_email(make_app):
    app = make_app(BASE_URL="https://bimtek.kominfo.go.id:8443")
    with app.app_context():
        user = make_user("organizer", email="rina@kominfo.go.id", name="Rina Marlina")
        old = login(app.test_client(), user)
        client = app.test_client()
        known = client.post("/password/forgot", data={"email": "Rina@kominfo.go.id"}, follow_redirects=True)
        unknown = client.post("/password/forgot", data={"email": "siapa@kominfo.go.id"}, follow_redirects=True)
        assert known.status_code == unknown.status_code == 200
        notice = "tautan untuk mengatur ulang kata sandi sudah dikirim"
        assert notice in known.get_data(as_text=True) and notice in unknown.get_data(as_text=True)
        mails = outbox()
        assert len(mails) == 1
        mail = mails[0]
        link = _reset_link(mail)
        token = link.rsplit("/", 1)[1]
        assert mail.to == ["rina@kominfo.go.id"]
        assert mail.subject == "Atur ulang kata sandi Bimtek"
        assert link == f"https://bimtek.kominfo.go.id:8443/password/reset/{token}"
        assert mail.body == (
            "Yth. Rina Marlina,\n\n"
            "Seseorang (mungkin Anda) meminta pengaturan ulang kata sandi akun staf Bimtek Anda.\n\n"
            f"Atur kata sandi baru:\n{link}\n\n"
            "Tautan ini hanya dapat dipakai sekali dan berlaku 60 menit. Setelah kata sandi diganti, semua sesi "
            "masuk Anda diakhiri.\n\n"
            "Bila Anda tidak memintanya, abaikan email ini; kata sandi Anda tidak berubah."
        )
        html = mail.alternatives[0][0]
        assert f'href="{link}"' in html
        # A weak password is refused and the link still works; a strong one is set; the link is then used up.
        path = f"/password/reset/{token}"
        weak = client.post(path, data={"password": "password123", "confirm": "password123"})
        assert weak.status_code == 422
        done = client.post(path, data={"password": STRONG, "confirm": STRONG})
        assert done.status_code == 302 and done.headers["Location"] == "/login"
        again = client.post(path, data={"password": STRONG + "x", "confirm": STRONG + "x"})
        assert again.status_code == 400 and "tidak berlaku" in again.get_data(as_text=True)
        # Every session ended; the new password works, the old one does not.
        assert old.get("/manage/events").status_code == 302
        assert db.session.scalar(select(StaffSession).where(StaffSession.ended_at.is_(None))) is None
        login(app.test_client(), user, STRONG)
        bad = app.test_client().post("/login", data={"email": user.email, "password": PASSWORD})
        assert bad.status_code == 422


def test_reset_links_expire_and_forged_ones_fail(make_app):
    app = make_app(PASSWORD_RESET_MINUTES=0)
    with app.app_context():
        user = make_user("organizer")
        client = app.test_client()
        client.post("/password/forgot", data={"email": user.email})
        token = _reset_link(outbox()[-1]).rsplit("/", 1)[1]
        time.sleep(1.1)
        expired = client.post(f"/password/reset/{token}", data={"password": STRONG, "confirm": STRONG})
        assert expired.status_code == 400
        forged = client.post(f"/password/reset/{token[:-3]}abc", data={"password": STRONG, "confirm": STRONG})
        assert forged.status_code == 400


def test_reset_requests_are_rate_limited_per_address_and_per_email(make_app):
    app = make_app(RATELIMIT_ENABLED=True, PASSWORD_RESET_RATE_LIMIT="2 per minute", PROXY_HOPS=1)
    with app.app_context():
        client = app.test_client()

        def ask(email, ip):
            return client.post("/password/forgot", data={"email": email}, headers={"X-Forwarded-For": ip}).status_code

        assert [ask(f"u{i}@kominfo.go.id", "36.68.1.1") for i in range(3)] == [302, 302, 429]
        assert [ask("sama@kominfo.go.id", f"36.68.2.{i}") for i in range(3)] == [302, 302, 429]


# --- Login throttling -----------------------------------------------------------------------------------


def test_login_throttle_counts_failures_only_per_account_and_per_address(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="5 per minute", LOGIN_ACCOUNT_RATE_LIMIT="3 per minute",
                   PROXY_HOPS=1)  # fmt: skip
    with app.app_context():
        client = app.test_client()
        office = "36.68.1.1"

        def attempt(email, password, ip=office):
            return client.post(
                "/login", data={"email": email, "password": password}, headers={"X-Forwarded-For": ip}
            ).status_code

        users = [make_user("organizer") for _ in range(3)]
        # A whole office behind one NAT signs in, many times over: successes never count.
        assert all(attempt(u.email, PASSWORD) == 302 for u in users * 4)
        # One account guessed from many addresses is throttled per account.
        victim = users[0]
        assert [attempt(victim.email, "tebakan-salah-1", f"10.0.0.{i}") for i in range(4)] == [422, 422, 422, 429]
        # Other people in the office still sign in, and may fail a couple of times each.
        assert attempt(users[1].email, "keliru-sedikit-1") == 422
        assert attempt(users[1].email, PASSWORD) == 302
        assert attempt(users[2].email, PASSWORD) == 302


# --- Production secret keys -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key", ["a" * 32, "password" * 4, "dev-secret-key-change-me", "abcdefghijklmnopqrstuvwxyz012345"]
)
def test_production_refuses_low_entropy_secret_keys(tmp_path, key):
    with pytest.raises(RuntimeError, match="BIMTEK_SECRET_KEY"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": key, "INSTANCE_PATH": str(tmp_path)})


def test_production_accepts_a_random_secret_key(tmp_path):
    import secrets

    app = create_app({"ENV_NAME": "production", "SECRET_KEY": secrets.token_hex(32), "INSTANCE_PATH": str(tmp_path)})
    assert app.config["SESSION_COOKIE_SECURE"] is True
