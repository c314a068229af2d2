"""Real parallel nominations on PostgreSQL: a quota is never exceeded, the event is never oversold.

Each thread is its own browser (test client) posting the PIC's form; every request takes its own database
connection from the pool, so the guarded UPDATE on the agency's counter is what keeps the count.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.nominations import services
from bimtek.nominations.models import InvitedAgency, Nomination
from bimtek.registration.models import Registration
from tests.factories import make_event, make_user, registration_data

POOL = {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 20, "max_overflow": 30, "pool_timeout": 60}}
pytestmark = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


def _agency(event, name: str, onsite: int, online: int = 0) -> str:
    user = make_user("organizer")
    clean = services.clean_agency({"name": name, "onsite_quota": onsite, "online_quota": online})
    agency = services.add_agency(event, clean, user=user)
    token = services.new_link(agency)
    db.session.commit()
    return token


def _parallel(app, posts):
    barrier = threading.Barrier(len(posts))

    def one(post):
        url, data = post
        client = app.test_client()
        barrier.wait()
        return client.post(url, data=data).status_code

    with ThreadPoolExecutor(max_workers=len(posts)) as pool:
        return list(pool.map(one, posts))


def _person(i: int, mode: str = "onsite") -> dict:
    data = registration_data(email=f"calon{i}@kominfo.go.id", mode=mode)
    data.pop("consent")
    return data


def test_the_same_pic_in_parallel_quota_3_gives_exactly_3(make_app):
    app = make_app(**POOL)
    with app.app_context():
        event = make_event(onsite_capacity=10, online_capacity=0)
        services.configure(event, "nomination", datetime(2030, 8, 20, tzinfo=UTC), True, user="test")
        token = _agency(event, "Dinas Kominfo Kota Batam", onsite=3)
        event_id = event.id
        db.session.remove()
    codes = _parallel(app, [(f"/nominasi/{token}", _person(i)) for i in range(12)])
    assert sorted(codes) == [303] * 3 + [409] * 9, codes
    with app.app_context():
        agency = db.session.scalar(select(InvitedAgency))
        assert agency.onsite_used == 3
        assert db.session.scalar(select(func.count()).select_from(Nomination)) == 3
        regs = db.session.scalar(
            select(func.count()).select_from(Registration).where(Registration.status == "confirmed")
        )
        assert regs == 3
        assert db.session.get(Event, event_id).onsite_taken == 3  # the agency's seats, no more


def test_two_pics_and_open_registration_at_once_never_oversell(make_app):
    app = make_app(**POOL)
    with app.app_context():
        event = make_event(onsite_capacity=8, online_capacity=0)
        services.configure(event, "both", datetime(2030, 8, 20, tzinfo=UTC), True, user="test")
        first = _agency(event, "Dinas Kominfo Kota Batam", onsite=3)
        second = _agency(event, "Dinas Kominfo Kabupaten Bintan", onsite=3)
        event_id, slug = event.id, event.slug
        db.session.remove()
    posts = [(f"/nominasi/{first}", _person(i)) for i in range(8)]
    posts += [(f"/nominasi/{second}", _person(100 + i)) for i in range(8)]
    public = {**registration_data(mode="onsite"), "consent": "y"}
    posts += [(f"/e/{slug}/daftar", {**public, "email": f"umum{i}@x.go.id", "nip": ""}) for i in range(8)]
    codes = _parallel(app, posts)
    nominated = codes[:16]
    assert sorted(nominated) == [303] * 6 + [409] * 10, nominated
    assert sorted(codes[16:]).count(303) == 2, codes[16:]  # only the two seats nobody holds
    with app.app_context():
        per_agency = dict(db.session.execute(select(InvitedAgency.name, InvitedAgency.onsite_used)).all())
        assert per_agency == {"Dinas Kominfo Kota Batam": 3, "Dinas Kominfo Kabupaten Bintan": 3}
        confirmed = db.session.scalar(
            select(func.count()).select_from(Registration).where(Registration.status == "confirmed")
        )
        assert confirmed == 8 == db.session.get(Event, event_id).onsite_taken


def test_release_racing_nominations_keeps_every_seat_accounted_for(make_app):
    from tests.factories import login

    app = make_app(**POOL)
    with app.app_context():
        organizer = make_user("organizer")
        event = make_event(organizer, onsite_capacity=6, online_capacity=0)
        services.configure(event, "both", datetime(2030, 8, 20, tzinfo=UTC), True, user="test")
        token = _agency(event, "Dinas Kominfo Kota Batam", onsite=5)
        event_id = event.id
        staff = app.test_client()
        login(staff, organizer)
        db.session.remove()
    barrier = threading.Barrier(11)

    def nominate(i):
        client = app.test_client()
        barrier.wait()
        return client.post(f"/nominasi/{token}", data=_person(200 + i)).status_code

    def release():
        barrier.wait()
        return staff.post(f"/manage/events/{event_id}/nominasi/lepas").status_code

    with ThreadPoolExecutor(max_workers=11) as pool:
        futures = [pool.submit(nominate, i) for i in range(10)] + [pool.submit(release)]
        codes = [f.result() for f in futures]
    assert codes[-1] == 303 and set(codes[:-1]) <= {303, 409}
    accepted = codes[:-1].count(303)
    assert accepted <= 5
    with app.app_context():
        agency = db.session.scalar(select(InvitedAgency))
        assert agency.released_at is not None and agency.onsite_used == accepted
        confirmed = db.session.scalar(
            select(func.count()).select_from(Registration).where(Registration.status == "confirmed")
        )
        # Every held seat is either a nominee's or back with the event: nothing is lost, nothing oversold.
        assert confirmed == accepted == db.session.get(Event, event_id).onsite_taken
