"""POST /api/v1/events/{id}/copy: the same copy as the button and the CLI, through the API."""

from __future__ import annotations

from datetime import UTC, datetime

from bimtek.core.models import AuditLog
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.registration.models import Registration
from tests.factories import bearer, make_event, make_registration, make_user, token_for


def test_copy_through_the_api_moves_the_agenda_and_takes_no_people(client):
    organizer = make_user("organizer")
    source = make_event(organizer)
    make_registration(source)
    h = bearer(token_for(organizer))
    resp = client.post(
        f"/api/v1/events/{source.id}/copy",
        json={"starts_on": "2031-08-21", "title": "Bimtek Medsos 2031", "slug": "medsos-batam-2031"},
        headers=h,
    )
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    copy = db.session.get(Event, body["id"])
    assert (body["title"], body["slug"], body["status"]) == ("Bimtek Medsos 2031", "medsos-batam-2031", "draft")
    # The same local time (09.00 WIB) on the new day, shown at the venue; the sessions moved with it.
    assert body["starts_at"] == "2031-08-21T09:00:00+07:00"
    assert copy.starts_at.replace(tzinfo=UTC) == datetime(2031, 8, 21, 2, 0, tzinfo=UTC)
    assert [s["title"] for s in body["sessions"]] == [s.title for s in source.sessions]
    assert body["sessions"][0]["starts_at"].startswith("2031-08-21T")
    assert db.session.query(Registration).filter_by(event_id=copy.id).count() == 0
    assert db.session.query(AuditLog).filter_by(action="event.copy", event_id=copy.id).count() == 1
    # The organizer who copied it may manage the copy.
    assert client.get(f"/api/v1/events/{copy.id}", headers=h).status_code == 200
    # Without a slug the copy gets <code>-<year>, as from the button.
    again = client.post(f"/api/v1/events/{source.id}/copy", json={"starts_on": "2032-08-19"}, headers=h)
    assert again.status_code == 201 and again.get_json()["slug"] == "bimtek-medsos-2032"
    assert again.get_json()["title"] == source.title


def test_copy_is_refused_clearly_and_only_for_the_events_organizers(client):
    organizer, other = make_user("organizer"), make_user("organizer")
    source = make_event(organizer)
    h = bearer(token_for(organizer))
    url = f"/api/v1/events/{source.id}/copy"
    # Someone else's event is not found (ids are not enumerable); a scanner may not copy; no token, 401.
    assert client.post(url, json={"starts_on": "2031-08-21"}, headers=bearer(token_for(other))).status_code == 404
    scanner = make_user("checkin")
    from bimtek.accounts import services as accounts

    accounts.assign(scanner, source.id, actor=organizer)
    db.session.commit()
    assert client.post(url, json={"starts_on": "2031-08-21"}, headers=bearer(token_for(scanner))).status_code == 403
    assert client.post(url, json={"starts_on": "2031-08-21"}).status_code == 401
    for body, field in (
        ({}, "starts_on"),
        ({"starts_on": "besok"}, "starts_on"),
        ({"starts_on": 20310821}, "starts_on"),
        ({"starts_on": "2031-08-21", "slug": "Bukan Slug!"}, "slug"),
        ({"starts_on": "2031-08-21", "slug": source.slug}, "slug"),
    ):
        resp = client.post(url, json=body, headers=h)
        assert resp.status_code == 422, (body, resp.status_code)
        data = resp.get_json()
        assert data["error"] == "invalid" and field in data["fields"], data
    assert client.post(url, data="bukan json", headers=h).status_code == 400
    assert db.session.query(Event).count() == 1
