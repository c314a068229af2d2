"""Materials in the JSON API: list with release state and download counts, add a video link."""

from __future__ import annotations

from flask import jsonify

from bimtek.accounts.access import acting_user, event_view
from bimtek.api import openapi
from bimtek.api.base import api_bp, json_body, token_required
from bimtek.core.time import utcnow
from bimtek.extensions import db
from bimtek.materials import services


@api_bp.get("/events/<int:event_id>/materials")
@token_required
@event_view("manage")
def materials_list(event):
    """The event's materials with their release rule, whether released now, and download counts."""
    now = utcnow()
    return jsonify({"items": [services.material_json(m, event, now) for m in services.materials(event.id)]})


@api_bp.post("/events/<int:event_id>/materials")
@token_required
@event_view("manage")
def materials_create_link(event):
    """Add a video link material (files are uploaded on the page or through a speaker link)."""
    user = acting_user()
    material = services.add_link(event, json_body(), user=user, uploaded_by=user.email)
    db.session.commit()
    return jsonify(services.material_json(material, event, utcnow())), 201


_sec = [{"bearer": []}]
_eid = [{"name": "event_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
openapi.schema("Material", {"type": "object", "required": ["title"], "properties": {
    "id": {"type": "integer", "readOnly": True}, "title": {"type": "string"},
    "kind": {"type": "string", "enum": ["file", "link"], "readOnly": True},
    "session_id": {"type": "integer", "nullable": True},
    "release": {"type": "string", "enum": ["now", "after_session", "never"]}, "public": {"type": "boolean"},
    "released": {"type": "boolean", "readOnly": True}, "size": {"type": "integer", "readOnly": True},
    "filename": {"type": "string", "nullable": True, "readOnly": True}, "url": {"type": "string", "nullable": True},
    "download_count": {"type": "integer", "readOnly": True},
    "created_at": {"type": "string", "format": "date-time", "readOnly": True}}})  # fmt: skip
openapi.document("/events/{event_id}/materials", "get", {
    "summary": "An event's materials", "security": _sec, "parameters": _eid,
    "responses": {"200": openapi.json_response("Materials", {"type": "object", "properties": {
        "items": {"type": "array", "items": openapi.ref("Material")}}}), **openapi.errors(401, 403, 404)},
})  # fmt: skip
openapi.document("/events/{event_id}/materials", "post", {
    "summary": "Add a video link material", "security": _sec, "parameters": _eid,
    "requestBody": {"required": True, "content": {"application/json": {"schema": openapi.ref("Material")}}},
    "responses": {"201": openapi.json_response("Created", openapi.ref("Material")),
                  **openapi.errors(400, 401, 403, 404, 422)},
})  # fmt: skip
