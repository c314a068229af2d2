"""One error door: a refused organizer action goes back to its page with the message; the API keeps JSON."""

from __future__ import annotations

import sqlalchemy as sa

from bimtek.core.models import AuditLog
from bimtek.extensions import db
from tests.factories import bearer, login, make_event, make_user, token_for

NO_SESSIONS = "Tambahkan minimal satu sesi sebelum menerbitkan kegiatan."


def _draft_without_sessions():
    owner = make_user("organizer")
    event = make_event(owner, publish=False, sessions=0)
    return owner, event


def _publish_audits(event_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(AuditLog.action == "event.publish"))


def test_refused_action_goes_back_to_the_page_with_the_message(app, client):
    owner, event = _draft_without_sessions()
    login(client, owner)
    page = f"/manage/events/{event.id}"
    resp = client.post(
        f"{page}/status", data={"action": "publish"}, headers={"Referer": f"http://localhost{page}?tab=sesi"}
    )
    assert resp.status_code == 303
    assert resp.headers["Location"] == f"{page}?tab=sesi"
    shown = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert NO_SESSIONS in shown
    db.session.expire_all()
    assert event.status == "draft" and event.published_at is None
    assert _publish_audits(event.id) == 0


def test_refused_action_in_english_flashes_the_translation(app, client):
    owner, event = _draft_without_sessions()
    login(client, owner)
    page = f"/manage/events/{event.id}"
    client.set_cookie("bimtek_lang", "en")
    resp = client.post(f"{page}/status", data={"action": "publish"}, headers={"Referer": f"http://localhost{page}"})
    assert resp.status_code == 303 and resp.headers["Location"] == page
    shown = client.get(page).get_data(as_text=True)
    assert "Add at least one session before publishing the event." in shown
    assert NO_SESSIONS not in shown


def test_refused_action_without_a_page_to_return_to_shows_the_error_page(app, client):
    owner, event = _draft_without_sessions()
    login(client, owner)
    resp = client.post(f"/manage/events/{event.id}/status", data={"action": "publish"})
    assert resp.status_code == 409
    assert NO_SESSIONS in resp.get_data(as_text=True)
    db.session.expire_all()
    assert event.status == "draft"


def _probe(app):
    """A page whose form posts to its own URL and whose service writes, then refuses."""
    from flask import request

    from bimtek.core import audit
    from bimtek.errors import Conflict

    def probe():
        if request.method == "POST" or request.args.get("fail"):
            audit.record("probe.write", None, details={})
            db.session.flush()
            raise Conflict("probe_refused", "Data bertentangan dengan data yang sudah ada.")
        return "probe page"

    app.add_url_rule("/probe", "probe", probe, methods=["GET", "POST"])


def test_refused_form_posted_to_its_own_page_goes_back_there_with_nothing_stored(app, client):
    _probe(app)
    resp = client.post("/probe")
    assert resp.status_code == 303 and resp.headers["Location"] == "/probe"
    with client.session_transaction() as sess:
        assert sess["_flashes"] == [("error", "Data bertentangan dengan data yang sudah ada.")]
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(AuditLog.action == "probe.write")) == 0
    )


def test_refused_get_keeps_the_error_page_instead_of_looping(app, client):
    _probe(app)
    resp = client.get("/probe?fail=1", headers={"Referer": "http://localhost/probe?fail=1"})
    assert resp.status_code == 409
    assert "Data bertentangan" in resp.get_data(as_text=True)


def test_foreign_referer_is_never_a_redirect_target(app):
    from bimtek.errors import back_to_form

    _probe(app)
    with app.test_request_context("/probe", method="POST", headers={"Referer": "http://evil.example/probe"}):
        assert back_to_form() == "/probe"  # the page itself, never the foreign one
    with app.test_request_context("/nowhere", method="POST", headers={"Referer": "https://localhost.evil/x"}):
        assert back_to_form() is None


def test_api_keeps_the_json_error(app, client):
    owner, event = _draft_without_sessions()
    resp = client.post(f"/api/v1/events/{event.id}/publish", headers=bearer(token_for(owner)))
    assert resp.status_code == 409
    assert resp.get_json() == {"error": "no_sessions", "message": NO_SESSIONS, "fields": {}}
    db.session.expire_all()
    assert event.status == "draft"
    assert _publish_audits(event.id) == 0
