"""Events in the JSON API."""

from __future__ import annotations

from flask import abort, current_app, jsonify
from sqlalchemy import select

from bimtek.accounts.access import acting_user, event_view, visible_event_ids
from bimtek.api import openapi
from bimtek.api.base import api_bp, json_body, list_response, page_response, paginate, token_required
from bimtek.core.pagecache import VersionedCache
from bimtek.events import services
from bimtek.events.models import Event
from bimtek.extensions import db


@api_bp.get("/events")
@token_required
def list_events():
    """Events the token's user may see, newest first."""
    user = acting_user()
    q = select(Event)
    ids = visible_event_ids(user)
    if ids is not None:
        q = q.where(Event.id.in_(ids))
    found = paginate(q.order_by(Event.starts_at.desc()))
    return page_response(found, [services.event_json(e, private=True) for e in found.items])


@api_bp.post("/events")
@token_required
def create_event():
    """Create a draft event (organizers and admins)."""
    user = acting_user()
    if user.role not in ("admin", "organizer"):
        abort(403)
    event = services.create_event(json_body(), user=user)
    db.session.commit()
    return jsonify(services.event_json(event, private=True)), 201


@api_bp.get("/events/<int:event_id>")
@token_required
@event_view("checkin")
def get_event(event):
    """One event with its sessions (the body is rebuilt only when the event, its agenda or its seats change)."""
    cache = current_app.extensions.setdefault("bimtek_event_json", VersionedCache())
    version = (event.status, event.updated_at, event.onsite_taken, event.online_taken)
    body = cache.get_or_build(event.id, version, lambda: services.event_json(event, private=True))
    return jsonify(body)


@api_bp.patch("/events/<int:event_id>")
@token_required
@event_view("manage")
def patch_event(event):
    """Change some fields of an event."""
    services.update_event(event, json_body(), user=acting_user())
    db.session.commit()
    return jsonify(services.event_json(event, private=True))


@api_bp.post("/events/<int:event_id>/publish")
@token_required
@event_view("manage")
def publish_event(event):
    """Publish a draft event."""
    services.change_status(event, "publish", user=acting_user())
    db.session.commit()
    return jsonify(services.event_json(event, private=True))


@api_bp.get("/events/<int:event_id>/sessions")
@token_required
@event_view("checkin")
def list_sessions(event):
    """The agenda of an event."""
    items = [services.session_json(s, event.timezone) for s in event.sessions]
    return list_response(items, len(items), 1, max(1, len(items)))


@api_bp.post("/events/<int:event_id>/sessions")
@token_required
@event_view("manage")
def create_session(event):
    """Add a session to the agenda."""
    session = services.add_session(event, json_body(), user=acting_user())
    db.session.commit()
    return jsonify(services.session_json(session, event.timezone)), 201


_dt = {"type": "string", "format": "date-time"}
_speaker = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string"},
        "institution": {"type": "string"},
        "role": {"type": "string", "enum": ["narasumber", "moderator"]},
    },
}
openapi.schema(
    "Session",
    {
        "type": "object",
        "required": ["title", "starts_at", "ends_at"],
        "properties": {
            "id": {"type": "integer", "readOnly": True},
            "title": {"type": "string"},
            "starts_at": _dt,
            "ends_at": _dt,
            "jp": {"type": "number"},
            "speakers": {"type": "array", "items": _speaker},
        },
    },
)
_event_props = {
    "title": {"type": "string"},
    "code": {"type": "string", "example": "BIMTEK-MEDSOS"},
    "description": {"type": "string"},
    "organizer_unit": {"type": "string"},
    "venue_name": {"type": "string"},
    "venue_address": {"type": "string"},
    "city": {"type": "string"},
    "province_code": {"type": "string", "example": "21"},
    "timezone": {"type": "string", "enum": list(services.TIMEZONES)},
    "starts_at": _dt,
    "ends_at": _dt,
    "registration_opens_at": {**_dt, "nullable": True},
    "registration_closes_at": {**_dt, "nullable": True},
    "onsite_capacity": {"type": "integer"},
    "online_capacity": {"type": "integer"},
    "zoom_join_url": {"type": "string"},
    "zoom_meeting_id": {"type": "string"},
    "zoom_passcode": {"type": "string"},
    "approval_required": {"type": "boolean"},
}
openapi.schema("EventInput", {"type": "object", "required": ["title", "code", "starts_at", "ends_at"],
                              "properties": _event_props})  # fmt: skip
openapi.schema(
    "Event",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "slug": {"type": "string"},
            "status": {"type": "string", "enum": ["draft", "published", "closed", "archived"]},
            **_event_props,
            "onsite_seats_left": {"type": "integer"},
            "online_seats_left": {"type": "integer"},
            "sessions": {"type": "array", "items": openapi.ref("Session")},
        },
    },
)
_sec = [{"bearer": []}]
_eid = [{"name": "event_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
_paging = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
]
_event_body = {"required": True, "content": {"application/json": {"schema": openapi.ref("EventInput")}}}
openapi.document("/events", "get", {
    "summary": "List events", "security": _sec, "parameters": _paging,
    "responses": {"200": openapi.json_response("Events", openapi.list_of("Event")), **openapi.errors(401)},
})  # fmt: skip
openapi.document("/events", "post", {
    "summary": "Create a draft event", "security": _sec, "requestBody": _event_body,
    "responses": {"201": openapi.json_response("Created", openapi.ref("Event")), **openapi.errors(400, 401, 403, 422)},
})  # fmt: skip
openapi.document("/events/{event_id}", "get", {
    "summary": "Get an event", "security": _sec, "parameters": _eid,
    "responses": {"200": openapi.json_response("Event", openapi.ref("Event")), **openapi.errors(401, 403, 404)},
})  # fmt: skip
openapi.document("/events/{event_id}", "patch", {
    "summary": "Change an event", "security": _sec, "parameters": _eid,
    "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object",
                    "properties": _event_props}}}},
    "responses": {"200": openapi.json_response("Event", openapi.ref("Event")),
                  **openapi.errors(400, 401, 403, 404, 409, 422)},
})  # fmt: skip
openapi.document("/events/{event_id}/publish", "post", {
    "summary": "Publish a draft event", "security": _sec, "parameters": _eid,
    "responses": {"200": openapi.json_response("Event", openapi.ref("Event")), **openapi.errors(401, 403, 404, 409)},
})  # fmt: skip
openapi.document("/events/{event_id}/sessions", "get", {
    "summary": "List an event's sessions", "security": _sec, "parameters": _eid,
    "responses": {"200": openapi.json_response("Sessions", openapi.list_of("Session")), **openapi.errors(401, 403, 404)},
})  # fmt: skip
openapi.document("/events/{event_id}/sessions", "post", {
    "summary": "Add a session", "security": _sec, "parameters": _eid,
    "requestBody": {"required": True, "content": {"application/json": {"schema": openapi.ref("Session")}}},
    "responses": {"201": openapi.json_response("Created", openapi.ref("Session")),
                  **openapi.errors(400, 401, 403, 404, 422)},
})  # fmt: skip
