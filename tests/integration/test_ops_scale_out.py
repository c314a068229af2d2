"""Scale-out: two app processes on two ports, one PostgreSQL, one Redis, two job consumers.

Rate limits are counted once for both processes, every queued job runs exactly once (across both
consumers), and a ticket scanned at both processes at the same moment is admitted once.
Runs real gunicorn and `flask jobs worker` processes; Redis gets a random database number.
"""

from __future__ import annotations

import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import _pg_admin_engine, _pg_available, base_config, create_schema, skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
REDIS = os.environ.get("BIMTEK_TEST_REDIS", "redis://127.0.0.1:6379")
PARTICIPANTS = 12
EVENTS = 3
VERIFY_LIMIT = 6


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _call(method: str, url: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict | str]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            raw, status = resp.read(), resp.status
    except urllib.error.HTTPError as err:
        raw, status = err.read(), err.code
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode(errors="replace")


def _wait_healthy(base: str, proc: subprocess.Popen, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{base} exited with {proc.returncode}")
        try:
            status, body = _call("GET", base + "/healthz")
            if status == 200:
                return body
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{base} did not become healthy")


@pytest.fixture
def cluster(tmp_path):
    """A PostgreSQL database with data, a Redis db, two gunicorn apps and two consumers (all stopped after)."""
    if not _pg_available():
        skip_or_fail("PostgreSQL not reachable")
    import redis

    redis_db = random.randint(1, 15)
    redis_url = f"{REDIS}/{redis_db}"
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        skip_or_fail(f"Redis not reachable at {REDIS}")
    admin = _pg_admin_engine()
    name = f"bimtek_scale_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(admin.url).set(database=name).render_as_string(hide_password=False)
    create_schema(url, tmp_path / "schema")
    instance = tmp_path / "instance"  # shared storage for both processes, as on one NFS mount
    data = _seed(url, tmp_path)
    env = {
        **os.environ,
        "BIMTEK_DATABASE_URL": url,
        "BIMTEK_REDIS_URL": redis_url,
        "BIMTEK_INSTANCE_PATH": str(instance),
        "BIMTEK_SECRET_KEY": "scale-out-" + "k" * 40,
        "BIMTEK_CERT_VERIFY_RATE": f"{VERIFY_LIMIT} per minute",
        "BIMTEK_BASE_URL": "http://127.0.0.1",
    }
    procs: list[subprocess.Popen] = []
    logs: list[Path] = []
    handles = []
    try:
        bases = []
        for i in range(2):
            port = _free_port()
            handles.append((tmp_path / f"app{i}.log").open("w"))
            procs.append(
                subprocess.Popen(
                    [str(ROOT / ".venv/bin/gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}", "app:app"],
                    cwd=ROOT,
                    env=env,
                    stdout=handles[-1],
                    stderr=subprocess.STDOUT,
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
        # The real `flask jobs worker` command, with logging on so each execution is visible.
        consumer = (
            "import logging, sys; logging.basicConfig(level=logging.INFO, format='%(name)s %(message)s'); "
            "from flask.cli import main; sys.argv = ['flask', '--app', 'app', 'jobs', 'worker', '--workers', '1']; "
            "main()"
        )
        for i in range(2):
            log = tmp_path / f"consumer{i}.log"
            logs.append(log)
            handles.append(log.open("w"))
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-c", consumer], cwd=ROOT, env=env, stdout=handles[-1], stderr=subprocess.STDOUT
                )
            )
        health = [_wait_healthy(base, proc) for base, proc in zip(bases, procs[:2], strict=True)]
        yield {"bases": bases, "logs": logs, "url": url, "health": health, **data}
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        for handle in handles:
            handle.close()
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter("huey*"):
            client.delete(key)
        for key in client.scan_iter("LIMITS*"):
            client.delete(key)
        client.close()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _seed(url: str, tmp_path: Path) -> dict:
    from bimtek import create_app
    from bimtek.extensions import db
    from tests.factories import make_registration, token_for
    from tests.factories_certificates import make_cert_event
    from tests.factories_checkin import make_scanner, ticket_text

    app = create_app(base_config(tmp_path / "seed", url))
    with app.app_context():
        events, owner_token = [], None
        owner = None
        for i in range(EVENTS):
            owner, event, _ = make_cert_event(owner, participants=PARTICIPANTS, code=f"BIMTEK-SKALA{i}")
            events.append(event.id)
        owner_token = token_for(owner, "api")
        staff = make_scanner(db.session.get(type(event), events[0]))
        scanner_tokens = [token_for(staff, f"hp-{i}") for i in range(10)]
        door = make_registration(db.session.get(type(event), events[0]), full_name="Tamu Pintu", email="pintu@x.go.id")
        ticket = ticket_text(door)
        db.session.remove()
        db.engine.dispose()
    return {
        "events": events,
        "owner_token": owner_token,
        "scanner_tokens": scanner_tokens,
        "ticket": ticket,
    }


def test_two_apps_two_consumers_share_limits_run_each_job_once_and_admit_once(cluster):
    a, b = cluster["bases"]
    assert all(h["checks"]["redis"]["status"] == "ok" for h in cluster["health"])

    # Rate limits: one budget for both processes, not one each.
    codes = [_call("GET", f"{(a, b)[i % 2]}/verify/ZZZZ-ZZZZ-ZZZZ")[0] for i in range(VERIFY_LIMIT + 2)]
    assert codes[:VERIFY_LIMIT] == [404] * VERIFY_LIMIT and codes[VERIFY_LIMIT:] == [429, 429], codes

    # Jobs: started through both processes, taken by two consumers; each runs once.
    jobs = []
    for i, event_id in enumerate(cluster["events"]):
        base = (a, b)[i % 2]
        status, body = _call(
            "POST", f"{base}/api/v1/events/{event_id}/certificates/issue", {"scope": "eligible", "notify": False,
            "early_issue_reason": "Uji sebelum kegiatan berakhir"}, cluster["owner_token"],
        )  # fmt: skip
        assert status == 202, body
        jobs.append((event_id, body["id"]))
    deadline = time.monotonic() + 240
    pending = dict(jobs)
    while pending and time.monotonic() < deadline:
        for event_id, job_id in list(pending.items()):
            status, body = _call("GET", f"{b}/api/v1/events/{event_id}/certificates/jobs/{job_id}", token=cluster["owner_token"])  # fmt: skip
            assert status == 200 and body["status"] != "failed", body
            if body["status"] == "done":
                del pending[event_id]
        time.sleep(0.5)
    assert not pending, f"jobs not done: {pending}"
    engine = sa.create_engine(cluster["url"])
    with engine.connect() as conn:
        for event_id, _ in jobs:
            seqs = (
                conn.execute(sa.text("SELECT seq FROM certificates WHERE event_id = :e ORDER BY seq"), {"e": event_id})
                .scalars()
                .all()
            )
            # The first event also has the participant at the door (check-in below).
            expected = PARTICIPANTS + (1 if event_id == cluster["events"][0] else 0)
            assert seqs == list(range(1, expected + 1))
    executed = Counter()
    per_consumer = []
    for log in cluster["logs"]:
        ids = re.findall(r"Executing \S*issue_certificates_task: ([0-9a-f-]{36})", log.read_text())
        executed.update(ids)
        per_consumer.append(len(ids))
    assert len(executed) == EVENTS and set(executed.values()) == {1}, (executed, per_consumer)

    # Check-in: ten phones scan one ticket at the same moment, half at each process: admitted once.
    url_of = [f"{a}/api/v1/checkins", f"{b}/api/v1/checkins"]
    body = {"ticket": cluster["ticket"], "event_id": cluster["events"][0], "gate": "Utama"}
    barrier = threading.Barrier(10)
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def scan(i: int) -> None:
        barrier.wait()
        result = _call("POST", url_of[i % 2], {**body, "nonce": f"skala-{i:04d}"}, cluster["scanner_tokens"][i])
        with lock:
            results.append(result)

    threads = [threading.Thread(target=scan, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    assert Counter(code for code, _ in results) == {201: 1, 200: 9}, results
    first = next(r for code, r in results if code == 201)["checkin"]["id"]
    # A phone retries one scan (same nonce) at both processes: still one check-in.
    retry = _call("POST", url_of[1], {**body, "nonce": "skala-retry"}, cluster["scanner_tokens"][0])
    again = _call("POST", url_of[0], {**body, "nonce": "skala-retry"}, cluster["scanner_tokens"][0])
    assert retry[0] in (200, 201) and again[0] in (200, 201)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM checkins")).scalar() == 1
        assert conn.execute(sa.text("SELECT id FROM checkins")).scalar() == first
    engine.dispose()
