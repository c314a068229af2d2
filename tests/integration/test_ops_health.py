"""GET /healthz: database, Redis, queue depth, oldest waiting job, disk; 503 when the database is down."""

from __future__ import annotations

import socket
from datetime import timedelta

from bimtek import create_app
from bimtek.core.models import Job
from bimtek.core.time import utcnow
from bimtek.extensions import db
from tests.conftest import base_config
from tests.factories import make_event, make_registration


def test_healthy_instance_answers_200_with_every_check(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == "no-store"
    doc = resp.get_json()
    assert doc["status"] == "ok"
    checks = doc["checks"]
    assert checks["database"]["status"] == "ok" and checks["database"]["latency_ms"] >= 0
    assert checks["redis"] == {"status": "not_configured"}
    assert checks["queue"]["queued"] == 0 and checks["queue"]["oldest_waiting_seconds"] is None
    assert checks["queue"]["pending_in_broker"] == 0
    assert checks["disk"]["status"] in ("ok", "low") and checks["disk"]["free_bytes"] > 0


def test_queue_depth_and_oldest_waiting_job_without_personal_data(client):
    event = make_event()
    reg = make_registration(event, email="rahasia.peserta@kepriprov.go.id")
    now = utcnow()
    db.session.add_all(
        [
            Job(
                kind="email",
                event_id=event.id,
                status="queued",
                created_at=now - timedelta(minutes=20),
                params={"email": reg.email},
            ),  # fmt: skip
            Job(kind="email", event_id=event.id, status="queued", created_at=now - timedelta(minutes=1)),
            Job(kind="certificates.issue", event_id=event.id, status="running", created_at=now),
            Job(kind="email", event_id=event.id, status="done", created_at=now - timedelta(days=3)),
        ]
    )
    db.session.commit()
    resp = client.get("/healthz")
    queue = resp.get_json()["checks"]["queue"]
    assert (queue["queued"], queue["running"]) == (2, 1)
    assert 20 * 60 - 5 <= queue["oldest_waiting_seconds"] <= 20 * 60 + 60
    # A job waiting 20 minutes means no consumer takes work: degraded, still serving.
    assert queue["status"] == "stalled" and resp.status_code == 200 and resp.get_json()["status"] == "degraded"
    body = resp.get_data(as_text=True)
    for secret in (reg.email, reg.full_name, event.slug, reg.code):
        assert secret not in body


def test_database_down_answers_503(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql+psycopg://bimtek@127.0.0.1:{port}/bimtek"
    app = create_app(
        {**base_config(tmp_path, url), "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}}}
    )
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 503
    doc = resp.get_json()
    assert doc["status"] == "down" and doc["checks"]["database"]["status"] == "down"
    assert doc["checks"]["disk"]["status"] in ("ok", "low")
    assert str(port) not in resp.get_data(as_text=True)
