"""Real parallel requests: seats are never oversold, duplicates never slip in, counters equal rows.

Each thread uses its own test client; every request pushes its own app context and so takes its own
database connection from the pool. Runs on SQLite (threads queue on BEGIN IMMEDIATE) and PostgreSQL.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.registration.models import Registration
from tests.factories import bearer, make_event, make_user, registration_data, token_for

POOL = {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 20, "max_overflow": 40, "pool_timeout": 60}}


def _parallel(app, calls):
    """Run (method, url, json, headers) calls at once from separate threads; return the responses."""
    barrier = threading.Barrier(len(calls))

    def one(call):
        method, url, body, headers = call
        client = app.test_client()
        barrier.wait()
        resp = client.open(url, method=method, json=body, headers=headers or {})
        return resp.status_code, resp.get_json()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(one, calls))


def _count(event_id, **where):
    q = select(func.count()).select_from(Registration).where(Registration.event_id == event_id)
    for k, v in where.items():
        q = q.where(getattr(Registration, k) == v)
    return db.session.scalar(q)


def test_200_at_once_for_50_seats(make_app):
    app = make_app(**POOL)
    with app.app_context():
        event = make_event(onsite_capacity=50, online_capacity=10)
        event_id = event.id
        url = f"/api/v1/events/{event_id}/registrations"
        calls = [("POST", url, registration_data(email=f"p{i}@kominfo.go.id", mode="onsite"), None) for i in range(200)]
        db.session.remove()
    results = _parallel(app, calls)
    with app.app_context():
        assert [code for code, _ in results] == [201] * 200, [r for r in results if r[0] != 201][:3]
        statuses = [body["status"] for _, body in results]
        assert statuses.count("confirmed") == 50 and statuses.count("waitlisted") == 150
        event = db.session.get(Event, event_id)
        assert event.onsite_taken == 50 == _count(event_id, status="confirmed", mode="onsite")
        assert _count(event_id, status="waitlisted") == 150
        assert sum(1 for _, body in results if body["ticket"]) == 50

        # Now 30 of the confirmed cancel at once: each freed seat goes to exactly one waiting person.
        owner = make_user("admin")
        h = bearer(token_for(owner))
        confirmed = [body["id"] for _, body in results if body["status"] == "confirmed"][:30]
        calls = [("POST", f"/api/v1/registrations/{rid}/cancel", {}, h) for rid in confirmed]
        db.session.remove()
    results = _parallel(app, calls)
    with app.app_context():
        assert [code for code, _ in results] == [200] * 30
        promoted = {body["promoted_id"] for _, body in results}
        assert None not in promoted and len(promoted) == 30
        event = db.session.get(Event, event_id)
        assert event.onsite_taken == 50 == _count(event_id, status="confirmed")
        assert _count(event_id, status="waitlisted") == 120 and _count(event_id, status="cancelled") == 30


def test_20_at_once_with_one_email_or_nip(make_app):
    app = make_app(**POOL)
    with app.app_context():
        event = make_event()
        event_id = event.id
        url = f"/api/v1/events/{event_id}/registrations"
        same_email = [("POST", url, registration_data(email="Satu@Kominfo.go.id"), None) for _ in range(20)]
        nip = "196608011988031001"
        same_nip = [
            ("POST", url, registration_data(email=f"n{i}@kominfo.go.id", employment_status="pns", nip=nip), None)
            for i in range(20)
        ]
        db.session.remove()
    results = _parallel(app, same_email)
    codes = sorted(code for code, _ in results)
    assert codes == [201] + [409] * 19, codes
    assert all(body["error"] == "duplicate" for code, body in results if code == 409)
    results = _parallel(app, same_nip)
    assert sorted(code for code, _ in results) == [201] + [409] * 19
    with app.app_context():
        assert _count(event_id) == 2
        assert db.session.get(Event, event_id).onsite_taken == 2
