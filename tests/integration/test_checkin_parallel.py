"""Ten scanners scanning one ticket at the same moment, through a real threaded HTTP server."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections import Counter

from sqlalchemy import select
from werkzeug.serving import make_server

from bimtek.checkin.models import CheckIn
from bimtek.extensions import db
from tests.factories import make_event, make_registration, token_for
from tests.factories_checkin import make_scanner, ticket_text


def _post(url: str, body: dict, token: str) -> tuple[int, dict]:
    req = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_ten_parallel_scans_admit_once(app):
    event = make_event()
    staff = make_scanner(event)
    reg = make_registration(event)
    tokens = [token_for(staff, f"hp-{i}") for i in range(10)]
    body = {"ticket": ticket_text(reg), "event_id": event.id, "gate": "Utama"}
    db.session.remove()

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/api/v1/checkins"
    barrier = threading.Barrier(10)
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        barrier.wait()
        result = _post(url, {**body, "nonce": f"parallel-{i:04d}"}, tokens[i])
        with lock:
            results.append(result)

    workers = [threading.Thread(target=worker, args=(i,)) for i in range(10)]
    try:
        for w in workers:
            w.start()
        for w in workers:
            w.join(60)
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()

    statuses = Counter(code for code, _ in results)
    assert statuses == {201: 1, 200: 9}, results
    assert {b["reason"] for code, b in results if code == 200} == {"already_checked_in"}
    first = next(b for code, b in results if code == 201)["checkin"]
    assert all(b["first_checkin"]["id"] == first["id"] for code, b in results if code == 200)
    assert db.session.scalar(select(db.func.count()).select_from(CheckIn)) == 1
