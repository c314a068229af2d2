"""Object-level authorization over the whole routes table: outsiders never reach an event's data."""

from __future__ import annotations

import re

import pytest

from bimtek.extensions import db
from tests.factories import bearer, make_event, make_registration, make_user, token_for

ID_ARGS = re.compile(r"<(?:int:)?(\w+)>")
# Arguments that address an event or something inside one.
SCOPED = {"event_id", "registration_id", "session_id", "certificate_id", "checkin_id", "job_id", "question_id"}


def scoped_rules(app):
    """Every route whose URL names an event or an event-scoped object, except deliberately public ones."""
    for rule in app.url_map.iter_rules():
        args = set(rule.arguments)
        if not args & SCOPED:
            continue
        view = app.view_functions[rule.endpoint]
        if getattr(view, "public_endpoint", False):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def build_url(rule, values):
    return rule.build({a: values.get(a, 1) for a in rule.arguments}, append_unknown=False)[1]


def call(client, method, url, headers=None):
    kwargs = {"headers": headers or {}}
    if method in ("POST", "PATCH", "PUT"):
        kwargs["json" if url.startswith("/api/") else "data"] = {}
    return client.open(url, method=method, **kwargs)


@pytest.fixture
def world(app):
    owner = make_user("organizer")
    event = make_event(owner)
    reg = make_registration(event)
    outsider = make_user("organizer")
    make_event(outsider)  # the outsider runs another event
    door = make_user("checkin")
    from bimtek.accounts import services

    services.assign(door, event.id)
    db.session.commit()
    values = {"event_id": event.id, "registration_id": reg.id, "session_id": event.sessions[0].id}
    return {"event": event, "values": values, "outsider": outsider, "door": door}


def test_routes_table_is_not_empty(app):
    assert len(list(scoped_rules(app))) >= 10


def test_anonymous_is_refused_everywhere(app, client, world):
    for rule, method in scoped_rules(app):
        url = build_url(rule, world["values"])
        resp = call(client, method, url)
        if url.startswith("/api/"):
            assert resp.status_code == 401, (method, url, resp.status_code)
        else:
            assert resp.status_code in (302, 401), (method, url, resp.status_code)
            if resp.status_code == 302:
                assert "/login" in resp.headers["Location"]


def test_organizer_of_another_event_is_refused_everywhere(app, world):
    page_client = app.test_client()
    page_client.post("/login", data={"email": world["outsider"].email, "password": "correct-horse-battery"})
    api_headers = bearer(token_for(world["outsider"]))
    for rule, method in scoped_rules(app):
        url = build_url(rule, world["values"])
        if url.startswith("/api/"):
            resp = call(app.test_client(), method, url, api_headers)
        else:
            resp = call(page_client, method, url)
        assert resp.status_code in (403, 404), (method, url, resp.status_code)


def test_checkin_staff_only_reach_checkin_routes(app, world):
    page_client = app.test_client()
    page_client.post("/login", data={"email": world["door"].email, "password": "correct-horse-battery"})
    api_headers = bearer(token_for(world["door"]))
    checked = 0
    for rule, method in scoped_rules(app):
        view = app.view_functions[rule.endpoint]
        if getattr(view, "event_permission", "manage") == "checkin":
            continue
        url = build_url(rule, world["values"])
        if url.startswith("/api/"):
            resp = call(app.test_client(), method, url, api_headers)
        else:
            resp = call(page_client, method, url)
        assert resp.status_code in (403, 404), (method, url, resp.status_code)
        checked += 1
    assert checked > 0
