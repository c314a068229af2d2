"""Redis wrong or unreachable: login, verification, the API and registration keep working (no 5xx)."""

from __future__ import annotations

import logging
import socket

import pytest
from sqlalchemy import select

from bimtek.certificates.models import Certificate
from bimtek.certificates.services import jobs as cert_jobs
from bimtek.certificates.tasks import run_issue_job
from bimtek.extensions import db
from tests.factories import bearer, login, make_event, make_user, token_for
from tests.factories_certificates import make_cert_event
from tests.factories_registration import form_data


def dead_redis_url() -> str:
    """A Redis URL on a port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.fixture
def dead_app(make_app):
    # A handler on the logger itself: other tests may change propagation or capture settings.
    records = _Records()
    logger = logging.getLogger("bimtek.ops")
    # Another test in this worker may have configured logging with disable_existing_loggers.
    logger.disabled = False
    logger.addHandler(records)
    try:
        app = make_app(REDIS_URL=dead_redis_url(), RATELIMIT_ENABLED=True)
    finally:
        logger.removeHandler(records)
    app.extensions["test_log"] = records.messages
    with app.app_context():
        yield app


def test_start_up_says_clearly_that_redis_is_down(dead_app):
    messages = dead_app.extensions["test_log"]
    assert any("is not usable (unreachable)" in m and "rate limits fall back" in m for m in messages)
    assert dead_app.extensions["bimtek_redis_startup"] == {"ok": False, "reason": "unreachable"}


def test_login_verify_api_and_registration_work_with_redis_down(dead_app):
    client = dead_app.test_client()
    user = make_user("organizer")
    assert client.post("/login", data={"email": user.email, "password": "salah-sekali"}).status_code < 500
    login(client, user)  # the real form: asserts the redirect of a successful login
    assert client.get("/manage").status_code < 500

    owner, event, _ = make_cert_event(participants=1)
    job = cert_jobs.start_issue_job(
        event, {"scope": "eligible", "early_issue_reason": "Uji sebelum kegiatan berakhir"}, user=owner
    )
    db.session.commit()
    run_issue_job(job.id)
    cert = db.session.scalars(select(Certificate)).first()
    public = dead_app.test_client()
    for url in (f"/verify/{cert.verification_code}", f"/verify/{cert.verification_code}.json"):
        answer = public.get(url)
        assert answer.status_code == 200, url
    assert public.get(f"/api/v1/verify/{cert.verification_code}").status_code == 200
    assert public.get("/verify/ZZZZ-ZZZZ-ZZZZ").status_code == 404

    secret = token_for(user)
    api = public.get("/api/v1/events", headers=bearer(secret))
    assert api.status_code < 500

    open_event = make_event()
    registered = public.post(f"/e/{open_event.slug}/daftar", data=form_data(email="peserta.baru@kepriprov.go.id"))
    assert registered.status_code == 303, registered.get_data(as_text=True)[:500]


def test_rate_limits_still_count_in_memory_while_redis_is_down(make_app):
    app = make_app(REDIS_URL=dead_redis_url(), RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    with app.app_context():
        client = app.test_client()
        codes = [client.post("/login", data={"email": "x@y.id", "password": "salah"}).status_code for _ in range(5)]
    assert 500 not in codes
    assert codes[-1] == 429, codes


def test_health_reports_redis_down_without_the_url(dead_app):
    body = dead_app.test_client().get("/healthz")
    assert body.status_code == 200
    doc = body.get_json()
    assert doc["status"] == "degraded"
    assert doc["checks"]["redis"] == {"status": "down", "reason": "unreachable"}
    assert "127.0.0.1" not in body.get_data(as_text=True)
