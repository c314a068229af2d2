"""Events in the JSON API."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, jsonify
from flask_babel import gettext as _
from sqlalchemy import select

from bimtek.accounts.access import acting_user, event_view, visible_event_ids
from bimtek.api.base import api_bp, json_body, list_response, page_response, paginate, token_required
from bimtek.api.openapi import PAGING, operation
from bimtek.api.schemas import dump, page_of
from bimtek.core.pagecache import VersionedCache
from bimtek.errors import Invalid
from bimtek.events import services
from bimtek.events.copying import copy_event
from bimtek.events.models import Event
from bimtek.events.schemas import EventCopySchema, EventInputSchema, EventPatchSchema, EventSchema, SessionSchema
from bimtek.extensions import db


def event_json(event: Event) -> dict:
    return dump(EventSchema, event, tz=event.timezone)


@api_bp.get("/events")
@operation("List events", response=page_of(EventSchema), response_text="Events", query=PAGING, errors=(401,))
@token_required
def list_events():
    """Events the token's user may see, newest first."""
    user = acting_user()
    q = select(Event)
    ids = visible_event_ids(user)
    if ids is not None:
        q = q.where(Event.id.in_(ids))
    found = paginate(q.order_by(Event.starts_at.desc()))
    return page_response(found, [event_json(e) for e in found.items])


@api_bp.post("/events")
@operation("Create a draft event", body=EventInputSchema, status=201, response=EventSchema, response_text="Created",
           errors=(400, 401, 403, 422))  # fmt: skip
@token_required
def create_event():
    """Create a draft event (organizers and admins)."""
    user = acting_user()
    if user.role not in ("admin", "organizer"):
        abort(403)
    event = services.create_event(json_body(), user=user)
    db.session.commit()
    return jsonify(event_json(event)), 201


@api_bp.get("/events/<int:event_id>")
@operation("Get an event", response=EventSchema, errors=(401, 403, 404))
@token_required
@event_view("checkin")
def get_event(event):
    """One event with its sessions (the body is rebuilt only when the event, its agenda or its seats change)."""
    cache = current_app.extensions.setdefault("bimtek_event_json", VersionedCache())
    version = (event.status, event.updated_at, event.onsite_taken, event.online_taken)
    body = cache.get_or_build(event.id, version, lambda: event_json(event))
    return jsonify(body)


@api_bp.patch("/events/<int:event_id>")
@operation("Change an event", body=EventPatchSchema, response=EventSchema, errors=(400, 401, 403, 404, 409, 422))
@token_required
@event_view("manage")
def patch_event(event):
    """Change some fields of an event."""
    services.update_event(event, json_body(), user=acting_user())
    db.session.commit()
    return jsonify(event_json(event))


@api_bp.post("/events/<int:event_id>/publish")
@operation("Publish a draft event", response=EventSchema, errors=(401, 403, 404, 409))
@token_required
@event_view("manage")
def publish_event(event):
    """Publish a draft event."""
    services.change_status(event, "publish", user=acting_user())
    db.session.commit()
    return jsonify(event_json(event))


@api_bp.get("/events/<int:event_id>/sessions")
@operation(
    "List an event's sessions", response=page_of(SessionSchema), response_text="Sessions", errors=(401, 403, 404)
)
@token_required
@event_view("checkin")
def list_sessions(event):
    """The agenda of an event."""
    items = dump(SessionSchema, event.sessions, many=True, tz=event.timezone)
    return list_response(items, len(items), 1, max(1, len(items)))


@api_bp.post("/events/<int:event_id>/sessions")
@operation("Add a session", body=SessionSchema, status=201, response=SessionSchema, response_text="Created",
           errors=(400, 401, 403, 404, 422))  # fmt: skip
@token_required
@event_view("manage")
def create_session(event):
    """Add a session to the agenda."""
    session = services.add_session(event, json_body(), user=acting_user())
    db.session.commit()
    return jsonify(dump(SessionSchema, session, tz=event.timezone)), 201


@api_bp.post("/events/<int:event_id>/copy")
@operation("Copy an event as a new draft edition", body=EventCopySchema, status=201, response=EventSchema,
           response_text="The copy, a draft with no participants", errors=(400, 401, 403, 404, 422),
           description="The same copy as the organizer's \"Salin kegiatan\" button and `flask events copy`: details, "
           "sessions and speakers moved to the new start date, form questions, eligibility rule, evaluation and "
           "certificate design. Registrations, check-ins, attendance and certificates are not copied.")  # fmt: skip
@token_required
@event_view("manage")
def copy_event_api(event):
    """Start the next edition from this event (organizers of this event and admins)."""
    body = json_body()
    errors, values = {}, {}
    for name in ("starts_on", "title", "slug"):
        value = body.get(name)
        if value is not None and not isinstance(value, str):
            errors[name] = _("Harus berupa teks.")
        values[name] = value if isinstance(value, str) else ""
    starts_on = None
    if values["starts_on"].strip():
        try:
            starts_on = date.fromisoformat(values["starts_on"].strip())
        except ValueError:
            errors["starts_on"] = _("Tanggal harus berformat TTTT-BB-HH (mis. 2026-08-25).")
    if errors:
        raise Invalid("invalid", _("Periksa kembali isian yang ditandai."), fields=errors)
    copy = copy_event(event, starts_on=starts_on, title=values["title"], slug=values["slug"], user=acting_user())
    db.session.commit()
    return jsonify(event_json(copy)), 201
