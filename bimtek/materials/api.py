"""Materials in the JSON API: list with release state and download counts, add a video link."""

from __future__ import annotations

from flask import jsonify

from bimtek.accounts.access import acting_user, event_view
from bimtek.api.base import api_bp, json_body, token_required
from bimtek.api.openapi import operation
from bimtek.api.schemas import dump
from bimtek.core.time import utcnow
from bimtek.extensions import db
from bimtek.materials import services
from bimtek.materials.schemas import MaterialListSchema, MaterialSchema


@api_bp.get("/events/<int:event_id>/materials")
@operation("An event's materials", response=MaterialListSchema, response_text="Materials", errors=(401, 403, 404))
@token_required
@event_view("manage")
def materials_list(event):
    """The event's materials with their release rule, whether released now, and download counts."""
    now = utcnow()
    items = dump(MaterialSchema, services.materials(event.id), many=True, event=event, now=now)
    return jsonify({"items": items})


@api_bp.post("/events/<int:event_id>/materials")
@operation("Add a video link material", body=MaterialSchema, status=201, response=MaterialSchema, response_text="Created",
           errors=(400, 401, 403, 404, 422))  # fmt: skip
@token_required
@event_view("manage")
def materials_create_link(event):
    """Add a video link material (files are uploaded on the page or through a speaker link)."""
    user = acting_user()
    material = services.add_link(event, json_body(), user=user, uploaded_by=user.email)
    db.session.commit()
    return jsonify(dump(MaterialSchema, material, event=event, now=utcnow())), 201
